"""What a tool tells the result budget about its result, for the call being answered.

``HotmartMcpServer.call_tool`` opens a note per call (:func:`tool_call`); a tool that knows
where its list came from fills it (:func:`describe_list`: the Hotmart pages behind the items,
and their total), and the budget reads it when it fits the result
(:func:`described_list`). The note is a mutable object set once per call, so a tool body run in
a copied context (a sync tool in a worker thread) still fills the same note.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ...hotmart.cursor import Cursor
from .lists import items_at, with_cut_metadata


@dataclass(frozen=True)
class ListNote:
    """A tool's word on the list in its result: where it is and where its items came from."""

    items_key: str
    cursor: Cursor | None = None
    total_items: int | None = None


@dataclass
class _CallNotes:
    list_note: ListNote | None = None


_current: ContextVar[_CallNotes | None] = ContextVar("hotmart_mcp_result_budget_notes", default=None)


@contextmanager
def tool_call() -> Iterator[None]:
    """The notes of one tool call: what :func:`describe_list` says inside is read by the budget."""
    token = _current.set(_CallNotes())
    try:
        yield
    finally:
        _current.reset(token)


def describe_list(
    payload: dict[str, Any],
    items_key: str,
    *,
    cursor: Cursor | None = None,
    total_items: int | None = None,
) -> dict[str, Any]:
    """Tell the budget where the list at ``items_key`` came from; return ``payload`` marked whole.

    The returned payload says ``truncated: false``, ``returned_items``, ``total_items`` and the
    ``next_page_token`` after the last item, as the tool's output schema requires; if the result
    is over the budget, the server cuts the list and, with ``cursor``, the token names the first
    item left out. Outside a tool call (no :func:`tool_call` open) nothing is fitted, so nothing
    is noted.
    """
    items = items_at(payload, items_key)
    if cursor is not None and cursor.count != len(items):
        raise ValueError("the cursor spans do not describe the items")
    notes = _current.get()
    if notes is not None:
        notes.list_note = ListNote(items_key, cursor, total_items)
    return with_cut_metadata(payload, items_key, items, len(items), cursor, total_items, None)


def described_list() -> ListNote | None:
    """What the current call's tool said about its list (None: nothing, or no call open)."""
    notes = _current.get()
    return notes.list_note if notes is not None else None
