"""One line per Membrane action input: field names, types, required marks and enum values.

A search answer used to repeat every action's full JSON Schema (2,000-7,000 characters for a
few actions, issue #10). An agent choosing an action needs the names, types, which are
required and the allowed values; the full schema comes on request (search_actions with
``action_id`` or ``include_schema``), and run_action checks the input against it anyway.

Format: ``name*:type`` (``*`` = required; int, num, str, bool, object), separated by ``, ``;
an enum is ``A|B|C`` (after ``MAX_ENUM_VALUES`` values, ``|…+N``); an array of X is ``X[]``.
"""

from __future__ import annotations

from typing import Any

MAX_ENUM_VALUES = 5
MAX_FIELDS = 30
_SHORT = {"integer": "int", "string": "str", "boolean": "bool", "number": "num"}


def input_summary(schema: dict[str, Any] | None) -> str | None:
    """The one-line summary of an action's input schema; None when it declares no fields."""
    if not isinstance(schema, dict):
        return None
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        return None
    required = set(schema.get("required") or ())
    parts = [
        f"{name}{'*' if name in required else ''}:{type_of(sub)}"
        for name, sub in list(properties.items())[:MAX_FIELDS]
    ]
    if len(properties) > MAX_FIELDS:
        parts.append(f"… {len(properties) - MAX_FIELDS} more (include_schema)")
    return ", ".join(parts)


def type_of(schema: Any) -> str:
    """The short type of one property schema."""
    if not isinstance(schema, dict):
        return "any"
    if isinstance(schema.get("enum"), list):
        return _enum(schema["enum"])
    if "const" in schema:
        return _enum([schema["const"]])
    for union in ("anyOf", "oneOf"):
        if isinstance(schema.get(union), list):
            return "|".join(dict.fromkeys(type_of(arm) for arm in schema[union]))
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(str(part) for part in kind)
    if kind == "array":
        return f"{type_of(schema.get('items', {}))}[]"
    return _SHORT.get(str(kind), str(kind)) if kind else "any"


def _enum(values: list[Any]) -> str:
    shown = "|".join(str(value) for value in values[:MAX_ENUM_VALUES])
    extra = len(values) - MAX_ENUM_VALUES
    return f"{shown}|…+{extra}" if extra > 0 else shown
