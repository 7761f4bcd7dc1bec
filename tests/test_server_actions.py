"""search_actions and run_action through the MCP client against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio


class FakeClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_search_actions_returns_compact_ranked_actions_with_input_schemas(
    sandbox: Sandbox, era: str
) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        result = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 3})

    assert result["cached"] is False
    assert 1 <= len(result["actions"]) <= 3
    first = result["actions"][0]
    assert first["id"] == "list-sales"
    assert set(first) == {"id", "name", "description", "inputs", "warnings"}
    assert "transaction_status:APPROVED|" in first["inputs"] and "max_results:int" in first["inputs"]


async def test_search_actions_gives_one_actions_full_schemas_by_action_id(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        result = await call_ok(client, "search_actions", {"action_id": "list-club-students"})
        missing = await call_error(client, "search_actions", {})

    (action,) = result["actions"]
    assert action["id"] == "list-club-students" and action["type"] == "list-data-records"
    assert action["input_schema"]["required"] == ["subdomain"]
    assert action["output_schema"]["type"] == "object"
    assert "inputs" not in action
    assert missing["error_type"] == "invalid_input" and missing["field"] == "intent"


async def test_search_actions_includes_output_schemas_only_on_request(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        result = await call_ok(
            client, "search_actions", {"intent": "list coupons", "limit": 2, "include_schema": True}
        )

    assert all(action["output_schema"]["type"] == "object" for action in result["actions"])


async def test_search_results_are_cached_for_five_minutes_per_connection_intent_and_limit(
    sandbox: Sandbox,
) -> None:
    clock = FakeClock()
    async with Client(sandbox.server(clock=clock)) as client:
        first = await call_ok(client, "search_actions", {"intent": "refund a sale", "limit": 2})
        clock.now += 299
        second = await call_ok(client, "search_actions", {"intent": "refund a sale", "limit": 2})
        other_limit = await call_ok(client, "search_actions", {"intent": "refund a sale", "limit": 3})
        clock.now += 2
        expired = await call_ok(client, "search_actions", {"intent": "refund a sale", "limit": 2})

    assert (first["cached"], second["cached"], other_limit["cached"], expired["cached"]) == (
        False,
        True,
        False,
        False,
    )
    assert second["actions"] == first["actions"] == expired["actions"]


async def test_run_action_runs_the_action_and_returns_output_and_run_id(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        search = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 1})
        action_id = search["actions"][0]["id"]
        result = await call_ok(client, "run_action", {"action_id": action_id, "input": {"max_results": 2}})

    assert list(result)[0] == "status"
    assert result["status"] == "ok"
    assert result["action_id"] == action_id
    assert result["action_run_id"]
    assert len(result["output"]["items"]) == 2


async def test_run_action_accepts_an_action_key_without_a_prior_search(server: MCPServer[Any]) -> None:
    async with Client(server) as client:
        result = await call_ok(client, "run_action", {"action_id": "list-products", "input": {}})

    assert result["status"] == "ok"
    assert isinstance(result["output"]["items"], list)


@pytest.mark.parametrize(
    ("action_input", "field"),
    [
        ({"max_results": "ten"}, "input.max_results"),
        ({"max_results": 100000}, "input.max_results"),
        ({"transaction_status": ["HAPPY"]}, "input.transaction_status[0]"),
    ],
)
async def test_run_action_refuses_input_that_breaks_the_schema_naming_the_field_before_running(
    sandbox: Sandbox, action_input: dict[str, object], field: str
) -> None:
    async with Client(sandbox.server()) as client:
        error = await call_error(client, "run_action", {"action_id": "list-sales", "input": action_input})

    assert error["error_type"] == "invalid_input"
    assert error["field"] == field
    assert error["message"].startswith(f"{field}: ")


async def test_a_missing_required_property_is_named_by_its_own_path(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        error = await call_error(client, "run_action", {"action_id": "refund-sale", "input": {}})

    assert error["error_type"] == "invalid_input"
    assert error["field"] == "input.transaction"


async def test_an_unknown_action_is_action_not_found(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        error = await call_error(client, "run_action", {"action_id": "no-such-action", "input": {}})

    assert error["error_type"] == "action_not_found"
    assert "search_actions" in error["next_step"]


async def test_arguments_that_break_the_tool_schema_come_back_as_our_invalid_input_json(
    sandbox: Sandbox, era: str
) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        too_many = await call_error(client, "search_actions", {"intent": "list sales", "limit": 500})
        missing = await call_error(client, "search_actions", {})
        wrong_type = await call_error(client, "run_action", {"action_id": "list-sales", "input": [1, 2]})

    assert too_many["error_type"] == missing["error_type"] == wrong_type["error_type"] == "invalid_input"
    assert too_many["field"] == "limit"
    assert missing["field"] == "intent"
    assert wrong_type["field"] == "input"
    assert "Error executing tool" not in too_many["message"]
