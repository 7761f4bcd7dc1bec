"""Sales history read for a summary: every status walked, then taken in status order, each sale once.

The statuses are walked a few at a time (hotmart/sales_lanes.py); this takes their pages in
status order within the page allowance, as if they had been walked one after another, so the
sales, duplicates and page limits never depend on which answer came first. Each sale is counted
once (deduplicated by transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..membrane.backend import Sleep
from .page_reads import MAX_TRANSIENT_WAIT_S, PAGE_SIZE, OnPage, Send, WaitBudget
from .sales_aggregate import Sale, sale_from_item
from .sales_lanes import Progress, SalesWalks, StatusPages, walk_concurrently
from .walker import Stop, StopReason


@dataclass
class Walked:
    """What the walks read, taken in status order: each sale once, the pages counted, what failed."""

    sales: list[Sale]
    pages: int
    failures: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    duplicates: int


async def walk_sales(
    send: Send,
    *,
    start_ms: int,
    end_ms: int,
    statuses: Sequence[str],
    product_id: str | int | None = None,
    on_page: OnPage | None = None,
    max_pages: int,
    sleep: Sleep = anyio.sleep,
    max_rate_limit_wait_s: float = 30,
) -> Walked:
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
    walks = SalesWalks(
        send,
        base_query,
        WaitBudget(max_rate_limit_wait_s, sleep),
        WaitBudget(MAX_TRANSIENT_WAIT_S, sleep),
        Progress(on_page),
    )
    read = await walk_concurrently(walks, statuses, max_pages)
    return await _in_order(walks, read, max_pages)


async def _in_order(walks: SalesWalks, read: list[StatusPages], max_pages: int) -> Walked:
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
    return Walked(taken.sales, taken.pages, failures, waits, taken.duplicates)


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


def _why_incomplete(into: StatusPages, share: int, max_pages: int) -> str | None:
    """Why the walk of ``into.status`` did not read every page within its ``share``; None if it did."""
    complete = into.stop.reason is StopReason.COMPLETE
    if len(into.pages) > share or (len(into.pages) == share and not complete):
        return f"max_pages={max_pages} was reached while reading {into.status}"
    return None if complete else into.stop.explanation or into.stop.reason.value


async def _continue(walks: SalesWalks, into: StatusPages, share: int) -> None:
    """Read on where the shared allowance stopped ``into``, up to ``share`` pages in all."""
    before = len(into.pages)
    await walks.walk(into, share - before, resume=into.stop.resume_point)
    if into.error is not None and len(into.pages) > 0:
        # Pages were read before this one: the walk stops here, as a later page failing does.
        explanation = f"Page {len(into.pages) + 1} failed: {into.error.message}"
        into.stop, into.error = Stop(StopReason.ERROR, explanation), None
