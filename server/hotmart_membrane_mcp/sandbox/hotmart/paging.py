"""Cursor pagination: the ``items`` + ``page_info`` envelope of hotmart-api-traps.md §3.

A page token is base64 of a small JSON object holding the offset into the (deterministically
sorted) result of the query, in the spirit of the documented examples (``{"rows":5,"page":3}``).
Walking the tokens of one query therefore returns every matching record exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .errors import ApiError
from .params import Query

# INFERRED ceiling (hotmart-api-traps.md §3): only the products default (50) is documented; community
# code and the official curl examples use 500, so larger values are silently clamped to 500.
MAX_RESULTS_CEILING = 500
# INFERRED default page size for endpoints whose default is undocumented.
DEFAULT_PAGE_SIZE = 10


def encode_token(offset: int, rows: int) -> str:
    """An opaque page token for the page starting at ``offset``."""
    raw = json.dumps(
        {"page": offset // rows + 1 if rows else 1, "rows": rows, "offset": offset}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    """The offset a token points to; 400 ``invalid_token`` for anything we did not issue."""
    try:
        padded = token + "=" * (-len(token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        offset = decoded["offset"]
    except (binascii.Error, ValueError, UnicodeError, KeyError, TypeError):
        raise ApiError(400, "invalid_token", "The page_token is invalid") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ApiError(400, "invalid_token", "The page_token is invalid")
    return offset


def page_size(query: Query, default: int = DEFAULT_PAGE_SIZE) -> int:
    """``max_results`` (default per endpoint), silently clamped to the ceiling."""
    requested = query.integer("max_results", minimum=1)
    return default if requested is None else min(requested, MAX_RESULTS_CEILING)


def paginate(
    items: list[Any], query: Query, *, default_size: int = DEFAULT_PAGE_SIZE, with_total: bool = True
) -> dict[str, Any]:
    """Cut one page out of the full, already sorted result and wrap it in the envelope."""
    size = page_size(query, default_size)
    token = query.first("page_token")
    offset = decode_token(token) if token is not None else 0
    page = items[offset : offset + size]
    info: dict[str, Any] = {"results_per_page": len(page)}
    if with_total:
        info["total_results"] = len(items)
    if offset + size < len(items):
        info["next_page_token"] = encode_token(offset + size, size)
    if offset > 0:
        info["prev_page_token"] = encode_token(max(offset - size, 0), size)
    return {"items": page, "page_info": info}
