"""``CliBackend``: the ``MembraneBackend`` Protocol over the ``membrane`` executable.

Every method builds one argv from an allow-list of subcommands, runs it through a
``CliRunner`` and parses the output with ``parse.py``. Argv rules (issue #3):
user values go in ``--flag=value`` form so none can become a flag; the few positional user
values (connection id, action id, app URL, API path, login code) are validated first and can
never start with ``-``; ``--json`` comes last (membrane-cli-contract.md §2: minimist may let a
non-boolean flag swallow the next bare word). ``--`` is not used before positionals: whether
the real CLI honours it is UNKNOWN, and the validation makes it unnecessary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InvalidInput, NotLoggedIn
from ..formats import check_app_url
from . import parse
from .backend import WAIT_MARGIN_S, long_poll_s
from .failure import raise_for_failure
from .models import Action, ActionRun, Connection, LoginStart, LoginStatus, ProxyRequest, ProxyResponse
from .request_guards import check_path_params
from .runner import CliResult, CliRunner
from .validate import (
    check_client_name,
    check_id,
    check_login_code,
    check_request_method,
    check_text,
)

# The only subcommands this server ever runs (one per backend operation).
ALLOWED_SUBCOMMANDS = frozenset(
    {
        ("login",),
        ("login", "complete"),
        ("status",),
        ("connection", "ensure"),
        ("connection", "get"),
        ("connection", "list"),
        ("connect",),
        ("action", "list"),
        ("action", "get"),
        ("action", "run"),
        ("request",),
    }
)
MAX_SEARCH_LIMIT = 100
MAX_INTENT_CHARS = 200  # membrane-cli-contract.md §7 IA-tools: intent <= 200 characters
# Linux: one argv element holds at most 131,072 bytes with its NUL (MAX_ARG_STRLEN), and argv and
# the environment together at most ARG_MAX (often 2 MiB; 1 MiB on macOS). Our own arguments stay
# within half of the smaller, so the user's environment keeps the rest.
MAX_ARG_BYTES = 131_071
MAX_COMMAND_LINE_BYTES = 512 * 1024


class CliBackend:
    """Membrane through its CLI. Every method raises only classes of ``errors.py``.

    Args:
        runner: runs the CLI (``SubprocessRunner`` in production, a fake in unit tests).
        timeout_s: the limit for one CLI call; long-polls get their wait added on top.
    """

    supports_browser_login = True

    def __init__(self, runner: CliRunner, *, timeout_s: float) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.runner = runner
        self.timeout_s = timeout_s

    async def login_start(self, client_name: str) -> LoginStart:
        """Begin a headless tenant login; returns the URL the user must open."""
        flags = [f"--clientName={check_client_name(client_name)}", "--non-interactive"]
        # The documented form has no --json (membrane-cli-contract.md §3); parse.py reads text or JSON.
        result = await self._call(("login",), ["--tenant", *flags], json_output=False)
        return parse.parse_login_start(result)

    async def login_complete(self, code: str) -> LoginStatus:
        """Finish the login with the code the user saw in the browser."""
        code = check_login_code(code)
        result = await self._call(("login", "complete"), [code], json_output=False, secrets=(code,))
        return parse.parse_login_complete(result)

    async def login_status(self) -> LoginStatus:
        """Whether Membrane is logged in; a not-authenticated answer is a status, not an error."""
        argv = self._argv(("status",), [], json_output=True)
        result = await self.runner.run(argv, timeout_s=self.timeout_s)
        try:
            raise_for_failure(result, command="status")
        except NotLoggedIn as exc:
            return LoginStatus(logged_in=False, message=exc.message)
        return parse.parse_login_status(result)

    async def ensure_connection(self, app_url: str, name: str | None = None) -> Connection:
        """Find or create the tenant's connection to the app at ``app_url``."""
        args = [] if name is None else [f"--name={check_text(name, 'name', max_chars=200)}"]
        args.append(check_app_url(app_url))
        result = await self._call(("connection", "ensure"), args)
        return parse.parse_connection(parse.json_payload(result, command="connection ensure"))

    async def get_connection(self, connection_id: str, *, wait_s: int | None = None) -> Connection:
        """Read a connection; with ``wait_s`` long-poll up to that many seconds for a state change.

        ``wait_s`` of ``None`` or 0 reads without waiting; more than 60 is capped at 60.
        """
        args = [check_id(connection_id, "connection_id")]
        timeout_s = self.timeout_s
        wait_s = long_poll_s(wait_s)
        if wait_s:
            args += ["--wait", f"--timeout={wait_s}"]
            timeout_s = max(timeout_s, wait_s + WAIT_MARGIN_S)
        result = await self._call(("connection", "get"), args, timeout_s=timeout_s)
        return parse.parse_connection(parse.json_payload(result, command="connection get"))

    async def reconnect(self, connection_id: str) -> Connection:
        """Start re-authentication of an existing (disconnected) connection (`connect --connectionId`)."""
        args = [f"--connectionId={check_id(connection_id, 'connection_id')}", "--non-interactive"]
        result = await self._call(("connect",), args)
        return parse.parse_connection(parse.json_payload(result, command="connect"), command="connect")

    async def list_connections(self) -> list[Connection]:
        """Every connection of the tenant (first page of `connection list`)."""
        result = await self._call(("connection", "list"), [])
        return parse.parse_connections(parse.json_payload(result, command="connection list"))

    async def search_actions(self, connection_id: str, intent: str, limit: int) -> list[Action]:
        """Actions of the connection ranked by how well they match ``intent``."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise InvalidInput(f"limit must be a whole number from 1 to {MAX_SEARCH_LIMIT}.", field="limit")
        args = [
            f"--connectionId={check_id(connection_id, 'connection_id')}",
            f"--intent={check_text(intent, 'intent', max_chars=MAX_INTENT_CHARS)}",
            f"--limit={limit}",
        ]
        result = await self._call(("action", "list"), args)
        return parse.parse_actions(parse.json_payload(result, command="action list"))

    async def get_action(self, action_id: str) -> Action:
        """One action with its input and output schemas."""
        result = await self._call(("action", "get"), [check_id(action_id, "action_id")])
        return parse.parse_action(parse.json_payload(result, command="action get"))

    async def run_action(self, action_id: str, connection_id: str, input: dict[str, Any]) -> ActionRun:
        """Run an action on the connection and return its output."""
        if not isinstance(input, dict):
            raise InvalidInput("input must be a JSON object.", field="input")
        args = check_command_line(
            {
                "action_id": [check_id(action_id, "action_id")],
                "connection_id": [f"--connectionId={check_id(connection_id, 'connection_id')}"],
                "input": [f"--input={_to_json(input, 'input')}"],
            }
        )
        result = await self._call(("action", "run"), args)
        return parse.parse_action_run(parse.json_payload(result, command="action run"))

    async def request(self, connection_id: str, request: ProxyRequest) -> ProxyResponse:
        """Send one request to the Hotmart API through Membrane's authenticated proxy.

        The issue asks for ``membrane request``; membrane-cli-contract.md §15 would prefer ``act --api``
        for its documented ``{output, actionRunId}`` output, but ``act --api`` returns only the
        body (no status), and ``request`` is what the Hotmart skill documents (membrane-cli-contract.md §9).
        Its output is UNKNOWN, so ``parse.parse_request_output`` reads both a bare body and a full
        ``{status, headers, body}``.
        """
        # The path, headers, query and body were checked when the ProxyRequest was made
        # (models.ProxyRequest); what is left are the CLI's own rules: the positional id, the
        # methods `-X` documents, path parameters Membrane fills in, and the argv sizes.
        slots: dict[str, list[str]] = {
            "connection_id": [check_id(connection_id, "connection_id")],
            "path": [request.path],
            "method": [f"--method={check_request_method(request.method)}"],
            "headers": [f"--header={name}: {value}" for name, value in request.headers],
            "query": [f"--query={key}={value}" for key, value in request.query],
            "path_params": [
                f"--pathParam={key}={value}" for key, value in check_path_params(request.path_params)
            ],
        }
        if request.body is not None:
            # In `request`, --json is the body flag (membrane-cli-contract.md §9), so there is no output
            # --json here.
            slots["body"] = [f"--json={_to_json(request.body, 'body')}"]
        args = check_command_line(slots)
        result = await self._call(("request",), args, json_output=False, check_body=False)
        return parse.parse_request_output(result, method=request.method, path=request.path)

    async def _call(
        self,
        subcommand: tuple[str, ...],
        args: list[str],
        *,
        json_output: bool = True,
        timeout_s: float | None = None,
        secrets: Sequence[str] = (),
        check_body: bool = True,
    ) -> CliResult:
        argv = self._argv(subcommand, args, json_output=json_output)
        result = await self.runner.run(argv, timeout_s=timeout_s or self.timeout_s)
        command = " ".join(subcommand)
        if check_body or result.exit_code != 0:
            # A proxied body on exit 0 is Hotmart's, whatever it looks like: never an error body.
            raise_for_failure(result, command=command, secrets=secrets)
        return result

    @staticmethod
    def _argv(subcommand: tuple[str, ...], args: list[str], *, json_output: bool) -> list[str]:
        if subcommand not in ALLOWED_SUBCOMMANDS:
            raise ValueError(f"subcommand {subcommand!r} is not allowed")
        return [*subcommand, *args, *(["--json"] if json_output else [])]


def check_command_line(slots: Mapping[str, Sequence[str]]) -> list[str]:
    """The arguments of ``slots`` in order, refused before any process starts when they cannot fit.

    Raises:
        InvalidInput: one argument is over MAX_ARG_BYTES, or all of them over MAX_COMMAND_LINE_BYTES;
            the field named is the one that holds the most.
    """
    sizes = {
        field: [len(arg.encode("utf-8", "surrogatepass")) + 1 for arg in args]
        for field, args in slots.items()
    }
    for field, arg_sizes in sizes.items():
        if arg_sizes and max(arg_sizes) > MAX_ARG_BYTES + 1:
            raise InvalidInput(
                f"`{field}` makes one command-line argument of {max(arg_sizes) - 1:,} bytes; the limit is "
                f"{MAX_ARG_BYTES:,} bytes.",
                next_step=f"Send a smaller {field}, then retry.",
                field=field,
            )
    total = sum(sum(arg_sizes) for arg_sizes in sizes.values())
    if total > MAX_COMMAND_LINE_BYTES:
        biggest = max(sizes, key=lambda field: sum(sizes[field]))
        raise InvalidInput(
            f"The arguments of this call are {total:,} bytes on the command line (`{biggest}` alone "
            f"{sum(sizes[biggest]):,}); the limit is {MAX_COMMAND_LINE_BYTES:,} bytes in all.",
            next_step=f"Send less in `{biggest}` (or split the work into several calls), then retry.",
            field=biggest,
        )
    return [arg for args in slots.values() for arg in args]


def _to_json(value: Any, field: str) -> str:
    try:
        # ensure_ascii keeps every control character escaped: the argument stays one line.
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} must be JSON-serialisable: {exc}", field=field) from None
