"""connection ensure/get/list, connect, sandbox approve, and the connection scenarios."""

from __future__ import annotations

import re
import subprocess

import pytest
from cli_run import SANDBOX_COMMAND, FakeTime, call_cli, ensure_hotmart, run_cli, sandbox_env

INVALID = 'Must be a valid URL or domain (e.g. "https://slack.com" or "slack.com")'
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


def test_ensure_on_a_fresh_state_dir_prints_a_ready_hotmart_connection(tmp_path):
    result = run_cli(tmp_path / "fresh", "connection", "ensure", "https://hotmart.com/", "--json")
    assert result.code == 0, result.stderr
    connection = result.json()
    assert connection["state"] == "READY"
    assert connection["connected"] is True
    assert OBJECT_ID.match(connection["id"])
    assert connection["integration"]["key"] == "hotmart"
    for field in ("name", "userId", "tenantId", "createdAt", "updatedAt"):
        assert connection[field]
    for absent in ("clientAction", "error", "errors", "buildingAgentSessionId"):
        assert absent not in connection


@pytest.mark.parametrize(
    "app_url", ["hotmart.com", "https://hotmart.com", "https://app.hotmart.com/x?y=1", "HOTMART.COM"]
)
def test_every_hotmart_url_or_domain_finds_the_same_connection(tmp_path, app_url):
    first = ensure_hotmart(tmp_path)
    again = call_cli(tmp_path, "connection", "ensure", app_url, "--json")
    assert again.json()["id"] == first["id"]


@pytest.mark.parametrize(
    "app_url", ["hotmart", "Slack", "192.168.1.20", "https://10.0.0.1/x", "", "x" * 2001]
)
def test_ensure_rejects_values_that_are_not_a_url_or_domain(tmp_path, app_url):
    result = call_cli(tmp_path, "connection", "ensure", app_url, "--json")
    assert result.code == 1
    assert result.json() == {"type": "bad_request", "message": INVALID}


def test_ensure_uses_the_name_only_when_it_creates_the_connection(tmp_path):
    created = call_cli(tmp_path, "connection", "ensure", "hotmart.com", "--name", "My shop", "--json").json()
    found = call_cli(tmp_path, "connection", "ensure", "hotmart.com", "--name=Other", "--json").json()
    assert created["name"] == found["name"] == "My shop"


def test_other_apps_get_their_own_connection(tmp_path):
    hotmart = ensure_hotmart(tmp_path)
    slack = call_cli(tmp_path, "connection", "ensure", "https://www.slack.com", "--json").json()
    assert slack["id"] != hotmart["id"]
    assert slack["integration"]["key"] == "slack"


def test_get_finds_a_connection_by_id_or_integration_key_and_lists_it(tmp_path):
    connection = ensure_hotmart(tmp_path)
    assert call_cli(tmp_path, "connection", "get", connection["id"], "--json").json() == connection
    assert call_cli(tmp_path, "connection", "get", "hotmart", "--json").json()["id"] == connection["id"]
    assert call_cli(tmp_path, "connection", "list", "--json").json() == {"items": [connection]}
    assert "READY" in call_cli(tmp_path, "connection", "get", connection["id"]).stdout


def test_get_of_an_unknown_connection_is_not_found(tmp_path):
    result = call_cli(tmp_path, "connection", "get", "0123456789abcdef01234567", "--json")
    assert result.code == 1
    assert result.json() == {
        "type": "bad_request",
        "key": "not_found",
        "message": "Connection with id '0123456789abcdef01234567' not found",
    }


