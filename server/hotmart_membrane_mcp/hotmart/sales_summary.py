"""Correct sales totals for a period: every page, every status, gross value per currency.

Agents asked "how much did I sell?" tend to read one page, or ``/sales/summary`` (which totals
commissions, not sales), or add up every status. This walks sales history to the end and
counts what Hotmart counts as a sale (APPROVED + COMPLETE) unless told which statuses to count;
without that choice the other statuses are still read, but reported apart (``not_counted``) and
never added to the headline. The arithmetic (totals, groups) is in hotmart/sales_aggregate.py.

One walk per status: how Hotmart reads several ``transaction_status`` values in one request
(repeated key or comma list) is not documented (hotmart-api-traps.md §14.1 lists the parameter only),
and a misread would silently drop statuses. One status per request cannot be misread, costs
one extra call per status, and each sale is still counted once (deduplicated by transaction).
The walks run a few at a time and are then taken in status order, so the result never depends
on which answer came first.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import anyio

from ..errors import HotmartMcpError, InvalidInput
from ..membrane.models import ProxyRequest
from ..zones import iso_in_zone
from .catalogue import SALE_STATUSES
from .page_reads import (
    MAX_TRANSIENT_WAIT_S,
    PAGE_SIZE,
    OnPage,
    Send,
    Sleep,
    TakingTurns,
    WaitBudget,
    Waits,
)
from .projection import with_select
from .resume import ResumePoint
from .sales_aggregate import (
    GROUP_DIMENSIONS,
    TIME_DIMENSIONS,
    Money,
    Sale,
    Sort,
    group_sales,
    primary_currency,
    sale_from_item,
    totals_by_status,
)
from .sales_lookup import SALES_HISTORY_PATH
from .walker import PageAllowance, PageWalker, Stop, StopReason, WalkLimits

SUMMARY_FIELDS = (
    "purchase.transaction",
    "purchase.status",
    "purchase.price",
    "purchase.order_date",
    "purchase.is_subscription",
    "purchase.recurrency_number",
    "purchase.payment.type",
    "purchase.offer.code",
    "product.id",
    "product.name",
)
DEFAULT_MAX_PAGES = 200
# Statuses walked at the same time: the backend runs a few CLI calls at once (its own limit).
CONCURRENT_WALKS = 4
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
        if sort not in ("count", "gross", "key"):
            raise InvalidInput("sort must be count, gross or key.", field="sort")
        chosen = sort  # type: ignore[assignment]
    return Grouping(by, chosen, top)


class _Progress:
    """Turns each walk's page reports into one rising count of pages across all walks."""

    def __init__(self, on_page: OnPage | None) -> None:
        self.on_page = on_page
        self.pages = 0

    def of(self, status: str) -> OnPage:
        """The page reports of the walk of ``status``."""
        return functools.partial(self.report, status)

    async def report(self, status: str, fetched: int, expected: int | None, message: str) -> None:
        self.pages += 1
        if self.on_page is not None:
            await self.on_page(self.pages, None, f"{status}: {message}")


@dataclass
class _Walked:
    sales: list[Sale]
    pages: int
    failures: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    duplicates: int


@dataclass
class _StatusPages:
    """What the walk of one status read: its pages' items in order, and how it ended."""

    status: str
    pages: list[list[Any]] = field(default_factory=list)
    stop: Stop = field(default_factory=lambda: Stop(StopReason.COMPLETE))
    error: HotmartMcpError | None = None
    unexpected: Exception | None = None
    waits: list[dict[str, Any]] = field(default_factory=list)  # its rate-limit waits


@dataclass
class _SalesWalks:
    """The walks of one summary: one request per status, one rate-limit budget for all.

    ``retries`` is the retry budget of walks taken in order (lanes have their own, see below).
    """

    send: Send
    base_query: list[tuple[str, str]]
    rate_limits: WaitBudget
    retries: WaitBudget
    progress: _Progress
    turns: TakingTurns = field(default_factory=TakingTurns)

    async def walk(
        self,
        into: _StatusPages,
        max_pages: int,
        *,
        allowance: PageAllowance | None = None,
        resume: ResumePoint | None = None,
        retries: WaitBudget | None = None,
    ) -> None:
        """Append the pages of ``into.status`` to ``into`` and note how the walk ended (or failed)."""
        request = ProxyRequest(
            SALES_HISTORY_PATH,
            query=with_select([*self.base_query, ("transaction_status", into.status)], SUMMARY_FIELDS),
        )
        waits = Waits(self.rate_limits, retries or self.retries, into.waits, turns=self.turns)
        walker = PageWalker(
            self.send,
            request,
            WalkLimits(max_pages),
            waits,
            resume=resume,
            on_page=self.progress.of(into.status),
            allowance=allowance,
        )
        try:
            async for page in walker.pages():
                into.pages.append(page.items)
        except HotmartMcpError as exc:
            into.error = exc
            return
        into.stop = walker.stop


