"""The simulator's second face: Membrane's REST API (membrane-cli-contract.md §11) over HTTP.

``python -m hotmart_membrane_mcp.sandbox serve [--host 127.0.0.1] [--port 0]`` serves the
endpoints the server's api backend calls, from the same core and state directory as the CLI
face (``membrane.py``, ``actions.py``, ``proxy.py``, ``login.py``), so a test may mix both
faces: ``sandbox approve <id>`` through the CLI, then ``GET /connections/<id>`` over HTTP.

    POST /connections/ensure              {appUrl, name?} -> Connection
    GET  /connections                     ?limit&cursor&integrationKey&search -> {items, cursor?}
    GET  /connections/{id}                ?wait=true&timeout=1..60 -> Connection
    POST /connections/{id}/reconnect      -> Connection (UNKNOWN endpoint, membrane-cli-contract.md §6)
    GET  /actions                         ?connectionId&intent&limit&cursor -> {items, cursor?}
    GET  /actions/{selector}              ?connectionId -> Action
    POST /actions/{selector}/run          ?connectionId {input} -> {output, actionRunId}
    POST /act                             {id | key | api, connectionId?, input?}
    ANY  /connections/{id}/proxy/{path}   Hotmart's status, headers and body, unchanged

Errors are membrane-cli-contract.md §13 bodies with the documented statuses (404 not_found, 401
not_authenticated, 403 access_denied, 429 Membrane's own rate limit, 500 internal, else 400). Every scenario
of the CLI face applies (read once from the environment at start): ``logged-out`` answers 401 until a
login completes (the CLI face's ``login complete`` on the same state dir); ``slow`` delays every
request; ``flaky`` fails every third one (a Hotmart 503 through the proxy, else a 500);
``rate-limited`` makes every Nth Hotmart call a 429 with Retry-After. Bearer tokens are checked
by ``bearer.py``. Handlers run in worker threads: the core is synchronous and its state files
are locked per document (``store.py``), so concurrent requests are as safe as concurrent CLIs.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .actions import action_object, find_action, search_actions
from .bearer import BearerPolicy, unauthorized
from .commands import run_on_connection
from .errors import MembraneError, UsageError, bad_request, internal_error
from .login import is_logged_in
from .membrane import HOTMART, Connections
from .output import ProxiedResponse, Result
from .proxy import METHODS, HotmartProxy, service_unavailable
from .raw_requests import act_api
from .scenarios import flaky_turn
from .settings import SandboxSettings
from .store import StateStore

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
# Headers of the call to Membrane itself; never forwarded to Hotmart through the proxy.
_OWN_HEADERS = frozenset(
    {"authorization", "membrane-api-version", "host", "content-length", "connection", "accept-encoding",
     "user-agent", "accept"}
)  # fmt: skip
_STATUS_BY_KEY = {"not_found": 404, "not_authenticated": 401, "access_denied": 403}


@dataclass(frozen=True)
class Face:
    """What every request shares: the scenario settings, who may call, how to wait."""

    settings: SandboxSettings
    bearer: BearerPolicy
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic  # measures long-poll waits, with ``sleep``

    @property
    def store(self) -> StateStore:
        return StateStore(self.settings.state_dir)

    @property
    def connections(self) -> Connections:
        return Connections(self.store, self.settings)


@dataclass(frozen=True)
class Call:
    """One HTTP request, read off the event loop so the handler can run in a thread."""

    face: Face
    method: str
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    raw_tail: str  # the undecoded path after /proxy (proxy only)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def integer(self, name: str, *, default: int, minimum: int, maximum: int) -> int:
        text = self.param(name)
        if text is None:
            return default
        if not text.lstrip("-").isdigit() or not minimum <= int(text) <= maximum:
            raise bad_request(f"{name} must be an integer between {minimum} and {maximum}")
        return int(text)

    def cursor(self) -> int:
        text = self.param("cursor") or "0"
        if not text.isdigit():
            raise bad_request(f"Invalid cursor {text!r}")
        return int(text)

    def json(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise bad_request("The request body is not valid JSON.") from None

    def json_object(self) -> dict[str, Any]:
        value = self.json()
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise bad_request("The request body must be a JSON object.")
        return value

    def connection_selector(self) -> str | None:
        return self.param("connectionId") or self.param("connectionKey")


Handler = Callable[[Call], "Result | ProxiedResponse"]


def _ensure(call: Call) -> Result:
    body = call.json_object()
    app_url, name = body.get("appUrl"), body.get("name")
    if not isinstance(app_url, str) or (name is not None and not isinstance(name, str)):
        raise bad_request("appUrl must be a string (and name, when given)")
    return Result(call.face.connections.ensure(app_url, name))


def _connection_get(call: Call) -> Result:
    selector = call.path_params["selector"]
    connections = call.face.connections
    if call.param("wait") not in ("true", "1"):
        return Result(connections.get(selector))
    timeout = call.integer("timeout", default=30, minimum=1, maximum=60)  # FACT (membrane-cli-contract.md §5)
    face = call.face
    return Result(
        connections.wait(selector, timeout, sleep=face.sleep, notify=lambda _: None, clock=face.clock)
    )


def _connection_list(call: Call) -> Result:
    return Result(
        call.face.connections.list(
            integration_key=call.param("integrationKey"),
            search=call.param("search"),
            limit=call.integer("limit", default=100, minimum=1, maximum=1000),
            cursor=call.cursor(),
        )
    )


def _reconnect(call: Call) -> Result:
    return Result(call.face.connections.reconnect(call.path_params["selector"]))


def _action_list(call: Call) -> Result:
    connection_id = call.connection_selector()
    integration = call.param("integrationKey") or HOTMART.key
    if connection_id is not None:
        connection = call.face.connections.lookup(connection_id)
        connection_id, integration = connection["id"], connection["integration"]["key"]
    intent = call.param("intent")
    # FACT (membrane-cli-contract.md §7): intent at most 200 characters
    if intent is not None and len(intent) > 200:
        raise bad_request("intent must be at most 200 characters")
    return Result(
        search_actions(
            intent,
            limit=call.integer("limit", default=10, minimum=1, maximum=1000),
            cursor=call.cursor(),
            connection_id=connection_id,
            integration_key=integration,
        )
    )


def _action_get(call: Call) -> Result:
    connection_id = call.connection_selector()
    if connection_id is not None:
        connection_id = call.face.connections.lookup(connection_id)["id"]
    return Result(action_object(find_action(call.path_params["selector"]), connection_id))


def _action_run(call: Call) -> Result:
    body = call.json_object()
    face = call.face
    return run_on_connection(
        face.store, face.settings, call.connection_selector(), call.path_params["selector"], body.get("input")
    )


def _act(call: Call) -> Result:
    body = call.json_object()
    chosen = [name for name in ("id", "key", "api") if body.get(name) is not None]
    if len(chosen) != 1:
        raise bad_request("Give exactly one of id, key or api.")
    face = call.face
    selector = body.get("connectionId") or body.get("connectionKey")
    if chosen[0] == "api":
        connection = face.connections.require_ready(selector)
        return act_api(HotmartProxy(face.store, face.settings, connection), body["api"])
    return run_on_connection(face.store, face.settings, selector, str(body[chosen[0]]), body.get("input"))


def _proxy(call: Call) -> ProxiedResponse:
    face = call.face
    connection = face.connections.require_ready(call.path_params["selector"])
    headers = {name: value for name, value in call.headers.items() if name.lower() not in _OWN_HEADERS}
    body: Any = None
    if call.body:
        text = call.body.decode("utf-8", errors="replace")
        body = call.json() if "json" in headers.get("content-type", "") else text
    path = call.raw_tail or "/"
    return HotmartProxy(face.store, face.settings, connection).send(
        call.method, path, call.query, headers, body
    )


def _status_of(error: MembraneError) -> int:
    if error.type == "internal":
        return 500
    if error.type == "bad_request" and error.key == "rate_limit_exceeded":
        return 429
    return _STATUS_BY_KEY.get(error.key or "", 400)


def _serve_one(handler: Handler, call: Call) -> Response:
    """Everything the CLI face's ``app._run`` does around a tenant command, then the handler."""
    face = call.face
    try:
        if face.settings.scenario == "slow":
            face.sleep(face.settings.delay_s)
        face.bearer.check(call.headers.get("authorization"))
        if not is_logged_in(face.store, face.settings.scenario):
            raise unauthorized("the tenant's session has ended (logged-out scenario).")
        if face.settings.scenario == "flaky" and flaky_turn(face.store):
            if handler is _proxy:
                return _proxied(service_unavailable())
            raise internal_error()
        outcome = handler(call)
    except MembraneError as error:
        return JSONResponse(error.body(), status_code=_status_of(error))
    except UsageError as problem:  # a malformed value the CLI face would refuse on its command line
        return JSONResponse(bad_request(str(problem)).body(), status_code=400)
    if isinstance(outcome, ProxiedResponse):
        return _proxied(outcome)
    return JSONResponse(outcome.payload)


