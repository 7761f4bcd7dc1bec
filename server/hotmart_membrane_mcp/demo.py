"""``hotmart-membrane-mcp demo``: the server seen from an MCP client, against the offline sandbox.

The demo is a client, so it prints its transcript on stdout. It starts ``python -m
hotmart_membrane_mcp --sandbox`` over stdio exactly as a host would (2025-11-25 handshake, no
elicitation declared, so sign-in links come back in the results), plays the human with the
simulator's ``sandbox`` commands, and exits non-zero if any step does not go as expected.

The story: login, connection, search, run, a proxied read; then a refund held for the user's yes
and confirmed with its token, "how much did I sell last month?" answered by ``sales_summary``,
and last month's sales exported to a CSV file with ``save_to`` (in the demo's temporary folder).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

SANDBOX = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")
MAX_LINES_PER_RESULT = 24
MAX_LIST_ITEMS = 2
MAX_LINE_CHARS = 150
SALES_HISTORY = "/payments/api/v1/sales/history"


class DemoFailed(Exception):
    """A step did not give the expected answer."""


def say(text: str = "") -> None:
    """One transcript line on stdout (the demo is the client: stdout is its own)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_demo() -> int:
    """Run the whole demo in a fresh sandbox; 0 when every step went as expected."""
    try:
        with tempfile.TemporaryDirectory(prefix="hotmart-demo-") as state_dir:
            anyio.run(_demo, state_dir)
    except DemoFailed as exc:
        sys.stderr.write(f"DEMO FAILED: {exc}\n")
        return 1
    say("\nDemo finished: every step answered as expected.")
    return 0


async def _demo(state_dir: str) -> None:
    env = {
        "HOTMART_SANDBOX_DIR": state_dir,
        "HOTMART_MCP_EXPORT_DIR": os.path.join(state_dir, "exports"),
        "HOTMART_SANDBOX_SCENARIO": "connect",
        "HOTMART_MCP_LOG_LEVEL": "WARNING",  # keep the server's stderr out of the transcript
        "PYTHONUNBUFFERED": "1",
    }
    await _sandbox(env, "logout")  # start logged out, so the login is part of the story
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "hotmart_membrane_mcp", "--sandbox"], env=env
    )
    with anyio.fail_after(120):
        async with Client(server, mode="legacy") as client:
            await _walk_through(client, env)


async def _walk_through(client: Client, env: dict[str, str]) -> None:
    info = client.server_info
    say("== hotmart-membrane-mcp demo: an MCP client talking to the server over stdio ==")
    name, version = (info.name, info.version) if info else ("?", "")
    say(f"server {name} {version}, protocol {client.protocol_version}")
    say("Membrane and Hotmart are simulated offline; nothing leaves this machine.\n")
    tools = (await client.list_tools()).tools
    say("Tools: " + ", ".join(tool.name for tool in tools))

    step = Stepper(client)
    await step.error("ensure_connection", {}, "not_logged_in")
    started = await step.ok("login", {}, lambda r: r["login_url"] is not None)
    code = (await _sandbox(env, "sandbox", "login-code")).strip()
    _human(f"opens {started['login_url']}, approves access and reads the code {code}")
    await step.ok("login", {"code": code}, lambda r: r["logged_in"])

    pending = await step.ok("ensure_connection", {}, lambda r: r["state"] == "CLIENT_ACTION_REQUIRED")
    connection_id = pending["connection_id"]
    _human(f"opens {pending['client_action']['ui_url']} and signs in to Hotmart")
    await _sandbox(env, "sandbox", "approve", connection_id)
    await step.ok("ensure_connection", {"connection_id": connection_id}, lambda r: r["ready"])

    found = await step.ok(
        "search_actions", {"intent": "list sales", "limit": 3}, lambda r: bool(r["actions"])
    )
    action = next((a for a in found["actions"] if a["id"] == "list-sales"), found["actions"][0])
    await step.ok(
        "run_action", {"action_id": action["id"], "input": {"max_results": 2}}, lambda r: r["status"] == "ok"
    )
    sales = await step.ok(
        "proxy_request",
        {"path": SALES_HISTORY, "query": {"max_results": 3, "transaction_status": "APPROVED"}},
        lambda r: len(r["body"]["items"]) == 3,
    )

    transaction = sales["body"]["items"][0]["purchase"]["transaction"]
    refund = {"path": f"/payments/api/v1/sales/{transaction}/refund", "method": "PUT"}
    held = await step.ok("proxy_request", refund, lambda r: r["status"] == "confirmation_required")
    _human("reads the summary above and says yes")
    await step.ok(
        "proxy_request", {**refund, "confirm_token": held["confirm_token"]}, lambda r: r["status"] == "ok"
    )

    first, last = last_month(datetime.now(timezone.utc).date())
    say(f'\n    (the user asks: "how much did I sell last month?", that is {first} to {last})')
    period = {"start_date": str(first), "end_date": str(last)}
    await step.ok("sales_summary", {**period, "statuses": ["APPROVED", "COMPLETE"]}, lambda r: r["complete"])

    _human("wants last month's sales in a spreadsheet")
    exported = await step.ok(
        "proxy_request",
        {"path": SALES_HISTORY, "query": period, "all_pages": True, "save_to": "sales-last-month.csv"},
        lambda r: r["saved"]["rows"] > 0 and os.path.isfile(r["saved"]["path"]),
    )
    saved = exported["saved"]
    say(f"\n    (the file is there: {saved['path']}, {saved['rows']} rows, {len(saved['columns'])} columns)")


