"""proxy_request's reads: Hotmart's pages, ``fields``, ISO dates, trap warnings, ``save_to`` and the budget.

Only GETs come here, after the safety step (writes never page). A read of a list endpoint
walks ``page_info.next_page_token`` (one page, or all of them with ``all_pages``), reports
progress per page, and returns the items cut to the result budget between items, with a
``next_page_token`` of ours that continues exactly at the first item left out. A read of any
other endpoint is one call whose body the server's result budget shortens if it must.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import anyio
from mcp.server.mcpserver import Context

from ..errors import InvalidInput
from ..hotmart.budget import Cursor, fit_to_budget
from ..hotmart.catalogue import Endpoint, find_endpoint
from ..hotmart.dates import convert_dates
from ..hotmart.export import resolve_export_path, save_export
from ..hotmart.paging import STOP_BUDGET, STOP_MAX_PAGES, PagedResult, Send, fetch_all
from ..hotmart.projection import parse_fields, project, project_items, with_select
from ..hotmart.resume import decode_token, is_resume_token, request_fingerprint
from ..hotmart.warnings import unknown_path_warning, warnings_for
from ..membrane.models import ProxyRequest, ProxyResponse
from ..safety.classify import fill_path
from .hotmart_io import progress_to, sender
from .state import ServerState

DEFAULT_MAX_PAGES = 50
MAX_PAGES_LIMIT = 1000
PAGE_SIZE = "500"  # hotmart-api.md §3.1: INFERRED common ceiling; bigger values are clamped anyway
MAX_RATE_LIMIT_WAIT_S = 30.0  # in total per call; Hotmart's window is one minute (§4)
LIST_SHAPES = ("paged", "array")


@dataclass(frozen=True)
class ReadOptions:
    """The reading arguments of proxy_request (all of them only for GET)."""

    all_pages: bool = False
    max_pages: int = DEFAULT_MAX_PAGES
    fields: tuple[str, ...] = ()
    save_to: str | None = None
    resume_token: str | None = None

    def given(self) -> list[str]:
        """The names of the options set, for refusing them on writes."""
        values = {
            "all_pages": self.all_pages,
            "fields": self.fields,
            "save_to": self.save_to,
            "resume_token": self.resume_token,
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
) -> ReadOptions:
    """Check the reading arguments; InvalidInput when one is malformed or given with a write."""
    options = ReadOptions(all_pages, max_pages, parse_fields(fields), save_to, resume_token or None)
    given = options.given()
    if method != "GET" and given:
        raise InvalidInput(
            f"{', '.join(given)} only apply to GET requests; writes are sent once, as given.",
            field=given[0],
        )
    return options


async def read(
    ctx: Context, state: ServerState, connection: str, request: ProxyRequest, options: ReadOptions
) -> dict[str, Any]:
    """Send the GET ``request`` as ``options`` say and return proxy_request's result, within budget."""
    path = fill_path(request.path, request.path_params)
    endpoint = find_endpoint("GET", path)
    query, token = _take_resume_token(request.query, options.resume_token)
    query, conversions = convert_dates(endpoint, query)
    if options.all_pages and not any(key == "max_results" for key, _ in query):
        query = (*query, ("max_results", PAGE_SIZE))
    warnings = warnings_for(endpoint, query) if endpoint else [unknown_path_warning("GET", path)]
    export_dir = Path(state.settings.export_dir)
    if options.save_to:
        resolve_export_path(options.save_to, export_dir)  # refuse a bad path before any call
    fingerprint = request_fingerprint("GET", path, query, scope=connection)
    point = decode_token(token, fingerprint) if token else None
    sent = replace(request, query=with_select(query, options.fields) if options.fields else query)
    head: dict[str, Any] = {"status": "ok", "http_status": None, "body": None}
    notes = {"date_conversions": conversions, "warnings": warnings}

    send = sender(state, connection)
    if not _is_list_read(endpoint, options, point is not None):
        response = await _send_with_select_fallback(send, sent, bool(options.fields))
        body = _project_body(response.body, options.fields)
        return {**head, "http_status": response.status, "body": body, **notes}

    walk = await fetch_all(
        send,
        sent,
        max_pages=options.max_pages if options.all_pages else 1,
        on_page=progress_to(ctx),
        sleep=state.sleep,
        max_rate_limit_wait_s=MAX_RATE_LIMIT_WAIT_S if options.all_pages else 0,
        resume=point,
        stop_after_chars=None if options.save_to else state.settings.max_result_chars,
    )
    items, unmatched = project_items(walk.items, options.fields)
    notes["warnings"] = warnings + _walk_warnings(walk, unmatched)
    head = {**head, "http_status": walk.http_status, **_walk_facts(walk, options)}
    cursor = Cursor(fingerprint, tuple(walk.spans), walk.resume_point)
    if options.save_to:
        # A year of sales is megabytes of CSV: write it off the event loop.
        saved = await anyio.to_thread.run_sync(save_export, items, options.save_to, export_dir)
        after = cursor.token_at(len(items))
        return {
            **head,
            **notes,
            "saved": asdict(saved),
            "truncated": False,
            "total_items": walk.known_total,
            "next_page_token": after,
            "how_to_get_rest": None if after is None else _SAVED_REST,
        }
    array = endpoint is not None and endpoint.shape == "array"
    body: Any = items if array else {"items": items}
    payload = {**head, "body": body, **notes}
    return fit_to_budget(
        payload,
        state.settings.max_result_chars,
        items_key="body" if array else "body.items",
        cursor=cursor,
        total_items=walk.known_total,
    )


_SAVED_REST = (
    "Not every page was read (see incomplete_reason): continue with resume_token=next_page_token and "
    "another save_to file name, or call again with a higher max_pages."
)


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
    if endpoint is not None and endpoint.shape in LIST_SHAPES:
        return True
    return options.all_pages or bool(options.save_to) or resuming


async def _send_with_select_fallback(send: Send, request: ProxyRequest, selected: bool) -> ProxyResponse:
    response = await send(request)
    if selected and response.body in ({}, None):
        # hotmart-api.md §3.4: one unknown attribute in `select` empties the answer; ask again
        # without it (the projection is applied here anyway).
        response = await send(replace(request, query=with_select(request.query, ())))
    return response


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
        "stop_reason": walk.stop_reason,
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
