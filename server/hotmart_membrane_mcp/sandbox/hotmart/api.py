"""The simulated Hotmart Developer API: one call in, one HTTP-like response out.

``HotmartApi.handle`` is what the Membrane CLI simulator calls for ``membrane request``,
``act --api`` and its Hotmart actions. It parses the path and body, counts the call for the
rate limiter, routes it, applies ``select`` and wraps the result with Hotmart's headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..store import StateStore
from .config import resolve_now_ms, resolve_seed
from .errors import ApiError, bad_parameter, error_body
from .params import Query
from .ratelimit import count_call
from .routes import ROUTES
from .routing import Context, Request, match
from .select import apply_select, parse_select

API_HOSTS = {"developers.hotmart.com", "sandbox.hotmart.com"}


@dataclass(frozen=True)
class HotmartResponse:
    """Status, headers (always with the rate-limit set) and parsed JSON body (``None`` = empty)."""

    status: int
    headers: dict[str, str]
    body: Any


class HotmartApi:
    """The offline Hotmart account behind the simulator, with state in a :class:`StateStore`."""

    def __init__(
        self,
        store: StateStore,
        *,
        seed: int | None = None,
        now_ms: int | None = None,
        rate_limit_every: int | None = None,
    ) -> None:
        self.store = store
        self.seed = resolve_seed(seed)
        self.now_ms = resolve_now_ms(now_ms)
        if rate_limit_every is not None and rate_limit_every < 1:
            raise ValueError("rate_limit_every must be a positive integer")
        self.rate_limit_every = rate_limit_every

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> HotmartResponse:
        """Answer one API call the way Hotmart would (headers are accepted and ignored)."""
        decision = count_call(self.store, self.rate_limit_every)
        if decision.limited:
            return HotmartResponse(
                429, _with_json(decision.headers), error_body("too_many_requests", "API rate limit exceeded")
            )
        try:
            route_path, merged = _split_path(path, query)
            found = match(ROUTES, method.upper(), route_path)
            if found.route is None:
                return _no_route(decision.headers, method, route_path, found.allowed)
            request = Request(
                method=method.upper(),
                path=route_path,
                params=found.params,
                query=Query(merged),
                body=_parse_body(body),
                context=Context(self.store, self.seed, self.now_ms),
            )
            result = found.route.handler()(request)
            result = apply_select(result, parse_select(request.query.values("select")))
        except ApiError as error:
            return HotmartResponse(error.status, _with_json(decision.headers), error.body())
        status_headers = _with_json(decision.headers) if result is not None else dict(decision.headers)
        return HotmartResponse(200, status_headers, result)


def _with_json(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Content-Type": "application/json;charset=UTF-8"}


def _split_path(path: str, query: Mapping[str, Sequence[str]] | None) -> tuple[str, dict[str, list[str]]]:
    """The route path and the merged query (the path's own ``?a=1`` first, then ``query``)."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        # A full URL may replace the path (membrane-cli-contract.md §9); only Hotmart's API hosts route here.
        if parts.hostname not in API_HOSTS:
            raise ApiError(404, "not_found", f"Unknown host {parts.hostname}")
    merged: dict[str, list[str]] = {}
    for name, values in parse_qs(parts.query, keep_blank_values=True).items():
        merged.setdefault(name, []).extend(values)
    for name, values in (query or {}).items():
        merged.setdefault(name, []).extend([values] if isinstance(values, str) else [str(v) for v in values])
    route_path = parts.path.rstrip("/") or "/"
    return (route_path if route_path.startswith("/") else f"/{route_path}"), merged


def _parse_body(body: Any) -> Any:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            raise bad_parameter("the request body is not valid JSON") from None
    return body


def _no_route(headers: dict[str, str], method: str, path: str, allowed: tuple[str, ...]) -> HotmartResponse:
    if allowed:
        # A known path with the wrong method: 405 with Allow (the real gateway's answer is UNKNOWN;
        # 405 tells a client exactly what to fix, where a 404 would suggest a wrong path).
        body = error_body("method_not_allowed", f"{method.upper()} is not allowed on {path}")
        return HotmartResponse(405, {**_with_json(headers), "Allow": ", ".join(allowed)}, body)
    return HotmartResponse(404, _with_json(headers), error_body("not_found", f"No resource at {path}"))
