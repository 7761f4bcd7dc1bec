"""Holding a write until a human agrees: the step run_action and proxy_request share.

Each of the two tools checks its arguments (membrane.request_guards), classifies the call
(safety.classify), refuses a write on a read-only server before doing any work
(``refuse_in_deny_mode``), and just before sending calls :func:`hold_write`. That returns
``None`` when the write may go now, or the result the tool returns instead, with nothing sent:
an ``InputRequiredResult`` (a 2026-07-28 client asks the user), or a normal ``confirmation_required``
/ ``declined`` result. The tools' descriptions and annotations follow the write mode from here too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations

from ..config import WritesMode
from ..errors import HotmartMcpError
from ..hotmart.write_checks import check_coupon, refund_line, refuse_refund_of, sale_from_history
from ..membrane.models import ProxyRequest
from ..safety.gate import ConfirmationRequired, Proceed, authorize_write
from ..safety.resolved import ResolvedWrite
from .models import GatedOutput
from .results import ok
from .state import ServerState

logger = logging.getLogger(__name__)

SALES_HISTORY_PATH = "/payments/api/v1/sales/history"
AMOUNT_UNKNOWN = "unknown (the sale could not be looked up)"
AMOUNT_NOT_FOUND = "unknown (no sale with this transaction code was found)"
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
    info = write.info
    summary = write.summary()
    outcome = await authorize_write(
        ctx,
        mode=state.settings.writes,
        info=info,
        summary=summary,
        fingerprint=write.fingerprint(),
        confirm_token=confirm_token,
        store=state.confirmations,
    )
    tool = write.tool
    if isinstance(outcome, Proceed):
        logger.info("%s: write authorised by %s: %s", tool, outcome.via, info.operation)
        return None
    if isinstance(outcome, InputRequiredResult):
        return outcome
    if isinstance(outcome, ConfirmationRequired):
        return ok(
            held(
                status="confirmation_required",
                summary=outcome.summary,
                confirm_token=outcome.token,
                expires_in_s=outcome.expires_in_s,
                irreversible=info.irreversible,
                reason=outcome.note,
                next_step=CONFIRM_NEXT_STEP.format(tool=tool),
            )
        )
    logger.info("%s: write not sent: %s", tool, outcome.reason)
    return ok(
        held(
            status="declined",
            summary=summary,
            irreversible=info.irreversible,
            reason=outcome.reason,
            next_step=DECLINED_NEXT_STEP,
        )
    )


async def write_facts(
    state: ServerState,
    connection_id: str,
    *,
    refunded: str | None = None,
    refund_field: str = "path",
    coupon: Any = None,
    coupon_field: str = "body",
) -> tuple[str, ...]:
    """Check a write against what Hotmart would say, and the readable lines for its summary.

    A coupon Hotmart would refuse is refused here (hotmart.write_checks), in every mode. A
    refund is looked up with one read of the sales history, only when a human will read the
    summary (confirm mode): a sale with nothing left to refund is refused without asking;
    otherwise the summary shows the amount and the buyer. Whatever goes wrong with the lookup,
    the summary says the amount is unknown and the user is asked: the lookup must never stand
    between the user and the question.

    Raises:
        InvalidInput: a coupon Hotmart would refuse, or a refund of a refunded, cancelled or
            charged-back sale.
    """
    facts: list[str] = []
    if coupon is not None:
        facts += check_coupon(coupon, coupon_field)
    if refunded is not None and state.settings.writes == "confirm":
        request = ProxyRequest(path=SALES_HISTORY_PATH, query=(("transaction", refunded),))
        try:
            response = await state.backend.request(connection_id, request)
        except HotmartMcpError as exc:
            logger.info("refund summary: the sale could not be looked up (%s)", exc.error_type)
            return (*facts, f"Amount: {AMOUNT_UNKNOWN}")
        sale = sale_from_history(response.body, refunded)
        if sale is None:
            return (*facts, f"Amount: {AMOUNT_NOT_FOUND}")
        refuse_refund_of(sale, refund_field)
        facts.append(refund_line(sale))
    return tuple(facts)


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


def writes_policy(mode: WritesMode, tool: str) -> str:
    """The sentences of a tool description that say what happens to a write in this mode."""
    if mode == "deny":
        return "This server is read-only: a write is refused (writes_disabled), nothing is sent." + (
            " Only save_to writes, a new local file." if tool == "proxy_request" else ""
        )
    if mode == "allow":
        return "Writes run without asking the user: make only the change the user asked for."
    return (
        "A write first answers confirmation_required: show its summary; only if they agree, call "
        f"{tool} again with exactly the same arguments plus confirm_token."
    )
