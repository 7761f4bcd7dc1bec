"""Compact, portable JSON Schemas for tools/list: what an agent needs, in few characters.

Every tools/list is paid for in the agent's context window (the first complaint about peer MCP servers), and
pydantic's schemas carry weight that tells an agent nothing: a ``title`` on every property
(its own name reworded) and on the schema itself, ``"default": null`` on optional values and
JSON Schema's own defaults (``"additionalProperties": true``, ``"items": {}``).

Portability (issue #10): clients whose function-calling schema is an OpenAPI subset (Gemini,
for one) reject or degrade ``type`` written as an array (``["string", "null"]``), so no listed
schema has one. An optional argument is listed without its null arm: leaving it out is how an
agent says "none" (the server still accepts an explicit null). Other unions stay ``anyOf`` with a
type in every arm. String length limits are not listed: the server enforces them (an
``invalid_input`` naming the field), some strict clients reject the keywords, and no agent
writes a 2,000-character path.

Output schemas are listed minimal (:func:`minimal_output_schema`): each top-level field with its
type only, leaving out optional fields that may be null. Clients validate structured results
against them, so they must accept everything the full model allows; they need not describe it,
since the model reads the result, not the schema.
"""

from __future__ import annotations

from typing import Any

from mcp.types import Tool

_MAX_LISTED_ENUM = 8
_LENGTH_KEYWORDS = frozenset({"minLength", "maxLength"})
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains", "propertyNames")


def compact_schema(schema: dict[str, Any], *, keep_defaults: bool = True) -> dict[str, Any]:
    """A copy of ``schema`` without titles or redundant keywords (same instances valid).

    Args:
        schema: a JSON Schema as pydantic generates it (not modified).
        keep_defaults: False drops every ``default``; True drops only ``"default": null``, which an
            optional input's absence from ``required`` already says.
    """
    compacted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and (not keep_defaults or value is None or value is False):
            continue  # an optional flag's absence already says false
        if (key == "additionalProperties" and value is True) or (key == "items" and value == {}):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: _compact_value(sub, keep_defaults) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            value = [_compact_value(sub, keep_defaults) for sub in value]
        elif key in _SCHEMA_VALUES:
            value = _compact_value(value, keep_defaults)
        compacted[key] = value
    return _without_subsumed_integer(compacted)


def _compact_value(value: Any, keep_defaults: bool) -> Any:
    return compact_schema(value, keep_defaults=keep_defaults) if isinstance(value, dict) else value


def _without_subsumed_integer(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` with both a bare integer and a bare number arm needs only the number arm."""
    arms = schema.get("anyOf")
    if not isinstance(arms, list) or {"type": "integer"} not in arms or {"type": "number"} not in arms:
        return schema
    return {**schema, "anyOf": [arm for arm in arms if arm != {"type": "integer"}]}


def compact_input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A tool's input schema, compacted, without string length limits, and each optional argument
    listed without its null arm."""
    compacted = without_length_limits(compact_schema(schema))
    required = set(compacted.get("required", ()))
    properties = compacted.get("properties")
    if isinstance(properties, dict):
        compacted["properties"] = {
            name: sub if name in required else _without_null_arm(sub) for name, sub in properties.items()
        }
    return compacted


def without_length_limits(schema: Any) -> Any:
    """``schema`` without ``minLength``/``maxLength`` anywhere (the server still enforces them)."""
    if isinstance(schema, list):
        return [without_length_limits(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _LENGTH_KEYWORDS:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: without_length_limits(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS or key in _SCHEMA_VALUES:
            value = without_length_limits(value)
        kept[key] = value
    return kept


def _without_null_arm(schema: Any) -> Any:
    if not isinstance(schema, dict) or not isinstance(schema.get("anyOf"), list):
        return schema
    arms = [arm for arm in schema["anyOf"] if arm != {"type": "null"}]
    if len(arms) == len(schema["anyOf"]) or not arms:
        return schema
    siblings = {key: value for key, value in schema.items() if key != "anyOf"}
    if len(arms) == 1 and isinstance(arms[0], dict) and not arms[0].keys() & siblings.keys():
        return {**arms[0], **siblings}
    return {"anyOf": arms, **siblings}


def minimal_output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Each top-level field of an output schema with its type only; fields of any type are left out.

    Accepts every instance ``schema`` accepts (the fields it lists are only loosened, the rest
    are free), so clients that validate structured results never reject a real one.
    """
    definitions = schema.get("$defs", {})
    required_names = set(schema.get("required", ()))
    properties: dict[str, Any] = {}
    for name, sub in (schema.get("properties") or {}).items():
        shallow = _shallow(sub, definitions)
        # An optional field that may be null costs an anyOf and tells a client nothing it can rely on.
        if shallow is not None and (name in required_names or not _nullable(shallow)):
            properties[name] = shallow
    minimal: dict[str, Any] = {"type": "object", "properties": properties}
    required = [name for name in schema.get("required", ()) if name in properties]
    if required:
        minimal["required"] = required
    return minimal


def _nullable(schema: dict[str, Any]) -> bool:
    return {"type": "null"} in schema.get("anyOf", ())


def _shallow(schema: Any, definitions: dict[str, Any]) -> dict[str, Any] | None:
    """The type (and a short enum) of one field; None when it may be any JSON value."""
    if not isinstance(schema, dict):
        return None
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        return _shallow(definitions.get(reference.rsplit("/", 1)[-1]), definitions)
    if isinstance(schema.get("anyOf"), list):
        arms = [_shallow(arm, definitions) for arm in schema["anyOf"]]
        if any(arm is None for arm in arms):
            return None
        unique = [arm for index, arm in enumerate(arms) if arm not in arms[:index]]
        return unique[0] if len(unique) == 1 else {"anyOf": unique}
    kind = schema.get("type")
    if not isinstance(kind, str):
        return None
    if isinstance(schema.get("enum"), list) and len(schema["enum"]) <= _MAX_LISTED_ENUM:
        return {"type": kind, "enum": schema["enum"]}
    return {"type": kind}


def compact_tool(tool: Tool) -> Tool:
    """``tool`` as listed: compact input schema, minimal output schema."""
    update: dict[str, Any] = {"input_schema": compact_input_schema(tool.input_schema)}
    if tool.output_schema is not None:
        update["output_schema"] = minimal_output_schema(tool.output_schema)
    return tool.model_copy(update=update)
