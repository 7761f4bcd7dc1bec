"""End to end over stdio: ``HOTMART_MCP_BACKEND=api hotmart-membrane-mcp --sandbox``.

The server starts the simulator's HTTP face as its child on a free loopback port with a generated
workspace secret and mints its tokens from it; everything below crosses real sockets and real
processes, as with Membrane's hosted API.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi
from hotmart_membrane_mcp.sandbox.store import StateStore
from processes import live_pids
from safety_harness import NOW_MS, SEED, Rig
from sandbox_harness import Sandbox
from tool_calls import call_ok

pytestmark = pytest.mark.anyio

DAY_MS = 86_400_000
SALES = "/payments/api/v1/sales/history"


def api_server(sandbox: Sandbox, exports: Path, **env: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "hotmart_membrane_mcp", "--sandbox"],
        env={
            "HOTMART_MCP_BACKEND": "api",
            "HOTMART_SANDBOX_DIR": str(sandbox.dir),
            "HOTMART_SANDBOX_SEED": str(SEED),
            "HOTMART_SANDBOX_NOW": str(NOW_MS),
            "HOTMART_MCP_EXPORT_DIR": str(exports),
            "HOTMART_MCP_WRITES": "confirm",
            "PYTHONUNBUFFERED": "1",
            **env,
        },
    )


def read_jsonl(path: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def refundable_transaction(sandbox: Sandbox) -> str:
    # Rig reads the account with the same seed and "now" as the server's simulator below.
    return Rig(Sandbox(dir=sandbox.dir)).refundable_sale()["purchase"]["transaction"]


async def test_the_api_backend_walks_every_tool_over_stdio_and_a_confirmed_refund_is_done(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    async with Client(api_server(sandbox, exports), mode="legacy") as client:
        connection = await call_ok(client, "ensure_connection")
        search = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 2})
        run = await call_ok(
            client, "run_action", {"action_id": search["actions"][0]["id"], "input": {"max_results": 1}}
        )
        pages = await call_ok(
            client,
            "proxy_request",
            {
                "path": SALES,
                "query": {"max_results": 500},
                "all_pages": True,
                "max_pages": 200,
                "save_to": "sales.jsonl",
            },
        )
        # What Hotmart reports for the same read, before the refund below changes the account.
        first_page: Any = (
            HotmartApi(StateStore(sandbox.dir), seed=SEED, now_ms=NOW_MS).handle("GET", SALES).body
        )
        summary = await call_ok(
            client, "sales_summary", {"start_date": NOW_MS - 30 * DAY_MS, "end_date": NOW_MS}
        )
        login = await call_ok(client, "login")
        transaction = refundable_transaction(sandbox)
        refund = {"path": f"/payments/api/v1/sales/{transaction}/refund", "method": "PUT"}
        held = await call_ok(client, "proxy_request", refund)
        done = await call_ok(client, "proxy_request", {**refund, "confirm_token": held["confirm_token"]})

    data = sandbox.dataset()
    saved = pages["saved"]
    rows: list[Any] = read_jsonl(saved["path"])
    assert connection["ready"] is True
    assert run["status"] == "ok"
    assert pages["http_status"] == 200
    assert saved["rows"] == len(rows) == first_page["page_info"]["total_results"]
    assert len({row["purchase"]["transaction"] for row in rows}) == len(rows)
    assert summary["complete"] is True and summary["count"] > 0
    assert login["logged_in"] is True and login["login_url"] is None
    assert "MEMBRANE_WORKSPACE_SECRET" in login["message"]
    assert held["status"] == "confirmation_required"
    assert done["status"] == "ok" and done["http_status"] in (200, 204)
    assert data.sale(transaction)["purchase"]["status"] == "REFUNDED"  # type: ignore[index]


@pytest.mark.parametrize(
    ("scenario", "state"),
    [
        ("building", "READY"),
        ("connect", "CLIENT_ACTION_REQUIRED"),
        ("provide-input", "CLIENT_ACTION_REQUIRED"),
        ("disconnected", "CLIENT_ACTION_REQUIRED"),
        ("setup-failed", "SETUP_FAILED"),
        ("configuration-error", "CONFIGURATION_ERROR"),
    ],
)
async def test_ensure_connection_over_stdio_reports_every_scenario_on_the_api_backend(
    sandbox: Sandbox, tmp_path: Path, scenario: str, state: str
) -> None:
    params = api_server(sandbox, tmp_path, HOTMART_SANDBOX_SCENARIO=scenario)
    async with Client(params, mode="legacy") as client:
        connection = await call_ok(client, "ensure_connection", {"wait_seconds": 10})

    assert connection["state"] == state


async def test_logged_out_over_stdio_is_not_logged_in_naming_the_token_variables(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    params = api_server(sandbox, tmp_path, HOTMART_SANDBOX_SCENARIO="logged-out")
    async with Client(params, mode="legacy") as client:
        result = await client.call_tool("ensure_connection", {})

    error = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert result.is_error is True
    assert error["error_type"] == "not_logged_in"
    assert "MEMBRANE_WORKSPACE_KEY" in error["next_step"]


@pytest.mark.needs_proc
async def test_the_simulator_child_gets_none_of_the_users_credentials_and_is_gone_when_the_server_stops(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    params = api_server(
        sandbox, tmp_path, MEMBRANE_TOKEN="users-real-token", MEMBRANE_WORKSPACE_SECRET="theirs"
    )
    async with Client(params, mode="legacy") as client:
        connection = await call_ok(client, "ensure_connection")
        running = serving_pids(sandbox)
        child_env = environ_of(running)

    assert connection["ready"] is True  # the server used the generated workspace secret
    assert running
    assert b"users-real-token" not in child_env and b"theirs" not in child_env
    assert not [pid for pid in serving_pids(sandbox) if pid in running]


def environ_of(pids: list[int]) -> bytes:
    return b"".join(Path(f"/proc/{pid}/environ").read_bytes() for pid in pids)


def serving_pids(sandbox: Sandbox) -> list[int]:
    """Pids of live ``sandbox serve`` processes on this test's state dir (an argument exactly ``serve``)."""
    return live_pids(f"HOTMART_SANDBOX_DIR={sandbox.dir}", cmdline_has=b"\0serve\0")
