"""At the smallest budget HOTMART_MCP_MAX_RESULT_CHARS allows, every tool keeps its output contract.

Issue #8 point 10: at the old documented minimum (1000) search_actions failed with plain text,
sales_summary lost its required `amount` (the SDK client refused the result), run_action returned
1 of 20 items without saying so and proxy_request returned 0 items with a token that never
advanced. The minimum is now MIN_MAX_RESULT_CHARS; every tool is called here at exactly that
budget through the SDK client (which validates structured content against the output schema).
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from hotmart_membrane_mcp.config import MIN_MAX_RESULT_CHARS, ConfigError, Settings
from hotmart_membrane_mcp.hotmart.sizes import json_size
from hotmart_membrane_mcp.tools.budget import fit_result
from hotmart_membrane_mcp.tools.budget.summary import drop_summary_detail
from hotmart_membrane_mcp.tools.models import RunActionOutput
from hotmart_membrane_mcp.tools.results import ok
from hotmart_membrane_mcp.tools.summary import SalesSummaryOutput
from sandbox_harness import Sandbox
from tool_calls import call_ok, payload

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
SALES_HISTORY = "/payments/api/v1/sales/history"
TWO_YEARS = {"start_date": NOW_MS - 730 * 86_400_000, "end_date": NOW_MS}


@pytest.fixture
def server(sandbox: Sandbox) -> Any:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    return sandbox.server(max_result_chars=MIN_MAX_RESULT_CHARS)


def assert_fits(result: dict[str, Any], text: str) -> None:
    assert len(text) <= MIN_MAX_RESULT_CHARS, len(text)
    assert result


async def call_within(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await call_ok(client, name, arguments)  # the client validated it against the output schema
    text = (await client.call_tool(name, arguments)).content[0].text  # type: ignore[union-attr]
    assert len(text) <= MIN_MAX_RESULT_CHARS
    return result


@pytest.mark.parametrize(
    "arguments",
    [
        {"intent": "sales", "limit": 50, "include_schema": True},
        {"intent": "list", "limit": 50, "include_schema": True},
    ],
)
async def test_search_actions_at_the_minimum_returns_actions_and_says_it_cut(
    server: Any, arguments: dict
) -> None:
    async with Client(server) as client:
        found = await call_within(client, "search_actions", arguments)

    assert found["truncated"] is True
    assert found["returned_items"] == len(found["actions"]) >= 1
    assert found["how_to_get_rest"]


async def test_sales_summary_over_every_status_at_the_minimum_keeps_every_required_field(server: Any) -> None:
    async with Client(server) as client:
        summary = await call_within(client, "sales_summary", TWO_YEARS)

    assert summary["amount"].startswith("gross")
    assert summary["count"] == sum(row["count"] for row in summary["by_currency"].values())
    assert summary["truncated"] is False or summary["how_to_get_rest"]


def test_sales_summary_shortened_below_its_detail_still_has_every_required_field() -> None:
    statuses = {f"S{index}": {"count": index, "complete": True} for index in range(1, 18)}
    conversions = [{"param": name, "epoch_ms": 0, "note": "n" * 400} for name in ("start_date", "end_date")]
    data = {
        "complete": True,
        "incomplete_reason": None,
        "period": {
            "start": "2026-01-01T00:00:00Z",
            "end": "2026-02-01T00:00:00Z",
            "start_ms": 0,
            "end_ms": 1,
        },
        "statuses": list(statuses),
        "count": 153,
        "by_currency": {"BRL": {"count": 153, "total": 1.0}},
        "by_status": statuses,
        "amount": "gross",
        "counted": "APPROVED and COMPLETE sales in January 2026 (UTC).",
        "timezone": "UTC (HOTMART_MCP_TIMEZONE)",
        "pages": 17,
        "failures": [],
        "duplicates_skipped": 0,
        "rate_limit_waits": [],
        "date_conversions": conversions,
        "truncated": False,
    }

    short = drop_summary_detail(data, 1_500)

    SalesSummaryOutput.model_validate(short)
    assert short["by_status"] == {} and short["truncated"] is True
    assert json_size(short) <= 1_500


async def test_run_action_list_cut_at_the_minimum_says_truncated_with_the_count_and_how_to_continue(
    server: Any,
) -> None:
    async with Client(server) as client:
        run = await call_within(
            client, "run_action", {"action_id": "list-sales", "input": {"max_results": 20}}
        )

    assert run["truncated"] is True
    assert run["returned_items"] == len(run["output"]["items"]) >= 1
    assert "next_page_token" in run  # null: the action's own token would skip the items left out
    assert f"max_results={run['returned_items']}" in run["how_to_get_rest"]


@pytest.mark.parametrize("all_pages", [False, True])
async def test_proxy_request_at_the_minimum_returns_items_and_a_token_that_advances(
    server: Any, all_pages: bool
) -> None:
    request = {"path": SALES_HISTORY, "query": {"max_results": 20}, "all_pages": all_pages}
    async with Client(server) as client:
        first = await call_within(client, "proxy_request", request)
        second = await call_within(
            client, "proxy_request", {**request, "resume_token": first["next_page_token"]}
        )

    for part in (first, second):
        assert part["truncated"] is True
        assert part["returned_items"] == len(part["body"]["items"]) >= 1
    seen = {item["purchase"]["transaction"] for item in first["body"]["items"]}
    assert not seen & {item["purchase"]["transaction"] for item in second["body"]["items"]}


@pytest.mark.parametrize(("tool", "arguments"), [("ensure_connection", {}), ("login", {})])
async def test_the_connection_tools_fit_the_minimum(server: Any, tool: str, arguments: dict) -> None:
    async with Client(server) as client:
        await call_within(client, tool, arguments)


def test_a_budget_below_the_minimum_is_refused_with_the_exact_bounds() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HOTMART_MCP_MAX_RESULT_CHARS": str(MIN_MAX_RESULT_CHARS - 1)})

    assert f"from {MIN_MAX_RESULT_CHARS} to 10000000" in str(caught.value)
    assert Settings.from_env(
        {"HOTMART_MCP_MAX_RESULT_CHARS": str(MIN_MAX_RESULT_CHARS)}
    ).max_result_chars == (MIN_MAX_RESULT_CHARS)


def test_a_single_item_that_fits_only_without_the_note_still_says_truncated() -> None:
    # One item of about 900 characters fits a 1000 budget alone, not with the cut note beside it.
    items = [{"id": index, "text": "x" * 850} for index in range(20)]
    result = ok(RunActionOutput(status="ok", action_id="a1", output={"items": items}))

    cut = payload(fit_result(result, 1_000, tool="run_action"))

    assert cut["truncated"] is True
    assert cut["how_to_get_rest"]
    assert len(cut["output"]["items"]) <= 1
