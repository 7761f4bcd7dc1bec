"""``proxy_request``: the Hotmart API through Membrane's authenticated proxy.

Safety first (every slot checked, writes classified and held for the user); then a GET goes
through proxy_read (pages, fields, dates, save_to, result budget) and a write is sent once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import Field

from ..hotmart.write_checks import checks_for_request
from ..membrane.models import ProxyRequest
from ..membrane.request_guards import (
    check_api_path,
    check_body,
    check_headers,
    check_method,
    check_path_params,
    check_query,
)
from ..safety.classify import classify_proxy
from ..safety.confirm import check_confirm_token
from ..safety.gate import refuse_in_deny_mode
from ..safety.resolve import resolve_path
from ..safety.resolved import ResolvedWrite
from ..zones import request_zone
from .arguments import ConfirmTokenArg, ConnectionIdArg, TimezoneArg
from .guards import check_optional_id
from .models import ProxyRequestOutput
from .proxy_read import read
from .read_plan import DEFAULT_MAX_PAGES, MAX_PAGES_LIMIT, read_options
from .resolution import resolve_connection_id
from .results import ok, ok_data
from .state import ServerState
from .write_gate import hold_write, summary_reader, write_tool_annotations, writes_policy

TOOL = "proxy_request"
PROXY_DESCRIPTION = (
    "Call the Hotmart API via Membrane when no action fits (endpoints: hotmart://api/catalogue). GET "
    "lists: one page or all_pages; cut results give next_page_token; dates also as <name>_iso. Read "
    "`warnings`. Other methods write. "
)

# Argument descriptions are paid for in every tools/list (issue #10): they say what the name does not.
QueryValue = str | int | float | bool | list[str | int | float | bool]

PathArg = Annotated[
    str, Field(description="e.g. '/payments/api/v1/sales/history'.", min_length=1, max_length=2000)
]
MethodArg = Annotated[
    Literal["GET", "POST", "PUT", "PATCH", "DELETE"], Field(description="GET reads; the others write.")
]
QueryArg = Annotated[
    dict[str, QueryValue],
    Field(
        default_factory=dict,
        description="Lists repeat. Dates: epoch ms or ISO (bare date: midnight in timezone).",
    ),
]
HeadersArg = Annotated[dict[str, str], Field(default_factory=dict, description="Never credentials.")]
# Checked by membrane.request_guards (object or array, bounded), so the listed schema only says so.
BodyArg = Annotated[
    Any,
    Field(
        description="Body of a write, at most 128,000 bytes.",
        json_schema_extra={"anyOf": [{"type": "object"}, {"type": "array"}]},
    ),
]
PathParamsArg = Annotated[
    dict[str, str | int],
    Field(default_factory=dict, description="Whole-segment {placeholders} in path."),
]
AllPagesArg = Annotated[bool, Field(description="Read every page (GET list).")]
MaxPagesArg = Annotated[int, Field(description="With all_pages.", ge=1, le=MAX_PAGES_LIMIT)]
FieldsArg = Annotated[
    list[Annotated[str, Field(max_length=200)]] | Annotated[str, Field(max_length=2000)] | None,
    Field(description="Only these dotted attributes."),
]
SaveToArg = Annotated[
    str | None,
    Field(
        description="Export file (.csv/.jsonl) for the items.",
        max_length=255,
    ),
]
ResumeTokenArg = Annotated[
    str | None, Field(description="next_page_token of the same request.", max_length=2000)
]
WhereArg = Annotated[
    list[dict[str, Any]] | None,
    Field(
        description="All must hold: [{field, op: eq|ne|lt|lte|gt|gte|in|contains|exists, value}].",
        max_length=20,
    ),
]
CountOnlyArg = Annotated[bool, Field(description="Counts only.")]


def register(server: MCPServer, state: ServerState) -> None:
    """Add proxy_request to ``server``, described and annotated for the configured write mode."""

    # Keyword-only so arguments without a Python default (their default_factory lives in Field) may follow
    # ones with a default; the SDK calls tools with keyword arguments only.
    async def proxy_request(
        ctx: Context,
        *,
        path: PathArg,
        method: MethodArg = "GET",
        query: QueryArg,
        headers: HeadersArg,
        body: BodyArg = None,
        path_params: PathParamsArg,
        all_pages: AllPagesArg = False,
        max_pages: MaxPagesArg = DEFAULT_MAX_PAGES,
        fields: FieldsArg = None,
        save_to: SaveToArg = None,
        resume_token: ResumeTokenArg = None,
        timezone: TimezoneArg = None,
        where: WhereArg = None,
        count_only: CountOnlyArg = False,
        connection_id: ConnectionIdArg = None,
        confirm_token: ConfirmTokenArg = None,
    ) -> Annotated[CallToolResult, ProxyRequestOutput] | InputRequiredResult:
        zone = request_zone(timezone, state.settings.timezone)
        request = build_request(path, method, query, headers, body, path_params)
        options = read_options(
            request.method,
            all_pages=all_pages,
            max_pages=max_pages,
            fields=fields,
            save_to=save_to,
            resume_token=resume_token,
            where=where,
            count_only=count_only,
        )
        connection, held = await confirm_if_write(ctx, state, request, connection_id, confirm_token)
        if held is not None:
            return held
        if request.method == "GET":
            data = await read(ctx, state, connection, request, options, zone)
            ProxyRequestOutput.model_validate(data)  # the dict is sent as built (explicit nulls kept)
            return ok_data(data)
        state.page_cache.clear()  # a write may change what cached pages say
        response = await state.backend.request(connection, request)
        return ok(ProxyRequestOutput(status="ok", http_status=response.status, body=response.body))

    mode = state.settings.writes
    server.add_tool(
        proxy_request,
        name=TOOL,
        title="Call the Hotmart API",
        description=PROXY_DESCRIPTION + writes_policy(mode, TOOL, saves_files=True),
        annotations=write_tool_annotations(mode, saves_files=True),
    )


def build_request(
    path: str,
    method: str,
    query: Mapping[str, QueryValue],
    headers: Mapping[str, str],
    body: Any,
    path_params: Mapping[str, str | int],
) -> ProxyRequest:
    """Check every slot (membrane.request_guards) and build the request exactly as it will be sent.

    The path's placeholders are filled here (safety.resolve), so the request carries the final
    path and no path parameters: the summary, the fingerprint, the read and the write all use
    that one path, and Membrane has nothing left to fill its own way.
    """
    template = check_api_path(path)
    return ProxyRequest(
        path=resolve_path(template, check_path_params(path_params)),
        method=check_method(method),
        query=check_query(query),
        headers=check_headers(headers),
        body=check_body(body),
    )


async def confirm_if_write(
    ctx: Context,
    state: ServerState,
    request: ProxyRequest,
    connection_id: str | None,
    confirm_token: str | None,
) -> tuple[str, CallToolResult | InputRequiredResult | None]:
    """The connection to use, and what to return instead of sending when the request is a held write.

    Reads pass straight through. A write is refused on a read-only server before anything is
    spawned; then checked against what Hotmart would refuse (hotmart.write_checks), resolved
    into the one object the summary and fingerprint come from, and put to the user by
    ``hold_write``; the caller sends ``request``, the same object the write was resolved from.

    Raises:
        InvalidInput: a malformed connection_id or confirm_token, or a write Hotmart would refuse.
        WritesDisabled: a write in deny mode.
    """
    explicit_connection = check_optional_id(connection_id, "connection_id")
    token = check_confirm_token(confirm_token)
    info = classify_proxy(request.method, request.path, request.body)
    if not info.is_write:
        return await resolve_connection_id(state, explicit_connection), None
    refuse_in_deny_mode(state.settings.writes, info)
    checks = checks_for_request(request.method, request.path, request.body)
    checks.check()  # before anything is spawned, the connection lookup included
    connection = await resolve_connection_id(state, explicit_connection)
    facts = await checks.facts(summary_reader(state, connection))
    write = ResolvedWrite(tool=TOOL, connection_id=connection, info=info, request=request, facts=facts)
    held = await hold_write(ctx, state, write, confirm_token=token, held=ProxyRequestOutput)
    return connection, held
