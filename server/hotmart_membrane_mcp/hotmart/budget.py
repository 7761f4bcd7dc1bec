"""Keep every tool result under a character budget, and say exactly what was left out.

Agents misread elided results as complete (a pain point seen with peer MCP servers), so a result is never cut
silently: a cut list carries ``truncated: true``, how many items it holds, a token that resumes
at the first missing item and one sentence on how to get the rest; an uncut list says
``truncated: false``. Lists are cut only between items, never inside one, so the result is
always valid JSON.

Size is measured on compact JSON with ASCII escapes (:func:`to_json`). That form is never
shorter than the same value written as UTF-8 text, so a result that fits here also fits when a
tool serialises it without escapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .clip import MIN_BUDGET_CHARS, clip_payload, clip_value, json_size, to_json
from .resume import PageSpan, ResumePoint, encode_token, point_after

__all__ = [
    "MIN_BUDGET_CHARS",
    "Cursor",
    "CutInfo",
    "clip_payload",
    "clip_value",
    "find_items_path",
    "fit_to_budget",
    "items_at",
    "json_size",
    "render_within_budget",
    "to_json",
    "with_items",
]

_CUT_KEYS = ("truncated", "returned_items", "total_items", "next_page_token", "how_to_get_rest")


@dataclass(frozen=True)
class Cursor:
    """Where the items of a list came from, so a cut can name the exact item to resume at.

    ``spans`` describe the items in order (their counts add up to the list length); ``after``
    is where to continue once all of them are read (None when Hotmart has nothing more).
    """

    fingerprint: str
    spans: tuple[PageSpan, ...]
    after: ResumePoint | None

    @classmethod
    def single_page(
        cls,
        fingerprint: str,
        page_token: str | None,
        count: int,
        next_page_token: str | None,
        *,
        skip: int = 0,
    ) -> Cursor:
        """The cursor of one Hotmart page fetched with ``page_token`` (items from ``skip`` on)."""
        after = ResumePoint(next_page_token) if next_page_token else None
        return cls(fingerprint, (PageSpan(page_token, skip, count),), after)

    def token_at(self, index: int) -> str | None:
        """The continuation token of item ``index`` (or of "after the end" when index == total)."""
        point = point_after(self.spans, index, self.after)
        return encode_token(point, self.fingerprint) if point is not None else None


@dataclass(frozen=True)
class CutInfo:
    truncated: bool
    returned_items: int
    total_items: int | None
    next_page_token: str | None
    how_to_get_rest: str | None
    chars: int


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


def render_within_budget(
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
    when at least one item is kept; ``{returned}`` in it becomes that count). The JSON never exceeds
    ``max_chars`` as long as the rest of the payload fits; fields other than the list are
    never cut here (use :func:`clip_payload` for those).
    """
    if max_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_BUDGET_CHARS}")
    items = items_at(payload, items_key)
    if cursor is not None and sum(span.count for span in cursor.spans) != len(items):
        raise ValueError("the cursor spans do not describe the items")

    def render(count: int) -> dict[str, Any]:
        truncated = count < len(items)
        token = cursor.token_at(count) if cursor is not None else None
        result = with_items(payload, items_key, items[:count])
        result.update(
            truncated=truncated, returned_items=count, total_items=total_items, next_page_token=token
        )
        if truncated or token:
            result["how_to_get_rest"] = _how_to_get_rest(count, token, truncated, rest_hint)
        return result

    # Size of a candidate = the payload with an empty list + the items + the commas between
    # them (compact JSON is additive), so each candidate costs O(1) after one pass over items.
    item_sizes = [json_size(item) for item in items]
    prefix = [0]
    for size in item_sizes:
        prefix.append(prefix[-1] + size)

    def size_of(count: int) -> int:
        shell = json_size(with_items(render(count), items_key, []))
        return shell + prefix[count] + max(count - 1, 0)

    if size_of(len(items)) <= max_chars:
        best = len(items)
    else:
        low, high = 0, len(items) - 1  # invariant: the answer is in [low, high]
        while low < high:
            middle = (low + high + 1) // 2
            if size_of(middle) <= max_chars:
                low = middle
            else:
                high = middle - 1
        best = low
    result = render(best)
    chars = json_size(result)
    # The shell's size moves by a few digits with the count, so verify instead of trusting it.
    while chars > max_chars and best > 0:
        best -= 1
        result = render(best)
        chars = json_size(result)
    if chars > max_chars:  # the payload around the list is itself too big: shorten it, metadata first
        result, _ = clip_value({key: result[key] for key in _CUT_KEYS if key in result} | result, max_chars)
        chars = json_size(result)
    return result, CutInfo(
        truncated=result["truncated"],
        returned_items=best,
        total_items=total_items,
        next_page_token=result["next_page_token"],
        how_to_get_rest=result.get("how_to_get_rest"),
        chars=chars,
    )


# Where tools keep a list of items, in the order they are looked for: proxy_request's merged
# `items`, a raw Hotmart envelope in `body`, a run_action output, then bare arrays.
ITEM_PATHS = ("items", "body.items", "output.items", "body", "output")


def find_items_path(payload: dict[str, Any]) -> str | None:
    """The first of :data:`ITEM_PATHS` that holds a list in ``payload``, or None."""
    for path in ITEM_PATHS:
        value: Any = payload
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            return path
    return None


def fit_to_budget(
    payload: dict[str, Any],
    max_chars: int,
    *,
    items_key: str | None = None,
    cursor: Cursor | None = None,
    total_items: int | None = None,
    rest_hint: str | None = None,
) -> dict[str, Any]:
    """The one call every tool makes on its result before returning it.

    A payload with a list of items (``items_key``, or found by :func:`find_items_path`) is cut
    between items with :func:`render_within_budget`, so it always says ``truncated``; anything
    else is returned as is when it fits and shortened by :func:`clip_payload` when it does not.
    ``rest_hint`` is the tool's own advice for a cut list (see :func:`render_within_budget`).
    """
    path = items_key or find_items_path(payload)
    if path is not None:
        result, _ = render_within_budget(
            payload, path, max_chars, cursor=cursor, total_items=total_items, rest_hint=rest_hint
        )
        return result
    result, _ = clip_payload(payload, max_chars)
    return result
