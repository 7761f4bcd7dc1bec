"""Follow Hotmart's page cursor to the end, with progress, rate-limit waits and honest stops.

One page of sales is 500 items at most, so "all sales in March" is many calls. This walks
``page_info.next_page_token`` (hotmart-api-traps.md §3), reports after every page (so MCP clients
that reset their timeout on progress keep waiting), waits out 429s within a bounded total, and
when it has to stop early (page cap, item cap, an error on a later page) it keeps what it has,
says ``complete: False`` with the reason, and returns the exact point to resume from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import anyio

from ..errors import CliFailed, HotmartMcpError, RateLimited, UpstreamError
from ..membrane.models import ProxyRequest, ProxyResponse
from .resume import PageSpan, ResumePoint
from .sizes import json_size

logger = logging.getLogger(__name__)

Send = Callable[[ProxyRequest], Awaitable[ProxyResponse]]
# (items fetched so far, items expected in total or None, a sentence for the user)
OnPage = Callable[[int, "int | None", str], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]

# Retry-After is UNKNOWN on Hotmart's 429 (hotmart-api-traps.md §13, §16): without it, back off from
# this many seconds, doubling, within the caller's total wait limit.
_FALLBACK_WAIT_S = 2.0
_MAX_ATTEMPTS_PER_PAGE = 6
# A read that failed on the way (Hotmart's 5xx, or the CLI failing without Hotmart's answer) is
# retried after 1, 2 and 4 s, within this total per walk; reads change nothing, so repeating is safe.
_TRANSIENT_FIRST_WAIT_S = 1.0
_MAX_TRANSIENT_RETRIES = 3
MAX_TRANSIENT_WAIT_S = 15.0

STOP_COMPLETE = "complete"
STOP_MAX_PAGES = "max_pages"
STOP_MAX_ITEMS = "max_items"
STOP_BUDGET = "budget"
STOP_RATE_LIMITED = "rate_limited"
STOP_ERROR = "error"
STOP_NO_PAGE_INFO = "no_page_info"
STOP_REPEATED_TOKEN = "repeated_token"


@dataclass
class PagedResult:
    """The items of one or more pages and the truth about how far the walk got."""

    items: list[Any]
    pages_fetched: int
    resume_point: ResumePoint | None  # where to continue; None when nothing is left
    complete: bool
    stop_reason: str  # one of the STOP_* values
    total_results: int | None  # Hotmart's page_info.total_results for the whole query, when sent
    rate_limit_waits: list[dict[str, Any]] = field(default_factory=list)  # {after_page, waited_s}
    spans: list[PageSpan] = field(default_factory=list)  # provenance of `items`, for exact cut tokens
    incomplete_reason: str | None = None
    error: dict[str, Any] | None = None  # payload() of the error that stopped the walk
    select_dropped: bool = False  # Hotmart refused our `select`; pages were fetched without it
    started_at_beginning: bool = True
    http_status: int | None = None  # of the last page, when the backend reports it
    retry_waits: list[dict[str, Any]] = field(default_factory=list)  # {after_page, waited_s} after 5xx etc.

    @property
    def known_total(self) -> int | None:
        """How many items the whole query has, when that is known."""
        if self.total_results is not None:
            return self.total_results
        if self.complete and self.started_at_beginning:
            return len(self.items)
        return None


def _with_page_token(request: ProxyRequest, token: str | None, *, drop_select: bool) -> ProxyRequest:
    query = [(k, v) for k, v in request.query if k != "page_token" and not (drop_select and k == "select")]
    if token:
        query.append(("page_token", token))
    return replace(request, query=tuple(query))


def _header(headers: dict[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


def _page_parts(body: Any) -> tuple[list[Any], dict[str, Any] | None]:
    """(items, page_info) of a response body; page_info None when the body has none."""
    if body is None or body == {}:
        return [], None
    if isinstance(body, list):  # a bare-array endpoint (hotmart-api-traps.md §3): one page, complete
        return body, {}
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        page_info = body.get("page_info")
        return body["items"], page_info if isinstance(page_info, dict) else None
    raise NotAList(
        f"Hotmart's answer is not a list of items (no `items` array): {_excerpt(body)}. On a list "
        "endpoint this usually means the path or a parameter (Club subdomain, product ucode) is wrong.",
        next_step="Check the path and its parameters against the resource hotmart://api/catalogue, "
        "then retry.",
        answer="not a list",
    )


class NotAList(UpstreamError):
    """A page that holds no list of items: Hotmart's odd answer, unless paging was asked of a non-list."""


