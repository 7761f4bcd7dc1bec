"""Shorten any JSON value to a character limit without ever breaking the JSON.

Used for results that are not lists of items (an action's output, a raw body) and as the last
resort of the list budget. Strings lose their end (marked "…"), lists and objects keep their
first entries and the entry that crosses the limit is shortened in turn, so what remains is
always a valid value that starts like the original.

Size is measured on compact JSON with ASCII escapes (:func:`to_json`). That form is never
shorter than the same value written as UTF-8 text, so a result that fits here also fits when a
tool serialises it without escapes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

MIN_BUDGET_CHARS = 1_000  # room for the cut metadata plus a little data; smaller budgets are a bug
_CLIP_MARK = "…"
_NOTHING: Any = object()


def to_json(value: Any) -> str:
    """The serialisation the budget is measured on (compact, ASCII-escaped)."""
    return json.dumps(value, separators=(",", ":"))


def json_size(value: Any) -> int:
    """Characters of :func:`to_json` of ``value``."""
    return len(to_json(value))


def clip_value(value: Any, max_chars: int) -> tuple[Any, dict[str, Any]]:
    """Shrink any JSON value so its JSON fits ``max_chars``, keeping a valid value.

    Strings lose their end (marked with "…"), lists and objects keep their first entries and
    the entry that crosses the limit is clipped in turn. Returns the value and metadata
    ``{truncated, original_chars, returned_chars}``.
    """
    original = json_size(value)
    if original <= max_chars:
        return value, {"truncated": False, "original_chars": original, "returned_chars": original}
    clipped = _clip(value, max_chars)
    if clipped is _NOTHING:
        clipped = None
    returned = json_size(clipped)
    return clipped, {"truncated": True, "original_chars": original, "returned_chars": returned}


def _clip(value: Any, budget: int) -> Any:
    """``value`` (or a shrunken copy) whose JSON fits ``budget``; _NOTHING when not even a stub fits."""
    if json_size(value) <= budget:
        return value
    if isinstance(value, str):
        return _clip_text(value, budget)
    if isinstance(value, list):
        return _clip_entries([(index, item) for index, item in enumerate(value)], budget, as_list=True)
    if isinstance(value, dict):
        return _clip_entries(list(value.items()), budget, as_list=False)
    return _NOTHING  # a number, bool or null that does not fit cannot be shortened


def _clip_text(text: str, budget: int) -> Any:
    if budget < json_size(_CLIP_MARK):
        return _NOTHING
    low, high = 0, len(text)  # longest prefix whose clipped form fits
    while low < high:
        middle = (low + high + 1) // 2
        if json_size(text[:middle] + _CLIP_MARK) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low] + _CLIP_MARK


def _clip_entries(entries: Sequence[tuple[Any, Any]], budget: int, *, as_list: bool) -> Any:
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
        partial = _clip(item, room)
        if partial is not _NOTHING:
            kept.append((key, partial))
        break
    return [item for _, item in kept] if as_list else dict(kept)


def clip_payload(
    payload: dict[str, Any], max_chars: int, key: str | None = None, *, how_to_get_rest: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Shorten ``payload`` so its JSON, with cut metadata, fits ``max_chars``.

    For results that are not lists of items (an action's output, a raw body). With ``key``,
    only ``payload[key]`` is shortened when that is enough; otherwise the payload keeps its
    first entries. A cut payload gains ``truncated: true``, ``original_chars`` and
    ``how_to_get_rest`` (``how_to_get_rest`` replaces the default advice, which names
    proxy_request's `fields` and `save_to`); an uncut one is returned unchanged with metadata
    ``{truncated: False}``.
    """
    if max_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_BUDGET_CHARS}")
    if json_size(payload) <= max_chars:
        return payload, {"truncated": False}
    what = f"`{key}`" if key is not None else "The result"
    metadata = {
        "truncated": True,
        "original_chars": json_size(payload[key] if key is not None else payload),
        "how_to_get_rest": how_to_get_rest
        or (
            f"{what} was shortened to fit the result budget (strings end with '…', lists and objects keep "
            "their first entries): ask for less (filters, `fields`) or use `save_to` for the full data."
        ),
    }
    if key is not None:
        room = max_chars - json_size({**payload, key: None, **metadata}) + json_size(None)
        if room >= 0:
            clipped, _ = clip_value(payload[key], room)
            result = {**payload, key: clipped, **metadata}
            if json_size(result) <= max_chars:
                return result, metadata
    # Metadata first, so it survives whatever else has to go.
    return _clip({**metadata, **payload, **metadata}, max_chars), metadata


def shrink_strings(value: Any, max_chars: int) -> tuple[Any, bool]:
    """``value`` with its longest strings shortened (ending with "…") so its JSON fits ``max_chars``.

    Keys, list lengths, numbers and nesting stay as they are, so a value shortened this way still
    matches the schema it was built for (unlike :func:`clip_value`, which drops entries). Every
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
        return value if len(value) <= limit else value[:limit] + _CLIP_MARK
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
