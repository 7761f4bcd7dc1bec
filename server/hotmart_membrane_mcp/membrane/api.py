"""``ApiBackend``: the ``MembraneBackend`` Protocol over Membrane's REST API (membrane-cli-contract.md §11).

One ``httpx2.AsyncClient`` per server (keep-alive pool, timeouts), its own concurrency limit
(HTTP calls are cheap; the CLI's limit of 4 exists only because each Node process is ~88 MiB),
the ``membrane-api-version`` header, and retries with exponential backoff for idempotent
requests on 429 (honouring Retry-After up to ``MAX_RETRY_AFTER_S``), 502, 503, 504 and
transport errors. Action runs and proxied writes are never retried: they may have acted.

Endpoints (FACT, membrane-cli-contract.md §11): ``POST /connections/ensure``,
``GET /connections[/{id}?wait&timeout]``, ``GET /actions?connectionId&intent&limit``,
``GET /actions/{id}``, ``POST /actions/{id}/run``, ``{METHOD} /connections/{id}/proxy/{path}``.
UNKNOWN (membrane-cli-contract.md §6): the reconnect endpoint; ``POST /connections/{id}/reconnect``
(one skill's) is used. Error bodies (membrane-cli-contract.md §13) go through the same
``failure.classify`` as the CLI's, so both backends raise the same classes.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import anyio
import httpx2

from ..config import DEFAULT_API_MAX_CONCURRENCY
from ..errors import (
    BackendUnavailable,
    CliFailed,
    HotmartMcpError,
    MembraneFailed,
    NotLoggedIn,
    OperationTimeout,
    shorten,
)
from . import parse
from .backend import WAIT_MARGIN_S, Sleep, long_poll_s
from .failure import classify, retry_after_seconds
from .models import Action, ActionRun, Connection, LoginStart, LoginStatus, ProxyRequest, ProxyResponse
from .output import MEMBRANE_ERROR_TYPES, ErrorBody, find_error_body
from .tokens import TokenSource

logger = logging.getLogger(__name__)


def shown_url(url: str) -> str:
    """``url`` as messages and logs may show it: scheme, host and port (a user:password@ never leaks)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


API_VERSION = "2025-10-21"  # FACT (membrane-cli-contract.md §11): the version the SDK sends
DEFAULT_MAX_RETRIES = 3
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Only reads are retried: HTTP calls PUT and DELETE idempotent, but Hotmart's refund is a PUT and
# a gateway error does not prove the first attempt did nothing.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
MAX_RETRY_AFTER_S = 10.0  # a longer Retry-After is reported to the agent (rate_limited) instead
BACKOFF_BASE_S = 0.25
BACKOFF_CAP_S = 4.0
CONNECT_TIMEOUT_S = 10.0


