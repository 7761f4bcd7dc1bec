"""``fields``: keep only the attributes an agent asked for, as Hotmart's ``select`` does.

Paths are dotted and relative to each item (``purchase.price.value``); the result keeps the
nesting (``{"purchase": {"price": {"value": 10}}}``) and arrays are projected element by
element (``users.role`` keeps ``role`` in every entry of ``users``). We send the same paths to
Hotmart as ``select`` (hotmart-api-traps.md §7) to shrink the transfer, and always apply them
locally as well: Hotmart answers ``{}`` when one attribute is unknown, and a Hotmart that ignored
``select`` must not make the result bigger than asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import InvalidInput

_SEGMENT = re.compile(r"^[A-Za-z0-9_\-]+$")
_MISSING: Any = object()

# A trie of the requested paths: {"purchase": {"price": {}}, "buyer": {}}; {} marks "keep all".
FieldTree = dict[str, "FieldTree"]


def parse_fields(fields: str | Sequence[str] | None) -> tuple[str, ...]:
    """Normalise ``fields`` (a list, or one comma-separated string) to unique dotted paths.

    Raises InvalidInput for an empty segment (``a..b``) or characters Hotmart's ``select``
    cannot carry (commas inside a path, spaces, brackets).
    """
    if fields is None:
        return ()
    raw = (
        fields.split(",")
        if isinstance(fields, str)
        else [part for item in fields for part in item.split(",")]
    )
    paths: list[str] = []
    for candidate in (part.strip() for part in raw):
        if not candidate:
            continue
        if not all(_SEGMENT.match(segment) for segment in candidate.split(".")):
            raise InvalidInput(
                f"fields: {candidate!r} is not a dotted attribute path like 'purchase.price.value'.",
                field="fields",
            )
        if candidate not in paths:
            paths.append(candidate)
    return tuple(paths)


def field_tree(fields: Iterable[str]) -> FieldTree:
    """The trie of ``fields``; a shorter path wins over a longer one below it."""
    tree: FieldTree = {}
    for path in fields:
        node = tree
        segments = path.split(".")
        for index, segment in enumerate(segments):
            if segment in node and not node[segment]:  # an ancestor already keeps everything
                break
            if index == len(segments) - 1:
                node[segment] = {}
            else:
                node = node.setdefault(segment, {})
    return tree


def _apply(value: Any, tree: FieldTree) -> Any:
    if not tree:
        return value
    if isinstance(value, list):
        return [_apply(element, tree) for element in value]
    if not isinstance(value, dict):
        return _MISSING  # asked to look inside a number or string: nothing there
    kept: dict[str, Any] = {}
    for key, subtree in tree.items():
        if key in value:
            projected = _apply(value[key], subtree)
            if projected is not _MISSING:
                kept[key] = projected
    return kept


def project(item: Any, fields: Sequence[str]) -> Any:
    """``item`` reduced to ``fields`` (dotted paths); no fields means the item unchanged.

    Missing attributes are left out; an item where nothing matched becomes ``{}`` (so the
    item count never changes). A non-object item is returned unchanged.
    """
    if not fields or not isinstance(item, (dict, list)):
        return item
    projected = _apply(item, field_tree(fields))
    return {} if projected is _MISSING else projected


def project_items(items: Sequence[Any], fields: Sequence[str]) -> tuple[list[Any], list[str]]:
    """Project every item; also return the fields that matched nothing in any item.

    An unmatched field usually means a typo, worth a warning to the agent.
    """
    if not fields:
        return list(items), []
    tree = field_tree(fields)
    projected = [item if not isinstance(item, (dict, list)) else _apply(item, tree) for item in items]
    projected = [{} if item is _MISSING else item for item in projected]
    unmatched = [
        path for path in fields if items and not any(_has_path(item, path.split(".")) for item in items)
    ]
    return projected, unmatched


def _has_path(value: Any, segments: list[str]) -> bool:
    if not segments:
        return True
    if isinstance(value, list):
        return any(_has_path(element, segments) for element in value)
    return isinstance(value, dict) and segments[0] in value and _has_path(value[segments[0]], segments[1:])


def select_param(fields: Sequence[str]) -> str | None:
    """The value of Hotmart's ``select`` query parameter for ``fields`` (None for no fields)."""
    return ",".join(fields) if fields else None


def with_select(query: Sequence[tuple[str, str]], fields: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``query`` with ``select`` set for ``fields`` (replacing any ``select`` already there)."""
    value = select_param(fields)
    kept = tuple((key, val) for key, val in query if key != "select")
    return (*kept, ("select", value)) if value else kept
