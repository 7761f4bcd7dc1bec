"""A small JSON Schema validator for the subset the simulated actions use.

Supported keywords: type (a name or a list), properties, required, additionalProperties (bool or
schema), items, enum, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
maxLength, minItems, maxItems, pattern. The standard library only, so the simulator starts fast.
"""

from __future__ import annotations

import re
from typing import Any

_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


class SchemaViolation(ValueError):
    """The first place where a value breaks its schema; ``path`` names the field (``input.limit``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem


def validate(value: Any, schema: dict[str, Any], path: str = "input") -> None:
    """Raise ``SchemaViolation`` for the first part of ``value`` that breaks ``schema``."""
    _check_type(value, schema, path)
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(option) for option in schema["enum"])
        raise SchemaViolation(path, f"must be one of {allowed}")
    if isinstance(value, dict):
        _check_object(value, schema, path)
    elif isinstance(value, list):
        _check_array(value, schema, path)
    elif isinstance(value, str):
        _check_string(value, schema, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(value, schema, path)


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            or (isinstance(value, float) and value.is_integer())
        )
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    expected = {"object": dict, "array": list, "string": str, "boolean": bool}.get(name)
    if expected is not None:
        return isinstance(value, expected)
    return name == "null" and value is None


def _check_type(value: Any, schema: dict[str, Any], path: str) -> None:
    declared = schema.get("type")
    if declared is None:
        return
    names = declared if isinstance(declared, list) else [declared]
    if not any(_is_type(value, name) for name in names):
        raise SchemaViolation(
            path, "must be " + " or ".join(_TYPE_NAMES.get(str(name), str(name)) for name in names)
        )


def _check_object(value: dict[str, Any], schema: dict[str, Any], path: str) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            raise SchemaViolation(f"{path}.{name}", "is required")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            validate(item, properties[name], f"{path}.{name}")
        elif extra is False:
            raise SchemaViolation(f"{path}.{name}", "is not an allowed property")
        elif isinstance(extra, dict):
            validate(item, extra, f"{path}.{name}")


def _check_array(value: list[Any], schema: dict[str, Any], path: str) -> None:
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise SchemaViolation(path, f"must have at least {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise SchemaViolation(path, f"must have at most {schema['maxItems']} items")
    if isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            validate(item, schema["items"], f"{path}[{index}]")


def _check_string(value: str, schema: dict[str, Any], path: str) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise SchemaViolation(path, f"must be at least {schema['minLength']} characters long")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaViolation(path, f"must be at most {schema['maxLength']} characters long")
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        raise SchemaViolation(path, f"must match the pattern {schema['pattern']}")


def _check_number(value: float, schema: dict[str, Any], path: str) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise SchemaViolation(path, f"must be >= {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        raise SchemaViolation(path, f"must be <= {schema['maximum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        raise SchemaViolation(path, f"must be > {schema['exclusiveMinimum']}")
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        raise SchemaViolation(path, f"must be < {schema['exclusiveMaximum']}")