class ApiBackend:
    """Membrane through its REST API. Every method raises only classes of ``errors.py``.

    Args:
        base_url: the API root (``MEMBRANE_API_URL``), e.g. ``https://api.getmembrane.com``.
        tokens: where the bearer token comes from (``tokens.py``).
        timeout_s: the limit for one request; long-polls get their wait added on top.
        max_concurrency: requests in flight at once (also the size of the connection pool).
        sleep: how to wait between retries (tests inject one that records instead of sleeping).
        transport: an httpx2 transport (tests may mount the simulator's ASGI app in process).
    """

    supports_browser_login = False

    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        *,
        timeout_s: float,
        max_concurrency: int = DEFAULT_API_MAX_CONCURRENCY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Sleep = anyio.sleep,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        if timeout_s <= 0 or max_concurrency < 1 or max_retries < 0:
            raise ValueError("timeout_s and max_concurrency must be positive, max_retries >= 0")
        self.base_url = base_url.rstrip("/")
        self.shown_url = shown_url(self.base_url)
        self.tokens = tokens
        self.timeout_s = timeout_s
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self._sleep = sleep
        self._client = httpx2.AsyncClient(
            base_url=self.base_url,
            timeout=httpx2.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
            limits=httpx2.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            headers={"membrane-api-version": API_VERSION, "accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )
        self._limiter: anyio.CapacityLimiter | None = None

    async def aclose(self) -> None:
        """Close the pooled connections (the server calls it when it stops)."""
        await self._client.aclose()

    # Login is the CLI's browser flow; this backend authenticates with configured tokens.

    async def login_start(self, client_name: str) -> LoginStart:
        raise self._no_browser_login()

    async def login_complete(self, code: str) -> LoginStatus:
        raise self._no_browser_login()

    def _no_browser_login(self) -> NotLoggedIn:
        return NotLoggedIn(
            f"This server uses Membrane's REST API with a token from {self.tokens.description}; "
            "there is no browser login.",
            next_step=self.tokens.fix_hint,
        )

    async def login_status(self) -> LoginStatus:
        """Whether Membrane accepts the configured token (one cheap authenticated read)."""
        how = self._no_browser_login().message
        try:
            await self._json("GET", "/connections", "connection list", params={"limit": 1})
        except NotLoggedIn as exc:
            return LoginStatus(
                logged_in=False,
                message=f"{how} Membrane refused the token: {exc.message} {self.tokens.fix_hint}",
            )
        return LoginStatus(logged_in=True, message=f"{how} Membrane accepts it.")

    async def ensure_connection(self, app_url: str, name: str | None = None) -> Connection:
        body: dict[str, Any] = {"appUrl": app_url}
        if name is not None:
            body["name"] = name
        # Find-or-create: repeating it finds what the first attempt made, so it may be retried.
        value = await self._json(
            "POST", "/connections/ensure", "connection ensure", json_body=body, idempotent=True
        )
        return _parsed(parse.parse_connection, value, "connection ensure")

    async def get_connection(self, connection_id: str, *, wait_s: int | None = None) -> Connection:
        params: dict[str, Any] = {}
        timeout_s = self.timeout_s
        wait_s = long_poll_s(wait_s)
        if wait_s:
            params = {"wait": "true", "timeout": wait_s}
            timeout_s = max(timeout_s, wait_s + WAIT_MARGIN_S)
        value = await self._json(
            "GET",
            f"/connections/{_segment(connection_id)}",
            "connection get",
            params=params,
            timeout_s=timeout_s,
        )
        return _parsed(parse.parse_connection, value, "connection get")

    async def reconnect(self, connection_id: str) -> Connection:
        value = await self._json("POST", f"/connections/{_segment(connection_id)}/reconnect", "connect")
        return _parsed(parse.parse_connection, value, "connect")

    async def list_connections(self) -> list[Connection]:
        value = await self._json("GET", "/connections", "connection list")
        return _parsed(parse.parse_connections, value, "connection list")

    async def search_actions(self, connection_id: str, intent: str, limit: int) -> list[Action]:
        params = {"connectionId": connection_id, "intent": intent, "limit": limit}
        value = await self._json("GET", "/actions", "action list", params=params)
        return _parsed(parse.parse_actions, value, "action list")

    async def get_action(self, action_id: str) -> Action:
        value = await self._json("GET", f"/actions/{_segment(action_id)}", "action get")
        return _parsed(parse.parse_action, value, "action get")

    async def run_action(self, action_id: str, connection_id: str, input: dict[str, Any]) -> ActionRun:
        value = await self._json(
            "POST",
            f"/actions/{_segment(action_id)}/run",
            "action run",
            params={"connectionId": connection_id},
            json_body={"input": input},
        )
        return parse.parse_action_run(value)

    async def request(self, connection_id: str, request: ProxyRequest) -> ProxyResponse:
        """One call through Membrane's proxy; Hotmart's real status and headers come back."""
        path = fill_path_params(request.path, request.path_params)
        headers = list(request.headers)
        content: bytes | None = None
        if request.body is not None:
            content = json.dumps(request.body, ensure_ascii=False, allow_nan=False).encode()
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("content-type", "application/json"))
        response = await self._send(
            request.method,
            f"/connections/{_segment(connection_id)}/proxy{path}",
            "request",
            params=list(request.query),
            headers=headers,
            content=content,
            idempotent=request.method in IDEMPOTENT_METHODS,
            proxied=True,
        )
        body = _body(response)
        if not 200 <= response.status_code < 300:
            raise _error(response, "request", proxied=True)
        return ProxyResponse(status=response.status_code, headers=dict(response.headers), body=body)

    async def _json(
        self,
        method: str,
        url: str,
        operation: str,
        *,
        params: Any = None,
        json_body: Any = None,
        idempotent: bool | None = None,
        timeout_s: float | None = None,
    ) -> Any:
        content = None if json_body is None else json.dumps(json_body, allow_nan=False).encode()
        response = await self._send(
            method,
            url,
            operation,
            params=params,
            headers=[("content-type", "application/json")] if content is not None else [],
            content=content,
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            timeout_s=timeout_s,
        )
        if not 200 <= response.status_code < 300:
            raise _error(response, operation, proxied=False)
        value = _body(response)
        if value is None or isinstance(value, str):
            raise MembraneFailed(
                f"Membrane's API answered `{operation}` with a body that is not JSON.",
                status=response.status_code,
                output=shorten(value or "", 500) or None,
            )
        return value

    async def _send(
        self,
        method: str,
        url: str,
        operation: str,
        *,
        params: Any,
        headers: Sequence[tuple[str, str]],
        content: bytes | None,
        idempotent: bool,
        timeout_s: float | None = None,
        proxied: bool = False,
    ) -> httpx2.Response:
        """Send with the bearer token, renewing it once on a 401 and retrying what may be retried."""
        attempt = 0
        renewed = False
        while True:
            started = time.monotonic()
            try:
                async with self._capacity():
                    response = await self._client.request(
                        method,
                        url,
                        params=params,
                        headers=[*headers, ("authorization", f"Bearer {self.tokens.token()}")],
                        content=content,
                        timeout=httpx2.USE_CLIENT_DEFAULT if timeout_s is None else timeout_s,
                    )
                    await response.aread()
            except httpx2.TransportError as exc:
                retryable = idempotent and not isinstance(exc, httpx2.ReadTimeout)
                if retryable and attempt < self.max_retries:
                    await self._backoff(attempt, f"{type(exc).__name__}", operation)
                    attempt += 1
                    continue
                raise _transport_failure(exc, operation, self.shown_url) from None
            logger.debug(
                "Membrane API %s %s -> %d in %.0f ms",
                method,
                operation,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code == 401 and (not proxied or _is_membrane_body(_body(response))):
                if not renewed and self.tokens.renew():
                    renewed = True
                    continue
                said = _membrane_message(response) or "the token was refused"
                raise NotLoggedIn(
                    f"Membrane refused the token from {self.tokens.description}: {said}",
                    next_step=self.tokens.fix_hint,
                )
            if idempotent and response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                wait = retry_after_seconds(response.headers) if response.status_code == 429 else None
                if wait is None or wait <= MAX_RETRY_AFTER_S:
                    await self._backoff(attempt, f"HTTP {response.status_code}", operation, wait)
                    attempt += 1
                    continue
            return response

    async def _backoff(self, attempt: int, why: str, operation: str, wait_s: float | None = None) -> None:
        delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt) if wait_s is None else wait_s
        logger.info("Membrane API %s: %s; retry %d in %.2f s", operation, why, attempt + 1, delay)
        await self._sleep(delay)

    def _capacity(self) -> anyio.CapacityLimiter:
        # Created on first use: anyio primitives belong to the running event loop.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.max_concurrency)
        return self._limiter


def fill_path_params(path: str, params: Sequence[tuple[str, str]]) -> str:
    """Put each ``path_params`` value (percent-encoded) into its ``{name}`` / ``:name`` placeholder.

    The CLI hands these to ``membrane request --pathParam``; the REST proxy takes a finished path.
    """
    for name, value in params:
        encoded = quote(value, safe="")
        path = path.replace(f"{{{name}}}", encoded)
        # quote() leaves no backslash, so the value is safe as a re.sub replacement.
        path = re.sub(rf":{re.escape(name)}(?=/|$)", encoded, path)
    return path


def _segment(value: str) -> str:
    return quote(value, safe="")


def _body(response: httpx2.Response) -> Any:
    """The JSON body, the text when it is not JSON, None when empty."""
    text = response.text
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _is_membrane_body(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in MEMBRANE_ERROR_TYPES and "message" in value


def _membrane_message(response: httpx2.Response) -> str | None:
    value = _body(response)
    return value["message"] if _is_membrane_body(value) and isinstance(value["message"], str) else None


def _error(response: httpx2.Response, operation: str, *, proxied: bool) -> HotmartMcpError:
    """The same error class the CLI backend raises for this failure (failure.classify)."""
    status = response.status_code
    value = _body(response)
    headers = dict(response.headers)
    if proxied and not _is_membrane_body(value):
        # Hotmart's own answer, passed through by the proxy: the CLI reports it as a
        # `connection` error carrying status, headers and response (sandbox output.request_failure).
        body = ErrorBody(
            "connection",
            "rate_limit_exceeded" if status == 429 else "request_failed",
            f"Request failed with status code {status}",
            {"status": status, "headers": headers, "response": value},
        )
    else:
        found = find_error_body(value)
        if found is None:
            found = ErrorBody(
                None, None, f"Membrane's API answered HTTP {status} {response.reason_phrase}", {}
            )
        data = dict(found.data)
        data.setdefault("headers", headers)
        body = ErrorBody(found.type, found.key, found.message, data)
    error = classify(body, value, text="", exit_code=None, command=operation)
    if isinstance(error, CliFailed):
        return MembraneFailed(
            f"Membrane's API failed on `{operation}` (HTTP {status}): {body.message}",
            status=status,
            type=body.type,
            key=body.key,
        )
    return error


def _transport_failure(exc: httpx2.TransportError, operation: str, base_url: str) -> HotmartMcpError:
    if isinstance(exc, httpx2.TimeoutException):
        return OperationTimeout(
            f"Membrane's API did not answer `{operation}` in time ({type(exc).__name__})."
        )
    return BackendUnavailable(f"Membrane's API at {base_url} could not be reached ({type(exc).__name__}).")


def _parsed(reader: Callable[..., Any], value: Any, operation: str) -> Any:
    """Run a ``parse`` reader; a shape it cannot read is Membrane's failure, not the CLI's."""
    try:
        return reader(value, command=operation)
    except CliFailed as exc:
        raise MembraneFailed(
            f"Membrane's API answered `{operation}` with an unexpected shape.", **exc.details
        ) from None
