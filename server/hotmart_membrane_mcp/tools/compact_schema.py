"""Compact JSON Schemas for tools/list: the same constraints in fewer characters.

Every tools/list is paid for in the agent's context window (peers.md, pain point 1), and
pydantic's schemas carry weight that tells an agent nothing: a ``title`` on every property
(its own name reworded) and on the schema itself, ``"default": null`` on optional values, JSON
Schema's own defaults (``"additionalProperties": true``, ``"items": {}``), and
``anyOf: [{"type": X}, {"type": "null"}]`` for what ``"type": [X, "null"]`` says. The rewrite is
schema-aware (a property *named* title or default is kept) and validates exactly the same
instances: clients check structured results against the output schema.
"""

from __future__ import annotations

from typing import Any

from mcp.types import Tool

_NUMERIC = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
# The keywords that constrain only instances of one type: merging `{"type": "string", "maxLength": 9}`
# with `{"type": "integer"}` into one schema of two types leaves every instance's verdict unchanged.
_KEYWORDS_OF_TYPE: dict[str, frozenset[str]] = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "integer": _NUMERIC,
    "number": _NUMERIC,
    "array": frozenset({"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}),
    "object": frozenset(
        {
            "properties",
            "additionalProperties",
            "required",
            "minProperties",
            "maxProperties",
            "patternProperties",
            "propertyNames",
        }
    ),
    "boolean": frozenset(),
    "null": frozenset(),
}
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains", "propertyNames")


def compact_schema(schema: dict[str, Any], *, keep_defaults: bool = True) -> dict[str, Any]:
    """A copy of ``schema`` without titles or redundant keywords, and with simple unions as type lists.

    Args:
        schema: a JSON Schema as pydantic generates it (not modified).
        keep_defaults: False drops every ``default`` (right for output schemas, where a default
            documents nothing the agent reads); True drops only ``"default": null``, which an
            optional input's absence from ``required`` already says.
    """
    compacted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and (not keep_defaults or value is None):
            continue
        if (key == "additionalProperties" and value is True) or (key == "items" and value == {}):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: _compact_value(sub, keep_defaults) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            value = [_compact_value(sub, keep_defaults) for sub in value]
        elif key in _SCHEMA_VALUES:
            value = _compact_value(value, keep_defaults)
        compacted[key] = value
    return _merge_simple_union(compacted)


def _compact_value(value: Any, keep_defaults: bool) -> Any:
    return compact_schema(value, keep_defaults=keep_defaults) if isinstance(value, dict) else value


def _merge_simple_union(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` of plain typed schemas as one schema with a list of types, when that is equivalent."""
    arms = schema.get("anyOf")
    if not isinstance(arms, list) or len(arms) < 2:
        return schema
    merged = _merged_arms(arms)
    siblings = {key: value for key, value in schema.items() if key != "anyOf"}
    if merged is None or siblings.keys() & merged.keys():
        return schema
    return {**merged, **siblings}


def _merged_arms(arms: list[Any]) -> dict[str, Any] | None:
    if any(not isinstance(arm, dict) or not isinstance(arm.get("type"), str) for arm in arms):
        return None
    types = [arm["type"] for arm in arms]
    if len(set(types)) != len(types) or not set(types) <= _KEYWORDS_OF_TYPE.keys():
        return None
    enum_arm = _nullable_enum(arms)
    if enum_arm is not None:
        return enum_arm
    merged: dict[str, Any] = {"type": types}
    for arm in arms:
        own = {key: value for key, value in arm.items() if key != "type"}
        if not own.keys() <= _KEYWORDS_OF_TYPE[arm["type"]]:
            return None  # a keyword such as enum or description would then apply to every type
        for other in arms:
            if other is not arm and own.keys() & _KEYWORDS_OF_TYPE[other["type"]]:
                return None  # e.g. a minimum on integer would start to bind number too
        merged.update(own)
    return merged


def _nullable_enum(arms: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``[{"enum": [...], "type": T}, {"type": "null"}]`` as one enum that also allows null."""
    if len(arms) != 2 or arms[1] != {"type": "null"}:
        return None
    first = arms[0]
    if set(first) != {"type", "enum"} or not isinstance(first["enum"], list):
        return None
    return {"type": [first["type"], "null"], "enum": [*first["enum"], None]}


def compact_tool(tool: Tool) -> Tool:
    """``tool`` as listed, with both schemas compacted (output defaults dropped too)."""
    update: dict[str, Any] = {"input_schema": compact_schema(tool.input_schema)}
    if tool.output_schema is not None:
        update["output_schema"] = compact_schema(tool.output_schema, keep_defaults=False)
    return tool.model_copy(update=update)
