"""Write endpoints: effects, persistence across instances and processes, and refusals (§5.1–§5.7)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.store import StateStore

NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000
SUBS = "/payments/api/v1/subscriptions"


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path)


@pytest.fixture
def api(store: StateStore) -> HotmartApi:
    return HotmartApi(store, seed=7, now_ms=NOW_MS)


def data(store: StateStore) -> Any:
    return load_dataset(store, seed=7, now_ms=NOW_MS)


def sale_where(store: StateStore, test: Any) -> dict[str, Any]:
    return next(sale for sale in data(store).sales if test(sale["purchase"]))


def subscription_where(store: StateStore, test: Any) -> dict[str, Any]:
    return next(item for item in data(store).subscriptions if test(item))


# -- refunds -------------------------------------------------------------------------------------


def test_refund_of_a_recent_approved_sale_marks_it_refunded_for_every_later_reader(store: StateStore) -> None:
    sale = sale_where(
        store,
        lambda p: (
            p["status"] == "APPROVED" and p["price"]["value"] > 0 and p["payment"]["type"] != "DIRECT_DEBIT"
        ),
    )
    transaction = sale["purchase"]["transaction"]
    response = HotmartApi(store, seed=7, now_ms=NOW_MS).handle(
        "PUT", f"/payments/api/v1/sales/{transaction}/refund"
    )
    assert (response.status, response.body) == (200, {})
    other_process_view = HotmartApi(store, seed=7, now_ms=NOW_MS)
    body = other_process_view.handle(
        "GET", "/payments/api/v1/sales/history", {"transaction": [transaction]}
    ).body
    assert body["items"][0]["purchase"]["status"] == "REFUNDED"
    assert data(store).sale(transaction)["purchase"]["status"] == "REFUNDED"


def test_refunding_twice_is_refused_with_400_invalid_status(api: HotmartApi, store: StateStore) -> None:
    sale = sale_where(
        store,
        lambda p: (
            p["status"] == "APPROVED" and p["price"]["value"] > 0 and p["payment"]["type"] != "DIRECT_DEBIT"
        ),
    )
    path = f"/payments/api/v1/sales/{sale['purchase']['transaction']}/refund"
    assert api.handle("PUT", path).status == 200
    again = api.handle("PUT", path)
    assert (again.status, again.body["error"]) == (400, "invalid_status")


def test_refund_of_a_pending_sale_is_refused_with_400(api: HotmartApi, store: StateStore) -> None:
    sale = sale_where(store, lambda p: p["status"] == "WAITING_PAYMENT")
    response = api.handle("PUT", f"/payments/api/v1/sales/{sale['purchase']['transaction']}/refund")
    assert (response.status, response.body["error"]) == (400, "invalid_status")
    assert data(store).sale(sale["purchase"]["transaction"])["purchase"]["status"] == "WAITING_PAYMENT"


def test_refund_after_the_30_day_window_is_refused(api: HotmartApi, store: StateStore) -> None:
    sale = sale_where(
        store, lambda p: p["status"] == "COMPLETE" and p["approved_date"] < NOW_MS - 60 * DAY_MS
    )
    response = api.handle("PUT", f"/payments/api/v1/sales/{sale['purchase']['transaction']}/refund")
    assert (response.status, response.body["error"]) == (400, "refund_not_allowed")


def test_refund_of_a_subscription_in_trial_is_refused(api: HotmartApi, store: StateStore) -> None:
    trial = subscription_where(store, lambda item: item["trial"])
    response = api.handle("PUT", f"/payments/api/v1/sales/{trial['transaction']}/refund")
    assert (response.status, response.body["error"]) == (400, "refund_not_allowed")


def test_refund_of_an_unknown_transaction_is_404(api: HotmartApi) -> None:
    response = api.handle("PUT", "/payments/api/v1/sales/HP0000000000/refund")
    assert (response.status, response.body["error"]) == (404, "not_found")


# -- boleto ---------------------------------------------------------------------------------------


def test_a_new_boleto_can_be_issued_for_an_unpaid_boleto_sale_only(
    api: HotmartApi, store: StateStore
) -> None:
    unpaid = sale_where(store, lambda p: p["status"] == "PRINTED_BILLET")
    first = api.handle("PUT", f"/payments/api/v1/sales/{unpaid['purchase']['transaction']}/billet")
    second = api.handle("PUT", f"/payments/api/v1/sales/{unpaid['purchase']['transaction']}/billet")
    assert first.status == second.status == 200
    assert first.body["billet_url"].startswith("https://") and first.body != second.body
    card = sale_where(store, lambda p: p["payment"]["type"] == "CREDIT_CARD")
    assert api.handle("PUT", f"/payments/api/v1/sales/{card['purchase']['transaction']}/billet").status == 400


# -- cancel / reactivate ------------------------------------------------------------------------


def test_cancel_makes_the_subscription_cancelled_by_seller_and_answers_with_date_strings(
    api: HotmartApi, store: StateStore
) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE" and not item["trial"])
    code = active["subscriber_code"]
    response = api.handle("POST", f"{SUBS}/{code}/cancel", body='{"send_mail": false}')
    assert response.status == 200
    assert response.body["subscriber_code"] == code and response.body["status"] == "INACTIVE"
    assert len(response.body["creation_date"]) == 19 and response.body["creation_date"][10] == " "
    assert response.body["shopper"]["email"] == active["subscriber"]["email"]
    after = data(store).subscription(code)
    assert after["status"] == "CANCELLED_BY_SELLER"
    assert after["end_accession_date"] == NOW_MS and "date_next_charge" not in after
    again = api.handle("POST", f"{SUBS}/{code}/cancel", body={})
    assert again.status == 400


def test_cancel_rejects_a_send_mail_that_is_not_a_boolean(api: HotmartApi, store: StateStore) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE")
    response = api.handle("POST", f"{SUBS}/{active['subscriber_code']}/cancel", body={"send_mail": "yes"})
    assert (response.status, response.body["error"]) == (400, "invalid_parameter")


def test_reactivate_leaves_the_subscription_inactive_until_the_subscriber_accepts(
    api: HotmartApi, store: StateStore
) -> None:
    cancelled = subscription_where(store, lambda item: item["status"] == "CANCELLED_BY_CUSTOMER")
    code = cancelled["subscriber_code"]
    response = api.handle("POST", f"{SUBS}/{code}/reactivate", body={"charge": False})
    assert response.status == 200 and response.body["status"] == "INACTIVE"
    assert data(store).subscription(code)["status"] == "INACTIVE"
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE")
    refused = api.handle("POST", f"{SUBS}/{active['subscriber_code']}/reactivate")
    assert (refused.status, refused.body["error"]) == (400, "SUBSCRIPTION_ALREADY_ACTIVE")


def test_bulk_cancel_reports_successes_and_per_item_failures(api: HotmartApi, store: StateStore) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE")["subscriber_code"]
    cancelled = subscription_where(store, lambda item: item["status"] == "CANCELLED_BY_ADMIN")[
        "subscriber_code"
    ]
    body = {"subscriber_code": [active, cancelled, "NOSUCH00", active], "send_mail": False}
    response = api.handle("POST", f"{SUBS}/cancel", body=body)
    assert response.status == 200
    assert [item["subscriber_code"] for item in response.body["success_subscriptions"]] == [active]
    failures = {(item["subscriber_code"], item["error"]) for item in response.body["fail_subscriptions"]}
    assert failures == {
        (cancelled, "SUBSCRIPTION_ALREADY_CANCELED_OR_OVERDUE"),
        ("NOSUCH00", "SUBSCRIPTION_NOT_FOUND"),
        (active, "SUBSCRIPTION_ALREADY_CANCELED_OR_OVERDUE"),
    }
    assert data(store).subscription(active)["status"] == "CANCELLED_BY_SELLER"


def test_bulk_reactivate_refuses_active_subscriptions_per_item(api: HotmartApi, store: StateStore) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE")["subscriber_code"]
    inactive = subscription_where(store, lambda item: item["status"] == "CANCELLED_BY_SELLER")[
        "subscriber_code"
    ]
    response = api.handle(
        "POST", f"{SUBS}/reactivate", body={"subscriber_code": [active, inactive], "charge": False}
    )
    assert [item["subscriber_code"] for item in response.body["success_subscriptions"]] == [inactive]
    assert response.body["fail_subscriptions"] == [
        {"subscriber_code": active, "error": "SUBSCRIPTION_ALREADY_ACTIVE"}
    ]


def test_bulk_endpoints_need_a_list_of_codes(api: HotmartApi) -> None:
    for body in ({}, {"subscriber_code": "ABCDEFGH"}, {"subscriber_code": []}):
        assert api.handle("POST", f"{SUBS}/cancel", body=body).status == 400


# -- due day --------------------------------------------------------------------------------------


def test_changing_the_due_day_answers_200_with_an_empty_body_and_is_remembered(
    api: HotmartApi, store: StateStore
) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE" and not item["trial"])
    code = active["subscriber_code"]
    response = api.handle("PATCH", f"{SUBS}/{code}", body={"due_day": 15})
    assert (response.status, response.body) == (200, None)
    assert data(store).due_day(code) == 15
    cancelled = api.handle("POST", f"{SUBS}/{code}/cancel", body={"send_mail": False}).body
    assert cancelled["due_day"] == 15


def test_due_day_in_trial_is_refused_with_subscription_in_trial_period(
    api: HotmartApi, store: StateStore
) -> None:
    trial = subscription_where(store, lambda item: item["trial"])
    response = api.handle("PATCH", f"{SUBS}/{trial['subscriber_code']}", body={"due_day": 10})
    assert (response.status, response.body["error"]) == (400, "subscription_in_trial_period")


@pytest.mark.parametrize("due_day", [0, 32, "10", True, None])
def test_due_day_out_of_range_or_not_an_integer_is_400(
    api: HotmartApi, store: StateStore, due_day: Any
) -> None:
    active = subscription_where(store, lambda item: item["status"] == "ACTIVE" and not item["trial"])
    response = api.handle("PATCH", f"{SUBS}/{active['subscriber_code']}", body={"due_day": due_day})
    assert (response.status, response.body["error"]) == (400, "invalid_parameter")


def test_due_day_of_a_cancelled_subscription_is_refused(api: HotmartApi, store: StateStore) -> None:
    cancelled = subscription_where(store, lambda item: item["status"] == "CANCELLED_BY_CUSTOMER")
    assert api.handle("PATCH", f"{SUBS}/{cancelled['subscriber_code']}", body={"due_day": 5}).status == 400


# -- coupons --------------------------------------------------------------------------------------


def course_id(store: StateStore) -> int:
    return next(p["id"] for p in data(store).products if p["format"] == "ONLINE_COURSE")


def list_codes(api: HotmartApi, product_id: int) -> dict[str, int]:
    body = api.handle("GET", f"/products/api/v1/coupon/product/{product_id}", {"max_results": ["500"]}).body
    return {item["coupon_code"]: item["id"] for item in body["items"]}


def test_a_created_coupon_appears_in_the_list_with_a_new_numeric_id_and_can_be_deleted(
    api: HotmartApi, store: StateStore
) -> None:
    product_id = course_id(store)
    before = list_codes(api, product_id)
    created = api.handle(
        "POST", f"/products/api/v1/product/{product_id}/coupon", body={"code": "SPRING25", "discount": 0.25}
    )
    assert (created.status, created.body) == (200, {})
    after = list_codes(api, product_id)
    assert set(after) - set(before) == {"SPRING25"}
    assert after["SPRING25"] not in before.values()
    deleted = api.handle("DELETE", f"/products/api/v1/coupon/{after['SPRING25']}")
    assert (deleted.status, deleted.body) == (200, {})
    assert list_codes(api, product_id) == before
    assert api.handle("DELETE", f"/products/api/v1/coupon/{after['SPRING25']}").status == 404


@pytest.mark.parametrize(
    "body",
    [
        {"code": "WELCOME10", "discount": 0.2},
        {"code": "welcome10", "discount": 0.2},
        {"code": "X" * 26, "discount": 0.2},
        {"code": "", "discount": 0.2},
        {"code": "FINE", "discount": 0.99},
        {"code": "FINE", "discount": 0},
        {"code": "FINE", "discount": "0.1"},
        {"discount": 0.1},
        {"code": "FINE", "discount": 0.1, "start_date": 2000, "end_date": 1000},
        {"code": "FINE", "discount": 0.1, "offer_ids": ["nooffer1"]},
    ],
)
def test_invalid_or_duplicate_coupons_are_refused_with_400(
    api: HotmartApi, store: StateStore, body: Any
) -> None:
    product_id = course_id(store)
    before = list_codes(api, product_id)
    response = api.handle("POST", f"/products/api/v1/product/{product_id}/coupon", body=body)
    assert (response.status, response.body["error"]) == (400, "invalid_parameter")
    assert list_codes(api, product_id) == before


def test_a_coupon_for_an_unknown_product_is_404(api: HotmartApi) -> None:
    response = api.handle(
        "POST", "/products/api/v1/product/1234567/coupon", body={"code": "X1", "discount": 0.1}
    )
    assert response.status == 404


def test_a_body_that_is_not_valid_json_is_400_invalid_parameter(api: HotmartApi, store: StateStore) -> None:
    response = api.handle("POST", f"/products/api/v1/product/{course_id(store)}/coupon", body="{code: 1")
    assert (response.status, response.body["error"]) == (400, "invalid_parameter")


def test_concurrent_processes_creating_coupons_lose_no_write(store: StateStore) -> None:
    product_id = course_id(store)
    script = textwrap.dedent(
        """
        import sys
        from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi
        from hotmart_membrane_mcp.sandbox.store import StateStore
        api = HotmartApi(StateStore(sys.argv[1]), seed=7, now_ms=int(sys.argv[2]))
        response = api.handle("POST", f"/products/api/v1/product/{sys.argv[3]}/coupon",
                              body={"code": sys.argv[4], "discount": 0.1})
        sys.exit(0 if response.status == 200 else 1)
        """
    )
    codes = [f"PARALLEL{index}" for index in range(8)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(store.directory), str(NOW_MS), str(product_id), code]
        )
        for code in codes
    ]
    assert [process.wait(timeout=60) for process in processes] == [0] * 8
    listed = list_codes(HotmartApi(store, seed=7, now_ms=NOW_MS), product_id)
    assert set(codes) <= set(listed)
    assert len({listed[code] for code in codes}) == 8


# -- negotiation ----------------------------------------------------------------------------------


def overdue_brl(store: StateStore) -> tuple[dict[str, Any], list[int]]:
    current = data(store)
    item = next(
        s for s in current.subscriptions if s["status"] == "OVERDUE" and s["price"]["currency_code"] == "BRL"
    )
    recurrences = current.subscription_detail(item["subscriber_code"]).recurrences
    return item, [r.number for r in recurrences[-2:]]


def test_negotiating_overdue_recurrences_returns_a_pix_or_a_boleto(
    api: HotmartApi, store: StateStore
) -> None:
    item, unpaid = overdue_brl(store)
    pix = api.handle(
        "POST",
        "/payments/api/v1/installments/negotiate",
        body={"subscription_id": item["subscription_id"], "recurrences": unpaid, "payment_type": "PIX"},
    )
    assert pix.status == 200
    assert pix.body["subscription_id"] == item["subscription_id"]
    assert pix.body["payment"]["type"] == "PIX" and pix.body["payment"]["pix_code"]
    assert pix.body["payment"]["expiration_date"] > NOW_MS
    billet = api.handle(
        "POST",
        "/payments/api/v1/installments/negotiate",
        body={
            "subscription_id": item["subscription_id"],
            "recurrences": unpaid[:1],
            "payment_type": "BILLET",
            "document": "12345678901",
            "discount": {"type": "CUSTOM", "value": 5},
        },
    )
    assert billet.status == 200 and billet.body["payment"]["billet_barcode"]
    assert billet.body["transaction"] != pix.body["transaction"]


def test_negotiation_bodies_are_validated(api: HotmartApi, store: StateStore) -> None:
    item, unpaid = overdue_brl(store)
    good = {"subscription_id": item["subscription_id"], "recurrences": unpaid, "payment_type": "PIX"}
    bad_bodies = [
        {**good, "subscription_id": str(item["subscription_id"])},
        {**good, "recurrences": []},
        {**good, "recurrences": [1, 2, 3, 4, 5, 6]},
        {**good, "payment_type": "CREDIT_CARD"},
        {**good, "payment_type": "BILLET"},
        {**good, "discount": {"type": "PERCENT", "value": 10}},
        {**good, "recurrences": [1]},
    ]
    for body in bad_bodies:
        response = api.handle("POST", "/payments/api/v1/installments/negotiate", body=body)
        assert (response.status, response.body["error"]) == (400, "invalid_parameter"), body
    active = subscription_where(
        store, lambda s: s["status"] == "ACTIVE" and s["price"]["currency_code"] == "BRL"
    )
    response = api.handle(
        "POST",
        "/payments/api/v1/installments/negotiate",
        body={**good, "subscription_id": active["subscription_id"], "recurrences": [1]},
    )
    assert response.status == 400
    assert (
        api.handle(
            "POST", "/payments/api/v1/installments/negotiate", body={**good, "subscription_id": 1}
        ).status
        == 404
    )