async def walk_sales(
    send: Send,
    *,
    start_ms: int,
    end_ms: int,
    statuses: Sequence[str],
    product_id: str | int | None = None,
    on_page: OnPage | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    sleep: Sleep = anyio.sleep,
    max_rate_limit_wait_s: float = 30,
) -> _Walked:
    """Read every page of sales history for each status, one walk per status; sales deduplicated.

    The statuses are walked concurrently (CONCURRENT_WALKS at a time), then taken in order as if
    walked one after another: the same sales, totals, duplicates and page limits every time.
    """
    base_query: list[tuple[str, str]] = [
        ("start_date", str(start_ms)),
        ("end_date", str(end_ms)),
        ("max_results", str(PAGE_SIZE)),
    ]
    if product_id is not None:
        base_query.append(("product_id", str(product_id)))
    walks = _SalesWalks(
        send,
        base_query,
        WaitBudget(max_rate_limit_wait_s, sleep),
        WaitBudget(MAX_TRANSIENT_WAIT_S, sleep),
        _Progress(on_page),
    )
    read = await _walk_concurrently(walks, statuses, max_pages)
    return await _in_order(walks, read, max_pages)


async def _walk_concurrently(
    walks: _SalesWalks, statuses: Sequence[str], max_pages: int
) -> list[_StatusPages]:
    """Walk every status in CONCURRENT_WALKS lanes, fetching at most ``max_pages`` pages between them.

    Each lane takes the next status in order and walks it to the end. Lanes wait side by side, so
    each has the retry budget a single walk had: the summary never waits longer than before. The
    rate-limit budget stays one for all (the quota is the account's, not a lane's).
    """
    allowance = PageAllowance(max_pages)
    read = [_StatusPages(status) for status in statuses]
    waiting = iter(read)

    async def lane() -> None:
        retries = WaitBudget(walks.retries.limit_s, walks.retries.sleep)
        for into in waiting:
            try:
                await walks.walk(into, max_pages, allowance=allowance, retries=retries)
            except Exception as exc:  # raised after every walk ended, in status order (no ExceptionGroup)
                into.unexpected = exc

    async with anyio.create_task_group() as group:
        for _ in range(min(CONCURRENT_WALKS, len(read))):
            group.start_soon(lane)
    for into in read:
        if into.unexpected is not None:
            raise into.unexpected
    return read


async def _in_order(walks: _SalesWalks, read: list[_StatusPages], max_pages: int) -> _Walked:
    """The walks taken in status order, each within the pages the statuses before it left.

    A walk that the shared allowance stopped before its share is continued here; pages a walk
    read beyond its share are left out (at most ``max_pages`` pages are counted).
    """
    taken = _Taken()
    failures: list[dict[str, Any]] = []
    for into in read:
        left = max_pages - taken.pages
        if left <= 0:
            failures.append({"status": into.status, "reason": "not fetched: max_pages was used up"})
            continue
        if into.error is None and into.stop.reason is StopReason.MAX_PAGES and len(into.pages) < left:
            await _continue(walks, into, left)
        if into.error is not None:
            if taken.pages == 0 and not failures:
                raise into.error  # nothing read at all: the agent needs the real error (login, ...)
            failures.append({"status": into.status, "reason": into.error.message})
            continue
        taken.add(into.status, into.pages[:left])
        reason = _why_incomplete(into, left, max_pages)
        if reason is not None:
            failures.append({"status": into.status, "reason": reason})
    waits = [{**wait, "status": into.status} for into in read for wait in into.waits]
    return _Walked(taken.sales, taken.pages, failures, waits, taken.duplicates)


@dataclass
class _Taken:
    """The sales counted so far, each transaction once."""

    sales: list[Sale] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    duplicates: int = 0

    def add(self, status: str, pages: list[list[Any]]) -> None:
        self.pages += len(pages)
        for item in (item for page in pages for item in page):
            sale = sale_from_item(item, status)
            if sale.transaction is not None:
                if sale.transaction in self.seen:  # a cursor that repeats, or a sale that changed status
                    self.duplicates += 1
                    continue
                self.seen.add(sale.transaction)
            self.sales.append(sale)


def _why_incomplete(into: _StatusPages, share: int, max_pages: int) -> str | None:
    """Why the walk of ``into.status`` did not read every page within its ``share``; None if it did."""
    complete = into.stop.reason is StopReason.COMPLETE
    if len(into.pages) > share or (len(into.pages) == share and not complete):
        return f"max_pages={max_pages} was reached while reading {into.status}"
    return None if complete else into.stop.explanation or into.stop.reason.value


async def _continue(walks: _SalesWalks, into: _StatusPages, share: int) -> None:
    """Read on where the shared allowance stopped ``into``, up to ``share`` pages in all."""
    before = len(into.pages)
    await walks.walk(into, share - before, resume=into.stop.resume_point)
    if into.error is not None and len(into.pages) > 0:
        # Pages were read before this one: the walk stops here, as a later page failing does.
        explanation = f"Page {len(into.pages) + 1} failed: {into.error.message}"
        into.stop, into.error = Stop(StopReason.ERROR, explanation), None


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


def _not_counted(walked: _Walked, counted: list[str], others: list[str], failed: set[str]) -> dict[str, Any]:
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
