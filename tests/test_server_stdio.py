"""Real stdio sessions: ``python -m hotmart_membrane_mcp --sandbox`` started as an MCP host would."""

from __future__ import annotations

import sys

import anyio
import pytest
from mcp import Client, StdioServerParameters

from hotmart_membrane_mcp.tools import TOOL_NAMES
from sandbox_harness import Sandbox
from tool_calls import call_ok, wait_until

pytestmark = pytest.mark.anyio


def stdio_server(sandbox: Sandbox, **env: str) -> StdioServerParameters:
    # The SDK merges env over a minimal safe environment; PYTHONUNBUFFERED keeps its stderr unbuffered.
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "hotmart_membrane_mcp", "--sandbox"],
        env={"HOTMART_SANDBOX_DIR": str(sandbox.dir), "PYTHONUNBUFFERED": "1", **env},
    )


async def test_a_stdio_session_walks_every_read_tool(sandbox: Sandbox, era: str) -> None:
    async with Client(stdio_server(sandbox), mode=era) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        instructions = client.instructions or ""
        connection = await call_ok(client, "ensure_connection")
        search = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 2})
        run = await call_ok(
            client, "run_action", {"action_id": search["actions"][0]["id"], "input": {"max_results": 1}}
        )
        proxied = await call_ok(
            client, "proxy_request", {"path": "/payments/api/v1/sales/history", "query": {"max_results": 3}}
        )

    assert names == {
        "ensure_connection",
        "login",
        "search_actions",
        "run_action",
        "proxy_request",
        "sales_summary",
    }
    assert "ensure_connection" in instructions
    assert connection["ready"] is True
    assert run["status"] == "ok"
    assert len(proxied["body"]["items"]) == 3


async def test_sandbox_mode_without_a_state_dir_uses_a_private_one(tmp_path: object) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "hotmart_membrane_mcp", "--sandbox"],
        env={"PYTHONUNBUFFERED": "1"},
    )
    async with Client(params, mode="legacy") as client:
        connection = await call_ok(client, "ensure_connection")

    assert connection["ready"] is True


@pytest.mark.needs_proc
async def test_cancelling_a_call_over_stdio_kills_the_cli_child(sandbox: Sandbox) -> None:
    params = stdio_server(sandbox, HOTMART_SANDBOX_SCENARIO="slow", HOTMART_SANDBOX_DELAY_S="30")
    async with Client(params, mode="legacy") as client:
        async with anyio.create_task_group() as group:
            group.start_soon(client.call_tool, "ensure_connection", {})
            await wait_until(lambda: bool(sandbox.live_processes()))
            group.cancel_scope.cancel()
        await wait_until(lambda: not sandbox.live_processes())
        tools = await client.list_tools()

    assert len(tools.tools) == len(TOOL_NAMES)
