"""The decision for one write, in the configured ``HOTMART_MCP_WRITES`` mode and either protocol era.

``confirm`` (the default) needs a human yes before anything is sent to Membrane, by the first of:

1. a valid ``confirm_token`` from an earlier ``confirmation_required`` result;
2. form elicitation, when the client declared it: a pushed ``elicitation/create`` request up to
   protocol 2025-11-25, an ``InputRequiredResult`` round trip on 2026-07-28 (mcp 2.x eras);
3. otherwise a ``confirmation_required`` result carrying a fresh single-use token.

``allow`` proceeds without asking; ``deny`` raises ``WritesDisabled``. Reads never reach the gate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from mcp.server.elicitation import render_elicitation_schema
from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPError
from mcp.types import ClientCapabilities, ElicitRequest, ElicitRequestFormParams, InputRequiredResult
from mcp.types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel, Field

from ..config import WritesMode
from ..errors import WritesDisabled
from .classify import WriteInfo
from .confirm import ConfirmationStore

logger = logging.getLogger(__name__)

# Key of our one question in InputRequiredResult.input_requests, and the prefix of the
# request_state we mint; the SDK seals request_state, this prefix only versions our payload.
CONFIRM_INPUT_KEY = "confirm_write"
_STATE_PREFIX = "confirm-write/v1:"


class ConfirmWrite(BaseModel):
    """Confirm this Hotmart operation."""

    # The docstring above is shown to the user as the form's description; the form must stay
    # flat (one primitive per field), as elicitation requires. Strict: only a JSON true is a yes;
    # lax pydantic would read "yes", 1 or "on" as a ticked box (the 2026-07-28 path checks
    # `is True` on the raw answer, and both eras must agree).

    confirm: bool = Field(
        default=False, strict=True, description="Tick to perform this operation in Hotmart."
    )


@dataclass(frozen=True)
class Proceed:
    """Send the write. ``via`` says what authorised it (for the log)."""

    via: Literal["allow_mode", "token", "elicitation"]


@dataclass(frozen=True)
class ConfirmationRequired:
    """Nothing was sent; the agent must show ``summary`` and come back with ``token`` on a yes."""

    token: str
    summary: str
    expires_in_s: int
    note: str | None = None  # why an offered token was not accepted, when one was

    def payload(self) -> dict[str, Any]:
        """The structured, non-error tool result for this outcome."""
        result: dict[str, Any] = {
            "status": "confirmation_required",
            "summary": self.summary,
            "confirm_token": self.token,
            "expires_in_s": self.expires_in_s,
            "next_step": (
                "Nothing was sent. Show the summary to the user and ask whether to proceed. Only if "
                "the user agrees, call the same tool again with exactly the same arguments plus "
                "confirm_token. The token works once, expires, and is void if any argument changes."
            ),
        }
        if self.note:
            result["note"] = self.note
        return result


@dataclass(frozen=True)
class Declined:
    """Nothing was sent because the user said no, cancelled, or the answer was not valid."""

    reason: str

    def payload(self) -> dict[str, Any]:
        """The structured, non-error tool result for this outcome."""
        return {
            "status": "declined",
            "reason": self.reason,
            "next_step": "Nothing was sent to Hotmart. Tell the user; do not retry unless they ask.",
        }


GateOutcome = Proceed | ConfirmationRequired | Declined | InputRequiredResult


def client_accepts_form_elicitation(capabilities: ClientCapabilities | None) -> bool:
    """True when the client declared form elicitation (``elicitation: {}`` means form-only)."""
    elicitation = capabilities.elicitation if capabilities else None
    if elicitation is None:
        return False
    return elicitation.form is not None or elicitation.url is None


def refuse_in_deny_mode(mode: WritesMode, info: WriteInfo) -> None:
    """Raise ``WritesDisabled`` for a write on a read-only server.

    ``authorize_write`` calls it too; tools may call it first to refuse before doing any work
    (such as resolving the connection) that the fingerprint needs.

    Raises:
        WritesDisabled: when ``mode`` is ``deny`` and ``info`` is a write.
    """
    if mode == "deny" and info.is_write:
        raise WritesDisabled(
            f"Refused: {info.operation} This server is read-only (HOTMART_MCP_WRITES=deny); "
            "nothing was sent.",
            operation=info.operation,
        )


async def authorize_write(
    ctx: Context,
    *,
    mode: WritesMode,
    info: WriteInfo,
    summary: str,
    fingerprint: str,
    confirm_token: str | None,
    store: ConfirmationStore,
) -> GateOutcome:
    """Decide whether one write may be sent now.

    Returns ``Proceed`` (send it), ``ConfirmationRequired`` or ``Declined`` (send nothing and
    return their ``payload()`` as a normal result), or an ``InputRequiredResult`` (return it
    from the tool as is: the 2026-07-28 client asks the user and calls again).

    Raises:
        WritesDisabled: in ``deny`` mode.
    """
    if not info.is_write:
        return Proceed(via="allow_mode")  # callers skip the gate for reads; harmless if they don't
    refuse_in_deny_mode(mode, info)
    if mode == "allow":
        return Proceed(via="allow_mode")
    if mode != "confirm":
        raise ValueError(f"unknown writes mode {mode!r}")

    note = None
    if confirm_token:
        if store.redeem(confirm_token, fingerprint):
            logger.info("write confirmed by token: %s", info.operation)
            return Proceed(via="token")
        note = (
            "The confirm_token was not accepted (unknown, expired, already used, or issued for a "
            "different request); nothing was sent. Confirm again."
        )

    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        # Another question of the same tool (a sign-in link, say) carries its own state: only
        # ours answers this one.
        if (ctx.request_state or "").startswith(_STATE_PREFIX):
            return _decide_returned_answer(ctx, info=info, fingerprint=fingerprint, store=store)
        if client_accepts_form_elicitation(ctx.client_capabilities):
            return _ask_in_result(summary, fingerprint, store)
    elif client_accepts_form_elicitation(ctx.client_capabilities):
        outcome = await _ask_by_request(ctx, info=info, summary=summary)
        if outcome is not None:
            return outcome
    return ConfirmationRequired(store.issue(fingerprint), summary, int(store.ttl_s), note)


def _ask_in_result(summary: str, fingerprint: str, store: ConfirmationStore) -> InputRequiredResult:
    # The nonce makes the answer single use: the sealed request_state could otherwise be replayed
    # with the same "accept" for as long as the SDK's seal is valid. It is bound to an
    # elicitation-only fingerprint so it can never double as a confirm_token.
    nonce = store.issue(_elicitation_binding(fingerprint))
    schema = render_elicitation_schema(ConfirmWrite)
    question = ElicitRequestFormParams(message=summary, requested_schema=schema)
    return InputRequiredResult(
        input_requests={CONFIRM_INPUT_KEY: ElicitRequest(params=question)},
        request_state=_STATE_PREFIX + nonce,
    )


def _decide_returned_answer(
    ctx: Context, *, info: WriteInfo, fingerprint: str, store: ConfirmationStore
) -> Proceed | Declined:
    nonce = (ctx.request_state or "")[len(_STATE_PREFIX) :]
    if not store.redeem(nonce, _elicitation_binding(fingerprint)):
        return Declined(
            "The confirmation answer was expired, already used, or given for a different request; "
            "nothing was sent."
        )
    answer = (ctx.input_responses or {}).get(CONFIRM_INPUT_KEY)
    return _decide(getattr(answer, "action", None), getattr(answer, "content", None), info)


async def _ask_by_request(ctx: Context, *, info: WriteInfo, summary: str) -> Proceed | Declined | None:
    """Push the question (protocol <= 2025-11-25); ``None`` when the client cannot be asked after all.

    The raw answer is judged by ``_decide``, exactly as the 2026-07-28 answer is: ``ctx.elicit``
    would first coerce it with pydantic, which reads "yes", 1 or "on" as a ticked box.
    """
    try:
        result = await ctx.request_context.session.elicit_form(
            message=summary,
            requested_schema=render_elicitation_schema(ConfirmWrite),
            related_request_id=ctx.request_id,
        )
    except MCPError as exc:
        # e.g. NoBackChannelError on stateless HTTP, or a client that failed to show the form:
        # fall back to the token flow, which still needs the user's yes.
        logger.warning("elicitation failed (%s); falling back to a confirm token", exc)
        return None
    return _decide(result.action, result.content, info)


def _decide(action: Any, content: Any, info: WriteInfo) -> Proceed | Declined:
    # Only a JSON true is a yes: "yes", 1, "on" or "true" are not a ticked box.
    if action == "accept" and isinstance(content, dict) and content.get("confirm") is True:
        logger.info("write confirmed by elicitation: %s", info.operation)
        return Proceed(via="elicitation")
    if action == "accept":
        return Declined("The user did not tick confirm; nothing was sent.")
    if action == "decline":
        return Declined("The user declined the operation; nothing was sent.")
    if action == "cancel":
        return Declined("The user cancelled the confirmation; nothing was sent.")
    return Declined("No answer to the confirmation was received; nothing was sent.")


def _elicitation_binding(fingerprint: str) -> str:
    return "elicitation:" + fingerprint
