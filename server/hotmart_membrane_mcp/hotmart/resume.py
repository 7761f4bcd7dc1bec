"""Continuation tokens that resume a cut or stopped list exactly at the next item.

Hotmart's own ``page_token`` can only point at the start of a page. When we return part of a
page (the result budget cut it, or ``max_items`` stopped inside it), the next item is in the
middle of a page, so our token carries both: the Hotmart token that fetches that page and how
many of its items the agent already has. It also carries a fingerprint of the request, so a
token cannot be replayed against a different query and silently skip the wrong items.

Format: ``hmcp1.`` + unpadded base64url of ``{"t": page_token | null, "s": skip, "f": fp}``.
The prefix lets the proxy recognise our token even when an agent puts it in ``page_token``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InvalidInput

TOKEN_PREFIX = "hmcp1."

# Parameters that do not change which items a query returns, or in which order: leaving them
# out of the fingerprint lets an agent narrow `fields`/`select` while it continues.
_NEUTRAL_PARAMS = frozenset({"page_token", "select"})


@dataclass(frozen=True)
class ResumePoint:
    """Where to continue: fetch the page with ``page_token`` (None = first page), drop ``skip`` items."""

    page_token: str | None
    skip: int = 0


@dataclass(frozen=True)
class PageSpan:
    """A run of ``count`` consecutive items taken from one page, starting at item ``skip`` of it."""

    page_token: str | None
    skip: int
    count: int


def query_fingerprint(method: str, path: str, query: Iterable[tuple[str, str]], *, scope: str = "") -> str:
    """A short digest of what selects the items (method, path, query except paging/select, scope).

    ``scope`` should name the account (the connection id), so a token from one account is not
    accepted for another. Query order does not matter.
    """
    relevant = sorted((key, value) for key, value in query if key not in _NEUTRAL_PARAMS)
    material = json.dumps([scope, method.upper(), path.split("?", 1)[0].rstrip("/"), relevant])
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def encode_token(point: ResumePoint, fingerprint: str) -> str:
    """The opaque token an agent passes back to continue at ``point``."""
    data = json.dumps({"t": point.page_token, "s": point.skip, "f": fingerprint}, separators=(",", ":"))
    return TOKEN_PREFIX + base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def is_resume_token(value: str | None) -> bool:
    """True when ``value`` looks like a token from :func:`encode_token` (not a Hotmart page token)."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def decode_token(token: str, fingerprint: str) -> ResumePoint:
    """The resume point inside ``token``; InvalidInput if it is malformed or for another request."""
    if not is_resume_token(token):
        raise InvalidInput(
            "The continuation token was not issued by this server (it must start with 'hmcp1.').",
            next_step="Pass back exactly the next_page_token of the previous result, with the same request.",
            field="resume_token",
        )
    body = token[len(TOKEN_PREFIX) :]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        page_token, skip, token_fingerprint = data["t"], data["s"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("The continuation token is damaged.", field="resume_token") from exc
    if not (page_token is None or isinstance(page_token, str)) or not isinstance(skip, int) or skip < 0:
        raise InvalidInput("The continuation token is damaged.", field="resume_token")
    if token_fingerprint != fingerprint:
        raise InvalidInput(
            "The continuation token belongs to a different request (other path, filters, dates or "
            "account), so continuing with it would skip or repeat items.",
            next_step="Repeat the original request unchanged (fields may differ) with this token, or start "
            "again without a token.",
            field="resume_token",
        )
    return ResumePoint(page_token, skip)


def point_after(spans: Sequence[PageSpan], index: int, end: ResumePoint | None) -> ResumePoint | None:
    """The resume point of item number ``index`` (0-based) of the items the spans describe.

    ``index == total`` means "after the last item": the answer is ``end`` (None = nothing more).
    """
    start = 0
    for span in spans:
        if index < start + span.count:
            return ResumePoint(span.page_token, span.skip + (index - start))
        start += span.count
    if index == start:
        return end
    raise ValueError(f"item {index} is beyond the {start} items the spans describe")
