"""The last pages read, kept for a minute, so following a continuation token continues from memory.

A continuation token usually points into the middle of a 500-item Hotmart page (the result budget
returned ~25 of its items); without this, each next piece would fetch that whole page again. The
cache holds a couple of pages per server, keyed by the connection and the exact request (path,
query with ``page_token`` and ``select``), for ``MAX_AGE_S`` on the server's clock. Only reads that
follow one of our tokens are answered from it; any write through the server clears it (tools call
``clear``), so what a token continues is never older than the last write.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..membrane.models import ProxyRequest, ProxyResponse
from .page_reads import Send

MAX_PAGES = 2
MAX_AGE_S = 60.0

# The connection, then the request as text: a ProxyRequest with a JSON body (a GET may carry one)
# is not hashable, and two equal bodies must find the same page.
_Key = tuple[str, str]


def _key(scope: str, request: ProxyRequest) -> _Key:
    parts = [request.method, request.path, request.query, request.headers, request.body, request.path_params]
    return scope, json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)


class PageCache:
    def __init__(
        self, clock: Callable[[], float], *, max_pages: int = MAX_PAGES, max_age_s: float = MAX_AGE_S
    ) -> None:
        self.clock, self.max_pages, self.max_age_s = clock, max_pages, max_age_s
        self._pages: OrderedDict[_Key, tuple[float, ProxyResponse]] = OrderedDict()

    def sender(self, send: Send, scope: str, *, reuse: bool) -> Send:
        """``send`` on connection ``scope``, keeping what it reads; answering from memory when ``reuse``."""
        return _CachingSend(self, send, scope, reuse).send

    def get(self, key: _Key) -> ProxyResponse | None:
        entry = self._pages.get(key)
        if entry is None:
            return None
        stored_at, response = entry
        if self.clock() - stored_at > self.max_age_s:
            del self._pages[key]
            return None
        return response

    def put(self, key: _Key, response: ProxyResponse) -> None:
        self._pages[key] = (self.clock(), response)
        self._pages.move_to_end(key)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page (after a write, which may change what they say)."""
        self._pages.clear()


@dataclass(frozen=True)
class _CachingSend:
    cache: PageCache
    inner: Send
    scope: str
    reuse: bool

    async def send(self, request: ProxyRequest) -> ProxyResponse:
        key = _key(self.scope, request)
        cached = self.cache.get(key) if self.reuse else None
        if cached is not None:
            return cached
        response = await self.inner(request)
        self.cache.put(key, response)
        return response
