"""Ground truth for tests: aggregates computed straight from a :class:`Dataset`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .dataset import Dataset
from .enums import DEFAULT_SALE_STATUSES
from .money import producer_commission


def sales_in_window(
    dataset: Dataset,
    start_ms: int,
    end_ms: int,
    statuses: Iterable[str] | None = None,
    product_id: int | None = None,
) -> list[dict[str, Any]]:
    """The sale records ordered in ``[start_ms, end_ms]`` (inclusive), as sales history holds them.

    ``statuses=None`` means the API's default (APPROVED and COMPLETE).
    """
    wanted = set(statuses) if statuses is not None else set(DEFAULT_SALE_STATUSES)
    return [
        sale
        for sale in dataset.sales
        if sale["purchase"]["status"] in wanted
        and start_ms <= sale["purchase"]["order_date"] <= end_ms
        and (product_id is None or sale["product"]["id"] == product_id)
    ]


def sales_ground_truth(
    dataset: Dataset,
    start_ms: int,
    end_ms: int,
    statuses: Iterable[str] | None = None,
    product_id: int | None = None,
) -> dict[str, Any]:
    """Count and totals of the sales ordered in ``[start_ms, end_ms]`` (inclusive).

    ``statuses=None`` means the API's default (APPROVED and COMPLETE). ``total`` is the gross
    ``purchase.price.value`` sum and ``commission`` the producer's share (what ``/sales/summary``
    reports as ``total_value``), both rounded to 2 decimals.
    """
    count = 0
    by_currency: dict[str, dict[str, float]] = {}
    by_status: dict[str, int] = {}
    for sale in sales_in_window(dataset, start_ms, end_ms, statuses, product_id):
        purchase = sale["purchase"]
        count += 1
        price = purchase["price"]
        row = by_currency.setdefault(price["currency_code"], {"count": 0, "total": 0.0, "commission": 0.0})
        row["count"] += 1
        row["total"] += price["value"]
        row["commission"] += producer_commission(price["value"])
        by_status[purchase["status"]] = by_status.get(purchase["status"], 0) + 1
    for row in by_currency.values():
        row["count"] = int(row["count"])
        row["total"] = round(row["total"], 2)
        row["commission"] = round(row["commission"], 2)
    return {"count": count, "by_currency": by_currency, "by_status": by_status}
