"""Failures through the tools: each error type, timeout and cancellation, hostile values, output variants."""

from __future__ import annotations

import itertools
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import Implementation

from hotmart_membrane_mcp.tools import TOOL_NAMES
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok, wait_until

pytestmark = pytest.mark.anyio

SALES_HISTORY = "/payments/api/v1/sales/history"


async def test_a_membrane_command_that_does_not_exist_is_membrane_cli_missing_with_the_install_command(
    sandbox: Sandbox, era: str
) -> None:
    server = sandbox.server(command=(str(sandbox.dir / "no-such-membrane"),))
    async with Client(server, mode=era) as client:
        error = await call_error(client, "ensure_connection")

    assert error["error_type"] == "membrane_cli_missing"
    assert "npm install -g @membranehq/cli" in error["next_step"]


@pytest.mark.needs_proc
async def test_a_slow_cli_call_times_out_and_its_child_process_is_gone(sandbox: Sandbox, era: str) -> None:
    sandbox.variables["HOTMART_SANDBOX_DELAY_S"] = "30"
    async with Client(sandbox.server(scenario="slow", timeout_s=0.5, process=True), mode=era) as client:
        error = await call_error(client, "ensure_connection")

    assert error["error_type"] == "timeout"
    assert sandbox.live_processes() == []


@pytest.mark.needs_proc
async def test_cancelling_a_slow_call_kills_its_child_and_the_session_stays_usable(
    sandbox: Sandbox, era: str
) -> None:
    sandbox.variables["HOTMART_SANDBOX_DELAY_S"] = "30"
    async with Client(sandbox.server(scenario="slow", process=True), mode=era) as client:
        async with anyio.create_task_group() as group:
            group.start_soon(client.call_tool, "search_actions", {"intent": "list sales"})
            await wait_until(lambda: bool(sandbox.live_processes()))
            group.cancel_scope.cancel()
        await wait_until(lambda: not sandbox.live_processes())
        tools = await client.list_tools()

    assert len(tools.tools) == len(TOOL_NAMES)


async def test_an_unexpected_cli_failure_is_cli_failed_with_the_exit_code(sandbox: Sandbox) -> None:
    # The flaky scenario fails every 3rd tenant command with Membrane's internal error.
    async with Client(sandbox.server(scenario="flaky")) as client:
        await call_ok(client, "ensure_connection")
        await call_ok(client, "ensure_connection")
        error = await call_error(client, "ensure_connection")

    assert error["error_type"] == "cli_failed"
    assert error["exit_code"] == 1
    assert "Internal server error" in error["message"]


async def test_login_starts_with_a_link_and_completes_with_the_users_code(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(scenario="logged-out"), mode=era) as client:
        refused = await call_error(client, "search_actions", {"intent": "list sales"})
        started = await call_ok(client, "login")
        code = (await sandbox.run("sandbox", "login-code")).strip()
        finished = await call_ok(client, "login", {"code": code})
        connection = await call_ok(client, "ensure_connection")

    assert refused["error_type"] == "not_logged_in"
    assert started["logged_in"] is False
    assert started["login_url"].startswith("https://")
    assert "code" in started["next_step"]
    assert finished["logged_in"] is True
    assert finished["login_url"] is None
    assert connection["ready"] is True


async def test_a_wrong_login_code_is_refused_as_invalid_input(sandbox: Sandbox) -> None:
    async with Client(sandbox.server(scenario="logged-out")) as client:
        await call_ok(client, "login")
        error = await call_error(client, "login", {"code": "WRONG-CODE"})

    assert error["error_type"] == "invalid_input"
    assert error["field"] == "code"


