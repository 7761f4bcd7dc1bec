"""tools/list schemas are compacted: fewer characters, and never stricter than what the server accepts.

Inputs accept exactly what the generated schema accepts, except an explicit null for an optional
argument (leave it out instead) and string lengths (the server enforces them). Outputs are
minimal: they accept every result the generated schema accepts.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from mcp.server.mcpserver import MCPServer
from mcp.types import Tool

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings, WritesMode
from hotmart_membrane_mcp.server import build_server
from hotmart_membrane_mcp.tools.compact_schema import (
    compact_input_schema,
    compact_schema,
    minimal_output_schema,
    without_length_limits,
)

# The reviewed snapshots catch every change; these catch a drift back towards the ~27,500
# characters the six tools cost before issue #5, and the ~18,000 (8,800 model-visible) before #10.
TOOLS_LIST_BUDGET_CHARS = 12_000
MODEL_VISIBLE_BUDGET_CHARS = 6_000
LENGTH_EDGES = (0, 1, 39, 40, 41, 127, 128, 129, 199, 200, 201, 254, 255, 256, 1999, 2000, 2001)
WORDS = ("GET", "DELETE", "ok", "declined", "confirmation_required", "accept", "cancel", "BRL", "x")


def listed_tools(mode: WritesMode = "confirm") -> tuple[list[Tool], list[Tool]]:
    """(what the SDK would list, what our server lists) for a server in write ``mode``."""

    async def both() -> tuple[list[Tool], list[Tool]]:
        with tempfile.TemporaryDirectory() as state_dir:
            settings = Settings(
                membrane_command=SANDBOX_COMMAND, sandbox=True, sandbox_dir=state_dir, writes=mode
            )
            server = build_server(settings, None)  # type: ignore[arg-type]  # listing never calls Membrane
            return await MCPServer.list_tools(server), await server.list_tools()

    return anyio.run(both)


@cache
def schema_pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(label, schema as pydantic made it, schema as listed) for every tool's input and output."""
    original, compacted = listed_tools()
    pairs = []
    for before, after in zip(original, compacted, strict=True):
        pairs.append((f"{before.name}.input", before.input_schema, after.input_schema))
        assert before.output_schema is not None and after.output_schema is not None
        pairs.append((f"{before.name}.output", before.output_schema, after.output_schema))
    return pairs


@cache
def noise(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Any JSON value, leaning to the schemas' edges: lengths around every maxLength, enum words, null."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**15), 10**15)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from(LENGTH_EDGES).map(lambda n: "a" * n)
        | st.sampled_from(WORDS)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=3),
        max_leaves=8,
    )


