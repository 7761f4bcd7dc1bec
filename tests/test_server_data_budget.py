"""The result budget: no tool answers with more than HOTMART_MCP_MAX_RESULT_CHARS, and a cut says so."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from hotmart_membrane_mcp.errors import UpstreamError
from hotmart_membrane_mcp.tools.budget import fit_result
from hotmart_membrane_mcp.tools.budget.shapes import SHORTENED_HINT
from hotmart_membrane_mcp.tools.models import RunActionOutput
from hotmart_membrane_mcp.tools.results import failure, ok
from sandbox_harness import Sandbox
from tool_calls import payload

pytestmark = pytest.mark.anyio

BUDGET = 2_000
NOW_MS = 1_780_000_000_000
SALES_HISTORY = "/payments/api/v1/sales/history"
YEAR = {"start_date": NOW_MS - 365 * 86_400_000, "end_date": NOW_MS}

# The largest answers the simulator gives, one per tool, and an error.
LARGEST_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("ensure_connection", {}),
    ("login", {}),
    ("search_actions", {"intent": "list sales", "limit": 50, "include_schema": True}),
    ("search_actions", {"intent": "list", "limit": 50}),
    ("run_action", {"action_id": "list-sales", "input": {"max_results": 500}}),
    ("run_action", {"action_id": "list-subscriptions", "input": {"max_results": 500}}),
    ("proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 500}}),
    ("proxy_request", {"path": "/payments/api/v1/subscriptions", "query": {"max_results": 500}}),
    ("proxy_request", {"path": SALES_HISTORY, "query": YEAR, "all_pages": True}),
    ("proxy_request", {"path": SALES_HISTORY, "query": YEAR, "all_pages": True, "save_to": "year.csv"}),
    ("proxy_request", {"path": "/payments/api/v1/no-such-endpoint"}),
    ("sales_summary", YEAR),
    ("sales_summary", {**YEAR, "group_by": ["day", "purchase_kind"], "top": 500}),
]


async def call(client: Client, name: str, arguments: dict[str, Any]) -> tuple[CallToolResult, dict[str, Any]]:
    result = await client.call_tool(name, arguments)
    return result, payload(result)


async def test_every_tool_stays_under_a_2000_char_budget_on_the_largest_answers(sandbox: Sandbox) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    sizes = {}
    exports = str(sandbox.dir.parent / "exports")
    async with Client(sandbox.server(max_result_chars=BUDGET, export_dir=exports)) as client:
        for name, arguments in LARGEST_CALLS:
            # The SDK client also checks every success against the tool's output schema.
            result, data = await call(client, name, arguments)
            text = result.content[0].text  # type: ignore[union-attr]
            sizes[name, json.dumps(arguments)] = len(text)
            assert len(text) <= BUDGET, (name, arguments, len(text))
            if not result.is_error:
                assert result.structured_content == data
            if data.get("truncated"):
                assert data["how_to_get_rest"]

    assert len(sizes) == len(LARGEST_CALLS)


async def test_a_cut_action_output_keeps_whole_items_from_the_start_and_says_how_to_get_the_rest(
    sandbox: Sandbox,
) -> None:
    arguments = {"action_id": "list-sales", "input": {"max_results": 50}}
    async with Client(sandbox.server(max_result_chars=10_000_000)) as client:
        _, full = await call(client, "run_action", arguments)
    async with Client(sandbox.server(max_result_chars=8_000)) as client:
        result, cut = await call(client, "run_action", arguments)

    items = cut["output"]["items"]
    assert len(result.content[0].text) <= 8_000  # type: ignore[union-attr]
    assert cut["truncated"] is True
    assert cut["returned_items"] == len(items) and 0 < len(items) < 50
    assert items == full["output"]["items"][: len(items)]
    assert f"Only the first {len(items)} items" in cut["how_to_get_rest"]
    assert "max_results" in cut["how_to_get_rest"]
    assert full["truncated"] is False
    # The action's own token points at item 51: after the cut, following it would skip items.
    assert full["output"]["next_page_token"]
    assert cut["output"]["next_page_token"] is None
    assert "continuation token was removed" in cut["how_to_get_rest"]


def test_a_cut_raw_hotmart_body_loses_its_page_token_but_an_uncut_one_keeps_it() -> None:
    items = [{"transaction": f"HP{n:010d}", "note": "x" * 200} for n in range(40)]
    body = {"items": items, "page_info": {"next_page_token": "eyJwYWdlIjoyfQ", "results_per_page": 40}}
    whole = ok(RunActionOutput(status="ok", action_id="a1", action_run_id=None, output=body))

    cut = fit_result(whole, 3_000).structured_content
    kept = fit_result(whole, 1_000_000).structured_content

    assert cut is not None and kept is not None
    assert 0 < cut["returned_items"] < 40
    assert cut["output"]["page_info"] == {"next_page_token": None, "results_per_page": 40}
    assert kept["output"]["page_info"]["next_page_token"] == "eyJwYWdlIjoyfQ"


async def test_an_uncut_list_says_truncated_false(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        _, run = await call(client, "run_action", {"action_id": "list-sales", "input": {"max_results": 2}})
        _, search = await call(client, "search_actions", {"intent": "list sales", "limit": 2})
        _, proxied = await call(client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 2}})

    assert run["truncated"] is search["truncated"] is proxied["truncated"] is False
    assert "how_to_get_rest" not in run


async def test_search_results_too_big_for_one_action_drop_the_schemas_and_say_so(sandbox: Sandbox) -> None:
    arguments = {"intent": "list sales", "limit": 50, "include_schema": True}
    async with Client(sandbox.server()) as client:
        _, full = await call(client, "search_actions", arguments)
    async with Client(sandbox.server(max_result_chars=BUDGET)) as client:
        _, cut = await call(client, "search_actions", arguments)

    first = full["actions"][0]
    assert len(json.dumps(first)) > BUDGET  # not even one whole action fits
    assert cut["truncated"] is True and cut["returned_items"] >= 1
    assert [action["id"] for action in cut["actions"]] == [a["id"] for a in full["actions"]][
        : len(cut["actions"])
    ]
    assert all(
        action["input_schema"] is None and action["output_schema"] is None for action in cut["actions"]
    )
    assert "`output_schema` and `input_schema`" in cut["how_to_get_rest"]


def test_a_huge_error_keeps_its_type_message_and_next_step_and_says_it_was_cut() -> None:
    error = UpstreamError(
        "Hotmart answered with status 500", status=500, body={"trace": ["frame " * 20] * 500}
    )

    result = fit_result(failure(error), 1_500)

    text = result.content[0].text  # type: ignore[union-attr]
    data = json.loads(text)
    assert result.is_error is True and len(text) <= 1_500
    assert list(data)[:4] == ["error_type", "message", "next_step", "truncated"]
    assert data["error_type"] == "upstream_error" and data["message"] == error.message
    assert data["next_step"] == error.next_step and data["truncated"] is True
    assert data["status"] == 500


def test_an_error_with_a_huge_message_is_shortened_but_keeps_every_head_field() -> None:
    result = fit_result(failure(UpstreamError("x" * 50_000, status=502)), 1_000)

    data = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert len(result.content[0].text) <= 1_000  # type: ignore[union-attr]
    assert data["message"].endswith("…") and data["next_step"] and data["error_type"] == "upstream_error"


def test_a_long_text_output_is_shortened_in_place_keeping_every_key() -> None:
    output = {"title": "Course", "description": "d" * 30_000, "price": 97.0}
    result = fit_result(
        ok(RunActionOutput(status="ok", action_id="a", action_run_id="r", output=output)), 2_000
    )

    data = result.structured_content
    assert data is not None and len(result.content[0].text) <= 2_000  # type: ignore[union-attr]
    assert data == json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert set(data["output"]) == {"title", "description", "price"}
    assert data["output"]["title"] == "Course" and data["output"]["price"] == 97.0
    assert data["output"]["description"].endswith("…")
    assert data["truncated"] is True and data["how_to_get_rest"] == SHORTENED_HINT
    assert data["original_chars"] > 30_000


def test_an_output_too_big_in_structure_loses_entries_but_stays_under_budget() -> None:
    output = {f"k{index}": index for index in range(5_000)}
    result = fit_result(
        ok(RunActionOutput(status="ok", action_id="a", action_run_id="r", output=output)), 2_000
    )

    data = result.structured_content
    assert data is not None and len(result.content[0].text) <= 2_000  # type: ignore[union-attr]
    assert data["status"] == "ok" and data["action_id"] == "a" and data["truncated"] is True
    assert 0 < len(data["output"]) < 5_000
    assert all(data["output"][key] == output[key] for key in data["output"])


def test_a_result_the_tool_already_budgeted_is_left_as_it_is() -> None:
    budgeted = CallToolResult(
        content=[TextContent(type="text", text='{"items":[1],"truncated":true,"next_page_token":"t"}')],
        structured_content={"items": [1], "truncated": True, "next_page_token": "t"},
    )

    assert fit_result(budgeted, 1_000) is budgeted


def test_a_small_result_without_a_list_is_not_touched() -> None:
    small = ok(RunActionOutput(status="ok", action_id="a", action_run_id="r", output={"id": 1}))

    assert fit_result(small, 1_000) is small
