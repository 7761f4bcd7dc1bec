"""Subscription read endpoints: windows, filters, summary, purchases, transactions (§5.2)."""

from __future__ import annotations

from typing import Any

from hotmart_calls import NOW_MS, get

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi

DAY_MS = 86_400_000
SUBS = "/payments/api/v1/subscriptions"


def test_by_default_only_subscriptions_joined_in_the_last_30_days_are_listed(
    api: HotmartApi, data: Any
) -> None:
    body = get(api, SUBS, max_results=500).body
    expected = [item for item in data.subscriptions if item["accession_date"] >= NOW_MS - 30 * DAY_MS]
    assert 0 < body["page_info"]["total_results"] == len(expected) < len(data.subscriptions)
    assert all(item["accession_date"] >= NOW_MS - 30 * DAY_MS for item in body["items"])


def test_an_explicit_accession_window_reaches_older_subscriptions(api: HotmartApi, data: Any) -> None:
    body = get(api, SUBS, max_results=500, accession_date=0).body
    assert body["page_info"]["total_results"] == len(data.subscriptions)
    start, end = NOW_MS - 200 * DAY_MS, NOW_MS - 100 * DAY_MS
    window = get(api, SUBS, max_results=500, accession_date=start, end_accession_date=end).body
    expected = sum(1 for item in data.subscriptions if start <= item["accession_date"] <= end)
    assert window["page_info"]["total_results"] == expected > 0


def test_a_subscriber_code_is_found_whatever_its_age(api: HotmartApi, data: Any) -> None:
    oldest = min(data.subscriptions, key=lambda item: item["accession_date"])
    body = get(api, SUBS, subscriber_code=oldest["subscriber_code"]).body
    assert [item["subscriber_code"] for item in body["items"]] == [oldest["subscriber_code"]]


def test_status_filter_repeats_and_rejects_unknown_values(api: HotmartApi, data: Any) -> None:
    body = get(api, SUBS, max_results=500, accession_date=0, status=["DELAYED", "OVERDUE"]).body
    expected = sum(1 for item in data.subscriptions if item["status"] in ("DELAYED", "OVERDUE"))
    assert body["page_info"]["total_results"] == expected > 0
    assert get(api, SUBS, status="CANCELLED_BY_BUYER").status == 400


def test_trial_and_plan_filters(api: HotmartApi, data: Any) -> None:
    trials = get(api, SUBS, max_results=500, accession_date=0, trial="true").body["items"]
    assert trials and all(item["trial"] for item in trials)
    annual = get(api, SUBS, max_results=500, accession_date=0, plan="Annual plan").body["items"]
    assert annual and all(item["plan"]["name"] == "Annual plan" for item in annual)


def test_cancelation_window_lists_only_cancelled_subscriptions(api: HotmartApi) -> None:
    body = get(
        api, SUBS, max_results=500, accession_date=0, cancelation_date=0, end_cancelation_date=NOW_MS
    ).body
    assert body["items"] and all(item["status"].startswith("CANCELLED") for item in body["items"])


def test_summary_reports_last_recurrency_and_unpaid_ones(api: HotmartApi, data: Any) -> None:
    overdue = next(item for item in data.subscriptions if item["status"] == "OVERDUE")
    item = get(api, f"{SUBS}/summary", subscriber_code=overdue["subscriber_code"]).body["items"][0]
    assert item["last_recurrency"]["status"] == "NOT_PAID"
    assert len(item["unpaid_recurrencies"]) == 2
    assert item["lifetime"] >= 90
    assert item["product"]["id"] == overdue["product"]["id"]


def test_purchases_is_a_bare_array_of_the_subscription_charges(api: HotmartApi, data: Any) -> None:
    item = next(s for s in data.subscriptions if s["status"] == "ACTIVE" and not s["trial"])
    response = get(api, f"{SUBS}/{item['subscriber_code']}/purchases")
    assert response.status == 200
    assert isinstance(response.body, list) and response.body
    assert response.body[0]["transaction"] == item["transaction"]
    assert [p["recurrency_number"] for p in response.body] == list(range(1, len(response.body) + 1))
    assert all(p["purchase_subscription"] is True for p in response.body)


def test_purchases_of_an_unknown_subscriber_is_404(api: HotmartApi) -> None:
    response = get(api, f"{SUBS}/NOSUCH00/purchases")
    assert response.status == 404
    assert response.body["error"] == "not_found"


def test_transactions_default_to_charges_of_the_last_30_days(api: HotmartApi) -> None:
    items, token = [], None
    while True:
        body = get(
            api, f"{SUBS}/transactions", max_results=500, **({"page_token": token} if token else {})
        ).body
        items += body["items"]
        token = body["page_info"].get("next_page_token")
        if not token:
            break
    assert items
    assert all(item["purchase"]["order_date"] >= NOW_MS - 30 * DAY_MS for item in items)
    assert "total_results" not in body["page_info"]


def test_transactions_of_an_old_charge_are_found_by_transaction(api: HotmartApi, data: Any) -> None:
    old = next(s for s in data.subscriptions if s["accession_date"] < NOW_MS - 200 * DAY_MS)
    body = get(api, f"{SUBS}/transactions", transaction=old["transaction"]).body
    assert [item["purchase"]["transaction"] for item in body["items"]] == [old["transaction"]]
    assert body["items"][0]["subscriber_code"] == old["subscriber_code"]


def test_transactions_accept_the_cancelled_shorthand_for_subscription_status(api: HotmartApi) -> None:
    body = get(
        api, f"{SUBS}/transactions", max_results=500, transaction_date=0, subscription_status="CANCELLED"
    ).body
    assert body["items"] and all(item["status"].startswith("CANCELLED_BY_") for item in body["items"])
