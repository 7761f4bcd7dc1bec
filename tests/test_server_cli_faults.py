"""The fault matrix (issue #8): every tool against every way the Membrane CLI can fail.

Each fault is a stand-in ``membrane`` (tests/fake_cli.py) run through the real subprocess
runner. Every cell must give the typed error of its row, leave no process of the fake running,
and leave the server answering.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fake_cli import FAULTS, FakeCli, write_fake
from hotmart_membrane_mcp.hotmart.guide import CATALOGUE_URI
from hotmart_membrane_mcp.tools import TOOL_NAMES
from tool_calls import call_error, wait_until

pytestmark = pytest.mark.anyio

CONNECTION = "6b091f36419362085be63efc"
# One call per tool; a connection id is given so that each call's first CLI command is the tool's own.
CALLS: dict[str, dict[str, Any]] = {
    "ensure_connection": {},
    "search_actions": {"intent": "list sales", "connection_id": CONNECTION},
    "run_action": {"action_id": "list-sales", "connection_id": CONNECTION},
    "proxy_request": {"path": "/payments/api/v1/sales/history", "connection_id": CONNECTION},
    "sales_summary": {
        "start_date": "2026-03-01",
        "end_date": "2026-04-01",
        "statuses": ["APPROVED"],
        "connection_id": CONNECTION,
    },
    "login": {},
}
READS = ("proxy_request", "sales_summary")  # Hotmart's answer itself is unreadable: upstream_error
HANG_TIMEOUT_S = 0.5


def expected_error(fault: str, tool: str) -> str:
    if fault in ("missing", "not_executable", "exec_format"):
        return "membrane_cli_missing"
    if fault == "hang":
        return "timeout"
    if fault in ("exit_0_empty", "exit_0_html", "exit_0_half_json"):
        return "upstream_error" if tool in READS else "cli_failed"
    return "cli_failed"  # exit 1 (text or JSON), 60 MB of output, a background child


def test_the_matrix_covers_every_tool() -> None:
    assert set(CALLS) == set(TOOL_NAMES)


@pytest.mark.parametrize("tool", list(CALLS))
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_each_tool_gives_the_typed_error_of_each_cli_fault_and_leaves_nothing_running(
    tmp_path: Path, fault: str, tool: str
) -> None:
    body, executable = FAULTS[fault]
    fake = FakeCli(tmp_path)
    command = (str(write_fake(tmp_path / "bin", body, executable=executable)),)
    server = fake.server(command, timeout_s=HANG_TIMEOUT_S if fault == "hang" else 10.0)

    async with Client(server) as client:
        error = await call_error(client, tool, CALLS[tool])
        await wait_until(lambda: not fake.live_processes())
        # The server keeps answering.
        tools = await client.list_tools()
        catalogue = await client.read_resource(CATALOGUE_URI)

    assert error["error_type"] == expected_error(fault, tool), error
    assert "Error executing tool" not in error["message"]
    assert len(tools.tools) == len(TOOL_NAMES) and catalogue.contents
    if error["error_type"] == "membrane_cli_missing":
        assert "npm install -g @membranehq/cli" in error["next_step"] + error["message"]
    if fault in ("exit_0_html", "exit_0_half_json") and tool in READS:
        assert "hotmart://api/catalogue" in error["next_step"] and error["excerpt"]