def _excerpt(body: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
    return repr(text if len(text) <= 200 else text[:199] + "…")


@dataclass
class _WaitBudget:
    """The rate-limit waits of one walk, bounded in total."""

    limit_s: float
    sleep: Sleep
    waits: list[dict[str, Any]]
    total_s: float = 0.0

    async def wait(self, seconds: float, after_page: int) -> bool:
        """Sleep ``seconds`` if the budget allows it; False (and no sleep) otherwise."""
        if self.total_s + seconds > self.limit_s:
            return False
        await self.sleep(seconds)
        self.total_s += seconds
        self.waits.append({"after_page": after_page, "waited_s": seconds})
        return True


def is_transient(exc: HotmartMcpError) -> bool:
    """A read failure worth repeating: Hotmart's 5xx, or the CLI failing before Hotmart answered.

    Not: 4xx (the request is wrong), odd bodies (the path is wrong), timeouts (repeating one
    multiplies the wait), an output overflow or a CLI that cannot start (both would recur).
    """
    if isinstance(exc, NotAList):
        return False
    if isinstance(exc, UpstreamError):
        if exc.status is not None:
            return exc.status >= 500
        return isinstance(exc.body, dict) and exc.body.get("error") == "internal_server_error"
    if isinstance(exc, CliFailed):
        return exc.exit_code not in (None, 0) and exc.os_error is None
    return False


async def _send_retrying(
    send: Send, request: ProxyRequest, budget: _WaitBudget, after_page: int, transient: _WaitBudget
) -> ProxyResponse:
    """``send(request)``, waiting out 429s while ``budget`` lasts and retrying transient failures
    (``is_transient``) with doubling waits while ``transient`` lasts; then the last error is raised."""
    rate_limited = failed = 0
    while True:
        try:
            return await send(request)
        except RateLimited as exc:
            wait = _seconds(exc.retry_after_s)
            wait = wait if wait is not None else _FALLBACK_WAIT_S * 2**rate_limited
            rate_limited += 1
            if rate_limited == _MAX_ATTEMPTS_PER_PAGE or not await budget.wait(wait, after_page):
                raise
        except HotmartMcpError as exc:
            if not is_transient(exc) or failed == _MAX_TRANSIENT_RETRIES:
                raise
            wait = _TRANSIENT_FIRST_WAIT_S * 2**failed
            failed += 1
            if not await transient.wait(wait, after_page):
                raise
            logger.info("read failed (%s); retry %d after %g s", exc.message[:200], failed, wait)


async def send_read(
    send: Send, request: ProxyRequest, *, sleep: Sleep = anyio.sleep, max_wait_s: float = MAX_TRANSIENT_WAIT_S
) -> ProxyResponse:
    """One GET, retried after transient failures (``is_transient``) within ``max_wait_s``; 429 is raised."""
    no_rate_limit_waits = _WaitBudget(0, sleep, [])
    return await _send_retrying(send, request, no_rate_limit_waits, 0, _WaitBudget(max_wait_s, sleep, []))


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
    retry_waits: list[dict[str, Any]] | None = None,
    counts_toward_stop: Callable[[Any], bool] | None = None,
) -> PagedResult:
    """Fetch pages of ``request`` until the last one, ``max_pages`` or ``max_items``.

    ``resume`` (from a continuation token) replaces the request's ``page_token`` and drops the
    first ``resume.skip`` items of that page. 429s are waited out within
    ``max_rate_limit_wait_s`` and transient failures (``is_transient``: 5xx, the CLI failing)
    retried within ``max_transient_wait_s``; an error that remains on the first page is raised;
    on a later page the walk stops with ``complete=False`` and keeps the items so far.
    ``stop_after_chars``: stop once the items read so far are that much JSON (the result
    budget): the caller can only return that many, so reading more pages would be wasted.
    ``counts_toward_stop``: only items it accepts count toward that (the caller filters the rest out).
    """
    if max_pages < 1 or (max_items is not None and max_items < 1):
        raise ValueError("max_pages and max_items must be at least 1")
    items_chars = 0
    start = resume or ResumePoint(dict(request.query).get("page_token"), 0)
    result = PagedResult(
        items=[],
        pages_fetched=0,
        resume_point=None,
        complete=False,
        stop_reason=STOP_COMPLETE,
        total_results=None,
        started_at_beginning=start.page_token is None and start.skip == 0,
    )
    budget = _WaitBudget(max_rate_limit_wait_s, sleep, result.rate_limit_waits)
    if retry_waits is not None:  # a caller running several walks shares one retry budget
        result.retry_waits = retry_waits
    transient = _WaitBudget(
        max_transient_wait_s, sleep, result.retry_waits, sum(w["waited_s"] for w in result.retry_waits)
    )
    sends_select = any(key == "select" for key, _ in request.query)
    token, skip = start.page_token, start.skip
    seen_tokens: set[str | None] = set()

    def stop(reason: str, explanation: str, point: ResumePoint | None) -> PagedResult:
        result.stop_reason, result.incomplete_reason, result.resume_point = reason, explanation, point
        return result

    while True:
        if result.pages_fetched >= max_pages:
            return stop(
                STOP_MAX_PAGES, f"Stopped after max_pages={max_pages} pages.", ResumePoint(token, skip)
            )
        seen_tokens.add(token)
        page_request = _with_page_token(request, token, drop_select=result.select_dropped)
        try:
            response = await _send_retrying(send, page_request, budget, result.pages_fetched, transient)
            items, page_info = _page_parts(response.body)
        except HotmartMcpError as exc:
            if result.pages_fetched == 0:
                raise
            result.error = exc.payload()
            if isinstance(exc, RateLimited):
                explanation = (
                    f"Hotmart kept answering 429 (rate limited) after {budget.total_s:g} s of waiting "
                    f"(limit {max_rate_limit_wait_s:g} s)."
                )
                return stop(STOP_RATE_LIMITED, explanation, ResumePoint(token, skip))
            explanation = f"Page {result.pages_fetched + 1} failed: {exc.message}"
            return stop(STOP_ERROR, explanation, ResumePoint(token, skip))
        if page_info is None and sends_select and not result.select_dropped:
            # hotmart-api-traps.md §7: an unknown `select` attribute yields `{}`; we project locally
            # anyway, so fetch the page again without `select` rather than lose it.
            logger.info("Hotmart ignored or refused `select`; fetching again without it")
            result.select_dropped = True
            continue
        if page_info is None:
            if result.pages_fetched > 0 or items:
                explanation = (
                    "Hotmart's answer had no page_info, so it cannot be known whether more pages exist."
                )
                return stop(STOP_NO_PAGE_INFO, explanation, ResumePoint(token, skip))
            # an empty answer to the first page: nothing matches (hotmart-api-traps.md §2: empty 2xx bodies)
            page_info = {}
        result.pages_fetched += 1
        result.http_status = response.status
        total = page_info.get("total_results")
        if result.total_results is None and isinstance(total, int):
            result.total_results = total
        next_token = page_info.get("next_page_token") or None
        page_items = items[skip:]
        room = len(page_items) if max_items is None else max(max_items - len(result.items), 0)
        result.items.extend(page_items[:room])
        result.spans.append(PageSpan(token, skip, min(room, len(page_items))))
        await _report(on_page, result, max_items)
        if room < len(page_items):
            return stop(
                STOP_MAX_ITEMS, f"Stopped at max_items={max_items} items.", ResumePoint(token, skip + room)
            )
        if not next_token:
            result.complete = True
            return result
        if max_items is not None and len(result.items) >= max_items:
            return stop(STOP_MAX_ITEMS, f"Stopped at max_items={max_items} items.", ResumePoint(next_token))
        items_chars += sum(
            json_size(item)
            for item in page_items[:room]
            if counts_toward_stop is None or counts_toward_stop(item)
        )
        if stop_after_chars is not None and items_chars > stop_after_chars:
            explanation = "Stopped reading pages once the items read were more than the result can hold."
            return stop(STOP_BUDGET, explanation, ResumePoint(next_token))
        if next_token in seen_tokens:
            explanation = (
                "Hotmart returned a page token that was already used; stopped to avoid repeating items."
            )
            return stop(STOP_REPEATED_TOKEN, explanation, None)
        token, skip = next_token, 0
        # hotmart-api-traps.md §13: RateLimit-Remaining/-Reset come with every answer; when the quota is
        # spent, waiting now is cheaper than collecting a 429 first.
        reset = _seconds(_header(response.headers, "RateLimit-Reset"))
        if _header(response.headers, "RateLimit-Remaining") == "0" and reset is not None:
            await budget.wait(reset, result.pages_fetched)


async def _report(on_page: OnPage | None, result: PagedResult, max_items: int | None) -> None:
    if on_page is None:
        return
    # After a resume, Hotmart's total counts items before the resume point too: no percentage then.
    expected = result.total_results if result.started_at_beginning else None
    if expected is not None and max_items is not None:
        expected = min(expected, max_items)
    fetched = len(result.items)
    of_total = f" of {expected:,}" if expected is not None else ""
    await on_page(fetched, expected, f"Page {result.pages_fetched}: {fetched:,}{of_total} items so far.")
