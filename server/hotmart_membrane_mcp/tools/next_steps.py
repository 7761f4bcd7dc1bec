"""Turning a connection's state into the one sentence an agent needs: what to do now.

The wording follows Membrane's own agent guidance (membrane-cli-contract.md §5): READY -> go; BUILDING ->
wait again; CLIENT_ACTION_REQUIRED -> follow agentInstructions if present, else show uiUrl;
CONFIGURATION_ERROR / SETUP_FAILED -> terminal, surface the error, do not retry blindly.
"""

from __future__ import annotations

from ..membrane.models import BUILDING, CLIENT_ACTION_REQUIRED, FAILED_STATES, READY, Connection
from .models import ClientActionOut, ElicitationAnswer, EnsureConnectionOutput
from .tool_words import as_tool_steps

_DO_NOT_RETRY = (
    "Do not retry blindly: tell the user the Hotmart connection failed ({error}); it must be fixed or "
    "recreated in Membrane before Hotmart can be used."
)


def connection_output(
    connection: Connection, elicitation: ElicitationAnswer | None = None
) -> EnsureConnectionOutput:
    """The ensure_connection result for ``connection`` (and the user's answer to an offered link)."""
    action = connection.client_action
    client_action = (
        ClientActionOut(
            type=action.type,
            description=as_tool_steps(action.description),
            ui_url=action.ui_url,
            agent_instructions=as_tool_steps(action.agent_instructions),
        )
        if action is not None
        else None
    )
    error = connection.error if connection.state in FAILED_STATES else None
    if connection.state in FAILED_STATES and error is None:
        error = f"the connection is {connection.state}"
    return EnsureConnectionOutput(
        connection_id=connection.id,
        state=connection.state,
        ready=connection.ready,
        client_action=client_action,
        error=error,
        elicitation=elicitation,
        next_step=next_step(connection, elicitation),
    )


def next_step(connection: Connection, elicitation: str | None = None) -> str:
    """One sentence telling the agent what to do with this connection now."""
    again = f"call ensure_connection again with connection_id={connection.id!r}"
    state = connection.state
    if state == READY:
        return (
            "The Hotmart connection is ready: use search_actions to find an operation, then run_action, "
            "or proxy_request for a direct Hotmart API call."
        )
    if state == BUILDING:
        return f"Membrane is still building the connection; {again} to keep waiting."
    if state in FAILED_STATES:
        return _DO_NOT_RETRY.format(error=connection.error or state)
    if state == CLIENT_ACTION_REQUIRED:
        return _client_action_step(connection, elicitation, again)
    return f"The connection is in an unexpected state ({state}); {again} in a minute."


def _client_action_step(connection: Connection, elicitation: str | None, again: str) -> str:
    action = connection.client_action
    url = action.ui_url if action else None
    has_instructions = bool(action and action.agent_instructions)
    guidance = "; also follow client_action.agent_instructions" if has_instructions else ""
    if elicitation == "accept":
        return (
            f"The user accepted the sign-in link but Membrane does not see it finished yet; when the user "
            f"says they are done, {again}."
        )
    if elicitation in ("decline", "cancel"):
        return (
            f"The user did not open the sign-in link; ask whether they want to connect Hotmart, and if so "
            f"show them {url} and then {again}."
        )
    if action is not None and action.type == "provide-input":
        need = as_tool_steps(action.description) or "see client_action"
        where = f"in Membrane at this link: {url}" if url else "in Membrane's connection screen"
        return (
            f"Membrane needs more information ({need}). The user enters it {where}; never ask "
            f"them to paste credentials or secrets into the chat. When they say they are done, {again}"
            f"{guidance}."
        )
    if url:
        return (
            f"Show this link to the user and ask them to sign in to Hotmart there: {url} — when they say "
            f"they are done, {again}{guidance}."
        )
    if guidance:
        return f"Follow client_action.agent_instructions exactly, then {again}."
    details = action.description if action and action.description else "no details given"
    return f"A human must act in Membrane ({details}); then {again}."
