"""The members-area (Club) subdomain: where it comes from, and what to say when it is missing or wrong.

Every Club read needs ``subdomain``, the address part of the members area
(``https://<subdomain>.club.hotmart.com``), and no Hotmart endpoint lists it (hotmart-api-traps.md
§14.3). Hotmart answers a missing one with 422 and a wrong one with 404 (or the CDN's non-JSON
answer, hotmart-api-traps.md §2), neither of which tells an agent that only the user knows the value. So the
server takes ``HOTMART_MCP_CLUB_SUBDOMAIN`` as the default, and otherwise says what the value is and to
ask the user once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import HotmartMcpError, InvalidInput, UpstreamError
from .catalogue import Endpoint

PARAM = "subdomain"
WHAT_IT_IS = (
    "`subdomain` is the members-area address part: the <subdomain> of https://<subdomain>.club.hotmart.com "
    "(the link students use to log in). The Hotmart API cannot list it."
)
ASK_ONCE = (
    "Ask the user once for their members-area link (or its subdomain), then pass subdomain; the server "
    "admin can set HOTMART_MCP_CLUB_SUBDOMAIN to make it the default."
)


def needs_subdomain(endpoint: Endpoint | None) -> bool:
    """True for the Club endpoints that take ``subdomain``."""
    return endpoint is not None and endpoint.area == "club" and PARAM in endpoint.params


def with_default(
    query: Sequence[tuple[str, str]], default: str | None, *, field: str = "query.subdomain"
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """(query with ``subdomain`` set, whether the default was used); InvalidInput when none is known."""
    if any(key == PARAM and value.strip() for key, value in query):
        return tuple(query), False
    if default is None:
        raise missing(field)
    return (*[(key, value) for key, value in query if key != PARAM], (PARAM, default)), True


def missing(field: str) -> InvalidInput:
    """The error for a Club read without a subdomain and no configured default."""
    return InvalidInput(
        f"This members-area (Club) read needs a subdomain. {WHAT_IT_IS}", field=field, next_step=ASK_ONCE
    )


def explain(error: HotmartMcpError, subdomain: str | None, *, from_default: bool) -> HotmartMcpError:
    """A 404/422 from a Club endpoint, said as what it most likely is: a wrong or missing subdomain."""
    status = error.status
    if not isinstance(error, UpstreamError) or status not in (404, 422):
        return error
    if status == 422 or not subdomain:
        return missing("subdomain")
    source = " (HOTMART_MCP_CLUB_SUBDOMAIN)" if from_default else ""
    return UpstreamError(
        f"Hotmart found no members area (or record in it) for subdomain {subdomain!r}{source} ({status}): "
        f"the subdomain is probably wrong. {WHAT_IT_IS}",
        next_step=ASK_ONCE + " Check ids in the path too.",
        status=status,
        body=error.body,
        field="subdomain",
    )
