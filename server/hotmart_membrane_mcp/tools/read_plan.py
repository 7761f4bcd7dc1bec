"""proxy_request's read before anything is sent: the reading options checked, the GET planned.

The plan is the request as it goes to Hotmart: dates converted, ``where`` conditions pushed down
to Hotmart's own filters where it has them, the page size for ``all_pages``, ``select`` for
``fields``, and our continuation token taken out of the query and checked against it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from ..hotmart.catalogue import Endpoint, find_endpoint
from ..hotmart.dates import convert_dates
from ..hotmart.export import resolve_export_path
from ..hotmart.filters import Condition, describe, parse_where
from ..hotmart.page_reads import PAGE_SIZE
from ..hotmart.projection import parse_fields, with_select
from ..hotmart.pushdown import Pushed, as_query, push_down
from ..hotmart.resume import ResumePoint, decode_token, is_resume_token, query_fingerprint
from ..hotmart.warnings import unknown_path_warning, warnings_for
from ..membrane.models import ProxyRequest
from ..zones import Zone
from .state import ServerState

DEFAULT_MAX_PAGES = 50
MAX_PAGES_LIMIT = 1000
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


@dataclass(frozen=True)
class ReadPlan:
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


def plan_read(
    state: ServerState, connection: str, request: ProxyRequest, options: ReadOptions, zone: Zone
) -> ReadPlan:
    """``request`` made ready to send as ``options`` say; a bad token or save_to path is refused here."""
    path = request.path  # placeholders were filled when it was built (tools/proxy.build_request)
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
    return ReadPlan(path, endpoint, query, sent, fingerprint, point, list(pushed), conversions, warnings)


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


def is_list_read(endpoint: Endpoint | None, options: ReadOptions, resuming: bool) -> bool:
    """A read walks pages: a list endpoint, or paging asked for (all_pages, save_to, a token)."""
    if endpoint is not None and endpoint.shape in PAGED_ENDPOINT_SHAPES:
        return True
    return options.all_pages or bool(options.save_to) or resuming
