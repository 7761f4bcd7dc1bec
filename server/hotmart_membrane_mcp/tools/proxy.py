"""``proxy_request``: one raw call to the Hotmart API through Membrane's authenticated proxy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ..errors import HotmartMcpError
from ..membrane.models import ProxyRequest
from ..membrane.validate import check_api_path, check_header, check_pair
from .guards import check_not_option
from .models import ProxyRequestOutput
from .resolution import resolve_connection_id
from .results import failure, ok
from .state import ServerState

PROXY_DESCRIPTION = (
    "Send one request to the Hotmart API (https://developers.hotmart.com) through Membrane, which adds "
    "the credentials; use it when no action from search_actions fits. Give the API path, e.g. "
    "/payments/api/v1/sales/history, with query parameters in `query`. Returns Hotmart's status (when "
    "known) and parsed body; an error status comes back as an upstream_error. POST, PUT, PATCH and DELETE "
    "change data in Hotmart: use them only when the user asked for it."
)

QueryValue = str | int | float | bool | list[str | int | float | bool]

PathArg = Annotated[
    str,
    Field(
        description="Hotmart API path starting with '/', without host or query string, e.g. "
        "'/payments/api/v1/sales/history' or '/club/api/v1/users/{user_id}' with path_params.",
        min_length=1,
        max_length=2000,
    ),
]
MethodArg = Annotated[
    Literal["GET", "POST", "PUT", "PATCH", "DELETE"], Field(description="HTTP method; GET only reads.")
]
QueryArg = Annotated[
    dict[str, QueryValue],
    Field(
        default_factory=dict,
        description='Query parameters, e.g. {"max_results": 10, "transaction_status": "APPROVED"}; '
        "a list repeats the parameter. Hotmart dates are epoch milliseconds.",
    ),
]
HeadersArg = Annotated[
    dict[str, str],
    Field(
        default_factory=dict,
        description='Extra request headers, e.g. {"Accept-Language": "pt-BR"}. Authorization is added by '
        "Membrane; do not send credentials.",
    ),
]
BodyArg = Annotated[
    Any,
    Field(description='JSON request body for POST/PUT/PATCH, e.g. {"code": "PROMO10"}; null for none.'),
]
PathParamsArg = Annotated[
    dict[str, str | int],
    Field(
        default_factory=dict,
        description='Values for {placeholders} in path, e.g. {"user_id": "abc123"}.',
    ),
]
ConnectionIdArg = Annotated[
    str | None,
    Field(
        description="Membrane connection id to use, e.g. '65f0c2a1b3d4e5f601234567'. Omit to use the "
        "connection ensure_connection reported READY.",
        max_length=128,
    ),
]


def register(server: MCPServer, state: ServerState) -> None:
    """Add proxy_request to ``server``."""

    # Keyword-only so arguments without a Python default (their default_factory lives in Field) may follow
    # ones with a default; the SDK calls tools with keyword arguments only.
    async def proxy_request(
        *,
        path: PathArg,
        method: MethodArg = "GET",
        query: QueryArg,
        headers: HeadersArg,
        body: BodyArg = None,
        path_params: PathParamsArg,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, ProxyRequestOutput]:
        try:
            request = build_request(path, method, query, headers, body, path_params)
            connection = await resolve_connection_id(state, connection_id)
            response = await state.backend.request(connection, request)
            return ok(ProxyRequestOutput(status="ok", http_status=response.status, body=response.body))
        except HotmartMcpError as exc:
            return failure(exc)

    server.add_tool(
        proxy_request,
        name="proxy_request",
        title="Call the Hotmart API",
        description=PROXY_DESCRIPTION,
        # Issue #4 refines these per method and write mode; until then a request may write.
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
        ),
    )


def build_request(
    path: str,
    method: str,
    query: Mapping[str, QueryValue],
    headers: Mapping[str, str],
    body: Any,
    path_params: Mapping[str, str | int],
) -> ProxyRequest:
    """Check every slot and turn the tool arguments into the backend's ProxyRequest."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(check_pair(check_not_option(key, "query"), _text(item), "query"))
    return ProxyRequest(
        path=check_api_path(path),
        method=method,
        query=tuple(pairs),
        headers=tuple(
            check_header(check_not_option(name, "headers"), value) for name, value in headers.items()
        ),
        body=body,
        path_params=tuple(
            check_pair(check_not_option(key, "path_params"), _text(value), "path_params")
            for key, value in path_params.items()
        ),
    )


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