def near_valid(schema: dict[str, Any], root: dict[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Values valid for ``schema``, except where noise replaced a value or a key was dropped.

    Random JSON almost never satisfies a whole schema, and where both schemas refuse an instance
    they agree for free; mostly-valid instances reach the constraints that compacting rewrote.
    """
    valid, wrong = valid_for(schema, root, keys), noise(keys)
    # One value in 16 is noise; a middle pick, because hypothesis draws an integer's bounds often.
    return st.integers(0, 15).flatmap(lambda pick: wrong if pick == 7 else valid)


def valid_for(schema: dict[str, Any], root: dict[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Values valid for ``schema`` at its top level (their parts are ``near_valid``)."""
    if "$ref" in schema:
        return near_valid(root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root, keys)
    if "anyOf" in schema:
        return st.one_of([near_valid(arm, root, keys) for arm in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        low, high = schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)
        return st.integers(low, high) | st.sampled_from([low - 1, low, high, high + 1])
    if kind == "string":
        edge = schema.get("maxLength", 20)
        return st.text(max_size=min(edge, 20)) | st.sampled_from([edge - 1, edge, edge + 1]).map(
            lambda n: "a" * n
        )
    if kind == "array":
        items = near_valid(schema.get("items", {}), root, keys)
        return st.lists(items, max_size=schema.get("maxItems", 3) + 1)
    if kind == "object":
        return objects(schema, root, keys)
    return noise(keys)


def objects(schema: dict[str, Any], root: dict[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Objects with the schema's properties (one in 8 missing a key), or a map of its values."""
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    if not properties:
        values = near_valid(extra, root, keys) if isinstance(extra, dict) else noise(keys)
        return st.dictionaries(st.sampled_from([*keys, "BRL"]), values, max_size=3)
    required = set(schema.get("required", ()))
    strategies = {name: near_valid(sub, root, keys) for name, sub in properties.items()}
    whole = st.fixed_dictionaries(
        {name: value for name, value in strategies.items() if name in required},
        optional={name: value for name, value in strategies.items() if name not in required},
    )
    dropped = st.integers(0, 7).flatmap(
        lambda pick: st.sampled_from(sorted(properties)) if pick == 3 else st.none()
    )
    return st.tuples(whole, dropped).map(lambda pair: {k: v for k, v in pair[0].items() if k != pair[1]})


def property_names(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = set(schema.get("properties", {}))
        return found.union(*(property_names(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(property_names(value) for value in schema))
    return set()


@cache
def instances() -> st.SearchStrategy[tuple[int, Any]]:
    """(index into schema_pairs, an instance near the edge of that pair's generated schema)."""
    per_schema = []
    for index, (_, before, _) in enumerate(schema_pairs()):
        keys = (*sorted(property_names(before)), "unknown_key")
        per_schema.append(st.tuples(st.just(index), near_valid(before, before, keys)))
    return st.one_of(per_schema)


@cache
def validators(index: int) -> tuple[Draft202012Validator, Draft202012Validator]:
    label, before, after = schema_pairs()[index]
    if label.endswith(".input"):
        before = without_length_limits(before)
    return Draft202012Validator(before), Draft202012Validator(after)


def null_for_an_optional_argument(schema: dict[str, Any], instance: Any) -> bool:
    required = set(schema.get("required", ()))
    return isinstance(instance, dict) and any(
        value is None and name not in required for name, value in instance.items()
    )


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.deferred(lambda: instances()))
def test_every_listed_schema_accepts_what_the_generated_one_accepts(case: tuple[int, Any]) -> None:
    index, instance = case
    label, before, _ = schema_pairs()[index]
    generated, listed = validators(index)

    if label.endswith(".output"):
        assert listed.is_valid(instance) or not generated.is_valid(instance), (label, instance)
    elif not null_for_an_optional_argument(before, instance):
        assert listed.is_valid(instance) == generated.is_valid(instance), (label, instance)


@pytest.mark.parametrize("mode", ["confirm", "allow", "deny"])
def test_tools_list_stays_within_its_character_budget_in_every_mode(mode: WritesMode) -> None:
    original, compacted = listed_tools(mode)

    def size(tools: list[Tool]) -> int:
        return len(
            json.dumps([tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools])
        )

    def model_visible(tools: list[Tool]) -> int:
        return len(
            json.dumps(
                [
                    {"name": t.name, "description": t.description, "inputSchema": t.input_schema}
                    for t in tools
                ],
                separators=(",", ":"),
                ensure_ascii=False,
            )
        )

    assert size(compacted) <= TOOLS_LIST_BUDGET_CHARS, size(compacted)
    assert model_visible(compacted) <= MODEL_VISIBLE_BUDGET_CHARS, model_visible(compacted)
    assert size(compacted) < size(original)


def test_listed_schemas_carry_no_titles_null_defaults_or_nullable_inputs_and_are_valid_schemas() -> None:
    def check(schema: Any, where: str) -> None:
        if isinstance(schema, list):
            for item in schema:
                check(item, where)
            return
        if not isinstance(schema, dict):
            return
        assert "title" not in schema, where
        assert schema.get("default", 0) is not None, where
        if where.endswith(".input"):
            assert {"type": "null"} not in schema.get("anyOf", []), where
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    check(sub, f"{where}.{name}")
            elif key not in ("enum", "default", "required"):
                check(value, where)

    for label, _, after in schema_pairs():
        Draft202012Validator.check_schema(after)
        check(after, label)


def test_titles_go_but_a_property_named_title_or_default_stays() -> None:
    schema = {
        "title": "Model",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string", "default": "x"},
            "default": {
                "title": "Default",
                "anyOf": [{"type": "integer"}, {"type": "null"}],
                "default": None,
            },
        },
    }

    assert compact_schema(schema) == {
        "type": "object",
        "properties": {
            "title": {"type": "string", "default": "x"},
            "default": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
    }
    assert compact_schema(schema, keep_defaults=False)["properties"]["title"] == {"type": "string"}


def test_unions_stay_anyof_and_an_integer_arm_beside_a_number_arm_goes() -> None:
    string_or_list = {
        "anyOf": [{"type": "string", "maxLength": 9}, {"type": "array", "items": {"type": "string"}}]
    }
    scalar = {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}]}

    assert compact_schema(string_or_list) == string_or_list
    assert compact_schema(scalar) == {"anyOf": [{"type": "string"}, {"type": "number"}]}


def test_an_optional_argument_is_listed_without_its_null_arm_and_a_required_one_keeps_it() -> None:
    schema = {
        "type": "object",
        "properties": {
            "answer": {
                "anyOf": [{"enum": ["accept", "decline"], "type": "string"}, {"type": "null"}],
                "default": None,
            },
            "must": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}], "description": "d"},
        },
        "required": ["must"],
    }

    listed = compact_input_schema(schema)

    assert listed["properties"]["answer"] == {"enum": ["accept", "decline"], "type": "string"}
    assert listed["properties"]["must"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "d",
    }


def test_a_minimal_output_schema_types_the_top_level_fields_and_still_accepts_null_where_required() -> None:
    schema = {
        "type": "object",
        "$defs": {"Action": {"type": "object", "properties": {"type": {"type": "string"}}}},
        "properties": {
            "status": {"enum": ["ok", "declined"], "type": "string"},
            "action": {"anyOf": [{"$ref": "#/$defs/Action"}, {"type": "null"}]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            "output": {"description": "anything"},
        },
        "required": ["status", "action", "output"],
    }

    minimal = minimal_output_schema(schema)

    assert minimal == {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["ok", "declined"]},
            "action": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        },
        "required": ["status", "action"],
    }
    assert Draft202012Validator(minimal).is_valid({"status": "ok", "action": None, "output": [1]})
