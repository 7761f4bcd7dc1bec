"""proxy_request's reads: Hotmart's pages, ``fields``, ISO dates, trap warnings, ``save_to`` and the budget.

Only GETs come here, after the safety step (writes never page). A read of a list endpoint
walks ``page_info.next_page_token`` (one page, or all of them with ``all_pages``), reports
progress per page, and returns the items cut to the result budget between items, with a
``next_page_token`` of ours that continues exactly at the first item left out. A read of any
other endpoint is one call whose body the server's result budget shortens if it must.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import anyio
from mcp.server.mcpserver import Context

from ..errors import HotmartMcpError, InvalidInput
from ..hotmart import club
from ..hotmart.catalogue import Endpoint, find_endpoint
from ..hotmart.cursor import Cursor
from ..hotmart.dates import convert_dates
from ..hotmart.empty_hints import empty_result_hints
from ..hotmart.export import ExportWriter, resolve_export_path
from ..hotmart.filters import Condition, describe, matches, parse_where
from ..hotmart.page_reads import (
    MAX_TRANSIENT_WAIT_S,
    PAGE_SIZE,
    NotAList,
    Send,
    Sleep,
    WaitBudget,
    Waits,
    send_read,
)
from ..hotmart.paging import STOP_BUDGET, STOP_COMPLETE, STOP_MAX_PAGES, PagedResult, collect
from ..hotmart.projection import parse_fields, project, project_items, with_select
from ..hotmart.pushdown import Pushed, as_query, push_down
from ..hotmart.readable_dates import with_iso_dates
from ..hotmart.resume import (
    PageSpan,
    ResumePoint,
    decode_token,
    encode_token,
    is_resume_token,
    query_fingerprint,
)
from ..hotmart.walker import PageWalker, WalkLimits
from ..hotmart.warnings import unknown_path_warning, warnings_for
from ..membrane.models import ProxyRequest, ProxyResponse
from ..safety.classify import fill_path
from ..zones import Zone
from .budget import describe_list
from .models import partial_notice
from .state import ServerState

DEFAULT_MAX_PAGES = 50
MAX_PAGES_LIMIT = 1000
MAX_RATE_LIMIT_WAIT_S = 30.0  # in total per call; Hotmart's window is one minute (hotmart-api-traps.md §13)
# Catalogue shapes of the endpoints whose answer is a list of items (read as pages).
PAGED_ENDPOINT_SHAPES = ("paged", "array")


@dataclass(frozen=True)
class ReadOptions:
    """The reading arguments of proxy_request (all of them only for GET)."""

    all_pages: bool = False
    max_pages: int = DEFAULT_MAX_PAGES
    fields: tuple[str, ...] = ()
    save_to: str | None = None
    resume_token: str | None = None
    where: tuple[Condition, ...] = ()
    count_only: bool = False

    @property
    def filters(self) -> bool:
        """``where`` or ``count_only`` was given: items are counted (and matched) as they are read."""
        return bool(self.where) or self.count_only

    def given(self) -> list[str]:
        """The names of the options set, for refusing them on writes."""
        values = {
            "all_pages": self.all_pages,
            "fields": self.fields,
            "save_to": self.save_to,
            "resume_token": self.resume_token,
            "where": self.where,
            "count_only": self.count_only,
        }
        return [name for name, value in values.items() if value]


def read_options(
    method: str,
    *,
    all_pages: bool,
    max_pages: int,
    fields: str | Sequence[str] | None,
    save_to: str | None,
    resume_token: str | None,
    where: Any = None,
    count_only: bool = False,
) -> ReadOptions:
    """Check the reading arguments; InvalidInput when one is malformed or given with a write."""
    options = ReadOptions(
        all_pages,
        max_pages,
        parse_fields(fields),
        save_to,
        resume_token or None,
        parse_where(where),
        count_only,
    )
    if count_only and save_to:
        raise InvalidInput("count_only returns counts only; drop it to save the items.", field="count_only")
    given = options.given()
    if method != "GET" and given:
        raise InvalidInput(
            f"{', '.join(given)} only apply to GET requests; writes are sent once, as given.",
            field=given[0],
        )
    return options


async def read(
    ctx: Context,
    state: ServerState,
    connection: str,
    request: ProxyRequest,
    options: ReadOptions,
    zone: Zone | None = None,
) -> dict[str, Any]:
    """Send the GET ``request`` as ``options`` say and return proxy_request's result, within budget.

    ``zone`` (the server's default when None) reads bare dates and writes the ``*_iso`` dates.
    A members-area read gets the configured subdomain when it names none, and a 404/422 from
    it says what the subdomain is and to ask the user (hotmart/club.py).
    """
    zone = zone or state.settings.timezone
    endpoint = find_endpoint("GET", fill_path(request.path, request.path_params))
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


@dataclass(frozen=True)
class _Plan:
    """A GET made ready to send: its query with dates, pushed conditions and paging, and its token."""

    path: str
    endpoint: Endpoint | None
    query: tuple[tuple[str, str], ...]
    sent: ProxyRequest
    fingerprint: str
    point: ResumePoint | None
    pushed: list[Pushed]
    conversions: list[dict[str, Any]]
    warnings: list[str]


def _plan(
    state: ServerState, connection: str, request: ProxyRequest, options: ReadOptions, zone: Zone
) -> _Plan:
    path = fill_path(request.path, request.path_params)
    endpoint = find_endpoint("GET", path)
    query, token = _take_resume_token(request.query, options.resume_token)
    query, conversions = convert_dates(endpoint, query, zone.info)
    conversions = [{**record, "zone": zone.describe()} for record in conversions]
    pushed = push_down(endpoint, options.where, query)
    query = (*query, *as_query(pushed))
    if options.all_pages and not any(key == "max_results" for key, _ in query):
        query = (*query, ("max_results", str(PAGE_SIZE)))
    warnings = warnings_for(endpoint, query) if endpoint else [unknown_path_warning("GET", path)]
    if options.save_to:
        # Refuse a bad path before any call.
        resolve_export_path(options.save_to, Path(state.settings.export_dir))
    fingerprint = query_fingerprint("GET", path, (*query, *_where_pairs(options)), scope=connection)
    point = decode_token(token, fingerprint) if token else None
    selected = _selected_fields(options)
    sent = replace(request, query=with_select(query, selected) if selected else query)
    return _Plan(path, endpoint, query, sent, fingerprint, point, list(pushed), conversions, warnings)


async def _read(
    ctx: Context, state: ServerState, connection: str, request: ProxyRequest, options: ReadOptions, zone: Zone
) -> dict[str, Any]:
    plan = _plan(state, connection, request, options, zone)
    send = functools.partial(state.backend.request, connection)
    if not _is_list_read(plan.endpoint, options, plan.point is not None):
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
    ctx: Context, state: ServerState, plan: _Plan, options: ReadOptions, zone: Zone, send: Send
) -> dict[str, Any]:
    """The pages in the result, cut to the budget with a token at the first item left out."""
    walker = PageWalker(
        send, plan.sent, *_walk_options(state, options), resume=plan.point, on_page=ctx.report_progress
    )
    walk = await collect(walker)
    kept, spans = _matching(walk.items, walk.spans, options.where)
    items, unmatched = project_items(kept, options.fields)
    items = with_iso_dates(items, zone.info)
    # With `where`, the list is the matching items: their number is known only once every page was read.
    total_items = (len(kept) if walk.complete else None) if options.where else walk.known_total
    head = _list_head(walk, plan, options, _Counts(len(walk.items), len(kept), unmatched))
    if options.count_only:
        after = None if walk.resume_point is None else encode_token(walk.resume_point, plan.fingerprint)
        rest = None if after is None else _COUNT_REST
        return {
            **head,
            "truncated": False,
            "total_items": total_items,
            "next_page_token": after,
            "how_to_get_rest": rest,
        }
    return _described_list(head, items, plan, (spans, walk.resume_point), total_items)


def _described_list(
    head: dict[str, Any],
    items: list[Any],
    plan: _Plan,
    origin: tuple[list[PageSpan], ResumePoint | None],
    total_items: int | None,
) -> dict[str, Any]:
    """The items as the result's body, whole; the server cuts them to the budget (a token names the cut).

    ``origin``: the spans placing each item on its Hotmart page, and where to continue after the last.
    """
    cursor = Cursor(plan.fingerprint, tuple(origin[0]), origin[1])
    array = plan.endpoint is not None and plan.endpoint.shape == "array"
    body: Any = items if array else {"items": items}
    payload = {**head, "body": body}
    # Whole here; the server cuts it to the budget with this cursor (tools/budget).
    return describe_list(payload, "body" if array else "body.items", cursor=cursor, total_items=total_items)


async def _save_pages(
    ctx: Context, state: ServerState, plan: _Plan, options: ReadOptions, zone: Zone, send: Send
) -> dict[str, Any]:
    """Every page written to the save_to file as it arrives; the result says where and what."""
    assert options.save_to is not None
    walker = PageWalker(
        send, plan.sent, *_walk_options(state, options), resume=plan.point, on_page=ctx.report_progress
    )
    counts = _Counts()
    # A year of sales is megabytes of CSV: the file is written off the event loop, a page at a time.
    writer = await anyio.to_thread.run_sync(ExportWriter, options.save_to, Path(state.settings.export_dir))
    with writer:
        async for page in walker.pages():
            items = counts.take(page.items, options)
            await anyio.to_thread.run_sync(writer.write, with_iso_dates(items, zone.info))
        saved = await anyio.to_thread.run_sync(writer.finish)
    walk = PagedResult.of(walker, [], [])
    complete_total = counts.read if walk.complete and walk.started_at_beginning else None
    known_total = walk.total_results if walk.total_results is not None else complete_total
    total_items = (counts.matched if walk.complete else None) if options.where else known_total
    after = None if walk.resume_point is None else encode_token(walk.resume_point, plan.fingerprint)
    return {
        **_list_head(walk, plan, options, counts),
        "saved": asdict(saved),
        "truncated": False,
        "total_items": total_items,
        "next_page_token": after,
        "how_to_get_rest": None if after is None else _SAVED_REST,
    }


@dataclass
class _Counts:
    """Items read and matched so far, and the ``fields`` no item had."""

    read: int = 0
    matched: int = 0
    unmatched: list[str] | None = None  # None until a page with items was seen

    def take(self, items: list[Any], options: ReadOptions) -> list[Any]:
        """The items of one page that meet ``where``, projected to ``fields``."""
        kept = [item for item in items if matches(item, options.where)] if options.where else items
        projected, unmatched = project_items(kept, options.fields)
        self.read, self.matched = self.read + len(items), self.matched + len(kept)
        if kept:  # a field is unmatched when no page had it
            self.unmatched = (
                unmatched if self.unmatched is None else [f for f in self.unmatched if f in unmatched]
            )
        return projected


def _list_head(walk: PagedResult, plan: _Plan, options: ReadOptions, counts: _Counts) -> dict[str, Any]:
    """What a list read says besides its items: how far the walk got, warnings, filter counts."""
    warnings = plan.warnings + _walk_warnings(walk, counts.unmatched or [])
    if not counts.matched and walk.complete and plan.point is None:
        warnings += empty_result_hints(plan.endpoint, plan.query)
    head: dict[str, Any] = {
        "status": "ok",
        "http_status": walk.http_status,
        "body": None,
        **_walk_facts(walk, options),
    }
    if _is_partial(walk, options):
        # The first words an agent reads say that data is missing (complete: false says it too).
        head = {"partial": partial_notice(head["incomplete_reason"]), **head}
    if options.filters:
        head.update(_filter_facts(counts, plan.pushed, options))
    return {**head, "date_conversions": plan.conversions, "warnings": warnings}


_SAVED_REST = (
    "Not every page was read (see incomplete_reason): continue with resume_token=next_page_token and "
    "another save_to file name, or call again with a higher max_pages."
)


_COUNT_REST = (
    "The counts cover only the pages read (see incomplete_reason): call again with a higher max_pages, or "
    "count the rest with resume_token=next_page_token and add the counts up."
)


def _where_pairs(options: ReadOptions) -> tuple[tuple[str, str], ...]:
    """``where`` as a pseudo query pair, so a continuation token is bound to its conditions too."""
    if not options.where:
        return ()
    return (("where", json.dumps(describe(options.where), sort_keys=True)),)


def _selected_fields(options: ReadOptions) -> tuple[str, ...]:
    """What to ask Hotmart to ``select``: the fields wanted plus those the conditions read."""
    if not options.fields:
        return ()
    return tuple(dict.fromkeys((*options.fields, *(condition.field for condition in options.where))))


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


def _filter_facts(counts: _Counts, pushed: Sequence[Pushed], options: ReadOptions) -> dict[str, Any]:
    facts: dict[str, Any] = {"read_items": counts.read, "matched_items": counts.matched}
    if pushed:
        facts["pushed_down"] = [
            {"condition": item.index, "param": item.param, "values": list(item.values)} for item in pushed
        ]
    if options.count_only:
        facts["body"] = None
    return facts


def _take_resume_token(
    query: tuple[tuple[str, str], ...], resume_token: str | None
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The query without our own token, and the token (an agent may put it in ``page_token``)."""
    ours = [value for key, value in query if key == "page_token" and is_resume_token(value)]
    if ours:
        query = tuple((key, value) for key, value in query if not (key == "page_token" and value in ours))
    token = resume_token or (ours[0] if ours else None)
    if token is not None and any(key == "page_token" for key, _ in query):
        raise InvalidInput(
            "Give either Hotmart's page_token or our resume_token, not both.", field="resume_token"
        )
    return query, token


def _is_list_read(endpoint: Endpoint | None, options: ReadOptions, resuming: bool) -> bool:
    if endpoint is not None and endpoint.shape in PAGED_ENDPOINT_SHAPES:
        return True
    return options.all_pages or bool(options.save_to) or resuming


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


def _is_partial(walk: PagedResult, options: ReadOptions) -> bool:
    """Data is missing that the agent asked for: not a cut to the budget, not one page by choice."""
    if walk.complete or walk.stop_reason in (STOP_COMPLETE, STOP_BUDGET):
        return False
    return walk.stop_reason != STOP_MAX_PAGES or options.all_pages


def _project_body(body: Any, fields: tuple[str, ...]) -> Any:
    if not fields:
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return {**body, "items": project_items(body["items"], fields)[0]}
    return project(body, fields)


def _walk_facts(walk: PagedResult, options: ReadOptions) -> dict[str, Any]:
    reason = walk.incomplete_reason
    if walk.stop_reason == STOP_MAX_PAGES and not options.all_pages:
        reason = "This is one page; more exist: continue with resume_token=next_page_token, or set all_pages."
    elif walk.stop_reason == STOP_BUDGET:
        reason = "Stopped reading pages once the result budget was full; continue with next_page_token."
    return {
        "complete": walk.complete,
        "pages_fetched": walk.pages_fetched,
        "stop_reason": walk.stop_reason.value,
        "incomplete_reason": reason,
        "rate_limit_waits": walk.rate_limit_waits,
    }


def _walk_warnings(walk: PagedResult, unmatched: list[str]) -> list[str]:
    warnings = []
    if walk.select_dropped:
        warnings.append(
            "Hotmart answered `select` with nothing (an attribute it does not know?), so pages were fetched "
            "whole and `fields` was applied here."
        )
    if unmatched:
        warnings.append(f"fields matched nothing in any item (a typo?): {', '.join(unmatched)}.")
    return warnings
