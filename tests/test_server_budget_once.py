"""The result budget runs once per call, in the server, on every result; tools never fit their own.

A tool that knows where its list came from describes it (tools/budget describe_list), so the
server's one cut still carries an exact resume token.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from hotmart_membrane_mcp.hotmart.cursor import Cursor
from hotmart_membrane_mcp.hotmart.resume import ResumePoint, decode_token
from hotmart_membrane_mcp.hotmart.sizes import json_size
from hotmart_membrane_mcp.server import HotmartMcpServer
from hotmart_membrane_mcp.tools.budget import describe_list, tool_call
from hotmart_membrane_mcp.tools.budget.calls import described_list
from hotmart_membrane_mcp.tools.results import ok_data
from sandbox_harness import Sandbox
from tool_calls import call_ok, payload

pytestmark = pytest.mark.anyio

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "server" / "hotmart_membrane_mcp"
BUDGET_DIR = PACKAGE_DIR / "tools" / "budget"
FP = "f" * 16
NOW_MS = 1_780_000_000_000
YEAR = {"start_date": NOW_MS - 365 * 86_400_000, "end_date": NOW_MS}


def sales(count: int) -> list[dict[str, Any]]:
    return [{"transaction": f"HP{number:010d}", "note": "x" * 80} for number in range(count)]


def server_with_a_paged_tool(max_result_chars: int, returned: list[dict[str, Any]]) -> HotmartMcpServer:
    """A server with one tool that returns 50 items of page "p1" whole, and records what it returned."""
    server = HotmartMcpServer("budget-once", max_result_chars=max_result_chars)

    async def list_sales() -> CallToolResult:
        cursor = Cursor.single_page(FP, "p1", 50, "p2")
        data = describe_list({"status": "ok", "items": sales(50)}, "items", cursor=cursor, total_items=120)
        returned.append(data)
        return ok_data(data)

    server.add_tool(list_sales, name="list_sales")
    return server


async def test_a_list_the_tool_returns_whole_is_cut_by_the_server_with_the_tools_cursor() -> None:
    returned: list[dict[str, Any]] = []

    async with Client(server_with_a_paged_tool(2_000, returned)) as client:
        result = await client.call_tool("list_sales", {})

    [whole] = returned
    cut = payload(result)
    assert whole["truncated"] is False and whole["returned_items"] == len(whole["items"]) == 50
    assert json_size(whole) > 2_000  # the tool did not fit its own result
    assert len(result.content[0].text) <= 2_000  # type: ignore[union-attr]
    assert cut["truncated"] is True and 0 < cut["returned_items"] == len(cut["items"]) < 50
    assert cut["items"] == whole["items"][: cut["returned_items"]]
    assert cut["total_items"] == 120
    # The token names the first item left out, on the tool's page "p1": only the tool's cursor says so.
    assert decode_token(cut["next_page_token"], FP) == ResumePoint("p1", cut["returned_items"])
    assert result.structured_content == cut


async def test_a_described_list_that_fits_is_sent_as_the_tool_built_it() -> None:
    returned: list[dict[str, Any]] = []

    async with Client(server_with_a_paged_tool(1_000_000, returned)) as client:
        result = await client.call_tool("list_sales", {})

    assert payload(result) == returned[0]
    assert decode_token(returned[0]["next_page_token"], FP) == ResumePoint("p2", 0)


def test_describe_list_notes_the_list_only_inside_a_tool_call_and_forgets_it_after() -> None:
    cursor = Cursor.single_page(FP, None, 3, None)

    outside = describe_list({"items": [1, 2, 3]}, "items", cursor=cursor)
    assert described_list() is None
    with tool_call():
        assert described_list() is None
        inside = describe_list({"items": [1, 2, 3]}, "items", cursor=cursor, total_items=3)
        note = described_list()
    assert described_list() is None

    whole = {"truncated": False, "returned_items": 3, "total_items": None, "next_page_token": None}
    assert outside == {"items": [1, 2, 3], **whole}
    assert inside["total_items"] == 3
    assert note is not None and note.cursor == cursor and note.items_key == "items"


def test_describe_list_refuses_a_cursor_that_does_not_describe_the_items() -> None:
    with pytest.raises(ValueError, match="do not describe the items"):
        describe_list({"items": [1, 2]}, "items", cursor=Cursor.single_page(FP, None, 3, None))


async def test_a_sales_summary_over_the_budget_has_its_detail_dropped_by_the_server(sandbox: Sandbox) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    arguments = {**YEAR, "group_by": ["day", "purchase_kind"], "top": 500}
    async with Client(sandbox.server(max_result_chars=4_000)) as client:
        summary = await call_ok(client, "sales_summary", arguments)  # checked against the output schema

    assert summary["truncated"] is True
    assert json_size(summary) <= 4_000
    # Words only the sales_summary step of the budget writes: the groups went, the headline stayed.
    assert "groups fit" in summary["how_to_get_rest"]
    assert summary["groups"]["rows"] and summary["count"] > 0


def calls_of(name: str, tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def functions_calling(name: str) -> list[tuple[str, str]]:
    """(file, function) for every function in the package that calls ``name``."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                direct = [call for call in calls_of(name, function) if call in _own_calls(function)]
                found.extend((path.relative_to(PACKAGE_DIR).as_posix(), function.name) for _ in direct)
    return found


def _own_calls(function: ast.AST) -> list[ast.Call]:
    """The calls in ``function`` itself, not in the functions defined inside it."""
    calls: list[ast.Call] = []
    for child in ast.iter_child_nodes(function):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        calls.extend(node for node in [child, *_own_calls(child)] if isinstance(node, ast.Call))
    return calls


def test_the_budget_entry_is_called_in_one_place_which_call_tool_calls_once() -> None:
    assert functions_calling("fit_result") == [("server.py", "_fitted")]
    assert functions_calling("_fitted") == [("server.py", "call_tool")]
    assert functions_calling("tool_call") == [("server.py", "call_tool")]


def test_outside_the_budget_package_only_its_public_names_are_imported() -> None:
    public = {"describe_list", "fit_result", "tool_call"}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if BUDGET_DIR in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if "budget" in parts:
                assert parts[-1] == "budget", (path, node.module)  # the package, never a module inside
                assert {alias.name for alias in node.names} <= public, (path, node.module)