@pytest.mark.parametrize(
    ("client_name", "configured", "expected"),
    [
        ("claude-ai", None, "claude"),
        ("Codex", None, "codex"),
        ("windsurf-client", None, "windsurf"),
        ("cursor-vscode", None, "cursor"),
        ("some-new-host", None, "mcp"),
        ("claude-ai", "warp", "warp"),
    ],
)
async def test_the_login_client_name_comes_from_the_setting_or_the_mcp_client_info(
    sandbox: Sandbox, era: str, client_name: str, configured: str | None, expected: str
) -> None:
    server = sandbox.server(scenario="logged-out", client_name=configured)
    async with Client(
        server, mode=era, client_info=Implementation(name=client_name, version="1.0")
    ) as client:
        started = await call_ok(client, "login")

    assert f"clientName={expected}" in started["login_url"]


# Values inside `--query=key=value`, `--header=...`, `--input=<json>` and `--json=<body>` cannot be read as
# options, so only the slots that could (ids, URLs, paths, keys, free text) refuse a leading dash.
HOSTILE = "--help"


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("ensure_connection", {"app_url": HOSTILE}, "app_url"),
        ("ensure_connection", {"connection_id": HOSTILE}, "connection_id"),
        ("ensure_connection", {"name": HOSTILE}, "name"),
        ("login", {"code": HOSTILE}, "code"),
        ("search_actions", {"intent": HOSTILE}, "intent"),
        ("search_actions", {"intent": "list sales", "connection_id": HOSTILE}, "connection_id"),
        ("run_action", {"action_id": HOSTILE}, "action_id"),
        ("run_action", {"action_id": "list-sales", "connection_id": HOSTILE}, "connection_id"),
        ("proxy_request", {"path": HOSTILE}, "path"),
        ("proxy_request", {"path": SALES_HISTORY, "method": "-X"}, "method"),
        ("proxy_request", {"path": SALES_HISTORY, "query": {HOSTILE: "1"}}, "query"),
        ("proxy_request", {"path": SALES_HISTORY, "headers": {HOSTILE: "1"}}, "headers"),
        ("proxy_request", {"path": "/x/{id}", "path_params": {HOSTILE: "1"}}, "path_params"),
        ("proxy_request", {"path": SALES_HISTORY, "connection_id": HOSTILE}, "connection_id"),
    ],
)
async def test_a_value_starting_with_a_dash_is_refused_in_every_user_supplied_slot(
    sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str
) -> None:
    async with Client(sandbox.server()) as client:
        error = await call_error(client, tool, arguments)

    assert error["error_type"] == "invalid_input"
    assert error["field"] == field


VARIANTS = list(
    itertools.product(("raw", "wrapped"), ("json-stdout", "text-stderr"), ("body", "full", "body-exit0"))
)


@pytest.mark.parametrize(("envelope", "errors", "request_output"), VARIANTS)
async def test_every_simulator_output_variant_gives_the_same_answers(
    sandbox: Sandbox, envelope: str, errors: str, request_output: str
) -> None:
    sandbox.variables.update(
        {
            "HOTMART_SANDBOX_ENVELOPE": envelope,
            "HOTMART_SANDBOX_ERRORS": errors,
            "HOTMART_SANDBOX_REQUEST_OUTPUT": request_output,
        }
    )
    async with Client(sandbox.server()) as client:
        connection = await call_ok(client, "ensure_connection")
        search = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 2})
        run = await call_ok(
            client, "run_action", {"action_id": search["actions"][0]["id"], "input": {"max_results": 2}}
        )
        proxied = await call_ok(client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 2}})
        upstream = await call_error(client, "proxy_request", {"path": "/payments/api/v1/no-such-endpoint"})
        unknown = await call_error(client, "run_action", {"action_id": "no-such-action", "input": {}})

    assert connection["ready"] is True
    assert search["actions"][0]["id"] == "list-sales"
    assert len(run["output"]["items"]) == 2
    assert len(proxied["body"]["items"]) == 2
    assert proxied["http_status"] == (200 if request_output == "full" else None)
    assert upstream["error_type"] == "upstream_error"
    # body-exit0 reports no status: the failure is recognised by Hotmart's error body alone.
    assert upstream.get("status") == (None if request_output == "body-exit0" else 404)
    assert upstream["body"]["error"] == "not_found"
    assert unknown["error_type"] == "action_not_found"
