"""ensure_connection through the MCP client, in both protocol eras, for every connection scenario."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitRequestURLParams, ElicitResult

from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio


async def test_ready_scenario_returns_a_ready_connection_with_a_next_step(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        result = await call_ok(client, "ensure_connection")

    assert result["state"] == "READY"
    assert result["ready"] is True
    assert result["client_action"] is None
    assert result["error"] is None
    assert len(result["connection_id"]) == 24
    assert "search_actions" in result["next_step"]


async def test_a_ready_connection_becomes_the_default_of_the_other_tools(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        connection_id = (await call_ok(client, "ensure_connection"))["connection_id"]
        search = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 2})

    assert search["connection_id"] == connection_id


async def test_building_scenario_waits_with_progress_until_ready(sandbox: Sandbox, era: str) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    async with Client(sandbox.server(scenario="building"), mode=era) as client:
        result = await call_ok(
            client, "ensure_connection", {"wait_seconds": 20}, progress_callback=on_progress
        )

    assert result["state"] == "READY"
    assert result["ready"] is True
    assert progress, "no progress notification while BUILDING"
    assert all(total == 20 for _, total, _ in progress)
    assert "building" in (progress[0][2] or "")


async def test_building_without_waiting_reports_building_and_says_to_call_again(sandbox: Sandbox) -> None:
    async with Client(sandbox.server(scenario="building")) as client:
        result = await call_ok(client, "ensure_connection", {"wait_seconds": 0})

    assert result["state"] == "BUILDING"
    assert result["ready"] is False
    assert result["connection_id"] in result["next_step"]
    assert "ensure_connection again" in result["next_step"]


async def test_connect_scenario_without_url_elicitation_relays_the_link_in_the_result(
    sandbox: Sandbox, era: str
) -> None:
    async with Client(sandbox.server(scenario="connect"), mode=era) as client:
        result = await call_ok(client, "ensure_connection")

    action = result["client_action"]
    assert result["state"] == "CLIENT_ACTION_REQUIRED"
    assert result["ready"] is False
    assert result["elicitation"] is None
    assert action["type"] == "connect"
    assert action["ui_url"].startswith("https://")
    assert action["agent_instructions"]
    assert action["ui_url"] in result["next_step"]
    assert f"connection_id={result['connection_id']!r}" in result["next_step"]


async def test_connect_scenario_offers_the_link_by_url_elicitation_and_reports_ready_once_the_user_finished(
    sandbox: Sandbox, era: str
) -> None:
    offered: list[ElicitRequestURLParams] = []

    async def user_signs_in(context: Any, params: Any) -> ElicitResult:
        assert isinstance(params, ElicitRequestURLParams)
        offered.append(params)
        # The human signs in: the link names a connection request, so approve the tenant's connection.
        (connection,) = json.loads(await sandbox.run("connection", "list", "--json"))["items"]
        await sandbox.run("sandbox", "approve", connection["id"])
        return ElicitResult(action="accept")

    async with Client(
        sandbox.server(scenario="connect"), mode=era, elicitation_callback=user_signs_in
    ) as client:
        result = await call_ok(client, "ensure_connection")
        follow_up = await call_ok(client, "search_actions", {"intent": "list sales", "limit": 1})

    assert len(offered) == 1
    assert offered[0].url.startswith("https://ui.getmembrane.com/")
    assert "Hotmart" in offered[0].message
    assert result["elicitation"] == "accept"
    assert result["state"] == "READY"
    assert result["ready"] is True
    assert follow_up["connection_id"] == result["connection_id"]


async def test_a_declined_url_elicitation_is_reported_with_the_link_to_offer_again(
    sandbox: Sandbox, era: str
) -> None:
    async def user_declines(context: Any, params: Any) -> ElicitResult:
        return ElicitResult(action="decline")

    async with Client(
        sandbox.server(scenario="connect"), mode=era, elicitation_callback=user_declines
    ) as client:
        result = await call_ok(client, "ensure_connection")

    assert result["elicitation"] == "decline"
    assert result["state"] == "CLIENT_ACTION_REQUIRED"
    assert result["ready"] is False
    assert result["client_action"]["ui_url"] in result["next_step"]


async def test_accepted_link_that_the_user_did_not_finish_is_reported_truthfully(
    sandbox: Sandbox, era: str
) -> None:
    async def user_accepts_but_walks_away(context: Any, params: Any) -> ElicitResult:
        return ElicitResult(action="accept")

    server = sandbox.server(scenario="connect")
    async with Client(server, mode=era, elicitation_callback=user_accepts_but_walks_away) as client:
        result = await call_ok(client, "ensure_connection", {"wait_seconds": 0})

    assert result["elicitation"] == "accept"
    assert result["state"] == "CLIENT_ACTION_REQUIRED"
    assert result["ready"] is False
    assert "does not see it finished" in result["next_step"]


async def test_after_the_human_approves_calling_again_returns_ready(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(scenario="connect"), mode=era) as client:
        first = await call_ok(client, "ensure_connection")
        await sandbox.run("sandbox", "approve", first["connection_id"])
        second = await call_ok(client, "ensure_connection", {"connection_id": first["connection_id"]})

    assert second["connection_id"] == first["connection_id"]
    assert second["state"] == "READY"


async def test_provide_input_scenario_relays_what_membrane_needs(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(scenario="provide-input"), mode=era) as client:
        result = await call_ok(client, "ensure_connection")

    action = result["client_action"]
    assert result["state"] == "CLIENT_ACTION_REQUIRED"
    assert action["type"] == "provide-input"
    assert action["ui_url"] is None
    assert "client secret" in action["description"]
    assert "needs more information" in result["next_step"]
    assert "agent_instructions" in result["next_step"]


@pytest.mark.parametrize(
    ("scenario", "state", "reason"),
    [
        ("setup-failed", "SETUP_FAILED", "could not be built"),
        ("configuration-error", "CONFIGURATION_ERROR", "invalid client credentials"),
    ],
)
async def test_failed_states_carry_the_error_and_say_not_to_retry_blindly(
    sandbox: Sandbox, era: str, scenario: str, state: str, reason: str
) -> None:
    async with Client(sandbox.server(scenario=scenario), mode=era) as client:
        result = await call_ok(client, "ensure_connection")

    assert result["state"] == state
    assert result["ready"] is False
    assert result["client_action"] is None
    assert reason in result["error"]
    assert result["next_step"].startswith("Do not retry blindly")


async def test_disconnected_connection_is_reconnected_to_get_a_fresh_link(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(scenario="disconnected"), mode=era) as client:
        result = await call_ok(client, "ensure_connection")
        await sandbox.run("sandbox", "approve", result["connection_id"])
        again = await call_ok(client, "ensure_connection", {"connection_id": result["connection_id"]})

    assert result["state"] == "CLIENT_ACTION_REQUIRED"
    assert result["client_action"]["type"] == "connect"
    assert result["client_action"]["ui_url"].startswith("https://")
    assert again["state"] == "READY"


async def test_logged_out_membrane_answers_not_logged_in_pointing_at_login(
    sandbox: Sandbox, era: str
) -> None:
    async with Client(sandbox.server(scenario="logged-out"), mode=era) as client:
        error = await call_error(client, "ensure_connection")

    assert error["error_type"] == "not_logged_in"
    assert "login" in error["next_step"]


async def test_other_tools_without_a_ready_connection_say_to_call_ensure_connection_with_the_link(
    sandbox: Sandbox,
) -> None:
    async with Client(sandbox.server(scenario="connect")) as client:
        error = await call_error(client, "search_actions", {"intent": "list sales"})

    assert error["error_type"] == "connection_not_ready"
    assert error["state"] == "CLIENT_ACTION_REQUIRED"
    assert error["ui_url"].startswith("https://")
    assert "ensure_connection" in error["next_step"]
    assert error["ui_url"] in error["next_step"]


async def test_a_pinned_connection_id_from_the_environment_is_used_by_default(sandbox: Sandbox) -> None:
    pinned = json.loads(await sandbox.run("connection", "ensure", "hotmart.com", "--json"))["id"]

    async with Client(sandbox.server(connection_id=pinned)) as client:
        search = await call_ok(client, "search_actions", {"intent": "list products", "limit": 1})

    assert search["connection_id"] == pinned
