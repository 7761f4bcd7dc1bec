"""proxy_request's reads: Hotmart's pages, ``fields``, ISO dates, trap warnings and ``save_to``.

Only GETs come here, after the safety step (writes never page). A read of a list endpoint
walks ``page_info.next_page_token`` (one page, or all of them with ``all_pages``), reports
progress per page, and returns the items whole, described by where they came from; the server's
result budget (tools/budget) cuts the list between items and gives a ``next_page_token`` of ours
that continues exactly at the first item left out. A read of any other endpoint is one call whose
body the same budget shortens if it must.
The options and the request sent are planned in tools/read_plan.py; what a list read returns
is built in tools/read_results.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
from mcp.server.mcpserver import Context

from ..errors import HotmartMcpError, InvalidInput
from ..hotmart import club
from ..hotmart.catalogue import Endpoint, find_endpoint
from ..hotmart.export import ExportWriter
from ..hotmart.filters import Condition, matches
from ..hotmart.page_reads import MAX_TRANSIENT_WAIT_S, NotAList, Send, WaitBudget, Waits, send_read
from ..hotmart.paging import PagedResult, collect
from ..hotmart.projection import project, project_items, with_select
from ..hotmart.readable_dates import with_iso_dates
from ..hotmart.resume import PageSpan
from ..hotmart.walker import PageWalker, WalkLimits
from ..membrane.backend import Sleep
from ..membrane.models import ProxyRequest, ProxyResponse
from ..zones import Zone
from .read_plan import PAGED_ENDPOINT_SHAPES, ReadOptions, ReadPlan, is_list_read, plan_read
from .read_results import ReadCounts, count_only_result, list_head, list_result, list_total, saved_result
from .state import ServerState

MAX_RATE_LIMIT_WAIT_S = 30.0  # in total per call; Hotmart's window is one minute (hotmart-api-traps.md §13)


async def read(
    ctx: Context,
    state: ServerState,
    connection: str,
    request: ProxyRequest,
    options: ReadOptions,
    zone: Zone | None = None,
) -> dict[str, Any]:
    """Send the GET ``request`` as ``options`` say and return proxy_request's result (the server fits it).

    ``zone`` (the server's default when None) reads bare dates and writes the ``*_iso`` dates.
    A members-area read gets the configured subdomain when it names none, and a 404/422 from
    it says what the subdomain is and to ask the user (hotmart/club.py).
    """
    zone = zone or state.settings.timezone
    endpoint = find_endpoint("GET", request.path)  # placeholders were filled when it was built
    if not club.needs_subdomain(endpoint):
        return await _read(ctx, state, connection, request, options, zone)
    query, from_default = club.with_default(request.query, state.settings.club_subdomain)
    subdomain = dict(query).get(club.PARAM)
    try:
        result = await _read(ctx, state, connection, replace(request, query=query), options, zone)
    except HotmartMcpError as exc:
        raise club.explain(exc, subdomain, from_default=from_default) from None
    if from_default:
        result["warnings"] = [f"subdomain={subdomain} (HOTMART_MCP_CLUB_SUBDOMAIN).", *result["warnings"]]
    return result


async def _read(
    ctx: Context, state: ServerState, connection: str, request: ProxyRequest, options: ReadOptions, zone: Zone
) -> dict[str, Any]:
    plan = plan_read(state, connection, request, options, zone)
    send = functools.partial(state.backend.request, connection)
    if not is_list_read(plan.endpoint, options, plan.point is not None):
        if options.filters:
            raise InvalidInput(
                f"where and count_only apply to list reads; GET {plan.path} returns one object.",
                field="where",
            )
        response = await _send_with_select_fallback(send, plan.sent, bool(options.fields), state.sleep)
        body = with_iso_dates(_project_body(response.body, options.fields), zone.info)
        notes = {"date_conversions": plan.conversions, "warnings": plan.warnings}
        return {"status": "ok", "http_status": response.status, "body": body, **notes}
    # Following a continuation token reads the page it points into again: continue from memory.
    pages = state.page_cache.sender(send, connection, reuse=plan.point is not None)
    try:
        if options.save_to:
            return await _save_pages(ctx, state, plan, options, zone, pages)
        return await _read_pages(ctx, state, plan, options, zone, pages)
    except NotAList as exc:
        raise _paging_asked_of_a_non_list(exc, plan.endpoint, options, plan.path) from None


def _walk_options(state: ServerState, options: ReadOptions) -> tuple[WalkLimits, Waits]:
    """How far a list read walks: one page, or up to max_pages with rate-limit waits (all_pages)."""
    limits = WalkLimits(
        options.max_pages if options.all_pages else 1,
        stop_after_chars=None if options.save_to or options.count_only else state.settings.max_result_chars,
        counts_toward_stop=functools.partial(matches, conditions=options.where) if options.where else None,
    )
    rate_limit_wait_s = MAX_RATE_LIMIT_WAIT_S if options.all_pages else 0
    return limits, Waits(
        WaitBudget(rate_limit_wait_s, state.sleep), WaitBudget(MAX_TRANSIENT_WAIT_S, state.sleep)
    )


async def _read_pages(
    ctx: Context, state: ServerState, plan: ReadPlan, options: ReadOptions, zone: Zone, send: Send
) -> dict[str, Any]:
    """The pages' items in the result, whole; the server cuts them with a token at the first item left out."""
    walker = PageWalker(
        send, plan.sent, *_walk_options(state, options), resume=plan.point, on_page=ctx.report_progress
    )
    walk = await collect(walker)
    kept, spans = _matching(walk.items, walk.spans, options.where)
    items, unmatched = project_items(kept, options.fields)
    items = with_iso_dates(items, zone.info)
    total_items = list_total(walk, options, matched=len(kept))
    head = list_head(walk, plan, options, ReadCounts(len(walk.items), len(kept), unmatched))
    if options.count_only:
        return count_only_result(head, walk, plan, total_items)
    return list_result(head, items, plan, (spans, walk.resume_point), total_items)


async def _save_pages(
    ctx: Context, state: ServerState, plan: ReadPlan, options: ReadOptions, zone: Zone, send: Send
) -> dict[str, Any]:
    """Every page written to the save_to file as it arrives; the result says where and what."""
    assert options.save_to is not None
    walker = PageWalker(
        send, plan.sent, *_walk_options(state, options), resume=plan.point, on_page=ctx.report_progress
    )
    counts = ReadCounts()
    # A year of sales is megabytes of CSV: the file is written off the event loop, a page at a time.
    writer = await anyio.to_thread.run_sync(ExportWriter, options.save_to, Path(state.settings.export_dir))
    with writer:
        async for page in walker.pages():
            items = counts.take(page.items, options)
            await anyio.to_thread.run_sync(writer.write, with_iso_dates(items, zone.info))
        saved = await anyio.to_thread.run_sync(writer.finish)
    walk = PagedResult.of(walker, [], [])
    total_items = list_total(walk, options, matched=counts.matched)
    return saved_result(list_head(walk, plan, options, counts), saved, walk, plan, total_items)


def _matching(
    items: list[Any], spans: Sequence[PageSpan], where: Sequence[Condition]
) -> tuple[list[Any], list[PageSpan]]:
    """The items meeting ``where``, and spans that place each of them on its Hotmart page."""
    if not where:
        return items, list(spans)
    kept: list[Any] = []
    kept_spans: list[PageSpan] = []
    position = 0
    for span in spans:
        for offset in range(span.count):
            item = items[position + offset]
            if matches(item, where):
                kept.append(item)
                kept_spans.append(PageSpan(span.page_token, span.skip + offset, 1))
        position += span.count
    return kept, kept_spans


async def _send_with_select_fallback(
    send: Send, request: ProxyRequest, selected: bool, sleep: Sleep
) -> ProxyResponse:
    response = await send_read(send, request, sleep=sleep)
    if selected and response.body in ({}, None):
        # hotmart-api-traps.md §7: one unknown attribute in `select` empties the answer; ask again
        # without it (the projection is applied here anyway).
        response = await send_read(send, replace(request, query=with_select(request.query, ())), sleep=sleep)
    return response


def _paging_asked_of_a_non_list(
    exc: NotAList, endpoint: Endpoint | None, options: ReadOptions, path: str
) -> Exception:
    """InvalidInput when the agent asked to page an endpoint that is not a list; else Hotmart's odd answer."""
    asked = [name for name in ("all_pages", "save_to", "resume_token") if name in options.given()]
    if asked and (endpoint is None or endpoint.shape not in PAGED_ENDPOINT_SHAPES):
        return InvalidInput(
            f"{asked[0]} reads the pages of a list, and Hotmart's answer to GET {path} is not a list of "
            f"items. {exc.message}",
            next_step=f"Call proxy_request without {', '.join(asked)} for this path.",
            field=asked[0],
        )
    return exc


def _project_body(body: Any, fields: tuple[str, ...]) -> Any:
    if not fields:
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return {**body, "items": project_items(body["items"], fields)[0]}
    return project(body, fields)
