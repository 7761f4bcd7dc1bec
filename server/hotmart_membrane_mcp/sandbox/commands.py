"""Every command of the simulated CLI: its spec (words, arguments, flags) and its handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import login
from .actions import (
    action_failure,
    action_object,
    action_text,
    find_action,
    list_text,
    run_action,
    search_actions,
)
from .cli import CommandSpec, Flag
from .errors import UsageError, bad_request
from .invocation import Invocation
from .membrane import HOTMART, Connections
from .output import ProxiedResponse, Result
from .proxy import HotmartProxy
from .raw_requests import act_api, proxied_request
from .settings import SandboxSettings
from .store import StateStore

Handler = Callable[[Invocation], "Result | ProxiedResponse"]

JSON = Flag("json", "bool")
# FACT (membrane-cli-contract.md §3): tenant commands accept --workspaceKey/--tenantKey overrides; the sandbox
# has one of each.
TENANT_FLAGS = (Flag("workspaceKey"), Flag("tenantKey"))
LOGIN_FLAGS = (
    Flag("tenant", "bool"),
    Flag("clientName"),
    Flag("non-interactive", "bool"),
    Flag("apiUri"),
    JSON,
)


@dataclass(frozen=True)
class Command:
    spec: CommandSpec
    handler: Handler
    tenant: bool = False  # a tenant API command: needs a login, counts for the flaky scenario
    control: bool = False  # a sandbox control (plays the human): never delayed


def _connection_result(connection: dict[str, Any]) -> Result:
    lines = [f"Connection {connection['id']} ({connection['name']}): {connection['state']}"]
    action = connection.get("clientAction")
    if action:
        lines.append(f"Action required ({action['type']}): {action['description']}")
        lines += [f"Open: {action['uiUrl']}"] if "uiUrl" in action else []
        lines += [action["agentInstructions"]] if "agentInstructions" in action else []
    if "error" in connection:
        lines.append(f"Error: {connection['error']['message']}")
    return Result(connection, "\n".join(lines))


def _start_login(inv: Invocation) -> Result:
    command = inv.command
    return login.start_login(
        inv.store,
        client_name=command.value("clientName"),
        tenant=command.switch("tenant"),
        api_uri=command.value("apiUri"),
    )


def _connection_get(inv: Invocation) -> Result:
    selector = inv.argument("id-or-key")
    if not inv.command.switch("wait"):
        return _connection_result(inv.connections.get(selector))
    # FACT (membrane-cli-contract.md §5, OAPI getConnection): timeout in seconds, 1..60, default 30.
    timeout = inv.integer("timeout", default=30, minimum=1, maximum=60)

    def notify(message: str) -> None:
        inv.stderr.write(message + "\n")
        inv.stderr.flush()

    return _connection_result(
        inv.connections.wait(selector, timeout, sleep=inv.sleep, notify=notify, clock=inv.clock)
    )


def _connection_list(inv: Invocation) -> Result:
    page = inv.connections.list(
        integration_key=inv.command.value("integrationKey"),
        search=inv.command.value("search"),
        limit=inv.integer("limit", default=100, minimum=1, maximum=1000),
        cursor=inv.cursor(),
    )
    lines = [
        f"{item['id']}  {item['integration']['key']:<10} {item['state']:<24} {item['name']}"
        for item in page["items"]
    ]
    return Result(page, "\n".join(lines) or "No connections.")


def _connect(inv: Invocation) -> Result:
    selector = inv.command.value("connectionId")
    if selector is None:
        raise UsageError(
            "connect needs --connectionId <id>: the sandbox only reconnects existing connections"
        )
    return _connection_result(inv.connections.reconnect(selector))


def _connection_id(inv: Invocation) -> str | None:
    return inv.command.value("connectionId") or inv.command.value("connectionKey")


def _action_list(inv: Invocation) -> Result:
    connection_id = _connection_id(inv)
    integration = inv.command.value("integrationKey") or HOTMART.key
    if connection_id is not None:
        connection = inv.connections.lookup(connection_id)
        connection_id, integration = connection["id"], connection["integration"]["key"]
    page = search_actions(
        inv.command.value("intent"),
        limit=inv.integer("limit", default=10, minimum=1, maximum=1000),  # SI-skill: default 10
        cursor=inv.cursor(),
        connection_id=connection_id,
        integration_key=integration,
    )
    return Result(page, list_text(page))


def _action_get(inv: Invocation) -> Result:
    connection_id = _connection_id(inv)
    if connection_id is not None:
        connection_id = inv.connections.lookup(connection_id)["id"]
    item = action_object(find_action(inv.argument("id-or-key")), connection_id)
    return Result(item, action_text(item))


def _run(inv: Invocation, selector: str, raw_input: Any) -> Result:
    return run_on_connection(inv.store, inv.settings, _connection_id(inv), selector, raw_input)


def run_on_connection(
    store: StateStore, settings: SandboxSettings, connection: str | None, selector: str, raw_input: Any
) -> Result:
    """Run the action ``selector`` on a READY connection (shared by the CLI and HTTP faces)."""
    action = find_action(selector)
    proxy = HotmartProxy(store, settings, Connections(store, settings).require_ready(connection))

    def call(method: str, path: str, query: Any = None, body: Any = None) -> Any:
        response = proxy.send(method, path, query, {"Content-Type": "application/json"}, body)
        if not 200 <= response.status < 300:
            raise action_failure(response.status, response.headers, response.body)
        return response.body

    result = run_action(action, raw_input, call)
    return Result(result)


def _action_run(inv: Invocation) -> Result:
    return _run(inv, inv.argument("id-or-key"), inv.json_flag("input"))


def _act(inv: Invocation) -> Result:
    chosen = [flag for flag in ("id", "key", "api") if inv.command.value(flag) is not None]
    if len(chosen) != 1:
        raise UsageError("act needs exactly one of --id, --key or --api")
    integration = inv.command.value("integrationKey")
    if integration is not None and integration != HOTMART.key:
        raise bad_request(f"Integration '{integration}' has no connection in the sandbox")
    if chosen[0] == "api":
        connection = inv.connections.require_ready(_connection_id(inv))
        return act_api(HotmartProxy(inv.store, inv.settings, connection), inv.json_flag("api"))
    return _run(inv, inv.command.value(chosen[0]) or "", inv.json_flag("input"))


def _request(inv: Invocation) -> ProxiedResponse:
    connection = inv.connections.require_ready(inv.argument("connectionId"))
    return proxied_request(HotmartProxy(inv.store, inv.settings, connection), inv.command)


def _approve(inv: Invocation) -> Result:
    return _connection_result(inv.connections.approve(inv.argument("connection-id")))


def _reset(inv: Invocation) -> Result:
    inv.store.clear()
    return Result(
        {"reset": True, "stateDir": str(inv.store.directory)}, f"Sandbox state cleared: {inv.store.directory}"
    )


def _spec(
    words: str, *flags: Flag, args: tuple[str, ...] = (), optional: tuple[str, ...] = ()
) -> CommandSpec:
    return CommandSpec(tuple(words.split()), args, optional, flags)


_ACTION_CONNECTION = (Flag("connectionId"), Flag("connectionKey"))
COMMANDS: tuple[Command, ...] = (
    Command(_spec("login", *LOGIN_FLAGS), _start_login),
    Command(_spec("login start", *LOGIN_FLAGS), _start_login),
    Command(
        _spec("login complete", JSON, args=("code",)),
        lambda inv: login.complete_login(inv.store, inv.argument("code")),
    ),
    Command(_spec("status", JSON), lambda inv: login.status(inv.store, inv.settings.scenario)),
    Command(_spec("logout", JSON), lambda inv: login.logout(inv.store)),
    Command(
        _spec("connection ensure", Flag("name"), JSON, *TENANT_FLAGS, args=("url-or-domain",)),
        lambda inv: _connection_result(
            inv.connections.ensure(inv.argument("url-or-domain"), inv.command.value("name"))
        ),
        tenant=True,
    ),
    Command(
        _spec(
            "connection get", Flag("wait", "bool"), Flag("timeout"), JSON, *TENANT_FLAGS, args=("id-or-key",)
        ),
        _connection_get,
        tenant=True,
    ),
    Command(
        _spec(
            "connection list",
            Flag("integrationKey"),
            Flag("search"),
            Flag("limit"),
            Flag("cursor"),
            JSON,
            *TENANT_FLAGS,
        ),
        _connection_list,
        tenant=True,
    ),
    Command(
        _spec("connect", Flag("connectionId"), Flag("non-interactive", "bool"), JSON, *TENANT_FLAGS),
        _connect,
        tenant=True,
    ),
    Command(
        _spec(
            "action list",
            *_ACTION_CONNECTION,
            Flag("integrationKey"),
            Flag("intent"),
            Flag("limit"),
            Flag("cursor"),
            JSON,
            *TENANT_FLAGS,
        ),
        _action_list,
        tenant=True,
    ),
    Command(
        _spec("action get", *_ACTION_CONNECTION, JSON, *TENANT_FLAGS, args=("id-or-key",)),
        _action_get,
        tenant=True,
    ),
    Command(
        _spec("action run", *_ACTION_CONNECTION, Flag("input"), JSON, *TENANT_FLAGS, args=("id-or-key",)),
        _action_run,
        tenant=True,
    ),
    Command(
        _spec(
            "act",
            Flag("id"),
            Flag("key"),
            Flag("api"),
            *_ACTION_CONNECTION,
            Flag("integrationKey"),
            Flag("input"),
            JSON,
            *TENANT_FLAGS,
        ),
        _act,
        tenant=True,
    ),
    Command(
        _spec(
            "request",
            Flag("method", short="X"),
            Flag("header", "list", short="H"),
            Flag("data", short="d"),
            # FACT (membrane-cli-contract.md §2, §9): in `request`, --json is the JSON body, not the output
            # mode
            Flag("json"),
            Flag("rawData", "bool"),
            Flag("query", "list"),
            Flag("pathParam", "list"),
            *TENANT_FLAGS,
            args=("connectionId", "path"),
        ),
        _request,
        tenant=True,
    ),
    Command(_spec("sandbox approve", JSON, args=("connection-id",)), _approve, control=True),
    Command(_spec("sandbox login-code", JSON), lambda inv: login.pending_login_code(inv.store), control=True),
    Command(_spec("sandbox reset", JSON), _reset, control=True),
)
SPECS = tuple(command.spec for command in COMMANDS)