def last_month(today: date) -> tuple[date, date]:
    """The first day of last month and the first day of this month (the end bound is exclusive)."""
    this_month = today.replace(day=1)
    previous = date.fromordinal(this_month.toordinal() - 1).replace(day=1)
    return previous, this_month


class Stepper:
    """Calls a tool, prints the exchange, and checks the answer."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._number = 0

    async def ok(
        self, tool: str, arguments: dict[str, Any], check: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        result = await self._call(tool, arguments)
        if result.is_error or not result.structured_content:
            raise DemoFailed(f"{tool} failed: {_text(result)}")
        if not check(result.structured_content):
            raise DemoFailed(f"{tool} answered something unexpected: {_text(result)}")
        return result.structured_content

    async def error(self, tool: str, arguments: dict[str, Any], error_type: str) -> dict[str, Any]:
        result = await self._call(tool, arguments)
        answer = json.loads(_text(result))
        if not result.is_error or answer.get("error_type") != error_type:
            raise DemoFailed(f"{tool} should have failed with {error_type}: {_text(result)}")
        return answer

    async def _call(self, tool: str, arguments: dict[str, Any]) -> Any:
        self._number += 1
        say(f"\n[{self._number}] > {tool} {json.dumps(arguments)}")
        result = await self._client.call_tool(tool, arguments)
        label = "error" if result.is_error else "result"
        say(f"    < {label}:")
        for line in _display(json.loads(_text(result))):
            say(f"      {line}")
        return result


def _display(answer: Any) -> list[str]:
    """Indented JSON with schemas folded, deep values on one line and long lists cut, so it stays readable."""
    lines = _render(answer, key=None, depth=0)
    shown = [line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…" for line in lines]
    if len(shown) > MAX_LINES_PER_RESULT:
        hidden = len(shown) - MAX_LINES_PER_RESULT
        shown = [*shown[:MAX_LINES_PER_RESULT], f"… ({hidden} more lines)"]
    return shown


def _render(value: Any, key: str | None, depth: int) -> list[str]:
    pad = "  " * depth
    label = f"{key}: " if key is not None else ""
    if key is not None and key.endswith("_schema") and value:
        return [f"{pad}{label}{{…}}"]
    if not isinstance(value, dict | list) or not value or depth >= 3:
        return [pad + label + json.dumps(value, ensure_ascii=False, separators=(", ", ": "))]
    if isinstance(value, dict):
        inner = [line for k, v in value.items() for line in _render(v, k, depth + 1)]
        return [f"{pad}{label}{{", *inner, f"{pad}}}"]
    inner = [line for item in value[:MAX_LIST_ITEMS] for line in _render(item, None, depth + 1)]
    if len(value) > MAX_LIST_ITEMS:
        inner.append(f"{pad}  … {len(value) - MAX_LIST_ITEMS} more")
    return [f"{pad}{label}[", *inner, f"{pad}]"]


def _text(result: Any) -> str:
    return result.content[0].text if result.content else "{}"


def _human(action: str) -> None:
    say(f"\n    (the human {action})")


async def _sandbox(env: dict[str, str], *args: str) -> str:
    """Run one simulator command (the demo plays the human with these)."""
    result = await anyio.run_process([*SANDBOX, *args], env={**_base_env(), **env}, check=False)
    if result.returncode != 0:
        raise DemoFailed(f"sandbox {' '.join(args)} failed: {result.stderr.decode().strip()}")
    return result.stdout.decode()


def _base_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("HOTMART_")}
