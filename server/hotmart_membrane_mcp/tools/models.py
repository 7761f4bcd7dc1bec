"""Output models of the tools: they become each tool's outputSchema and structured content.

Models stay open to new optional fields (no ``additionalProperties: false``) so later issues can
extend them without breaking clients that validate against an older schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ElicitationAnswer = Literal["accept", "decline", "cancel"]


def _absent(value: Any) -> bool:
    return value is None


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


class CutFields(OutputModel):
    """What the result budget adds to a list result (issue #5).

    Declared on proxy_request, where lists are routine. The server's safety net adds the same
    fields to any other tool's result it has to cut; those schemas stay open, so they need not
    list them (every tools/list would pay for it).
    """

    truncated: bool | None = Field(
        default=None,
        exclude_if=_absent,
        description="true: part of the result was left out to fit the size budget (see how_to_get_rest); "
        "false: this list is everything that was read.",
    )
    returned_items: int | None = Field(
        default=None, exclude_if=_absent, description="Items in this result, when its list was cut."
    )
    total_items: int | None = Field(
        default=None, exclude_if=_absent, description="Items the whole query has, when known."
    )
    next_page_token: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Pass it back as resume_token, with the same request, to continue exactly at the first "
        "item not returned; null when nothing follows.",
    )
    how_to_get_rest: str | None = Field(
        default=None, exclude_if=_absent, description="One sentence: how to get what was left out."
    )
    original_chars: int | None = Field(
        default=None, exclude_if=_absent, description="Size of the result before long texts were shortened."
    )


class SearchActionsOutput(OutputModel):
    connection_id: str = Field(description="The connection the actions belong to.")
    intent: str = Field(description="The intent that was searched.")
    actions: list[ActionSummary] = Field(description="Best matches first.")
    cached: bool = Field(description="True when served from this server's 5-minute cache.")


WriteStatus = Literal["ok", "confirmation_required", "declined"]


class GatedOutput(OutputModel):
    """The status of a call that may write, and what a held write tells the agent.

    The confirmation fields appear only when a write was held (status is not ``ok``); the
    tool's own result fields follow and stay present (null) in that case.
    """

    status: WriteStatus = Field(
        description="ok: done, the result follows. confirmation_required: nothing was sent; show `summary` "
        "to the user and follow next_step. declined: nothing was sent because the user said no."
    )
    summary: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="What the write would do (operation, records, irreversible or not), for the user.",
    )
    confirm_token: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Single-use token bound to this exact call; pass it back only after the user agreed.",
    )
    expires_in_s: int | None = Field(
        default=None, exclude_if=_absent, description="Seconds the confirm_token stays valid."
    )
    irreversible: bool | None = Field(
        default=None, exclude_if=_absent, description="True when the write cannot be undone."
    )
    reason: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Why nothing was sent, or why an offered confirm_token was not accepted.",
    )
    next_step: str | None = Field(
        default=None, exclude_if=_absent, description="One sentence: what the agent should do now."
    )


class RunActionOutput(GatedOutput):
    action_id: str = Field(description="The action that ran (or would run).")
    action_run_id: str | None = Field(
        default=None, description="Membrane's id of this run (for its logs), when given."
    )
    output: Any = Field(default=None, description="The action's result, as Membrane returned it (ok only).")


class SavedFile(OutputModel):
    path: str = Field(description="Where the file was written (inside the export folder).")
    format: str = Field(description="jsonl or csv.")
    rows: int = Field(description="Items written.")
    columns: list[str] = Field(description="Attributes (CSV: dotted column names).")
    preview: list[Any] = Field(description="The first rows, to show the user what is in the file.")


# CutFields first in the bases only so that `status` stays the first property of the schema.
class ProxyRequestOutput(CutFields, GatedOutput):
    http_status: int | None = Field(
        default=None, description="Hotmart's HTTP status, or null when Membrane does not report it."
    )
    body: Any = Field(
        default=None,
        description="Hotmart's response body (parsed JSON, text, or null when empty); null unless ok. For "
        "list endpoints, body.items holds the items read (every page with all_pages), or body is the list "
        "for endpoints that answer a bare array; Hotmart's page_info is replaced by the fields below.",
    )
    complete: bool | None = Field(
        default=None, exclude_if=_absent, description="Lists: true when every page of the query was read."
    )
    pages_fetched: int | None = Field(default=None, exclude_if=_absent, description="Hotmart pages read.")
    stop_reason: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Why reading stopped: complete, max_pages, budget, rate_limited, error, no_page_info or "
        "repeated_token.",
    )
    incomplete_reason: str | None = Field(
        default=None, exclude_if=_absent, description="Why not every page was read, when complete is false."
    )
    rate_limit_waits: list[dict[str, Any]] | None = Field(
        default=None, exclude_if=_absent, description="Waits for Hotmart's rate limit (429) while paging."
    )
    date_conversions: list[dict[str, Any]] | None = Field(
        default=None,
        exclude_if=_absent,
        description="ISO dates turned into the epoch milliseconds Hotmart reads (param, given, epoch_ms).",
    )
    warnings: list[str] | None = Field(
        default=None, exclude_if=_absent, description="Hotmart traps this request walks into; read them."
    )
    saved: SavedFile | None = Field(
        default=None, exclude_if=_absent, description="With save_to: the file written instead of the data."
    )


class LoginOutput(OutputModel):
    logged_in: bool = Field(description="True when Membrane is logged in now.")
    login_url: str | None = Field(
        description="The link the user must open to approve the login, when starting one."
    )
    message: str = Field(description="What Membrane said.")
    next_step: str = Field(description="One sentence: what the agent should do now.")
