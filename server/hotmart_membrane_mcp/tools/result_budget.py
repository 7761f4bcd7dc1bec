"""The server's one safety net for result size: no tool result is longer than the budget (issue #5).

``HotmartMcpServer.call_tool`` passes every tool result through :func:`keep_within_budget`,
after the tool, so a tool that forgets (or cannot know) how big its answer is still cannot
flood the agent's context. Tools that cut their own lists (proxy_request's pages, with resume
tokens) say ``truncated`` themselves and are left alone while they fit.

A success must keep matching its tool's output schema (the SDK client validates it), so cuts go
from the least to the most destructive: whole items off the end of the list; then optional
per-item fields the tool named; then long texts shortened (keys kept); and only as a last
resort entries dropped. Every cut says ``truncated: true`` and how to get the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcp.types import CallToolResult, TextContent

from ..hotmart.budget import find_items_path, fit_to_budget, items_at, with_items
from ..hotmart.clip import MIN_BUDGET_CHARS, clip_payload, clip_value, json_size, shrink_strings


@dataclass(frozen=True)
class ListShape:
    """Where a tool keeps the list in its result, and what may go when even one item is too big."""

    items_key: str | None = None  # dotted path; None: the first of budget.ITEM_PATHS that is a list
    rest_hint: str | None = None  # advice when items are cut; "{returned}" becomes the number kept
    # Per-item fields the output schema lets be null, in the order to drop them.
    optional_item_fields: tuple[str, ...] = ()


LIST_SHAPES = {
    "search_actions": ListShape(
        "actions",
        "Only the first {returned} actions fit in the result budget: call again with a smaller `limit`, "
        "include_schema=false, or a more specific intent.",
        ("output_schema", "input_schema"),
    ),
    "run_action": ListShape(
        None,
        "Only the first {returned} items fit in the result budget: run the action again with "
        "max_results={returned} (or fewer, or narrower filters or dates) and follow its own page token "
        "page by page, or use proxy_request, which pages with exact resume tokens and can return only "
        "some `fields` or write everything to a file with `save_to`.",
    ),
}
SHORTENED_HINT = (
    "Long texts were shortened to fit the result budget (they end with '…'): ask for less, e.g. narrower "
    "filters, fewer items or fewer attributes."
)
FIRST_ITEM_HINT = (
    "Even one item is larger than the result budget, so only the first is shown, with its long texts "
    "shortened (they end with '…'): ask for fewer attributes (`fields`) or write the data to a file "
    "(`save_to`) with proxy_request."
)
_ERROR_HEAD = ("error_type", "message", "next_step")
_FREE_FORM_KEYS = ("output", "body")  # the Any-typed fields of the output models


def keep_within_budget(
    result: CallToolResult, max_chars: int, shape: ListShape | None = None
) -> CallToolResult:
    """``result`` with its JSON text no longer than ``max_chars``, saying so whenever anything was cut.

    A result with a list always says ``truncated`` (false when nothing was cut). Errors keep
    error_type, message and next_step first and gain ``truncated: true`` when shortened.
    """
    if result.is_error:
        return _error_within_budget(result, max_chars)
    data = result.structured_content
    if data is None:
        return result
    fitted = _success_within_budget(data, max_chars, shape or ListShape())
    if fitted is data:
        return result
    return result.model_copy(update={"content": [_text(fitted)], "structured_content": fitted})


def _text(data: Any) -> TextContent:
    # Sizes are measured on ASCII-escaped JSON, never shorter than this text (hotmart/clip.py).
    return TextContent(type="text", text=json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _success_within_budget(data: dict[str, Any], max_chars: int, shape: ListShape) -> dict[str, Any]:
    path = shape.items_key or find_items_path(data)
    if json_size(data) <= max_chars:
        if path is None or "truncated" in data:
            return data
        marked = {**data, "truncated": False}
        if json_size(marked) <= max_chars:
            return marked
    note = {"truncated": True, "original_chars": json_size(data), "how_to_get_rest": SHORTENED_HINT}
    if path is not None and items_at(data, path):
        cut = _cut_list(data, path, max_chars, shape)
        if cut is not None:
            fixed = _without_stale_continuation(cut, data, path)
            growth = json_size(fixed) - json_size(cut)  # the note, less the nulled tokens
            if growth > 0 and json_size(fixed) > max_chars:
                smaller = _cut_list(data, path, max_chars - growth, shape)
                fixed = _without_stale_continuation(smaller, data, path) if smaller is not None else fixed
            if json_size(fixed) <= max_chars:
                return fixed
        items = items_at(data, path)
        data = with_items(data, path, items[:1])
        data = _null_continuations(data, path) if len(items) > 1 else data
        note = {"truncated": True, "returned_items": 1, "how_to_get_rest": FIRST_ITEM_HINT}
    # Shorten long texts but keep every key, so the result still matches the output schema.
    shrunk, fits = shrink_strings(data, max_chars - json_size(note) + 1)  # +1: the objects share braces
    if fits and json_size({**shrunk, **note}) <= max_chars:
        return {**shrunk, **note}
    # The structure alone is too big: drop entries, from the free-form part if the result has one.
    key = path.split(".")[0] if path is not None else next((k for k in _FREE_FORM_KEYS if k in data), None)
    return _clipped_with_note(data, max_chars, key, note)


def _clipped_with_note(
    data: dict[str, Any], max_chars: int, key: str | None, note: dict[str, Any]
) -> dict[str, Any]:
    """``data`` shortened by dropping entries, always carrying ``note`` (truncated and how to get the rest).

    ``clip_payload`` leaves a payload that fits alone untouched, but the note must fit too: a
    cut that does not say so reads as the whole answer (issue #8: 1 of 20 items, no ``truncated``).
    """
    if key is not None and key in data:
        room = max_chars - json_size({**data, key: None, **note}) + json_size(None)
        if room > 0:
            clipped, _ = clip_value(data[key], room)
            result = {**data, key: clipped, **note}
            if json_size(result) <= max_chars:
                return result
    clipped, _ = clip_payload(data, max_chars, key, how_to_get_rest=note["how_to_get_rest"])
    return {**clipped, **{name: value for name, value in note.items() if name not in clipped}}


def _cut_list(data: dict[str, Any], path: str, max_chars: int, shape: ListShape) -> dict[str, Any] | None:
    """Whole items off the end; if not even one fits, the optional item fields first. None: no luck."""
    cut = fit_to_budget(data, max_chars, items_key=path, rest_hint=shape.rest_hint)
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
        cut = fit_to_budget(with_items(data, path, slim), room, items_key=path)
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

    A top-level token is the server's own (hotmart/budget.py), exact after a cut, and stays.
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


def _error_within_budget(result: CallToolResult, max_chars: int) -> CallToolResult:
    content = result.content[0] if result.content else None
    if not isinstance(content, TextContent) or len(content.text) <= max_chars:
        return result
    try:
        payload = json.loads(content.text)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        text, _ = clip_value(content.text, max_chars)  # its JSON fits, so the bare text does too
        return result.model_copy(update={"content": [TextContent(type="text", text=text)]})
    # What the agent needs to act comes first and gets at most half of the budget.
    head = {key: payload[key] for key in _ERROR_HEAD if key in payload}
    head, _ = shrink_strings(head, max_chars // 2)
    ordered = {**head, "truncated": True, **{k: v for k, v in payload.items() if k not in head}}
    clipped, _ = clip_value(ordered, max_chars)
    return result.model_copy(update={"content": [_text(clipped)]})
