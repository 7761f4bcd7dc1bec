"""``sales_summary``: correct sales totals for a period, per currency and per status, over every page.

A tool rather than a proxy_request mode: the answer is a handful of numbers computed from
thousands of sales, so the agent never holds the sales themselves, and the walk (one status
at a time, deduplicated, gross values in Decimal) is done the same way every time.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ..errors import HotmartMcpError, InvalidInput
from ..hotmart.catalogue import SALE_STATUSES, find_endpoint
from ..hotmart.clip import json_size
from ..hotmart.dates import convert_dates
from ..hotmart.sales_summary import (
    DEFAULT_MAX_PAGES,
    SALES_HISTORY_PATH,
    normalise_statuses,
    summarize_sales,
)
from .arguments import ConnectionIdArg
from .hotmart_io import progress_to, sender
from .models import OutputModel
from .resolution import resolve_connection_id
from .results import failure, ok
from .state import ServerState

MAX_PAGES_LIMIT = 1000

SUMMARY_DESCRIPTION = (
    "Count and total the sales of a period over ALL pages of Hotmart's sales history, per currency and "
    "per status; use it for 'how much did I sell' questions instead of reading pages yourself or "
    "calling /sales/summary (which totals commissions). Amounts are gross (what buyers paid) and "
    "currencies are never added together. The result says complete=false with the reason if any page "
    "could not be read. Reports progress per page."
)

StartArg = Annotated[
    Annotated[str, Field(max_length=40)] | int,
    Field(
        description="Sales ordered from this instant on: ISO date '2026-03-01' (midnight UTC), ISO date-time "
        "with zone '2026-03-01T00:00:00-03:00', or epoch ms."
    ),
]
EndArg = Annotated[
    Annotated[str, Field(max_length=40)] | int,
    Field(
        description="Sales ordered up to this instant, formats as start_date. A bare date is midnight UTC at "
        "the START of that day: for all of March pass '2026-04-01'."
    ),
]
StatusesArg = Annotated[
    list[str] | None,
    Field(
        description="Sale statuses to include; omit for all. Valid: " + ", ".join(SALE_STATUSES) + ".",
        max_length=len(SALE_STATUSES),
    ),
]
ProductArg = Annotated[int | None, Field(description="Only sales of this Hotmart product id.", ge=1)]
MaxPagesArg = Annotated[
    int,
    Field(
        description="Stop after this many Hotmart pages (500 sales each) in all; complete is then false.",
        ge=1,
        le=MAX_PAGES_LIMIT,
    ),
]


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
    """ISO 8601 UTC, and the epoch ms sent to Hotmart."""

    start: str
    end: str
    start_ms: int
    end_ms: int


class SalesSummaryOutput(OutputModel):
    complete: bool = Field(description="Every page of every status was read.")
    incomplete_reason: str | None
    period: Period
    statuses: list[str] = Field(description="Included in the totals.")
    count: int = Field(description="Sales over all included statuses.")
    by_currency: dict[str, CurrencyTotal]
    by_status: dict[str, StatusTotal] = Field(description="Per included status (count 0 for none).")
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
        max_pages: MaxPagesArg = DEFAULT_MAX_PAGES,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, SalesSummaryOutput]:
        try:
            start_ms, end_ms, conversions = period_in_ms(start_date, end_date)
            wanted = normalise_statuses(statuses)
            connection = await resolve_connection_id(state, connection_id)

            summary = await summarize_sales(
                sender(state, connection),
                start_ms=start_ms,
                end_ms=end_ms,
                statuses=wanted,
                product_id=product_id,
                on_page=progress_to(ctx),
                max_pages=max_pages,
                sleep=state.sleep,
            )
            data = {**summary.to_dict(), "date_conversions": conversions, "truncated": False}
            data = shorten_summary(data, state.settings.max_result_chars)
            return ok(SalesSummaryOutput.model_validate(data))
        except HotmartMcpError as exc:
            return failure(exc)

    server.add_tool(
        sales_summary,
        name="sales_summary",
        title="Sales totals for a period",
        description=SUMMARY_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
    )


def period_in_ms(start: str | int, end: str | int) -> tuple[int, int, list[dict[str, Any]]]:
    """The period as epoch ms, with the conversions made (dates.convert_dates, as proxy_request does)."""
    endpoint = find_endpoint("GET", SALES_HISTORY_PATH)
    pairs, conversions = convert_dates(endpoint, [("start_date", str(start)), ("end_date", str(end))])
    start_ms, end_ms = (int(value) for _, value in pairs)
    if end_ms < start_ms:
        raise InvalidInput("end_date is before start_date.", field="end_date")
    return start_ms, end_ms, conversions


def shorten_summary(data: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """Drop detail, least useful first, until the summary fits ``max_chars`` (the totals always stay).

    First statuses without sales, then the per-currency split of each status. Anything still
    too long is the server's result budget's job (it shortens texts).
    """
    if json_size(data) <= max_chars:
        return data
    # A status that could not be read is kept even at count 0: its 0 is not a fact.
    by_status = {
        status: row
        for status, row in data["by_status"].items()
        if row["count"] or not row.get("complete", True)
    }
    dropped = sorted(set(data["by_status"]) - set(by_status))
    hint = (
        f"Statuses without sales were left out of by_status ({', '.join(dropped)})."
        if dropped
        else "by_status was shortened."
    )
    data = {**data, "by_status": by_status, "truncated": True, "how_to_get_rest": hint}
    if json_size(data) <= max_chars:
        return data
    counts_only = {
        status: {"count": row["count"], "complete": row.get("complete", True)}
        for status, row in by_status.items()
    }
    hint += (
        " The per-currency split of each status was left out to fit the result budget: call again with "
        "fewer statuses to get it."
    )
    return {**data, "by_status": counts_only, "how_to_get_rest": hint}