def test_list_filters_by_integration_key_and_pages_with_a_cursor(tmp_path):
    ensure_hotmart(tmp_path)
    for domain in ("slack.com", "notion.so"):
        call_cli(tmp_path, "connection", "ensure", domain, "--json")
    only_hotmart = call_cli(tmp_path, "connection", "list", "--integrationKey", "hotmart", "--json").json()
    assert [item["integration"]["key"] for item in only_hotmart["items"]] == ["hotmart"]
    first = call_cli(tmp_path, "connection", "list", "--limit", "2", "--json").json()
    rest = call_cli(
        tmp_path, "connection", "list", "--limit=2", f"--cursor={first['cursor']}", "--json"
    ).json()
    assert len(first["items"]) == 2 and "cursor" not in rest
    assert [item["integration"]["key"] for item in first["items"] + rest["items"]] == [
        "hotmart",
        "slack",
        "notion",
    ]


def test_building_stays_building_for_the_configured_polls_then_becomes_ready(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="building", BUILD_POLLS="2")
    assert connection["state"] == "BUILDING"
    assert OBJECT_ID.match(connection["buildingAgentSessionId"])
    states = [
        call_cli(tmp_path, "connection", "get", connection["id"], "--json", SCENARIO="building").json()[
            "state"
        ]
        for _ in range(3)
    ]
    assert states == ["BUILDING", "BUILDING", "READY"]
    ready = call_cli(tmp_path, "connection", "get", connection["id"], "--json").json()
    assert "buildingAgentSessionId" not in ready and ready["connected"] is True


def test_looking_up_a_building_connection_for_actions_does_not_count_as_a_poll(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="building", BUILD_POLLS="0")
    for command in (
        ("action", "list", "--connectionId", connection["id"]),
        ("action", "get", "list-sales", "--connectionId", connection["id"]),
    ):
        assert call_cli(tmp_path, *command, "--json").code == 0
    assert call_cli(tmp_path, "connection", "list", "--json").json()["items"][0]["state"] == "BUILDING"
    assert call_cli(tmp_path, "connection", "get", connection["id"], "--json").json()["state"] == "READY"


def test_a_wait_on_a_building_connection_returns_it_ready(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="building", BUILD_POLLS="3")
    result = run_cli(tmp_path, "connection", "get", connection["id"], "--wait", "--timeout", "30", "--json")
    assert result.code == 0
    assert result.json()["state"] == "READY"


def test_connect_scenario_requires_the_user_then_approve_makes_it_ready(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="connect")
    assert connection["state"] == "CLIENT_ACTION_REQUIRED"
    assert connection["connected"] is False
    action = connection["clientAction"]
    assert action["type"] == "connect"
    assert action["uiUrl"].startswith("https://")
    assert action["description"] and action["agentInstructions"]
    approved = run_cli(tmp_path, "sandbox", "approve", connection["id"], "--json")
    assert approved.code == 0
    assert approved.json()["state"] == "READY"
    again = call_cli(tmp_path, "connection", "ensure", "hotmart.com", "--json", SCENARIO="connect").json()
    assert again["state"] == "READY" and "clientAction" not in again


def test_provide_input_scenario_asks_for_input_without_a_link(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="provide-input")
    assert connection["state"] == "CLIENT_ACTION_REQUIRED"
    action = connection["clientAction"]
    assert action["type"] == "provide-input"
    assert action["description"] and action["agentInstructions"]
    assert "uiUrl" not in action
    assert call_cli(tmp_path, "sandbox", "approve", connection["id"], "--json").json()["state"] == "READY"


@pytest.mark.parametrize(
    ("scenario", "state"), [("setup-failed", "SETUP_FAILED"), ("configuration-error", "CONFIGURATION_ERROR")]
)
def test_failed_scenarios_are_terminal_states_with_error_and_errors(tmp_path, scenario, state):
    connection = ensure_hotmart(tmp_path, SCENARIO=scenario)
    assert connection["state"] == state
    assert connection["error"]["message"]
    assert connection["errors"] == [connection["error"]]
    assert "clientAction" not in connection
    refused = call_cli(tmp_path, "sandbox", "approve", connection["id"], "--json")
    assert refused.code == 1 and "nothing for the user to approve" in refused.json()["message"]
    waited = call_cli(tmp_path, "connection", "get", connection["id"], "--wait", "--json")
    assert waited.json()["state"] == state and waited.stderr == ""


