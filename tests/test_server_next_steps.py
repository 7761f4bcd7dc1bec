"""The next_step sentence for states the simulator has no scenario for."""

from __future__ import annotations

from hotmart_membrane_mcp.membrane.models import ClientAction, Connection
from hotmart_membrane_mcp.tools.next_steps import connection_output


def test_disconnecting_is_a_failed_state_with_an_error_and_no_blind_retry() -> None:
    output = connection_output(Connection(id="c1", name="Hotmart", state="DISCONNECTING"))

    assert output.ready is False
    assert output.error == "the connection is DISCONNECTING"
    assert output.next_step.startswith("Do not retry blindly")


def test_an_unknown_state_is_reported_as_is_and_not_ready() -> None:
    output = connection_output(Connection(id="c1", name=None, state="ARCHIVED"))

    assert output.state == "ARCHIVED"
    assert output.ready is False
    assert "unexpected state (ARCHIVED)" in output.next_step


def test_client_action_with_only_agent_instructions_says_to_follow_them() -> None:
    action = ClientAction(type="connect", agent_instructions="Ask the user to approve in the Membrane app.")
    output = connection_output(
        Connection(id="c1", name=None, state="CLIENT_ACTION_REQUIRED", client_action=action)
    )

    assert output.client_action is not None
    assert output.client_action.agent_instructions == action.agent_instructions
    assert output.next_step.startswith("Follow client_action.agent_instructions exactly")
