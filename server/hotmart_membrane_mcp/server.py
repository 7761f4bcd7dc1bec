"""Building the MCP server: the tools, the instructions, and our error shape for bad arguments."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from . import __version__
from .config import Settings
from .membrane.backend import MembraneBackend
from .tools import ServerState, register_all
from .tools.results import failure, invalid_arguments

logger = logging.getLogger(__name__)

INSTRUCTIONS = """\
Hotmart (sales, subscriptions, products, coupons, members area) through Membrane, which holds the \
credentials: you never see or need an API key.
1. Call ensure_connection first. If it is not ready, do what its next_step says (usually: show the user \
a sign-in link, then call it again).
2. Call search_actions with what you want to do in plain words, then run_action with an action id and \
an input that matches the action's input_schema.
3. When no action fits, call proxy_request with a Hotmart API path (for example \
/payments/api/v1/sales/history).
4. If a tool answers with error_type not_logged_in, call login and follow its next_step.
Every error is JSON with error_type, message and next_step: follow next_step. Never change data in \
Hotmart (refunds, cancellations, coupons) unless the user asked for it.
"""


class HotmartMcpServer(MCPServer[Any]):
    """An MCPServer whose argument-validation failures use the tools' JSON error shape.

    The SDK reports arguments that fail the input schema as the text "Error executing tool X:
    1 validation error ...". mcp 2.3 raises that as a ``ToolError`` whose ``__cause__`` is the
    pydantic ``ValidationError``, from ``MCPServer.call_tool`` (the public method the request
    handler calls). Overriding that one method keeps the SDK's schema generation and validation
    as they are and only re-renders this one failure as ``invalid_input`` JSON naming the field
    path. Crashes (``UnexpectedToolError``) and unknown tools keep the SDK's handling.
    """

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                raise
            error = invalid_arguments(exc.__cause__)
            logger.info("Tool %r rejected arguments: %s", name, error.details.get("field"))
            return failure(error)


def build_server(
    settings: Settings, backend: MembraneBackend, *, clock: Callable[[], float] = time.monotonic
) -> MCPServer[Any]:
    """The MCP server with every tool, using ``backend`` for all Membrane operations.

    Args:
        settings: the server's configuration.
        backend: the Membrane boundary (the CLI backend in production and tests).
        clock: monotonic seconds; tests inject a fake one to expire caches without sleeping.
    """
    server = HotmartMcpServer(
        "hotmart-membrane-mcp", title="Hotmart via Membrane", instructions=INSTRUCTIONS, version=__version__
    )
    register_all(server, ServerState(settings=settings, backend=backend, clock=clock))
    return server
