"""Cutting and shortening any JSON value to a character limit without ever breaking the JSON.

Two operations, from the least to the most destructive:

- shorten (:func:`shorten_texts`): long strings lose their end (marked "…"); keys, list
  lengths, numbers and nesting stay, so the value still matches the schema it was built for;
- cut (:func:`cut_value`, :func:`cut_payload`): lists and objects keep their first entries and
  the entry that crosses the limit is cut in turn, so what remains is always a valid value that
  starts like the original.

Sizes are those of hotmart/sizes.py (compact JSON with ASCII escapes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...hotmart.sizes import json_size

MIN_BUDGET_CHARS = 1_000  # room for the cut metadata plus a little data; smaller budgets are a bug
CUT_MARK = "…"
_NOTHING: Any = object()


def cut_value(value: Any, max_chars: int) -> tuple[Any, dict[str, Any]]:
    """Shrink any JSON value so its JSON fits ``max_chars``, keeping a valid value.

    Strings lose their end (marked with "…"), lists and objects keep their first entries and
    the entry that crosses the limit is cut in turn. Returns the value and metadata
    ``{truncated, original_chars, returned_chars}``.
    """
    original = json_size(value)
    if original <= max_chars:
        return value, {"truncated": False, "original_chars": original, "returned_chars": original}
    cut = _cut(value, max_chars)
    if cut is _NOTHING:
        cut = None
    returned = json_size(cut)
    return cut, {"truncated": True, "original_chars": original, "returned_chars": returned}


def _cut(value: Any, budget: int) -> Any:
    """``value`` (or a shrunken copy) whose JSON fits ``budget``; _NOTHING when not even a stub fits."""
    if json_size(value) <= budget:
        return value
    if isinstance(value, str):
        return _cut_text(value, budget)
    if isinstance(value, list):
        return _cut_entries([(index, item) for index, item in enumerate(value)], budget, as_list=True)
    if isinstance(value, dict):
        return _cut_entries(list(value.items()), budget, as_list=False)
    return _NOTHING  # a number, bool or null that does not fit cannot be shortened


def _cut_text(text: str, budget: int) -> Any:
    if budget < json_size(CUT_MARK):
        return _NOTHING
    low, high = 0, len(text)  # longest prefix whose cut form fits
    while low < high:
        middle = (low + high + 1) // 2
        if json_size(text[:middle] + CUT_MARK) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low] + CUT_MARK


def _cut_entries(entries: Sequence[tuple[Any, Any]], budget: int, *, as_list: bool) -> Any:
    if budget < 2:
        return _NOTHING
    used = 2  # the brackets
    kept: list[tuple[Any, Any]] = []
    for key, item in entries:
        separator = 1 if kept else 0
        label = 0 if as_list else json_size({key: 0}) - 3  # '"key":' exactly as json.dumps writes it
        room = budget - used - separator - label
        size = json_size(item)
        if size <= room:
            kept.append((key, item))
            used += separator + label + size
            continue
        partial = _cut(item, room)
        if partial is not _NOTHING:
            kept.append((key, partial))
        break
    return [item for _, item in kept] if as_list else dict(kept)


def cut_payload(
    payload: dict[str, Any], max_chars: int, key: str | None = None, *, note: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Cut ``payload`` so its JSON, with cut metadata, fits ``max_chars``.

    For results that are not lists of items (an action's output, a raw body). With ``key``,
    only ``payload[key]`` is cut when that is enough; otherwise the payload keeps its first
    entries. A cut payload gains ``truncated: true``, ``original_chars`` and ``how_to_get_rest``
    (advice that names proxy_request's `fields` and `save_to`); an uncut one is returned unchanged
    with metadata ``{truncated: False}``. ``note`` replaces that metadata and is always carried,
    even by a payload that would fit without it: the caller already cut something.
    """
    if max_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_BUDGET_CHARS}")
    if note is None and json_size(payload) <= max_chars:
        return payload, {"truncated": False}
    what = f"`{key}`" if key is not None else "The result"
    metadata = note or {
        "truncated": True,
        "original_chars": json_size(payload[key] if key is not None else payload),
        "how_to_get_rest": (
            f"{what} was shortened to fit the result budget (strings end with '…', lists and objects keep "
            "their first entries): ask for less (filters, `fields`) or use `save_to` for the full data."
        ),
    }
    if key is not None:
        room = max_chars - json_size({**payload, key: None, **metadata}) + json_size(None)
        if room >= 0:
            cut, _ = cut_value(payload[key], room)
            result = {**payload, key: cut, **metadata}
            if json_size(result) <= max_chars:
                return result, metadata
    # Metadata first, so it survives whatever else has to go.
    return _cut({**metadata, **payload, **metadata}, max_chars), metadata


def shorten_texts(value: Any, max_chars: int) -> tuple[Any, bool]:
    """``value`` with its longest strings shortened (ending with "…") so its JSON fits ``max_chars``.

    Keys, list lengths, numbers and nesting stay as they are, so a value shortened this way still
    matches the schema it was built for (unlike :func:`cut_value`, which drops entries). Every
    string longer than one common limit is cut to it, the largest limit that fits. Returns
    ``(value, True)`` when it fits, and ``(value unchanged, False)`` when it cannot fit even with
    every string reduced to "…".
    """
    if json_size(value) <= max_chars:
        return value, True
    if json_size(_cap_strings(value, 0)) > max_chars:
        return value, False
    low, high = 0, _longest_string(value)  # invariant: limit `low` fits
    while low < high:
        middle = (low + high + 1) // 2
        if json_size(_cap_strings(value, middle)) <= max_chars:
            low = middle
        else:
            high = middle - 1
    return _cap_strings(value, low), True


def _cap_strings(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + CUT_MARK
    if isinstance(value, list):
        return [_cap_strings(item, limit) for item in value]
    if isinstance(value, dict):
        return {key: _cap_strings(item, limit) for key, item in value.items()}
    return value


def _longest_string(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return max((_longest_string(item) for item in value), default=0)
    if isinstance(value, dict):
        return max((_longest_string(item) for item in value.values()), default=0)
    return 0
