"""Walk Hotmart's pages one at a time, with progress, rate-limit waits and a typed reason to stop.

One page of sales is 500 items at most, so "all sales in March" is many calls. ``PageWalker``
follows ``page_info.next_page_token`` (hotmart-api-traps.md §3) and yields each page as it
arrives, so a caller can count, filter or write it and let it go: the walker itself keeps no
items. It reports after every page (MCP clients that reset their timeout on progress keep
waiting), waits out 429s within a bounded total, and when it has to stop early (page cap, item
cap, an error on a later page) it ends the iteration with ``stop`` saying why and the exact point
to resume from.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..errors import HotmartMcpError, RateLimited
from ..membrane.models import ProxyRequest, ProxyResponse
from .page_reads import (
    OnPage,
    Send,
    Waits,
    header,
    page_parts,
    seconds,
    send_retrying,
    with_page_token,
)
from .resume import PageSpan, ResumePoint
from .sizes import json_size

logger = logging.getLogger(__name__)


class StopReason(str, Enum):
    """Why a walk ended; the value is what results show as ``stop_reason`` (equal to that string)."""

    COMPLETE = "complete"
    MAX_PAGES = "max_pages"
    MAX_ITEMS = "max_items"
    BUDGET = "budget"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"
    NO_PAGE_INFO = "no_page_info"
    REPEATED_TOKEN = "repeated_token"


@dataclass(frozen=True)
class Stop:
    reason: StopReason
    explanation: str | None = None
    resume_point: ResumePoint | None = None  # None when nothing is left


@dataclass(frozen=True)
class Page:
    """The items a walk takes from one Hotmart page (after a resume's skip, within max_items)."""

    items: list[Any]
    span: PageSpan


class PageAllowance:
    """How many more pages may be fetched; several walks may share one (sales_summary)."""

    def __init__(self, pages: int) -> None:
        self.left = pages

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass(frozen=True)
class WalkLimits:
    """Where a walk stops besides the last page.

    ``stop_after_chars``: stop once the items read so far are that much JSON (the result budget):
    the caller can only return that many, so reading more pages would be wasted.
    ``counts_toward_stop``: only items it accepts count toward that (the caller filters the rest out).
    """

    max_pages: int
    max_items: int | None = None
    stop_after_chars: int | None = None
    counts_toward_stop: Callable[[Any], bool] | None = None


@dataclass
class WalkFacts:
    """What a walk learnt on the way, besides the items."""

    pages_fetched: int = 0
    items_taken: int = 0
    total_results: int | None = None  # Hotmart's page_info.total_results for the whole query, when sent
    http_status: int | None = None  # of the last page, when the backend reports it
    select_dropped: bool = False  # Hotmart refused our `select`; pages were fetched without it
    error: dict[str, Any] | None = None  # payload() of the error that stopped the walk
    started_at_beginning: bool = True
    items_chars: int = 0
    seen_tokens: set[str | None] = field(default_factory=set)


class PageWalker:
    """Yields the pages of ``request`` one by one; afterwards ``stop`` and ``facts`` tell how it ended.

    ``resume`` (from a continuation token) replaces the request's ``page_token`` and drops the
    first ``resume.skip`` items of that page. 429s are waited out and transient failures
    (``is_transient``) retried within ``waits``; an error that remains on the first page is
    raised, on a later page the iteration ends with ``stop.reason`` ERROR (or RATE_LIMITED).
    """

    def __init__(
        self,
        send: Send,
        request: ProxyRequest,
        limits: WalkLimits,
        waits: Waits,
        *,
        resume: ResumePoint | None = None,
        on_page: OnPage | None = None,
        allowance: PageAllowance | None = None,
    ) -> None:
        if limits.max_pages < 1 or (limits.max_items is not None and limits.max_items < 1):
            raise ValueError("max_pages and max_items must be at least 1")
        self.send, self.request, self.limits, self.waits = send, request, limits, waits
        self.on_page, self.allowance = on_page, allowance
        self.start = resume or ResumePoint(dict(request.query).get("page_token"), 0)
        self.facts = WalkFacts(started_at_beginning=self.start.page_token is None and self.start.skip == 0)
        self.stop = Stop(StopReason.COMPLETE)
        self._sends_select = any(key == "select" for key, _ in request.query)

    @property
    def complete(self) -> bool:
        return self.stop.reason is StopReason.COMPLETE

    async def pages(self) -> AsyncIterator[Page]:
        token, skip = self.start.page_token, self.start.skip
        while True:
            if self.facts.pages_fetched >= self.limits.max_pages or not self._allowed():
                explanation = f"Stopped after max_pages={self.limits.max_pages} pages."
                self.stop = Stop(StopReason.MAX_PAGES, explanation, ResumePoint(token, skip))
                return
            self.facts.seen_tokens.add(token)
            fetched = await self._fetch(token, skip)
            if fetched is None:
                return
            page, next_token, response = self._take(*fetched, token, skip)
            await self._report()
            yield page
            stop = self._stop_after(page, skip, len(fetched[0]), next_token)
            if stop is not None:
                self.stop = stop
                return
            token, skip = next_token, 0
            await self._respect_quota(response)

    def _allowed(self) -> bool:
        return self.allowance is None or self.allowance.take()

    async def _fetch(
        self, token: str | None, skip: int
    ) -> tuple[list[Any], dict[str, Any], ProxyResponse] | None:
        """The page's items, page_info and response; None when the walk stops on it (``stop`` says why)."""
        try:
            items, page_info, response = await self._read(token)
        except HotmartMcpError as exc:
            if self.facts.pages_fetched == 0:
                raise
            self.facts.error = exc.payload()
            self.stop = Stop(*self._failure(exc), ResumePoint(token, skip))
            return None
        if page_info is None:
            if self.facts.pages_fetched > 0 or items:
                explanation = (
                    "Hotmart's answer had no page_info, so it cannot be known whether more pages exist."
                )
                self.stop = Stop(StopReason.NO_PAGE_INFO, explanation, ResumePoint(token, skip))
                return None
            # an empty answer to the first page: nothing matches (hotmart-api-traps.md §2: empty 2xx bodies)
            page_info = {}
        return items, page_info, response

    async def _read(self, token: str | None) -> tuple[list[Any], dict[str, Any] | None, ProxyResponse]:
        while True:
            request = with_page_token(self.request, token, drop_select=self.facts.select_dropped)
            response = await send_retrying(self.send, request, self.waits, self.facts.pages_fetched)
            items, page_info = page_parts(response.body)
            if page_info is None and self._sends_select and not self.facts.select_dropped:
                # hotmart-api-traps.md §7: an unknown `select` attribute yields `{}`; we project locally
                # anyway, so fetch the page again without `select` rather than lose it.
                logger.info("Hotmart ignored or refused `select`; fetching again without it")
                self.facts.select_dropped = True
                continue
            return items, page_info, response

    def _failure(self, exc: HotmartMcpError) -> tuple[StopReason, str]:
        if isinstance(exc, RateLimited):
            budget = self.waits.rate_limits
            return StopReason.RATE_LIMITED, (
                f"Hotmart kept answering 429 (rate limited) after {budget.total_s:g} s of waiting "
                f"(limit {budget.limit_s:g} s)."
            )
        return StopReason.ERROR, f"Page {self.facts.pages_fetched + 1} failed: {exc.message}"

    def _take(
        self,
        items: list[Any],
        page_info: dict[str, Any],
        response: ProxyResponse,
        token: str | None,
        skip: int,
    ) -> tuple[Page, str | None, ProxyResponse]:
        facts = self.facts
        facts.pages_fetched += 1
        facts.http_status = response.status
        total = page_info.get("total_results")
        if facts.total_results is None and isinstance(total, int):
            facts.total_results = total
        page_items = items[skip:]
        max_items = self.limits.max_items
        room = len(page_items) if max_items is None else max(max_items - facts.items_taken, 0)
        taken = page_items[:room]
        facts.items_taken += len(taken)
        return (
            Page(taken, PageSpan(token, skip, len(taken))),
            page_info.get("next_page_token") or None,
            response,
        )

    def _over_budget(self, page: Page) -> bool:
        """Whether the items read so far (those ``counts_toward_stop`` keeps) exceed ``stop_after_chars``.

        Measured only for walks that have that limit: sizing every item costs a JSON encoding each.
        """
        counts, facts = self.limits.counts_toward_stop, self.facts
        facts.items_chars += sum(json_size(item) for item in page.items if counts is None or counts(item))
        return self.limits.stop_after_chars is not None and facts.items_chars > self.limits.stop_after_chars

    def _stop_after(self, page: Page, skip: int, page_length: int, next_token: str | None) -> Stop | None:
        """Whether to stop after ``page`` (a Hotmart page of ``page_length`` items read from ``skip``)."""
        limits, facts = self.limits, self.facts
        if skip + len(page.items) < page_length:
            explanation = f"Stopped at max_items={limits.max_items} items."
            return Stop(
                StopReason.MAX_ITEMS, explanation, ResumePoint(page.span.page_token, skip + len(page.items))
            )
        if not next_token:
            return Stop(StopReason.COMPLETE)
        if limits.max_items is not None and facts.items_taken >= limits.max_items:
            return Stop(
                StopReason.MAX_ITEMS,
                f"Stopped at max_items={limits.max_items} items.",
                ResumePoint(next_token),
            )
        if limits.stop_after_chars is not None and self._over_budget(page):
            explanation = "Stopped reading pages once the items read were more than the result can hold."
            return Stop(StopReason.BUDGET, explanation, ResumePoint(next_token))
        if next_token in facts.seen_tokens:
            explanation = (
                "Hotmart returned a page token that was already used; stopped to avoid repeating items."
            )
            return Stop(StopReason.REPEATED_TOKEN, explanation)
        return None

    async def _respect_quota(self, response: ProxyResponse) -> None:
        # hotmart-api-traps.md §13: RateLimit-Remaining/-Reset come with every answer; when the quota is
        # spent, waiting now is cheaper than collecting a 429 first.
        reset = seconds(header(response.headers, "RateLimit-Reset"))
        if header(response.headers, "RateLimit-Remaining") == "0" and reset is not None:
            await self.waits.rate_limits.wait(reset, self.facts.pages_fetched, self.waits.rate_limit_waits)

    async def _report(self) -> None:
        if self.on_page is None:
            return
        facts = self.facts
        # After a resume, Hotmart's total counts items before the resume point too: no percentage then.
        expected = facts.total_results if facts.started_at_beginning else None
        if expected is not None and self.limits.max_items is not None:
            expected = min(expected, self.limits.max_items)
        fetched = facts.items_taken
        of_total = f" of {expected:,}" if expected is not None else ""
        await self.on_page(
            fetched, expected, f"Page {facts.pages_fetched}: {fetched:,}{of_total} items so far."
        )
