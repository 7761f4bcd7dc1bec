"""Building the MCP server: tools, instructions, the Hotmart guide, and two rules on every tool result.

The rules live in :meth:`HotmartMcpServer.call_tool`, the one place every tool result passes:
argument-validation failures use the tools' JSON error shape, and no result is longer than
HOTMART_MCP_MAX_RESULT_CHARS (issue #5).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.resources import TextResource
from mcp.types import CallToolResult, InputRequiredResult, Tool
from pydantic import Field, ValidationError

from . import __version__
from .config import DEFAULT_MAX_RESULT_CHARS, Settings
from .hotmart import guide
from .hotmart.catalogue import AREAS
from .membrane.backend import MembraneBackend
from .tools import ServerState, register_all
from .tools.compact_schema import compact_tool
from .tools.result_budget import LIST_SHAPES, keep_within_budget
from .tools.results import failure, invalid_arguments

logger = logging.getLogger(__name__)


class HotmartMcpServer(MCPServer[Any]):
    """An MCPServer whose tool results respect the result budget and our JSON error shape.

    ``max_result_chars``: no tool result's text is longer (see ``results.keep_within_budget``).

    The SDK reports arguments that fail the input schema as the text "Error executing tool X:
    1 validation error ...". mcp 2.3 raises that as a ``ToolError`` whose ``__cause__`` is the
    pydantic ``ValidationError``, from ``MCPServer.call_tool`` (the public method the request
    handler calls). Overriding that one method keeps the SDK's schema generation and validation
    as they are and only re-renders this one failure as ``invalid_input`` JSON naming the field
    path. Crashes (``UnexpectedToolError``) and unknown tools keep the SDK's handling.

    ``list_tools`` publishes the SDK's tool definitions with compacted schemas (tools.compact_schema).
    """

    def __init__(self, *args: Any, max_result_chars: int = DEFAULT_MAX_RESULT_CHARS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_result_chars = max_result_chars

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            result = await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                raise
            error = invalid_arguments(exc.__cause__)
            logger.info("Tool %r rejected arguments: %s", name, error.details.get("field"))
            result = failure(error)
        if isinstance(result, InputRequiredResult):
            return result
        return keep_within_budget(result, self.max_result_chars, LIST_SHAPES.get(name))

    async def list_tools(self) -> list[Tool]:
        """The SDK's tool list with compact schemas (tools.compact_schema): same constraints, fewer tokens."""
        return [compact_tool(tool) for tool in await super().list_tools()]


def build_server(
    settings: Settings,
    backend: MembraneBackend,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> MCPServer[Any]:
    """The MCP server with every tool, using ``backend`` for all Membrane operations.

    Args:
        settings: the server's configuration.
        backend: the Membrane boundary (the CLI backend in production and tests).
        clock: monotonic seconds; tests inject a fake one to expire caches without sleeping.
        sleep: how the tools wait (a rate limit's Retry-After); tests inject one that records the
            wait and returns at once.
    """
    server = HotmartMcpServer(
        "hotmart-membrane-mcp",
        title="Hotmart via Membrane",
        instructions=guide.SERVER_INSTRUCTIONS,
        version=__version__,
        max_result_chars=settings.max_result_chars,
    )
    register_all(server, ServerState(settings=settings, backend=backend, clock=clock, sleep=sleep))
    add_guide(server)
    return server


# Prompt arguments (MCP prompt arguments are strings).

StartDate = Annotated[
    str, Field(description="First day, ISO date, e.g. 2026-03-01 (midnight UTC).", max_length=40)
]
EndDate = Annotated[
    str,
    Field(
        description="End, ISO date, e.g. 2026-04-01 (midnight UTC: the day itself is not included).",
        max_length=40,
    ),
]
ProductId = Annotated[
    str | None, Field(description="Only this Hotmart product id, e.g. 1234567.", max_length=40)
]
Transaction = Annotated[
    str, Field(description="The sale's transaction code, e.g. HP1234567890.", max_length=100)
]


def add_guide(server: MCPServer[Any]) -> None:
    """The Hotmart API catalogue as resources (all of it, and one per area) and the prompts."""
    server.add_resource(
        TextResource(
            uri=guide.CATALOGUE_URI,
            name="hotmart-api-catalogue",
            title="Hotmart API catalogue",
            description="Every Hotmart endpoint this server knows: method, path, parameters, read or write, "
            "irreversible or not, and its traps; plus paging, dates and the paths that do not exist.",
            mime_type="text/markdown",
            text=guide.catalogue_markdown(),
        )
    )
    for area in AREAS:
        title = guide.AREA_TITLES.get(area, area.title())
        server.add_resource(
            TextResource(
                uri=guide.area_uri(area),
                name=f"hotmart-api-{area}",
                title=f"Hotmart API: {title}",
                description=f"The {title} endpoints of the Hotmart API catalogue.",
                mime_type="text/markdown",
                text=guide.area_markdown(area),
            )
        )

    @server.prompt(
        title="Sales report for a period",
        description="Gross sales per currency and status for a period, complete over all pages.",
    )
    def sales_report(start_date: StartDate, end_date: EndDate, product_id: ProductId = None) -> str:
        return guide.sales_report_prompt(start_date, end_date, product_id)

    @server.prompt(
        title="Overdue subscriptions",
        description="The subscribers who are behind on payment, grouped by product and status.",
    )
    def overdue_subscriptions(product_id: ProductId = None) -> str:
        return guide.overdue_subscriptions_prompt(product_id)

    @server.prompt(
        title="Refund a sale safely",
        description="Check a sale can be refunded, get the user's explicit yes, refund it and verify.",
    )
    def refund_sale(transaction: Transaction) -> str:
        return guide.refund_sale_prompt(transaction)