def _proxied(response: ProxiedResponse) -> Response:
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "content-type", "transfer-encoding")
    }
    if response.body is None:
        return Response(status_code=response.status, headers=headers)
    content = json.dumps(response.body, ensure_ascii=False)
    return Response(content, status_code=response.status, headers=headers, media_type="application/json")


def _endpoint(face: Face, handler: Handler) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        raw = raw_path.decode("latin-1").split("?", 1)[0]
        marker = raw.find("/proxy/")
        query: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            query.setdefault(name, []).append(value)
        call = Call(
            face=face,
            method=request.method,
            path_params={name: str(value) for name, value in request.path_params.items()},
            query=query,
            headers={name.lower(): value for name, value in request.headers.items()},
            body=await request.body(),
            raw_tail=raw[marker + len("/proxy") :] if marker >= 0 else "",
        )
        return await anyio.to_thread.run_sync(_serve_one, handler, call)

    return endpoint


def build_app(
    settings: SandboxSettings,
    bearer: BearerPolicy,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Starlette:
    """The ASGI application of the HTTP face (tests may mount it in process and replace the time)."""
    face = Face(settings, bearer, sleep, clock)

    def route(path: str, handler: Handler, methods: tuple[str, ...]) -> Route:
        return Route(path, _endpoint(face, handler), methods=list(methods))

    return Starlette(
        routes=[
            route("/connections/ensure", _ensure, ("POST",)),
            route("/connections", _connection_list, ("GET",)),
            route("/connections/{selector}", _connection_get, ("GET",)),
            route("/connections/{selector}/reconnect", _reconnect, ("POST",)),
            route("/connections/{selector}/proxy/{path:path}", _proxy, METHODS),
            route("/actions", _action_list, ("GET",)),
            route("/actions/{selector}", _action_get, ("GET",)),
            route("/actions/{selector}/run", _action_run, ("POST",)),
            route("/act", _act, ("POST",)),
        ]
    )


def serve_main(argv: list[str], environ: Mapping[str, str]) -> int:
    """``serve``: bind, print the URL on one stdout line, serve until stopped (SIGINT/SIGTERM)."""
    parser = argparse.ArgumentParser(prog="python -m hotmart_membrane_mcp.sandbox serve")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (the simulator has no TLS)"
    )
    parser.add_argument(
        "--stop-on-stdin-close",
        action="store_true",
        help="stop when stdin reaches end of file (a parent keeps it open; if the parent dies, so does this)",
    )
    options = parser.parse_args(argv)
    if not options.allow_remote and not _is_loopback(options.host):
        sys.stderr.write(f"Error: --host {options.host} is not a loopback address (add --allow-remote)\n")
        return 2
    try:
        settings = SandboxSettings.from_environ(environ)
    except UsageError as problem:
        sys.stderr.write(f"Error: {problem}\n")
        return 2
    import uvicorn

    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # uvicorn writes a response's head and body separately; with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms on loopback). Accepted sockets inherit this on Linux.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((options.host, options.port))
    sock.listen(128)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    # The parent (the MCP server, a test) reads this one line to learn the port.
    sys.stdout.write(f"http://{shown}:{port}\n")
    sys.stdout.flush()
    app = build_app(settings, BearerPolicy.from_environ(environ))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if options.stop_on_stdin_close:
        threading.Thread(target=_stop_at_eof, args=(server,), daemon=True).start()
    server.run(sockets=[sock])
    return 0


def _stop_at_eof(server: Any) -> None:
    """Read stdin to its end, then ask uvicorn to stop (it finishes the requests in flight)."""
    while sys.stdin.buffer.read(4096):
        pass
    server.should_exit = True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
