"""Correct sales totals for a period: every page, every status, gross value per currency.

Agents asked "how much did I sell?" tend to read one page, or ``/sales/summary`` (which totals
commissions, not sales), or add up every status. This walks sales history to the end and
counts what Hotmart counts as a sale (APPROVED + COMPLETE) unless told which statuses to count;
without that choice the other statuses are still read, but reported apart (``not_counted``) and
never added to the headline. Here: the arguments checked and the summary built. The reading is in
hotmart/sales_walks.py (one walk per status, taken in status order) and hotmart/sales_lanes.py
(the walks run a few at a time); the arithmetic (totals, groups) is in hotmart/sales_aggregate.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import anyio

from ..errors import InvalidInput
from ..membrane.backend import Sleep
from ..zones import iso_in_zone
from .catalogue import SALE_STATUSES
from .page_reads import OnPage, Send
from .sales_aggregate import (
    GROUP_DIMENSIONS,
    SORTS,
    TIME_DIMENSIONS,
    Money,
    Sale,
    Sort,
    group_sales,
    primary_currency,
    totals_by_status,
)
from .sales_walks import Walked, walk_sales

DEFAULT_MAX_PAGES = 200
# What Hotmart itself counts as a sale: the statuses its sales endpoints return by default
# (hotmart-api-traps.md §8).
SALE_COUNTED_STATUSES = ("APPROVED", "COMPLETE")
AMOUNT = "gross: the sum of purchase.price.value (what buyers paid), before fees and commissions"


@dataclass
class SalesSummary:
    counted: str  # one sentence: which statuses, which window, which zone
    timezone: str
    count: int
    by_currency: dict[str, dict[str, Any]]  # {currency: {count, total}}
    by_status: dict[str, dict[str, Any]]  # {status: {count, by_currency, complete}}
    pages: int
    complete: bool
    incomplete_reason: str | None
    period: dict[str, Any]  # {start, end, start_ms, end_ms}
    statuses: list[str]
    not_counted: dict[str, Any] | None = None  # other statuses, read but kept out of the headline
    groups: dict[str, Any] | None = None  # {by, sort, sort_currency, top, total, rows}
    amount: str = AMOUNT
    failures: list[dict[str, Any]] = field(default_factory=list)  # {status, reason}
    duplicates_skipped: int = 0
    rate_limit_waits: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for optional in ("not_counted", "groups"):
            if data[optional] is None:
                del data[optional]
        return data


@dataclass(frozen=True)
class Grouping:
    """How to group the counted sales: up to two dimensions, a sort and a top limit."""

    by: tuple[str, ...]
    sort: Sort = "count"
    top: int | None = None


def normalise_statuses(statuses: Sequence[str] | None) -> list[str]:
    """Upper-cased, unique statuses (None: all, hotmart-api-traps.md §14.1); InvalidInput for unknown ones."""
    if statuses is None:
        return list(SALE_STATUSES)
    wanted = list(dict.fromkeys(status.strip().upper() for status in statuses if status.strip()))
    unknown = [status for status in wanted if status not in SALE_STATUSES]
    if unknown or not wanted:
        raise InvalidInput(
            f"statuses: {', '.join(unknown) or '(empty)'} not a Hotmart sale status. "
            f"Valid: {', '.join(SALE_STATUSES)}.",
            field="statuses",
        )
    return wanted


def grouping(group_by: Sequence[str] | None, sort: str | None, top: int | None) -> Grouping | None:
    """The checked grouping (None without group_by); InvalidInput naming the bad field."""
    if not group_by:
        return None
    by: tuple[str, ...] = tuple(dict.fromkeys(dimension.strip().lower() for dimension in group_by))
    unknown = [dimension for dimension in by if dimension not in GROUP_DIMENSIONS]
    if unknown:
        raise InvalidInput(
            f"group_by: {', '.join(unknown)} is not a grouping. Valid: {', '.join(GROUP_DIMENSIONS)} "
            "(currency is always separate).",
            field="group_by",
        )
    if len(by) > 2:
        raise InvalidInput(
            "group_by takes one or two dimensions: the groups, and a split inside each group "
            "(e.g. ['product', 'purchase_kind']).",
            field="group_by",
        )
    # Time buckets read best in calendar order; anything else by size.
    chosen: Sort = "key" if sort is None and next(iter(by), "") in TIME_DIMENSIONS else "count"
    if sort is not None:
        if sort not in SORTS:
            raise InvalidInput("sort must be count, gross or key.", field="sort")
        chosen = sort  # type: ignore[assignment]
    return Grouping(by, chosen, top)


async def summarize_sales(
    send: Send,
    *,
    start_ms: int,
    end_ms: int,
    statuses: Sequence[str] | None = None,
    product_id: str | int | None = None,
    zone: ZoneInfo | None = None,
    zone_label: str | None = None,
    group: Grouping | None = None,
    on_page: OnPage | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    sleep: Sleep = anyio.sleep,
    max_rate_limit_wait_s: float = 30,
) -> SalesSummary:
    """Count and total the sales ordered in [start_ms, end_ms].

    ``statuses`` None counts APPROVED + COMPLETE and reports every other status in
    ``not_counted``; a list counts exactly those. ``zone`` (UTC when None) is the zone of the
    period shown and of day/week/month groups. ``complete`` is False, with the reason, when any
    page could not be fetched or ``max_pages`` ran out; the totals then cover only what was
    read. Raises when nothing could be read.
    """
    if end_ms < start_ms:
        raise InvalidInput("The period ends before it starts.", field="end_date")
    zone = zone or ZoneInfo("UTC")
    counted: list[str] = list(SALE_COUNTED_STATUSES) if statuses is None else normalise_statuses(statuses)
    walked_statuses = list(SALE_STATUSES) if statuses is None else counted
    walked = await walk_sales(
        send, start_ms=start_ms, end_ms=end_ms, statuses=walked_statuses, product_id=product_id,
        on_page=on_page, max_pages=max_pages, sleep=sleep, max_rate_limit_wait_s=max_rate_limit_wait_s,
    )  # fmt: skip
    failed = {failure["status"] for failure in walked.failures}
    headline_sales = [sale for sale in walked.sales if sale.status in counted]
    headline = Money()
    for sale in headline_sales:
        headline.add(sale)
    others = [status for status in walked_statuses if status not in counted]
    not_counted = _not_counted(walked, counted, others, failed) if others else None
    period = _period(start_ms, end_ms, zone)
    return SalesSummary(
        counted=_counted_sentence(counted, statuses is None, period, zone.key, product_id),
        timezone=zone_label or zone.key,
        count=headline.count,
        by_currency=headline.to_dict(),
        by_status=_status_rows(totals_by_status(headline_sales, counted), failed),
        pages=walked.pages,
        complete=not walked.failures,
        incomplete_reason=_incomplete_reason(walked.failures),
        period=period,
        statuses=counted,
        not_counted=not_counted,
        groups=_groups(headline_sales, headline, group, zone) if group else None,
        failures=walked.failures,
        duplicates_skipped=walked.duplicates,
        rate_limit_waits=walked.waits,
    )


def _period(start_ms: int, end_ms: int, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "start": iso_in_zone(start_ms, zone),
        "end": iso_in_zone(end_ms, zone),
        "start_ms": start_ms,
        "end_ms": end_ms,
    }


def _incomplete_reason(failures: list[dict[str, Any]]) -> str | None:
    if not failures:
        return None
    reasons = "; ".join(f"{failure['status']}: {failure['reason']}" for failure in failures)
    return f"Not every page was read, so the totals are too low: {reasons}"


def _not_counted(walked: Walked, counted: list[str], others: list[str], failed: set[str]) -> dict[str, Any]:
    """The statuses read but kept out of the headline, with their own counts."""
    other_totals = totals_by_status((sale for sale in walked.sales if sale.status not in counted), others)
    rows = _status_rows(other_totals, failed)
    return {
        "statuses": others,
        "count": sum(money.count for money in other_totals.values()),
        # Statuses read in full without a sale are left out: `statuses` already names them.
        "by_status": {status: row for status, row in rows.items() if row["count"] or not row["complete"]},
        "note": "Read but not counted as sales (never added to count or by_currency); pass statuses "
        "to count some of them.",
    }


def _status_rows(totals: dict[str, Money], failed: set[str]) -> dict[str, dict[str, Any]]:
    """Per status: count, money per currency, and whether every page of it was read."""
    return {
        status: {"count": money.count, "by_currency": money.to_dict(), "complete": status not in failed}
        for status, money in totals.items()
    }


def _counted_sentence(
    counted: Sequence[str], default: bool, period: dict[str, Any], zone: str, product_id: str | int | None
) -> str:
    what = " + ".join(counted)
    why = " (what Hotmart counts as a sale; other statuses are in not_counted)" if default else ""
    product = f" of product {product_id}" if product_id is not None else ""
    return (
        f"Counted the {what} sales{why}{product} ordered from {period['start']} to {period['end']} "
        f"in time zone {zone}; amounts are gross per currency, currencies never added together."
    )


def _groups(sales: list[Sale], headline: Money, group: Grouping, zone: ZoneInfo) -> dict[str, Any]:
    currency = primary_currency(headline) if group.sort == "gross" else None
    rows, total = group_sales(sales, group.by, zone=zone, sort=group.sort, top=group.top, currency=currency)
    result: dict[str, Any] = {"by": list(group.by), "sort": group.sort}
    if group.sort == "gross":
        result["sort_currency"] = currency
    result.update({"top": group.top, "total_groups": total, "rows": rows})
    return result
