"""The agent type for ``membrane login --clientName`` (it adjusts tooling, membrane-cli-contract.md §3)."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context
from mcp.types import CLIENT_INFO_META_KEY

# Agent types Membrane's skills name (membrane-cli-contract.md §3) plus cursor (issue #3).
KNOWN_AGENT_TYPES = ("claude", "codex", "windsurf", "cursor", "warp", "openclaw")
FALLBACK_AGENT_TYPE = "mcp"


def mcp_client_name(ctx: Context) -> str | None:
    """The ``clientInfo.name`` the MCP client sent, in either protocol era.

    2025-11-25: from the initialize handshake. 2026-07-28: every request carries it in its
    ``_meta`` envelope, and the SDK rebuilds the same ``client_params`` from it; the raw
    envelope is the fallback when capabilities were missing and no client_params was built.
    """
    params = ctx.session.client_params
    if params is not None:
        return params.client_info.name
    meta: Any = ctx.request_context.meta or {}
    info = meta.get(CLIENT_INFO_META_KEY) if isinstance(meta, dict) else None
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


def agent_type(ctx: Context, configured: str | None) -> str:
    """HOTMART_MCP_CLIENT_NAME if set, else the known agent type found in the client's name, else ``mcp``."""
    if configured:
        return configured
    name = (mcp_client_name(ctx) or "").lower()
    return next((agent for agent in KNOWN_AGENT_TYPES if agent in name), FALLBACK_AGENT_TYPE)
