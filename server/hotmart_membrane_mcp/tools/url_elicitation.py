"""Offering a sign-in link to the user through the MCP client, in both protocol eras.

2025-11-25 and earlier: the server pushes ``elicitation/create`` (``ctx.elicit_url``) and waits
for the answer. 2026-07-28: there is no back-channel; the tool returns an
``InputRequiredResult`` carrying the request, and the client calls the tool again with the
answer in ``input_responses`` and our ``request_state`` echoed (mcp 2.x: URL mode works
in both protocol eras).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPError
from mcp.types import ElicitRequest, ElicitRequestURLParams, ElicitResult, InputRequiredResult
from mcp.types.version import MODERN_PROTOCOL_VERSIONS

from .models import ElicitationAnswer

logger = logging.getLogger(__name__)

INPUT_KEY = "hotmart_sign_in"
_STATE_KIND = "hotmart-sign-in"


@dataclass(frozen=True)
class RetryAnswer:
    """The user's answer to a link offered in an earlier round (2026-07-28)."""

    connection_id: str
    action: ElicitationAnswer


def client_accepts_url_links(ctx: Context) -> bool:
    """Whether the client declared URL-mode elicitation (``elicitation: {}`` alone means form only)."""
    caps = ctx.client_capabilities
    return bool(caps and caps.elicitation and caps.elicitation.url)


def is_modern(ctx: Context) -> bool:
    """Whether this call speaks 2026-07-28, where the server cannot send requests to the client."""
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


def ask_in_next_round(connection_id: str, message: str, url: str) -> InputRequiredResult:
    """The 2026-07-28 form: return the question; the client retries with the answer."""
    params = ElicitRequestURLParams(message=message, url=url)
    state = json.dumps({"kind": _STATE_KIND, "connection_id": connection_id})
    return InputRequiredResult(input_requests={INPUT_KEY: ElicitRequest(params=params)}, request_state=state)


def answer_from_retry(ctx: Context) -> RetryAnswer | None:
    """The answer carried by a 2026-07-28 retry of our own question, else None (a first round).

    The SDK seals request_state on the way out and verifies it on the way back
    (RequestStateBoundary), so the connection id read here is the one we sent.
    """
    responses = ctx.input_responses
    raw_state = ctx.request_state
    if not responses or raw_state is None:
        return None
    try:
        state = json.loads(raw_state)
    except ValueError:
        return None
    if not isinstance(state, dict) or state.get("kind") != _STATE_KIND:
        return None
    response = responses.get(INPUT_KEY)
    action: ElicitationAnswer = response.action if isinstance(response, ElicitResult) else "cancel"
    return RetryAnswer(connection_id=str(state["connection_id"]), action=action)


async def offer_now(ctx: Context, message: str, url: str) -> ElicitationAnswer | None:
    """The 2025-11-25 form: push the link and wait for the user's answer.

    Returns the answer (accept/decline/cancel), or None when the client failed to handle the
    request; the caller then relays the link in the result instead.
    """
    try:
        result = await ctx.elicit_url(message, url, f"hotmart-sign-in-{uuid.uuid4().hex}")
    except MCPError as exc:
        logger.info("URL elicitation failed, relaying the link in the result instead: %s", exc)
        return None
    return result.action
