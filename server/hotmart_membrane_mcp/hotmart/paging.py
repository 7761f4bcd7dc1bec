"""Every page of a list in memory: ``collect`` gathers what a walker (hotmart/walker.py) yields.

For callers that need the whole list at once (proxy_request's list reads, which the server cuts
to the result budget afterwards). When the walk stops early (page cap, item cap, an error on a
later page) the result keeps what was read, says ``complete: False`` with the reason, and holds
the exact point to resume from. ``fetch_all`` builds the walker from plain limits in one call.
Callers that can handle a page at a time (save_to, sales_summary) use ``PageWalker`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..membrane.backend import Sleep
from ..membrane.models import ProxyRequest
from .page_reads import (
    MAX_TRANSIENT_WAIT_S,
    NotAList,
    OnPage,
    Send,
    WaitBudget,
    Waits,
    is_transient,
    send_read,
)
from .resume import PageSpan, ResumePoint
from .walker import PageWalker, StopReason, WalkLimits

__all__ = [
    "MAX_TRANSIENT_WAIT_S",
    "NotAList",
    "OnPage",
    "PagedResult",
    "Send",
    "StopReason",
    "collect",
    "fetch_all",
    "is_transient",
    "send_read",
]

# The stop reasons under their older names (the values results show).
STOP_COMPLETE = StopReason.COMPLETE
STOP_MAX_PAGES = StopReason.MAX_PAGES
STOP_MAX_ITEMS = StopReason.MAX_ITEMS
STOP_BUDGET = StopReason.BUDGET
STOP_RATE_LIMITED = StopReason.RATE_LIMITED
STOP_ERROR = StopReason.ERROR
STOP_NO_PAGE_INFO = StopReason.NO_PAGE_INFO
STOP_REPEATED_TOKEN = StopReason.REPEATED_TOKEN


@dataclass
class PagedResult:
    """The items of one or more pages and the truth about how far the walk got."""

    items: list[Any]
    pages_fetched: int
    resume_point: ResumePoint | None  # where to continue; None when nothing is left
    complete: bool
    stop_reason: StopReason
    total_results: int | None  # Hotmart's page_info.total_results for the whole query, when sent
    rate_limit_waits: list[dict[str, Any]] = field(default_factory=list)  # {after_page, waited_s}
    spans: list[PageSpan] = field(default_factory=list)  # provenance of `items`, for exact cut tokens
    incomplete_reason: str | None = None
    error: dict[str, Any] | None = None  # payload() of the error that stopped the walk
    select_dropped: bool = False  # Hotmart refused our `select`; pages were fetched without it
    started_at_beginning: bool = True
    http_status: int | None = None  # of the last page, when the backend reports it
    retry_waits: list[dict[str, Any]] = field(default_factory=list)  # {after_page, waited_s} after 5xx etc.
    items_read: int = 0  # items taken from Hotmart's pages, also when the caller kept none (save_to)

    @classmethod
    def of(cls, walker: PageWalker, items: list[Any], spans: list[PageSpan]) -> PagedResult:
        """The result of a finished walk whose pages gave ``items`` (described by ``spans``)."""
        facts, stop = walker.facts, walker.stop
        return cls(
            items=items,
            pages_fetched=facts.pages_fetched,
            resume_point=stop.resume_point,
            complete=walker.complete,
            stop_reason=stop.reason,
            total_results=facts.total_results,
            rate_limit_waits=walker.waits.rate_limit_waits,
            spans=spans,
            incomplete_reason=stop.explanation,
            error=facts.error,
            select_dropped=facts.select_dropped,
            started_at_beginning=facts.started_at_beginning,
            http_status=facts.http_status,
            retry_waits=walker.waits.retry_waits,
            items_read=facts.items_taken,
        )

    @property
    def known_total(self) -> int | None:
        """How many items the whole query has, when that is known."""
        if self.total_results is not None:
            return self.total_results
        if self.complete and self.started_at_beginning:
            return self.items_read
        return None


async def fetch_all(
    send: Send,
    request: ProxyRequest,
    *,
    max_pages: int,
    max_items: int | None = None,
    on_page: OnPage | None = None,
    sleep: Sleep = anyio.sleep,
    max_rate_limit_wait_s: float = 30,
    resume: ResumePoint | None = None,
    stop_after_chars: int | None = None,
    max_transient_wait_s: float = MAX_TRANSIENT_WAIT_S,
    counts_toward_stop: Callable[[Any], bool] | None = None,
) -> PagedResult:
    """Fetch pages of ``request`` until the last one, ``max_pages`` or ``max_items`` (see PageWalker).

    429s are waited out within ``max_rate_limit_wait_s`` and transient failures retried within
    ``max_transient_wait_s``; ``stop_after_chars`` and ``counts_toward_stop`` as in WalkLimits.
    """
    limits = WalkLimits(max_pages, max_items, stop_after_chars, counts_toward_stop)
    waits = Waits(WaitBudget(max_rate_limit_wait_s, sleep), WaitBudget(max_transient_wait_s, sleep))
    return await collect(PageWalker(send, request, limits, waits, resume=resume, on_page=on_page))


async def collect(walker: PageWalker) -> PagedResult:
    """Every item ``walker`` yields, and how its walk ended."""
    items: list[Any] = []
    spans: list[PageSpan] = []
    async for page in walker.pages():
        items.extend(page.items)
        spans.append(page.span)
    return PagedResult.of(walker, items, spans)
