"""Output models of the tools: they become each tool's outputSchema and structured content.

Models stay open to new optional fields (no ``additionalProperties: false``) so later issues can
extend them without breaking clients that validate against an older schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ElicitationAnswer = Literal["accept", "decline", "cancel"]


def _drop_property_titles(schema: dict[str, Any]) -> None:
    # pydantic titles each property with its own name reworded; an agent gains nothing from
    # them, and every tools/list costs its tokens.
    for definition in schema.get("properties", {}).values():
        definition.pop("title", None)


class OutputModel(BaseModel):
    """Base of the output models: compact schemas."""

    model_config = ConfigDict(json_schema_extra=_drop_property_titles)


class ClientActionOut(OutputModel):
    """What a human (or the agent, following instructions) must do before the connection works."""

    type: str = Field(
        description="connect = the user must sign in to Hotmart; "
        "provide-input = Membrane needs more information."
    )
    description: str | None = Field(description="Membrane's explanation of the step, for the user.")
    ui_url: str | None = Field(description="Link the user must open to finish the step, if any.")
    agent_instructions: str | None = Field(
        description="Instructions Membrane gives the agent; follow them exactly."
    )


class EnsureConnectionOutput(OutputModel):
    connection_id: str = Field(description="Membrane connection id; pass it to the other tools.")
    state: str = Field(
        description="READY, BUILDING, CLIENT_ACTION_REQUIRED, CONFIGURATION_ERROR, SETUP_FAILED "
        "or DISCONNECTING."
    )
    ready: bool = Field(description="True when the other tools can use this connection now.")
    client_action: ClientActionOut | None = Field(description="Present when state is CLIENT_ACTION_REQUIRED.")
    error: str | None = Field(description="Why the connection failed, for the failed states; else null.")
    elicitation: ElicitationAnswer | None = Field(
        default=None,
        description="How the user answered when the sign-in link was offered through the MCP client; "
        "null when it was not offered that way.",
    )
    next_step: str = Field(description="One sentence: what the agent should do now.")


class ActionSummary(OutputModel):
    id: str = Field(description="Action id; pass it to run_action as action_id.")
    key: str | None = Field(description="Stable action key (also accepted as action_id).")
    name: str | None
    description: str | None
    type: str | None = Field(
        description="Membrane action type, e.g. list-data-records or connector-operation."
    )
    input_schema: dict[str, Any] | None = Field(
        description="JSON Schema of run_action's `input` for this action."
    )
    output_schema: dict[str, Any] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="JSON Schema of the action's output; only when include_output_schema was true.",
    )


class SearchActionsOutput(OutputModel):
    connection_id: str = Field(description="The connection the actions belong to.")
    intent: str = Field(description="The intent that was searched.")
    actions: list[ActionSummary] = Field(description="Best matches first.")
    cached: bool = Field(description="True when served from this server's 5-minute cache.")


class RunActionOutput(OutputModel):
    status: Literal["ok"] = Field(description="ok: the action ran and `output` holds its result.")
    action_id: str = Field(description="The action that ran.")
    action_run_id: str | None = Field(description="Membrane's id of this run (for its logs), when given.")
    output: Any = Field(description="The action's result, as Membrane returned it.")


class ProxyRequestOutput(OutputModel):
    status: Literal["ok"] = Field(description="ok: Hotmart answered with a success status.")
    http_status: int | None = Field(
        description="Hotmart's HTTP status, or null when Membrane does not report it."
    )
    body: Any = Field(description="Hotmart's response body (parsed JSON, text, or null when empty).")


class LoginOutput(OutputModel):
    logged_in: bool = Field(description="True when Membrane is logged in now.")
    login_url: str | None = Field(
        description="The link the user must open to approve the login, when starting one."
    )
    message: str = Field(description="What Membrane said.")
    next_step: str = Field(description="One sentence: what the agent should do now.")
