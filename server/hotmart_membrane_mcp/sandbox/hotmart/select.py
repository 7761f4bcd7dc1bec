"""Custom responses: ``select=a,b.c`` trims a body to the listed attributes (hotmart-api-traps.md §7)."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def parse_select(values: list[str]) -> list[list[str]]:
    """``["a,b.c"]`` -> ``[["a"], ["b", "c"]]``."""
    paths = []
    for value in values:
        for path in value.split(","):
            parts = [part.strip() for part in path.split(".") if part.strip()]
            if parts:
                paths.append(parts)
    return paths


def apply_select(body: Any, paths: list[list[str]]) -> Any:
    """Trim a response body.

    On an envelope (``items`` + ``page_info``) the paths are relative to each item and
    ``page_info`` is kept; on a bare array they apply to each element (INFERRED, hotmart-api-traps.md §7 only
    speaks of ``items``); otherwise to the object itself. Unknown attributes are dropped, so
    selecting only unknown ones gives ``{}``.
    """
    if not paths or body is None:
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list) and "page_info" in body:
        return {**body, "items": [trim(item, paths) for item in body["items"]]}
    if isinstance(body, list):
        return [trim(item, paths) for item in body]
    return trim(body, paths)


def trim(value: Any, paths: list[list[str]]) -> Any:
    """One object reduced to the union of the given paths."""
    result: dict[str, Any] = {}
    for path in paths:
        extracted = _extract(value, path)
        if isinstance(extracted, dict):
            _merge_into(result, extracted)
    return result


def _extract(value: Any, path: list[str]) -> Any:
    """The part of ``value`` on ``path``, with its enclosing keys, or ``_MISSING``."""
    if not path:
        return value
    if isinstance(value, list):
        # Dotted paths reach through arrays (``products.name``); elements keep their positions
        # (an element without the attribute becomes {}) so several paths merge element-wise.
        parts = [_extract(element, path) for element in value]
        return [{} if part is _MISSING else part for part in parts]
    if isinstance(value, dict) and path[0] in value:
        inner = _extract(value[path[0]], path[1:])
        return _MISSING if inner is _MISSING else {path[0]: inner}
    return _MISSING


def _merge_into(target: dict[str, Any], addition: dict[str, Any]) -> None:
    for key, value in addition.items():
        target[key] = _merge(target[key], value) if key in target else value


def _merge(left: Any, right: Any) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        _merge_into(merged, right)
        return merged
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [_merge(a, b) for a, b in zip(left, right, strict=True)]
    return right
