"""Sales read endpoints: filters, default status filter, summary and the per-sale views (§5.1)."""

from __future__ import annotations

from typing import Any

import pytest
from hotmart_calls import NOW_MS, get

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, sales_ground_truth

DAY_MS = 86_400_000
SALES = "/payments/api/v1/sales"


def test_without_a_status_filter_only_approved_and_complete_sales_are_listed(
    api: HotmartApi, data: Any
) -> None:
    body = get(api, f"{SALES}/history", max_results=500).body
    assert {item["purchase"]["status"] for item in body["items"]} == {"APPROVED", "COMPLETE"}
    assert body["page_info"]["total_results"] == sales_ground_truth(data, 0, NOW_MS)["count"]


def test_transaction_status_may_repeat_or_be_comma_separated(api: HotmartApi, data: Any) -> None:
    repeated = get(
        api, f"{SALES}/history", max_results=500, transaction_status=["REFUNDED", "CHARGEBACK"]
    ).body
    commas = get(api, f"{SALES}/history", max_results=500, transaction_status="REFUNDED,CHARGEBACK").body
    expected = sales_ground_truth(data, 0, NOW_MS, ["REFUNDED", "CHARGEBACK"])["count"]
    assert repeated["page_info"]["total_results"] == commas["page_info"]["total_results"] == expected > 0
    assert {item["purchase"]["status"] for item in repeated["items"]} == {"REFUNDED", "CHARGEBACK"}


def test_an_unknown_status_is_400_invalid_parameter(api: HotmartApi) -> None:
    response = get(api, f"{SALES}/history", transaction_status="CANCELLED_BY_BUYER")
    assert response.status == 400
    assert response.body["error"] == "invalid_parameter"
    assert response.body["error_description"].startswith("The request was unacceptable")


def test_asking_for_a_transaction_lifts_the_default_status_filter(api: HotmartApi, data: Any) -> None:
    pending = next(sale for sale in data.sales if sale["purchase"]["status"] == "WAITING_PAYMENT")
    transaction = pending["purchase"]["transaction"]
    body = get(api, f"{SALES}/history", transaction=transaction).body
    assert [item["purchase"]["transaction"] for item in body["items"]] == [transaction]


def test_date_filters_are_inclusive_epoch_ms_on_the_order_date(api: HotmartApi, data: Any) -> None:
    sale = data.sales[100]
    moment = sale["purchase"]["order_date"]
    body = get(
        api,
        f"{SALES}/history",
        start_date=moment,
        end_date=moment,
        transaction_status=sale["purchase"]["status"],
    ).body
    assert sale["purchase"]["transaction"] in {item["purchase"]["transaction"] for item in body["items"]}
    assert all(item["purchase"]["order_date"] == moment for item in body["items"])
    start, end = NOW_MS - 90 * DAY_MS, NOW_MS - 60 * DAY_MS
    window = get(api, f"{SALES}/history", start_date=start, end_date=end).body
    assert window["page_info"]["total_results"] == sales_ground_truth(data, start, end)["count"]


def test_a_date_that_is_not_epoch_ms_is_400_invalid_value_parameter(api: HotmartApi) -> None:
    response = get(api, f"{SALES}/history", start_date="2026-01-01")
    assert response.status == 400
    assert response.body["error"] == "invalid_value_parameter"


def test_product_buyer_and_payment_filters_narrow_the_result(api: HotmartApi, data: Any) -> None:
    sale = next(
        s
        for s in data.sales
        if s["purchase"]["status"] == "COMPLETE" and s["purchase"]["payment"]["type"] == "PIX"
    )
    email = sale["buyer"]["email"].upper()
    body = get(
        api, f"{SALES}/history", buyer_email=email, product_id=sale["product"]["id"], payment_type="PIX"
    ).body
    assert body["items"]
    assert all(item["buyer"]["email"] == sale["buyer"]["email"] for item in body["items"])
    assert all(item["product"]["id"] == sale["product"]["id"] for item in body["items"])
    assert get(api, f"{SALES}/history", payment_type="BITCOIN").status == 400


def test_summary_totals_the_producer_commission_per_currency_not_gross_sales(
    api: HotmartApi, data: Any
) -> None:
    start, end = NOW_MS - 30 * DAY_MS, NOW_MS
    items = get(api, f"{SALES}/summary", start_date=start, end_date=end).body["items"]
    truth = sales_ground_truth(data, start, end)
    assert {item["total_value"]["currency_code"] for item in items} == set(truth["by_currency"])
    for item in items:
        row = truth["by_currency"][item["total_value"]["currency_code"]]
        assert item["total_items"] == row["count"]
        assert item["total_value"]["value"] == pytest.approx(row["commission"], abs=0.011)
        assert item["total_value"]["value"] < row["total"]


def test_summary_follows_the_status_filter(api: HotmartApi, data: Any) -> None:
    items = get(api, f"{SALES}/summary", transaction_status="REFUNDED").body["items"]
    truth = sales_ground_truth(data, 0, NOW_MS, ["REFUNDED"])
    assert sum(item["total_items"] for item in items) == truth["count"] > 0


def test_sales_users_lists_producer_buyer_and_affiliate_with_contact_details(
    api: HotmartApi, data: Any
) -> None:
    items, token = [], None
    while True:
        body = get(api, f"{SALES}/users", max_results=500, **({"page_token": token} if token else {})).body
        items += body["items"]
        token = body["page_info"].get("next_page_token")
        if not token:
            break
    roles = {user["role"] for item in items for user in item["users"]}
    assert roles == {"PRODUCER", "BUYER", "AFFILIATE"}
    buyer = next(user["user"] for user in items[0]["users"] if user["role"] == "BUYER")
    assert {"ucode", "name", "email", "phone", "documents", "address"} <= set(buyer)
    listed = [
        sale["purchase"]["transaction"]
        for sale in data.sales
        if sale["purchase"]["status"] in ("APPROVED", "COMPLETE")
    ]
    assert [item["transaction"] for item in items] == listed


def test_commissions_pay_the_producer_a_share_of_the_price(api: HotmartApi, data: Any) -> None:
    item = get(api, f"{SALES}/commissions", max_results=1).body["items"][0]
    sale = data.sale(item["transaction"])
    producer = next(c for c in item["commissions"] if c["source"] == "PRODUCER")
    assert producer["commission"]["currency_code"] == sale["purchase"]["price"]["currency_code"]
    assert 0 < producer["commission"]["value"] < sale["purchase"]["price"]["value"]
    assert item["exchange_rate_currency_payout"] > 0


def test_price_details_split_total_into_base_and_vat_and_show_coupons(api: HotmartApi, data: Any) -> None:
    body = get(api, f"{SALES}/price/details", max_results=500).body
    for item in body["items"]:
        assert item["base"]["value"] + item["vat"]["value"] == pytest.approx(
            item["total"]["value"], abs=0.011
        )
    coupon_sale = next(
        tx
        for tx in (s["purchase"]["transaction"] for s in data.sales)
        if data.sale_links(tx).coupon and data.sale(tx)["purchase"]["status"] == "COMPLETE"
    )
    item = get(api, f"{SALES}/price/details", transaction=coupon_sale).body["items"][0]
    assert 0 < item["coupon"]["value"] < 1


def test_commission_as_other_than_producer_finds_nothing_for_this_account(api: HotmartApi) -> None:
    body = get(api, f"{SALES}/history", commission_as="AFFILIATE").body
    assert body["items"] == [] and body["page_info"]["results_per_page"] == 0
