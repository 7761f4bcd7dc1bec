"""Output models of the tools: they become each tool's outputSchema and structured content.

Models stay open to new optional fields (no ``additionalProperties: false``) so later issues can
extend them without breaking clients that validate against an older schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ElicitationAnswer = Literal["accept", "decline", "cancel"]


def _absent(value: Any) -> bool:
    return value is None


# Field descriptions are paid for on every tools/list (compact_schema.py): they say what the
# field's name does not (units, when it is null, what to do with it), and nothing else.
NEXT_STEP = "What to do now."
PARTIAL_DESCRIPTION = "Only when data is missing: what is missing and why (complete is false)."


def partial_notice(reason: str | None) -> str:
    """The first words of a result that holds only part of the data (issue #8): never missed."""
    return f"PARTIAL RESULT, data is missing: {reason or 'not every page could be read.'}"


class OutputModel(BaseModel):
    """Base of the output models (their schemas are compacted when listed: compact_schema.py)."""


class ClientActionOut(OutputModel):
    # What must happen before the connection works (no docstring: it would be listed as the description).

    type: str = Field(
        description="connect: the user must sign in to Hotmart; provide-input: Membrane needs more "
        "information."
    )
    description: str | None = Field(description="For the user.")
    ui_url: str | None = Field(description="Link the user must open, if any.")
    agent_instructions: str | None = Field(description="For the agent; follow them exactly.")


class EnsureConnectionOutput(OutputModel):
    connection_id: str
    state: str = Field(
        description="READY, BUILDING, CLIENT_ACTION_REQUIRED, CONFIGURATION_ERROR, SETUP_FAILED "
        "or DISCONNECTING."
    )
    ready: bool = Field(description="The other tools can use it now.")
    client_action: ClientActionOut | None = Field(description="Set when state is CLIENT_ACTION_REQUIRED.")
    error: str | None = Field(description="Why it failed (failed states only).")
    elicitation: ElicitationAnswer | None = Field(
        default=None, description="The user's answer when the client offered the sign-in link; else null."
    )
    next_step: str = Field(description=NEXT_STEP)


class ActionSummary(OutputModel):
    id: str
    name: str | None
    description: str | None
    type: str | None = Field(default=None, exclude_if=_absent)
    inputs: str | None = Field(default=None, exclude_if=_absent)
    input_schema: dict[str, Any] | None = Field(default=None, exclude_if=_absent)
    output_schema: dict[str, Any] | None = Field(default=None, exclude_if=_absent)
    warnings: list[str] | None = Field(default=None, exclude_if=_absent)


class CutFields(OutputModel):
    """What the result budget adds to a list result (issue #5).

    Declared on proxy_request, where lists are routine. The server's safety net adds the same
    fields to any other tool's result it has to cut; those schemas stay open, so they need not
    list them (every tools/list would pay for it).
    """

    truncated: bool | None = Field(
        default=None,
        exclude_if=_absent,
        description="true: part was left out to fit the size budget (see how_to_get_rest); false: the list "
        "holds all that was read.",
    )
    returned_items: int | None = Field(default=None, exclude_if=_absent)
    total_items: int | None = Field(default=None, exclude_if=_absent, description="When known.")
    next_page_token: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Pass as resume_token (same request) to continue; null when nothing follows.",
    )
    how_to_get_rest: str | None = Field(default=None, exclude_if=_absent)
    original_chars: int | None = Field(
        default=None, exclude_if=_absent, description="Result size before long texts were shortened."
    )


class SearchActionsOutput(OutputModel):
    connection_id: str | None = Field(default=None, exclude_if=_absent)
    actions: list[ActionSummary]
    cached: bool


WriteStatus = Literal["ok", "confirmation_required", "declined"]


class GatedOutput(OutputModel):
    """The status of a call that may write, and what a held write tells the agent.

    The confirmation fields appear only when a write was held (status is not ``ok``); the
    tool's own result fields follow and stay present (null) in that case.
    """

    status: WriteStatus = Field(
        description="ok: done. confirmation_required (user must agree) or declined (user said no): nothing "
        "was sent; follow next_step."
    )
    summary: str | None = Field(
        default=None, exclude_if=_absent, description="What the write would do, for the user."
    )
    confirm_token: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Pass it back only after the user agreed.",
    )
    expires_in_s: int | None = Field(
        default=None, exclude_if=_absent, description="Seconds the confirm_token stays valid."
    )
    irreversible: bool | None = Field(default=None, exclude_if=_absent)
    reason: str | None = Field(
        default=None, exclude_if=_absent, description="Why nothing was sent or a confirm_token was refused."
    )
    next_step: str | None = Field(default=None, exclude_if=_absent, description=NEXT_STEP)


class RunActionOutput(GatedOutput):
    action_id: str
    action_run_id: str | None = Field(default=None, description="For Membrane's logs.")
    output: Any = Field(default=None, description="The action's result (ok only).")
    warnings: list[str] | None = Field(
        default=None, exclude_if=_absent, description="Hotmart traps; read them."
    )


class SavedFile(OutputModel):
    path: str = Field(description="Inside the export folder.")
    format: str = Field(description="jsonl or csv.")
    rows: int
    columns: list[str] = Field(description="Dotted attribute names.")
    preview: list[Any] = Field(description="First rows, to show the user.")


# CutFields first in the bases only so that `status` stays the first property of the schema.
class ProxyRequestOutput(CutFields, GatedOutput):
    partial: str | None = Field(default=None, exclude_if=_absent, description=PARTIAL_DESCRIPTION)
    http_status: int | None = Field(default=None, description="Hotmart's; null when Membrane does not say.")
    body: Any = Field(
        default=None,
        description="Hotmart's parsed body; null unless ok. Lists: the items read are in body.items (or "
        "body, if a bare array); page_info becomes the paging fields here.",
    )
    complete: bool | None = Field(
        default=None, exclude_if=_absent, description="Lists: every page of the query was read."
    )
    pages_fetched: int | None = Field(default=None, exclude_if=_absent)
    stop_reason: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="complete, max_pages, budget, rate_limited, error, no_page_info or repeated_token.",
    )
    incomplete_reason: str | None = Field(default=None, exclude_if=_absent)
    rate_limit_waits: list[dict[str, Any]] | None = Field(
        default=None, exclude_if=_absent, description="Waits for Hotmart's rate limit (429)."
    )
    date_conversions: list[dict[str, Any]] | None = Field(
        default=None, exclude_if=_absent, description="ISO dates sent as epoch ms (param, given, epoch_ms)."
    )
    warnings: list[str] | None = Field(
        default=None, exclude_if=_absent, description="Hotmart traps this request hits; read them."
    )
    read_items: int | None = Field(default=None, exclude_if=_absent, description="With where/count_only.")
    matched_items: int | None = Field(default=None, exclude_if=_absent, description="Items meeting where.")
    pushed_down: list[dict[str, Any]] | None = Field(
        default=None, exclude_if=_absent, description="where conditions Hotmart applied as query params."
    )
    saved: SavedFile | None = Field(
        default=None, exclude_if=_absent, description="With save_to, instead of the items."
    )


class LoginOutput(OutputModel):
    logged_in: bool
    login_url: str | None = Field(description="When starting: the link the user opens to approve.")
    message: str
    next_step: str = Field(description=NEXT_STEP)
