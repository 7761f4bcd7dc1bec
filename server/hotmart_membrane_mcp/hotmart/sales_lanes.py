"""The walks of one sales summary: one request per status, run a few at a time in lanes.

One walk per status: how Hotmart reads several ``transaction_status`` values in one request
(repeated key or comma list) is not documented (hotmart-api-traps.md §14.1 lists the parameter only),
and a misread would silently drop statuses. One status per request cannot be misread and costs
one extra call per status. The lanes only read; taking the walks in status order (so the result
never depends on which answer came first) is hotmart/sales_walks.py's job.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..errors import HotmartMcpError
from ..membrane.models import ProxyRequest
from .page_reads import OnPage, Send, TakingTurns, WaitBudget, Waits
from .projection import with_select
from .resume import ResumePoint
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
# Statuses walked at the same time: the backend runs a few CLI calls at once (its own limit).
CONCURRENT_WALKS = 4


class Progress:
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
class StatusPages:
    """What the walk of one status read: its pages' items in order, and how it ended."""

    status: str
    pages: list[list[Any]] = field(default_factory=list)
    stop: Stop = field(default_factory=lambda: Stop(StopReason.COMPLETE))
    error: HotmartMcpError | None = None
    unexpected: Exception | None = None
    waits: list[dict[str, Any]] = field(default_factory=list)  # its rate-limit waits


@dataclass
class SalesWalks:
    """The walks of one summary: one request per status, one rate-limit budget for all.

    ``retries`` is the retry budget of walks taken in order (lanes have their own, see below).
    """

    send: Send
    base_query: list[tuple[str, str]]
    rate_limits: WaitBudget
    retries: WaitBudget
    progress: Progress
    turns: TakingTurns = field(default_factory=TakingTurns)

    async def walk(
        self,
        into: StatusPages,
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


async def walk_concurrently(walks: SalesWalks, statuses: Sequence[str], max_pages: int) -> list[StatusPages]:
    """Walk every status in CONCURRENT_WALKS lanes, fetching at most ``max_pages`` pages between them.

    Each lane takes the next status in order and walks it to the end. Lanes wait side by side, so
    each has the retry budget a single walk had: the summary never waits longer than before. The
    rate-limit budget stays one for all (the quota is the account's, not a lane's).
    """
    allowance = PageAllowance(max_pages)
    read = [StatusPages(status) for status in statuses]
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
