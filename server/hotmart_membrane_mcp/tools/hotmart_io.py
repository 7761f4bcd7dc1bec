"""How the data tools talk to Hotmart: a send callable bound to one connection, progress to the client.

The data layer (hotmart/paging.py, hotmart/sales_summary.py) knows neither the backend nor MCP;
these two adapters are the only glue it needs.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context

from ..hotmart.paging import OnPage, Send
from ..membrane.models import ProxyRequest, ProxyResponse
from .state import ServerState


def sender(state: ServerState, connection: str) -> Send:
    """Send one request through the backend on ``connection``."""

    async def send(request: ProxyRequest) -> ProxyResponse:
        return await state.backend.request(connection, request)

    return send


def progress_to(ctx: Context) -> OnPage:
    """Forward page progress as MCP progress notifications (a no-op without a progress token)."""

    async def on_page(done: int, total: int | None, message: str) -> None:
        await ctx.report_progress(done, total, message)

    return on_page