def test_disconnected_scenario_returns_an_older_connection_that_reconnect_gives_a_fresh_link(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="disconnected")
    assert connection["state"] == "CLIENT_ACTION_REQUIRED"
    assert connection["connected"] is False
    assert connection["createdAt"] < connection["updatedAt"]
    assert connection["clientAction"]["type"] == "connect"
    assert "membrane connect --connectionId" in connection["clientAction"]["agentInstructions"]
    first = run_cli(
        tmp_path, "connect", f"--connectionId={connection['id']}", "--non-interactive", "--json"
    ).json()
    second = call_cli(tmp_path, "connect", "--connectionId", connection["id"], "--json").json()
    assert first["id"] == connection["id"]
    assert first["clientAction"]["uiUrl"].startswith("https://")
    assert second["clientAction"]["uiUrl"] != first["clientAction"]["uiUrl"]
    assert call_cli(tmp_path, "sandbox", "approve", connection["id"], "--json").json()["state"] == "READY"
    assert (
        call_cli(tmp_path, "connect", "--connectionId", connection["id"], "--json").json()["state"] == "READY"
    )


def test_connect_without_a_connection_id_is_a_usage_error(tmp_path):
    assert call_cli(tmp_path, "connect", "--json").code == 2


def test_approve_of_an_unknown_connection_is_not_found(tmp_path):
    result = call_cli(tmp_path, "sandbox", "approve", "nope", "--json")
    assert result.code == 1 and result.json()["key"] == "not_found"


def test_wait_blocks_until_a_concurrent_approve_changes_the_state(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="connect")
    waiter = subprocess.Popen(
        [*SANDBOX_COMMAND, "connection", "get", connection["id"], "--wait", "--timeout", "30", "--json"],
        env=sandbox_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The waiter says on stderr when it starts blocking; only then does the human approve.
        assert waiter.stderr is not None and "Waiting up to 30s" in waiter.stderr.readline()
        assert waiter.poll() is None
        assert run_cli(tmp_path, "sandbox", "approve", connection["id"]).code == 0
        stdout, _ = waiter.communicate(timeout=30)
    finally:
        waiter.kill()
    assert waiter.returncode == 0
    assert '"READY"' in stdout


def test_wait_that_times_out_returns_the_connection_as_it_is(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="connect")
    fake = FakeTime()
    result = call_cli(
        tmp_path, "connection", "get", connection["id"], "--wait", "--timeout=7", "--json", time=fake
    )
    assert result.code == 0
    assert result.json()["state"] == "CLIENT_ACTION_REQUIRED"
    assert sum(fake.naps) == pytest.approx(7)
    assert max(fake.naps) <= 0.1 + 1e-9
    assert "Waiting up to 7s" in result.stderr


@pytest.mark.parametrize("timeout", ["0", "61"])
def test_wait_timeout_outside_1_to_60_seconds_is_refused(tmp_path, timeout):
    connection = ensure_hotmart(tmp_path)
    result = call_cli(
        tmp_path, "connection", "get", connection["id"], "--wait", "--timeout", timeout, "--json"
    )
    assert result.code == 1 and result.json()["type"] == "bad_request"


def test_wait_on_a_ready_connection_returns_at_once_without_a_waiting_line(tmp_path):
    connection = ensure_hotmart(tmp_path)
    result = call_cli(tmp_path, "connection", "get", connection["id"], "--wait", "--json")
    assert result.json()["state"] == "READY" and result.stderr == ""


def test_scenarios_shape_only_new_connections(tmp_path):
    ready = ensure_hotmart(tmp_path)
    for scenario in ("connect", "building", "setup-failed", "disconnected"):
        assert ensure_hotmart(tmp_path, SCENARIO=scenario) == ready


def test_sandbox_reset_clears_the_state(tmp_path):
    ensure_hotmart(tmp_path)
    result = call_cli(tmp_path, "sandbox", "reset")
    assert result.code == 0
    assert call_cli(tmp_path, "connection", "list", "--json").json() == {"items": []}
