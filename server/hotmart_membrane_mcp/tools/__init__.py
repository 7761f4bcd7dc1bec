"""The MCP tools. Each module registers its tools on a server with ``register(server, state)``.

Tools talk only to the ``MembraneBackend`` Protocol held by :class:`ServerState`; they return
``ok(model)`` from :mod:`.results` and let a ``HotmartMcpError`` propagate: the server
(``HotmartMcpServer.call_tool``) is the one place that turns it into the error result, so the
tools belong on a ``HotmartMcpServer``.
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

from . import actions, connection, proxy, summary
from .state import ServerState

TOOL_NAMES = ("ensure_connection", "login", "search_actions", "run_action", "proxy_request", "sales_summary")


def register_all(server: MCPServer, state: ServerState) -> None:
    """Add every tool to ``server``, sharing ``state``."""
    connection.register(server, state)
    actions.register(server, state)
    proxy.register(server, state)
    summary.register(server, state)


__all__ = ["TOOL_NAMES", "ServerState", "register_all"]
