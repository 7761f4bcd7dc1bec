"""Fitting a successful result: it must keep matching its tool's output schema.

The SDK client validates structured content against the output schema, so cuts go from the
least to the most destructive: whole items off the end of the list; then optional per-item
fields the tool named; then long texts shortened (keys kept); and only as a last resort entries
dropped. Every cut says ``truncated: true`` and how to get the rest.
"""

from __future__ import annotations

from typing import Any

from ...hotmart.sizes import json_size
from .calls import ListNote
from .lists import cut_list, find_items_path, items_at, with_items
from .shapes import FIRST_ITEM_HINT, SHORTENED_HINT, ListShape
from .values import MIN_BUDGET_CHARS, cut_payload, shorten_texts

_FREE_FORM_KEYS = ("output", "body")  # the Any-typed fields of the output models


def fit_described_list(data: dict[str, Any], max_chars: int, note: ListNote) -> dict[str, Any]:
    """A list the tool described (calls.describe_list): cut between items, the token exact."""
    if json_size(data) <= max_chars:
        return data
    cut, _ = cut_list(data, note.items_key, max_chars, cursor=note.cursor, total_items=note.total_items)
    return cut


def fit_success(data: dict[str, Any], max_chars: int, shape: ListShape) -> dict[str, Any]:
    """``data`` within ``max_chars``; a result with a list always says ``truncated``."""
    path = shape.items_key or find_items_path(data)
    if json_size(data) <= max_chars:
        if path is None or "truncated" in data:
            return data
        marked = {**data, "truncated": False}
        if json_size(marked) <= max_chars:
            return marked
    note = {"truncated": True, "original_chars": json_size(data), "how_to_get_rest": SHORTENED_HINT}
    if path is not None and items_at(data, path):
        fitted = _whole_items(data, path, max_chars, shape)
        if fitted is not None:
            return fitted
        items = items_at(data, path)
        data = with_items(data, path, items[:1])
        data = _null_continuations(data, path) if len(items) > 1 else data
        note = {"truncated": True, "returned_items": 1, "how_to_get_rest": FIRST_ITEM_HINT}
    # Shorten long texts but keep every key, so the result still matches the output schema.
    shortened, fits = shorten_texts(data, max_chars - json_size(note) + 1)  # +1: the objects share braces
    if fits and json_size({**shortened, **note}) <= max_chars:
        return {**shortened, **note}
    # The structure alone is too big: drop entries, from the free-form part if the result has one.
    key = path.split(".")[0] if path is not None else next((k for k in _FREE_FORM_KEYS if k in data), None)
    # The note always goes along: a cut that does not say so reads as the whole answer (issue #8:
    # 1 of 20 items, no `truncated`).
    cut, _ = cut_payload(data, max_chars, key, note=note)
    return cut


def _whole_items(data: dict[str, Any], path: str, max_chars: int, shape: ListShape) -> dict[str, Any] | None:
    """The list cut between items, its own stale tokens nulled, within ``max_chars``; None: no luck."""
    cut = _cut_items_or_fields(data, path, max_chars, shape)
    if cut is None:
        return None
    fixed = _without_stale_continuation(cut, data, path)
    growth = json_size(fixed) - json_size(cut)  # the note, less the nulled tokens
    if growth > 0 and json_size(fixed) > max_chars:
        smaller = _cut_items_or_fields(data, path, max_chars - growth, shape)
        fixed = _without_stale_continuation(smaller, data, path) if smaller is not None else fixed
    return fixed if json_size(fixed) <= max_chars else None


def _cut_items_or_fields(
    data: dict[str, Any], path: str, max_chars: int, shape: ListShape
) -> dict[str, Any] | None:
    """Whole items off the end; if not even one fits, the optional item fields first. None: no luck."""
    cut, _ = cut_list(data, path, max_chars, rest_hint=shape.rest_hint)
    if cut["returned_items"] > 0:
        return cut
    items = items_at(data, path)
    for count in range(1, len(shape.optional_item_fields) + 1):
        dropped = [f for f in shape.optional_item_fields[:count] if any(_has(item, f) for item in items)]
        if not dropped:
            continue
        slim = [_without(item, dropped) for item in items]
        names = " and ".join(f"`{field}`" for field in dropped)
        hint = (
            f"{names} of every item were left out (null) because even one item with them is larger than "
            "the result budget; the rest of each item is complete."
        )
        room = max_chars - len(hint) - 40
        if room < MIN_BUDGET_CHARS:  # no room for the note and an item: let the later steps shorten texts
            return None
        cut, _ = cut_list(with_items(data, path, slim), path, room)
        if cut["returned_items"] > 0:
            rest = f" {cut['how_to_get_rest']}" if cut.get("how_to_get_rest") else ""
            slimmed = {**cut, "truncated": True, "how_to_get_rest": hint + rest}
            if json_size(slimmed) <= max_chars:
                return slimmed
    return None


# Continuation tokens a tool's own answer may carry next to its list (an action's output, a raw
# Hotmart body). After a cut they point past the items left out, so following them loses data.
_CONTINUATION_KEYS = ("next_page_token", "nextPageToken", "cursor")


def _without_stale_continuation(cut: dict[str, Any], data: dict[str, Any], path: str) -> dict[str, Any]:
    """Null the list's own continuation tokens once items were cut, and say so in how_to_get_rest."""
    if cut.get("returned_items", 0) >= len(items_at(data, path)):
        return cut
    nulled = _null_continuations(cut, path)
    if nulled is cut:
        return cut
    note = (
        " Its own continuation token was removed (set to null): it points past the items left out, "
        "so following it would skip them."
    )
    return {**nulled, "how_to_get_rest": (cut.get("how_to_get_rest") or "") + note}


def _null_continuations(payload: dict[str, Any], path: str) -> dict[str, Any]:
    """``payload`` with the tokens beside the list at ``path`` set to null (itself if it has none).

    A top-level token is the server's own (lists.py, from a tool's cursor), exact after a cut, and stays.
    """
    if "." not in path:
        return payload
    parent_path, _, _ = path.rpartition(".")
    parent: Any = payload
    for part in parent_path.split("."):
        parent = parent[part]
    fresh = {**parent, **{key: None for key in _CONTINUATION_KEYS if parent.get(key)}}
    page_info = parent.get("page_info")
    if isinstance(page_info, dict) and any(page_info.get(key) for key in _CONTINUATION_KEYS):
        fresh["page_info"] = {**page_info, **{key: None for key in _CONTINUATION_KEYS if page_info.get(key)}}
    return payload if fresh == parent else _replace_at(payload, parent_path, fresh)


def _replace_at(payload: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    head, _, rest = dotted.partition(".")
    return {**payload, head: _replace_at(payload[head], rest, value) if rest else value}


def _has(item: Any, field: str) -> bool:
    return isinstance(item, dict) and item.get(field) is not None


def _without(item: Any, fields: list[str]) -> Any:
    """``item`` with ``fields`` set to null (only those it has, so no key appears that was absent)."""
    if not isinstance(item, dict):
        return item
    return {**item, **{field: None for field in fields if field in item}}
