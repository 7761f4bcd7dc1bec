"""Cutting a list of items between items, saying exactly what was left out.

Agents misread elided results as complete (a pain point seen with peer MCP servers), so a list
is never cut silently: a cut list carries ``truncated: true``, how many items it holds, a token
that resumes at the first missing item (when the tool described where its items came from,
hotmart/cursor.py) and one sentence on how to get the rest; an uncut list says
``truncated: false``. Items are never cut inside, so the result is always valid JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...hotmart.cursor import Cursor
from ...hotmart.sizes import json_size
from .values import MIN_BUDGET_CHARS, cut_value

CUT_KEYS = ("truncated", "returned_items", "total_items", "next_page_token", "how_to_get_rest")

# Where tools keep a list of items, in the order they are looked for: proxy_request's merged
# `items`, a raw Hotmart envelope in `body`, a run_action output, then bare arrays.
ITEM_PATHS = ("items", "body.items", "output.items", "body", "output")


@dataclass(frozen=True)
class CutInfo:
    truncated: bool
    returned_items: int
    total_items: int | None
    next_page_token: str | None
    how_to_get_rest: str | None
    chars: int


def find_items_path(payload: dict[str, Any]) -> str | None:
    """The first of :data:`ITEM_PATHS` that holds a list in ``payload``, or None."""
    for path in ITEM_PATHS:
        value: Any = payload
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            return path
    return None


def items_at(payload: dict[str, Any], dotted: str) -> list[Any]:
    """The list at the dotted path ``dotted`` of ``payload`` (KeyError / TypeError if there is none)."""
    value: Any = payload
    for part in dotted.split("."):
        value = value[part]
    if not isinstance(value, list):
        raise TypeError(f"{dotted} is not a list")
    return value


def with_items(payload: dict[str, Any], dotted: str, items: list[Any]) -> dict[str, Any]:
    """A shallow copy of ``payload`` with the list at ``dotted`` replaced (the input is untouched)."""
    head, _, rest = dotted.partition(".")
    copy = dict(payload)
    copy[head] = with_items(payload[head], rest, items) if rest else items
    return copy


def cut_list(
    payload: dict[str, Any],
    items_key: str,
    max_chars: int,
    *,
    cursor: Cursor | None = None,
    total_items: int | None = None,
    rest_hint: str | None = None,
) -> tuple[dict[str, Any], CutInfo]:
    """Return ``payload`` with the list at ``items_key`` (dotted path) cut to fit ``max_chars``.

    The result gains top-level ``truncated``, ``returned_items``, ``total_items`` (None when
    unknown), ``next_page_token`` (our continuation token, or None when nothing follows) and,
    when something is left out, ``how_to_get_rest`` (``rest_hint`` replaces the default advice
    when at least one item is kept; ``{returned}`` in it becomes that count). The JSON never
    exceeds ``max_chars``: when the payload around the list is itself too big, it is cut too,
    the cut metadata first.
    """
    if max_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_BUDGET_CHARS}")
    items = items_at(payload, items_key)
    if cursor is not None and cursor.count != len(items):
        raise ValueError("the cursor spans do not describe the items")

    def render(count: int) -> dict[str, Any]:
        return with_cut_metadata(payload, items_key, items, count, cursor, total_items, rest_hint)

    best = _most_items_that_fit(render, items_key, items, max_chars)
    result = render(best)
    chars = json_size(result)
    # The metadata's size moves by a few digits with the count, so verify instead of trusting it.
    while chars > max_chars and best > 0:
        best -= 1
        result = render(best)
        chars = json_size(result)
    if chars > max_chars:  # the payload around the list is itself too big: cut it, metadata first
        result, _ = cut_value({key: result[key] for key in CUT_KEYS if key in result} | result, max_chars)
        chars = json_size(result)
    return result, CutInfo(
        truncated=result["truncated"],
        returned_items=best,
        total_items=total_items,
        next_page_token=result["next_page_token"],
        how_to_get_rest=result.get("how_to_get_rest"),
        chars=chars,
    )


def with_cut_metadata(
    payload: dict[str, Any],
    items_key: str,
    items: list[Any],
    count: int,
    cursor: Cursor | None,
    total_items: int | None,
    rest_hint: str | None,
) -> dict[str, Any]:
    """``payload`` with the first ``count`` items and the metadata that says what was left out."""
    truncated = count < len(items)
    token = cursor.token_at(count) if cursor is not None else None
    result = with_items(payload, items_key, items[:count])
    result.update(truncated=truncated, returned_items=count, total_items=total_items, next_page_token=token)
    if truncated or token:
        result["how_to_get_rest"] = _how_to_get_rest(count, token, truncated, rest_hint)
    return result


def _most_items_that_fit(
    render: Callable[[int], dict[str, Any]], items_key: str, items: list[Any], max_chars: int
) -> int:
    """The largest count whose rendering fits, by the sizes' sum (the caller verifies the JSON)."""
    # Size of a candidate = the payload with an empty list + the items + the commas between
    # them (compact JSON is additive), so each candidate costs O(1) after one pass over items.
    prefix = [0]
    for item in items:
        prefix.append(prefix[-1] + json_size(item))

    def size_of(count: int) -> int:
        shell = json_size(with_items(render(count), items_key, []))
        return shell + prefix[count] + max(count - 1, 0)

    if size_of(len(items)) <= max_chars:
        return len(items)
    low, high = 0, len(items) - 1  # invariant: the answer is in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if size_of(middle) <= max_chars:
            low = middle
        else:
            high = middle - 1
    return low


def _rest_hint(returned: int, token: str | None, single_item_too_big: bool) -> str:
    if single_item_too_big:
        return (
            "The next item alone is larger than the result budget: request fewer attributes with `fields`, "
            "or write everything to a file with `save_to`."
        )
    if token:
        return (
            f"Only the first {returned} items fit: continue with resume_token=next_page_token "
            "(same request), or ask for fewer attributes with `fields`, narrow the filters or dates, "
            "or use `save_to` to get everything in a file."
        )
    return (
        f"Only the first {returned} items fit: ask for fewer attributes with `fields`, narrow the filters "
        "or dates, or use `save_to` to get everything in a file."
    )


def _how_to_get_rest(returned: int, token: str | None, truncated: bool, rest_hint: str | None) -> str:
    if not truncated:
        return "More items exist: continue with resume_token=next_page_token (same request)."
    if rest_hint and returned > 0:
        return rest_hint.replace("{returned}", str(returned))
    return _rest_hint(returned, token, single_item_too_big=returned == 0)
