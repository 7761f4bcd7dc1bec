"""Building the MCP server: tools, instructions, the Hotmart guide, and two rules on every tool result.

The rules live in :meth:`HotmartMcpServer.call_tool`, the one place every tool result passes:
every failure (unknown tool or argument, schema violation, unexpected exception) uses the tools'
JSON error shape (issue #8), and no result is longer than HOTMART_MCP_MAX_RESULT_CHARS (issue #5).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.prompts.base import PromptArgument
from mcp.server.mcpserver.resources import TextResource
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult, Tool
from pydantic import Field, ValidationError

from . import __version__
from .config import DEFAULT_MAX_RESULT_CHARS, Settings
from .errors import HotmartMcpError, shorten
from .hotmart import guide
from .hotmart.catalogue import AREAS
from .membrane import progress
from .membrane.backend import MembraneBackend, Sleep
from .tools import ServerState, budget, register_all
from .tools.call_checks import check_tool_call, unexpected_failure
from .tools.compact_schema import compact_tool
from .tools.results import failure, invalid_arguments

logger = logging.getLogger(__name__)


class HotmartMcpServer(MCPServer[Any]):
    """An MCPServer whose tool results respect the result budget and our JSON error shape.

    ``max_result_chars``: no tool result's text is longer (see ``tools.budget.fit_result``).

    :meth:`call_tool` is the public method the SDK's request handler calls for every tool call,
    in both protocol eras; overriding it keeps the SDK's schema generation and validation as they
    are and makes every way a call can fail come back as our typed JSON, never the SDK's plain
    text ("Unknown tool: x", "Error executing tool x: ...", a crash's bare message):

    - an unknown tool, or arguments the tool does not have (pydantic would silently drop them),
      are ``invalid_input`` naming them and listing what exists;
    - a ``HotmartMcpError`` (raised by a tool body, which the SDK wraps in a ``ToolError``, or by
      the checks here) is its own typed result: tools raise and never build error results;
    - arguments that fail the input schema (a ``ToolError`` caused by a pydantic
      ``ValidationError``) are ``invalid_input`` naming the field path;
    - anything else a tool raises (``UnexpectedToolError``: an ``OSError`` from a backend, a bug)
      is a typed ``cli_failed`` naming the exception's class, logged with its traceback.

    ``MCPError`` passes through: the SDK turns it into a protocol error on purpose.
    ``list_tools`` publishes the SDK's tool definitions with compacted schemas (tools.compact_schema).
    """

    def __init__(self, *args: Any, max_result_chars: int = DEFAULT_MAX_RESULT_CHARS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_result_chars = max_result_chars

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        # The one place the result budget runs: once per call, on every result, success or error.
        with budget.tool_call():
            result = await self._answer(name, arguments, context)
            if isinstance(result, InputRequiredResult):
                return result
            return self._fitted(name, result)

    def _fitted(self, name: str, result: CallToolResult) -> CallToolResult:
        try:
            return budget.fit_result(result, self.max_result_chars, tool=name)
        except Exception as exc:
            # A bug in the budget still answers in our error shape; that error (the class and a
            # shortened message, call_checks.py) is far below the smallest budget config allows.
            return self._unexpected(name, exc)

    async def _answer(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None
    ) -> CallToolResult | InputRequiredResult:
        """The tool's own result, or our typed error result for every way the call can fail."""
        try:
            check_tool_call(name, arguments, self._tool_manager.list_tools())
            with progress.reporting_to(_progress_sink(context)):
                return await super().call_tool(name, arguments, context)
        except MCPError:
            raise
        except HotmartMcpError as exc:
            return self._refused(name, exc)
        except ToolError as exc:
            if isinstance(exc.__cause__, HotmartMcpError):
                # The SDK wraps what a tool body raises; our own errors are results, not crashes.
                return self._refused(name, exc.__cause__)
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                return self._unexpected(name, exc.__cause__ or exc)
            error = invalid_arguments(exc.__cause__)
            logger.info("Tool %r rejected arguments: %s", name, error.field)
            return failure(error)
        except Exception as exc:
            return self._unexpected(name, exc)

    def _refused(self, name: str, exc: HotmartMcpError) -> CallToolResult:
        logger.info("Tool %r refused the call: %s %s", name, exc.error_type, exc.field)
        return failure(exc)

    def _unexpected(self, name: str, exc: BaseException) -> CallToolResult:
        logger.error("Tool %r failed unexpectedly", name, exc_info=exc)
        return failure(unexpected_failure(name, exc))

    async def list_tools(self) -> list[Tool]:
        """The SDK's tool list with compact schemas (tools.compact_schema): same constraints, fewer tokens."""
        return [compact_tool(tool) for tool in await super().list_tools()]

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult | InputRequiredResult:
        """The SDK's prompt, with the same protocol error for bad arguments in both eras.

        The SDK raises a plain ``ValueError`` ("Missing required arguments: ..."): the 2025-11-25
        path relays its text, the 2026-07-28 path hides it behind "Internal server error". An
        ``MCPError`` with INVALID_PARAMS reaches the client unchanged on both.
        """
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            known = ", ".join(sorted(p.name for p in self._prompt_manager.list_prompts()))
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown prompt {name!r}. The prompts are: {known}.")
        missing = [
            arg.name for arg in prompt.arguments or [] if arg.required and arg.name not in (arguments or {})
        ]
        if missing:
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"Prompt {name!r} needs the argument(s) {', '.join(missing)}; "
                f"{_prompt_arguments_text(prompt.arguments or [])}.",
            )
        try:
            return await super().get_prompt(name, arguments, context)
        except MCPError:
            raise
        except Exception as exc:  # the SDK wraps argument validation failures in ValueError
            logger.info("Prompt %r refused its arguments: %s", name, exc)
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"Invalid arguments for prompt {name!r}: {shorten(str(exc), 500)}",
            ) from None


def _prompt_arguments_text(arguments: list[PromptArgument]) -> str:
    described = [f"{arg.name} ({'required' if arg.required else 'optional'})" for arg in arguments]
    return "its arguments are " + ", ".join(described)


def _progress_sink(context: Context[Any, Any] | None) -> progress.ProgressSink | None:
    """Messages from the Membrane boundary (npx fetching the CLI) as progress of this tool call."""
    if context is None:
        return None
    sent = 0

    async def sink(message: str) -> None:
        nonlocal sent
        # Progress must rise; these come before any page count, so they stay below 1.
        sent += 1
        await context.report_progress(1 - 1 / (sent + 1), None, message)

    return sink


def build_server(
    settings: Settings,
    backend: MembraneBackend,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = anyio.sleep,
) -> MCPServer[Any]:
    """The MCP server with every tool, using ``backend`` for all Membrane operations.

    Args:
        settings: the server's configuration.
        backend: the Membrane boundary (the CLI backend in production and tests).
        clock: monotonic seconds; tests inject a fake one to expire caches without sleeping.
        sleep: how the tools wait (a rate limit's Retry-After, a read's retry after a 5xx); tests
            inject one that records the wait and returns at once.
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
    str,
    Field(description="First day, ISO date, e.g. 2026-03-01 (midnight in the server's zone).", max_length=40),
]
EndDate = Annotated[
    str,
    Field(
        description="End, ISO date, e.g. 2026-04-01 (midnight: the day itself is not included).",
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
