"""Holding a write until a human agrees: the step run_action and proxy_request share.

Each of the two tools checks its arguments (membrane.request_guards), classifies the call
(safety.classify), refuses a write on a read-only server before doing any work
(``refuse_in_deny_mode``), and just before sending calls :func:`hold_write`. That returns
``None`` when the write may go now, or the result the tool returns instead, with nothing sent:
an ``InputRequiredResult`` (a 2026-07-28 client asks the user), or a normal ``confirmation_required``
/ ``declined`` result. The tools' descriptions and annotations follow the write mode from here too.

The gate knows writes, summaries and confirmations, nothing of Hotmart: what a summary says
about the records a write touches (a coupon's discount, a refunded sale's amount) comes in as
``ResolvedWrite.facts`` from the domain (hotmart.write_checks); :func:`summary_reader` only says
whether such facts may be read, and through which connection.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations

from ..config import WritesMode
from ..hotmart.page_reads import Send
from ..safety.gate import ConfirmationRequired, Declined, Proceed, authorize_write
from ..safety.resolved import ResolvedWrite
from .models import GatedOutput
from .results import ok
from .state import ServerState

logger = logging.getLogger(__name__)

CONFIRM_NEXT_STEP = (
    "Show the summary to the user; only if they agree, call {tool} again with exactly the same "
    "arguments plus confirm_token."
)
DECLINED_NEXT_STEP = "Nothing was sent to Hotmart. Tell the user; do not retry unless they ask."


async def hold_write(
    ctx: Context,
    state: ServerState,
    write: ResolvedWrite,
    *,
    confirm_token: str | None,
    held: Callable[..., GatedOutput],
) -> CallToolResult | InputRequiredResult | None:
    """``None`` when ``write`` may be sent now; otherwise what the tool returns instead.

    The human is shown ``write.summary()`` and their answer is bound to ``write.fingerprint()``;
    the caller then sends that same ``write``, so what was approved is what is sent.

    Args:
        ctx: the tool call's context (protocol era, client capabilities, a returned answer).
        state: the server state (write mode, pending confirmations).
        write: the write as it will be sent.
        confirm_token: the token the agent passed back, if any (already shape-checked).
        held: builds the tool's output model from the confirmation fields.

    Raises:
        WritesDisabled: in ``deny`` mode.
    """
    outcome = await authorize_write(
        ctx,
        mode=state.settings.writes,
        info=write.info,
        summary=write.summary(),
        fingerprint=write.fingerprint(),
        confirm_token=confirm_token,
        store=state.confirmations,
    )
    if isinstance(outcome, Proceed):
        logger.info("%s: write authorised by %s: %s", write.tool, outcome.via, write.info.operation)
        return None
    if isinstance(outcome, InputRequiredResult):
        return outcome
    return _not_sent(outcome, write, held)


def _not_sent(
    outcome: ConfirmationRequired | Declined, write: ResolvedWrite, held: Callable[..., GatedOutput]
) -> CallToolResult:
    """The tool's result for a write that was not sent: waiting for a yes, or declined."""
    irreversible = write.info.irreversible
    if isinstance(outcome, ConfirmationRequired):
        return ok(
            held(
                status="confirmation_required",
                summary=outcome.summary,
                confirm_token=outcome.token,
                expires_in_s=outcome.expires_in_s,
                irreversible=irreversible,
                reason=outcome.note,
                next_step=CONFIRM_NEXT_STEP.format(tool=write.tool),
            )
        )
    logger.info("%s: write not sent: %s", write.tool, outcome.reason)
    return ok(
        held(
            status="declined",
            summary=write.summary(),
            irreversible=irreversible,
            reason=outcome.reason,
            next_step=DECLINED_NEXT_STEP,
        )
    )


def summary_reader(state: ServerState, connection_id: str) -> Send | None:
    """What a domain check may read with to complete a write's summary, or None for "read nothing".

    Only in confirm mode does a human read the summary; in allow mode a lookup would only delay
    the write (deny mode never gets this far).
    """
    if state.settings.writes != "confirm":
        return None
    return functools.partial(state.backend.request, connection_id)


def write_tool_annotations(mode: WritesMode, *, saves_files: bool = False) -> ToolAnnotations:
    """Truthful hints for a tool that may write.

    On a read-only server it changes nothing in Hotmart; a tool that can save an export
    (proxy_request's ``save_to``) still creates files, never overwriting one, so it is not
    read-only but not destructive either.
    """
    if mode == "deny":
        return ToolAnnotations(
            read_only_hint=not saves_files, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        )
    return ToolAnnotations(
        read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
    )


def writes_policy(mode: WritesMode, tool: str, *, saves_files: bool = False) -> str:
    """The sentences of a tool description that say what happens to a write in this mode."""
    if mode == "deny":
        return "This server is read-only: a write is refused (writes_disabled), nothing is sent." + (
            " Only save_to writes, a new local file." if saves_files else ""
        )
    if mode == "allow":
        return "Writes run without asking the user: make only the change the user asked for."
    return (
        "A write first answers confirmation_required: show its summary; only if they agree, call "
        f"{tool} again with exactly the same arguments plus confirm_token."
    )
