"""Holding a write until a human agrees: the step run_action and proxy_request share.

Each of the two tools checks its arguments (safety.guards), classifies the call
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

from ..errors import HotmartMcpError
from ..membrane.models import ProxyRequest
from ..safety.classify import WriteInfo
from ..safety.gate import ConfirmationRequired, Proceed, WritesMode, authorize_write
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
    *,
    tool: str,
    info: WriteInfo,
    summary: str,
    fingerprint: str,
    confirm_token: str | None,
    held: Callable[..., GatedOutput],
) -> CallToolResult | InputRequiredResult | None:
    """``None`` when the write may be sent now; otherwise what the tool returns instead.

    Args:
        ctx: the tool call's context (protocol era, client capabilities, a returned answer).
        state: the server state (write mode, pending confirmations).
        tool: the tool's name, for the next_step sentence and the log.
        info: the classification of the call (a write).
        summary: what the human reads before agreeing.
        fingerprint: ``request_fingerprint`` of exactly what would be sent.
        confirm_token: the token the agent passed back, if any (already shape-checked).
        held: builds the tool's output model from the confirmation fields.

    Raises:
        WritesDisabled: in ``deny`` mode.
    """
    outcome = await authorize_write(
        ctx,
        mode=state.settings.writes,
        info=info,
        summary=summary,
        fingerprint=fingerprint,
        confirm_token=confirm_token,
        store=state.confirmations,
    )
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


async def refund_amount(state: ServerState, connection_id: str, transaction: str | None) -> str | None:
    """The price of the sale a refund would return (e.g. "BRL 197.00"), for its summary; never raises.

    ``None`` when there is no refunded transaction, or when no human will read the summary
    (only confirm mode asks). Otherwise one cheap read of the sales history filtered by the
    transaction; whatever goes wrong, the summary says the amount is unknown: the lookup must
    never stand between the user and the question.
    """
    if transaction is None or state.settings.writes != "confirm":
        return None
    request = ProxyRequest(path=SALES_HISTORY_PATH, query=(("transaction", transaction),))
    try:
        response = await state.backend.request(connection_id, request)
    except HotmartMcpError as exc:
        logger.info("refund summary: the sale could not be looked up (%s)", exc.error_type)
        return AMOUNT_UNKNOWN
    return _price_of(response.body, transaction) or AMOUNT_NOT_FOUND


def _price_of(body: Any, transaction: str) -> str | None:
    items = body.get("items") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        purchase = item.get("purchase") if isinstance(item, dict) else None
        if not isinstance(purchase, dict) or purchase.get("transaction") != transaction:
            continue
        price = purchase.get("price")
        value = price.get("value") if isinstance(price, dict) else None
        currency = price.get("currency_code") if isinstance(price, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(currency, str):
            return f"{currency[:10]} {value:.2f}"
    return None


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
        "Writes need the user's yes: on confirmation_required show the summary; only if they agree, call "
        f"{tool} again with exactly the same arguments plus confirm_token."
    )
