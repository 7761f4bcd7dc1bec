"""One page read from Hotmart: the send callable, transient retries, 429 waits and the page's parts.

The walker (hotmart/walker.py) reads every page through these; ``send_read`` serves single
reads of non-list endpoints the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

import anyio

from ..errors import CliFailed, HotmartMcpError, RateLimited, UpstreamError
from ..membrane.backend import Sleep
from ..membrane.models import ProxyRequest, ProxyResponse

logger = logging.getLogger(__name__)

Send = Callable[[ProxyRequest], Awaitable[ProxyResponse]]
# (items fetched so far, items expected in total or None, a sentence for the user)
OnPage = Callable[[int, "int | None", str], Awaitable[None]]

# hotmart-api-traps.md §3: INFERRED common ceiling of max_results; bigger values are clamped anyway.
PAGE_SIZE = 500

# Retry-After is UNKNOWN on Hotmart's 429 (hotmart-api-traps.md §13, §16): without it, back off from
# this many seconds, doubling, within the caller's total wait limit.
_FALLBACK_WAIT_S = 2.0
_MAX_ATTEMPTS_PER_PAGE = 6
# A read that failed on the way (Hotmart's 5xx, or the CLI failing without Hotmart's answer) is
# retried after 1, 2 and 4 s, within this total per walk; reads change nothing, so repeating is safe.
_TRANSIENT_FIRST_WAIT_S = 1.0
_MAX_TRANSIENT_RETRIES = 3
MAX_TRANSIENT_WAIT_S = 15.0


class NotAList(UpstreamError):
    """A page that holds no list of items: Hotmart's odd answer, unless paging was asked of a non-list."""


def with_page_token(request: ProxyRequest, token: str | None, *, drop_select: bool) -> ProxyRequest:
    query = [(k, v) for k, v in request.query if k != "page_token" and not (drop_select and k == "select")]
    if token:
        query.append(("page_token", token))
    return replace(request, query=tuple(query))


def header(headers: dict[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def seconds(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def page_parts(body: Any) -> tuple[list[Any], dict[str, Any] | None]:
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


def _excerpt(body: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
    return repr(text if len(text) <= 200 else text[:199] + "…")


@dataclass
class WaitBudget:
    """Waits bounded in total; one budget may be shared by several walks (sales_summary's statuses)."""

    limit_s: float
    sleep: Sleep
    total_s: float = 0.0

    async def wait(self, seconds: float, after_page: int, record: list[dict[str, Any]]) -> bool:
        """Sleep ``seconds`` if the budget allows it and note it in ``record``; False (no sleep) otherwise."""
        if self.total_s + seconds > self.limit_s:
            return False
        # Counted before sleeping, so walks sharing the budget never overspend it together.
        self.total_s += seconds
        await self.sleep(seconds)
        record.append({"after_page": after_page, "waited_s": seconds})
        return True


class TakingTurns:
    """Walks read side by side until one repeats a failed read: that read waits for the reads under
    way and goes alone, and new reads wait for it. A struggling Hotmart gets one request at a time,
    and a retry is not sent into the same crowd that failed it."""

    def __init__(self) -> None:
        self._changed = anyio.Condition()
        self._reading = 0  # reads under way side by side
        self._waiting_alone = 0
        self._alone = False

    @asynccontextmanager
    async def side_by_side(self) -> AsyncIterator[None]:
        async with self._changed:
            while self._alone or self._waiting_alone:
                await self._changed.wait()
            self._reading += 1
        try:
            yield
        finally:
            with anyio.CancelScope(shield=True):
                async with self._changed:
                    self._reading -= 1
                    self._changed.notify_all()

    @asynccontextmanager
    async def alone(self) -> AsyncIterator[None]:
        async with self._changed:
            self._waiting_alone += 1
            try:
                while self._alone or self._reading:
                    await self._changed.wait()
            finally:
                self._waiting_alone -= 1
            self._alone = True
        try:
            yield
        finally:
            with anyio.CancelScope(shield=True):
                async with self._changed:
                    self._alone = False
                    self._changed.notify_all()


@dataclass
class Waits:
    """The two wait budgets of a walk and where its waits are recorded; ``turns`` when walks run
    side by side (sales_summary)."""

    rate_limits: WaitBudget
    retries: WaitBudget
    rate_limit_waits: list[dict[str, Any]] = field(default_factory=list)
    retry_waits: list[dict[str, Any]] = field(default_factory=list)
    turns: TakingTurns | None = None

    def turn(self, repeat: bool) -> AbstractAsyncContextManager[None]:
        """The turn of one send: alone when it repeats a failed one, else beside the others."""
        if self.turns is None:
            return nullcontext()
        return self.turns.alone() if repeat else self.turns.side_by_side()


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


async def send_retrying(send: Send, request: ProxyRequest, waits: Waits, after_page: int) -> ProxyResponse:
    """``send(request)``, waiting out 429s while the rate-limit budget lasts and retrying transient
    failures (``is_transient``) with doubling waits while the retry budget lasts; then the last error
    is raised."""
    rate_limited = failed = 0
    while True:
        try:
            async with waits.turn(repeat=bool(rate_limited or failed)):
                return await send(request)
        except RateLimited as exc:
            wait = seconds(exc.retry_after_s)
            wait = wait if wait is not None else _FALLBACK_WAIT_S * 2**rate_limited
            rate_limited += 1
            if rate_limited == _MAX_ATTEMPTS_PER_PAGE or not await waits.rate_limits.wait(
                wait, after_page, waits.rate_limit_waits
            ):
                raise
        except HotmartMcpError as exc:
            if not is_transient(exc) or failed == _MAX_TRANSIENT_RETRIES:
                raise
            wait = _TRANSIENT_FIRST_WAIT_S * 2**failed
            failed += 1
            if not await waits.retries.wait(wait, after_page, waits.retry_waits):
                raise
            logger.info("read failed (%s); retry %d after %g s", exc.message[:200], failed, wait)


async def send_read(
    send: Send, request: ProxyRequest, *, sleep: Sleep = anyio.sleep, max_wait_s: float = MAX_TRANSIENT_WAIT_S
) -> ProxyResponse:
    """One GET, retried after transient failures (``is_transient``) within ``max_wait_s``; 429 is raised."""
    waits = Waits(WaitBudget(0, sleep), WaitBudget(max_wait_s, sleep))
    return await send_retrying(send, request, waits, 0)
