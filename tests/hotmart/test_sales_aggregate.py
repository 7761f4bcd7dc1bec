"""The pure arithmetic of sales_summary: sales in, totals and groups out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args
from zoneinfo import ZoneInfo

from hotmart_membrane_mcp.hotmart.sales_aggregate import (
    GROUP_DIMENSIONS,
    Money,
    group_sales,
    primary_currency,
    purchase_kind,
    sale_from_item,
)
from hotmart_membrane_mcp.tools.summary import GroupDimension

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
UTC = ZoneInfo("UTC")
MARCH_1_0200_UTC = 1_772_330_400_000  # 2026-03-01T02:00:00Z = 2026-02-28T23:00:00-03:00


def item(
    transaction: str,
    value: float,
    currency: str = "BRL",
    *,
    product: int = 1,
    name: str = "Course",
    order_ms: int = MARCH_1_0200_UTC,
    recurrency: int | None = None,
) -> dict[str, Any]:
    purchase: dict[str, Any] = {
        "transaction": transaction,
        "status": "APPROVED",
        "order_date": order_ms,
        "price": {"value": value, "currency_code": currency},
        "payment": {"type": "PIX"},
        "offer": {"code": "k2pasun0"},
        "is_subscription": recurrency is not None,
    }
    if recurrency is not None:
        purchase["recurrency_number"] = recurrency
    return {"product": {"id": product, "name": name}, "purchase": purchase}


def test_purchase_kind_tells_first_purchases_from_renewals_by_the_recurrency_number() -> None:
    assert purchase_kind({"is_subscription": False}) == "first_purchase"
    assert purchase_kind({"is_subscription": True, "recurrency_number": 1}) == "first_purchase"
    assert purchase_kind({"is_subscription": True, "recurrency_number": 4}) == "renewal"
    assert purchase_kind({"is_subscription": True}) == "unknown"  # a subscription charge of unknown rank


def test_an_item_with_missing_parts_still_becomes_a_sale_with_placeholders() -> None:
    sale = sale_from_item({"purchase": {"price": {"value": 0.1}}}, "REFUNDED")

    assert sale.status == "REFUNDED" and sale.currency == "UNKNOWN" and sale.value == Decimal("0.1")
    assert sale.product_id == "(none)" and sale.offer == "(none)" and sale.order_ms is None


def test_money_is_summed_exactly_per_currency_and_never_across_currencies() -> None:
    money = Money()
    for index in range(10):
        money.add(sale_from_item(item(f"HP{index}", 0.1), "APPROVED"))
    money.add(sale_from_item(item("HPX", 5, "USD"), "APPROVED"))

    assert money.to_dict() == {"BRL": {"count": 10, "total": 1.0}, "USD": {"count": 1, "total": 5.0}}
    assert money.count == 11 and primary_currency(money) == "BRL"


def test_products_are_ranked_by_count_with_their_names_and_split_by_kind() -> None:
    sales = [
        sale_from_item(row, "APPROVED")
        for row in [
            item("HP1", 10, product=1, name="Ebook"),
            item("HP2", 50, product=2, name="Club", recurrency=1),
            item("HP3", 50, product=2, name="Club", recurrency=2),
            item("HP4", 9, "USD", product=2, name="Club", recurrency=3),
        ]
    ]

    rows, total = group_sales(sales, ["product", "purchase_kind"], zone=UTC)

    assert total == 2 and [row["key"] for row in rows] == ["2", "1"]
    club = rows[0]
    assert club["name"] == "Club" and club["count"] == 3
    assert club["by_currency"] == {"BRL": {"count": 2, "total": 100.0}, "USD": {"count": 1, "total": 9.0}}
    assert club["split_by"] == "purchase_kind"
    assert [(row["key"], row["count"]) for row in club["split"]] == [("renewal", 2), ("first_purchase", 1)]


def test_sort_by_gross_uses_one_currency_and_top_keeps_the_first_groups() -> None:
    sales = [
        sale_from_item(row, "APPROVED")
        for row in [
            item("HP1", 10, product=1),
            item("HP2", 10, product=1),
            item("HP3", 500, product=2),
            item("HP4", 9999, "USD", product=3),
        ]
    ]

    rows, total = group_sales(sales, ["product"], zone=UTC, sort="gross", top=2, currency="BRL")

    assert total == 3 and [row["key"] for row in rows] == ["2", "1"]


def test_day_week_and_month_are_calendar_dates_in_the_zone() -> None:
    sale = sale_from_item(
        item("HP1", 1), "APPROVED"
    )  # Sunday 1 March 02:00 UTC, Saturday 28 Feb in São Paulo

    def key(dimension: str, zone: ZoneInfo) -> str:
        rows, _ = group_sales([sale], [dimension], zone=zone)
        return rows[0]["key"]

    assert (key("day", UTC), key("day", SAO_PAULO)) == ("2026-03-01", "2026-02-28")
    assert (key("month", UTC), key("month", SAO_PAULO)) == ("2026-03", "2026-02")
    assert (key("week", UTC), key("week", SAO_PAULO)) == ("2026-02-23", "2026-02-23")  # weeks start on Monday


def test_the_tool_schema_offers_exactly_the_dimensions_the_aggregation_knows() -> None:
    assert get_args(GroupDimension) == GROUP_DIMENSIONS
