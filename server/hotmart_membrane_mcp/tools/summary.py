"""``sales_summary``: correct sales totals for a period, per currency, status and group, over every page.

A tool rather than a proxy_request mode: the answer is a handful of numbers computed from
thousands of sales, so the agent never holds the sales themselves, and the walk (one per status,
a few at a time but taken in status order, deduplicated, gross values in Decimal) is done the
same way every time.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ..errors import InvalidInput
from ..hotmart.catalogue import SALE_STATUSES, find_endpoint
from ..hotmart.dates import convert_dates
from ..hotmart.sales_aggregate import (
    GroupDimension as GroupDimension,  # named here too: a test reads the choices
)
from ..hotmart.sales_aggregate import Sort
from ..hotmart.sales_lookup import SALES_HISTORY_PATH
from ..hotmart.sales_summary import DEFAULT_MAX_PAGES, grouping, normalise_statuses, summarize_sales
from ..zones import Zone, request_zone
from .arguments import ConnectionIdArg, TimezoneArg
from .models import PARTIAL_DESCRIPTION, OutputModel, partial_notice
from .resolution import resolve_connection_id
from .results import ok
from .state import ServerState

MAX_PAGES_LIMIT = 1000

MAX_TOP = 500
DEFAULT_TOP = 50

SUMMARY_DESCRIPTION = (
    "Sales count and gross per currency over every page: for 'how much did I sell', 'what sold most' "
    "(not /sales/summary: commissions). group_by ['product', 'purchase_kind'] = best sellers, new vs "
    "renewal. complete=false says what was not read."
)

StartArg = Annotated[
    Annotated[str, Field(max_length=40)] | int,
    Field(description="ISO date (midnight in timezone), date-time with offset, or epoch ms."),
]
EndArg = Annotated[
    Annotated[str, Field(max_length=40)] | int,
    Field(description="Exclusive (all of March: '2026-04-01')."),
]
StatusesArg = Annotated[
    list[str] | None,
    Field(
        description="Default APPROVED, COMPLETE (others shown apart).",
        max_length=len(SALE_STATUSES),
    ),
]
ProductArg = Annotated[int | None, Field(description="Only this product.", ge=1)]
MaxPagesArg = Annotated[int, Field(description="Most pages (500 sales each).", ge=1, le=MAX_PAGES_LIMIT)]

GroupByArg = Annotated[
    list[GroupDimension] | None,
    Field(
        description="1st ranks groups; 2nd splits each.",
        max_length=2,
    ),
]
SortArg = Annotated[
    Sort | None,
    Field(description="Group order (key: by date, the default for day/week/month)."),
]
TopArg = Annotated[int, Field(description="Most groups.", ge=1, le=MAX_TOP)]


class CurrencyTotal(OutputModel):
    count: int
    total: float = Field(description="Sum of purchase.price.value, rounded to cents.")


class StatusTotal(OutputModel):
    count: int
    complete: bool = Field(default=True, description="False: not read in full (see failures).")
    by_currency: dict[str, CurrencyTotal] | None = Field(
        default=None, exclude_if=lambda value: value is None, description="Left out when truncated."
    )


class Period(OutputModel):
    """ISO 8601 in the request's zone, and the epoch ms sent to Hotmart."""

    start: str
    end: str
    start_ms: int
    end_ms: int


class SalesSummaryOutput(OutputModel):
    partial: str | None = Field(
        default=None, exclude_if=lambda value: value is None, description=PARTIAL_DESCRIPTION
    )
    counted: str = Field(description="What was counted, over which window and zone.")
    timezone: str
    complete: bool = Field(description="Every page of every status was read.")
    incomplete_reason: str | None
    period: Period
    statuses: list[str] = Field(description="Counted in count and by_currency.")
    count: int = Field(description="Sales over the counted statuses.")
    by_currency: dict[str, CurrencyTotal]
    by_status: dict[str, StatusTotal] = Field(description="Per counted status (count 0 for none).")
    # Shapes in the README ("sales_summary"); kept out of the schema to keep tools/list small.
    not_counted: dict[str, Any] | None = Field(
        default=None, exclude_if=lambda value: value is None, description="Other statuses, never in count."
    )
    groups: dict[str, Any] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="rows: key, name, count, by_currency",
    )
    amount: str = Field(description="What the totals measure.")
    pages: int
    failures: list[dict[str, Any]] = Field(description="Statuses whose pages could not all be read, and why.")
    duplicates_skipped: int = Field(description="Sales seen twice (same transaction), counted once.")
    rate_limit_waits: list[dict[str, Any]]
    date_conversions: list[dict[str, Any]] = Field(description="ISO dates sent as epoch ms.")
    truncated: bool = Field(description="Detail was left out to fit the result budget.")
    how_to_get_rest: str | None = Field(default=None, exclude_if=lambda value: value is None)


def register(server: MCPServer, state: ServerState) -> None:
    """Add sales_summary to ``server``."""

    async def sales_summary(
        ctx: Context,
        start_date: StartArg,
        end_date: EndArg,
        statuses: StatusesArg = None,
        product_id: ProductArg = None,
        group_by: GroupByArg = None,
        sort: SortArg = None,
        top: TopArg = DEFAULT_TOP,
        timezone: TimezoneArg = None,
        max_pages: MaxPagesArg = DEFAULT_MAX_PAGES,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, SalesSummaryOutput]:
        zone = request_zone(timezone, state.settings.timezone)
        start_ms, end_ms, conversions = period_in_ms(start_date, end_date, zone)
        wanted = None if statuses is None else normalise_statuses(statuses)
        group = grouping(group_by, sort, top)
        connection = await resolve_connection_id(state, connection_id)

        summary = await summarize_sales(
            functools.partial(state.backend.request, connection),
            start_ms=start_ms,
            end_ms=end_ms,
            statuses=wanted,
            product_id=product_id,
            zone=zone.info,
            zone_label=zone.describe(),
            group=group,
            on_page=ctx.report_progress,
            max_pages=max_pages,
            sleep=state.sleep,
        )
        data = {**summary.to_dict(), "date_conversions": conversions, "truncated": False}
        if not summary.complete:
            data["partial"] = partial_notice(summary.incomplete_reason)
        return ok(SalesSummaryOutput.model_validate(data))

    server.add_tool(
        sales_summary,
        name="sales_summary",
        title="Sales totals for a period",
        description=SUMMARY_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
    )


def period_in_ms(start: str | int, end: str | int, zone: Zone) -> tuple[int, int, list[dict[str, Any]]]:
    """The period as epoch ms, with the conversions made (dates.convert_dates, as proxy_request does)."""
    endpoint = find_endpoint("GET", SALES_HISTORY_PATH)
    pairs, conversions = convert_dates(
        endpoint, [("start_date", str(start)), ("end_date", str(end))], zone.info
    )
    start_ms, end_ms = (int(value) for _, value in pairs)
    if end_ms < start_ms:
        raise InvalidInput("end_date is before start_date.", field="end_date")
    return start_ms, end_ms, conversions
