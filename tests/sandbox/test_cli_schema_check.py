"""The small JSON Schema validator that checks action input."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.sandbox.schema_check import SchemaViolation, validate

SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[A-Z]+$"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "discount": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.99},
        "status": {
            "type": "array",
            "items": {"type": "string", "enum": ["A", "B"]},
            "minItems": 1,
            "maxItems": 2,
        },
        "flag": {"type": "boolean"},
        "nested": {"type": "object", "properties": {"x": {"type": "integer"}}, "additionalProperties": False},
        "maybe": {"type": ["string", "null"]},
    },
    "required": ["code"],
}


def test_a_value_that_fits_passes():
    validate(
        {
            "code": "ABC",
            "limit": 10,
            "discount": 0.5,
            "status": ["A", "B"],
            "flag": False,
            "nested": {"x": 1},
            "maybe": None,
            "extra": "ignored",
        },
        SCHEMA,
    )


def test_an_integral_float_counts_as_an_integer():
    validate({"code": "A", "limit": 10.0}, SCHEMA)


@pytest.mark.parametrize(
    ("value", "path", "problem"),
    [
        ({}, "input.code", "is required"),
        ({"code": 5}, "input.code", "must be a string"),
        ({"code": ""}, "input.code", "at least 1"),
        ({"code": "ABCDEF"}, "input.code", "at most 5"),
        ({"code": "abc"}, "input.code", "pattern"),
        ({"code": "A", "limit": 0}, "input.limit", ">= 1"),
        ({"code": "A", "limit": 501}, "input.limit", "<= 500"),
        ({"code": "A", "limit": 2.5}, "input.limit", "must be an integer"),
        ({"code": "A", "limit": True}, "input.limit", "must be an integer"),
        ({"code": "A", "discount": 0}, "input.discount", "> 0"),
        ({"code": "A", "discount": 0.99}, "input.discount", "< 0.99"),
        ({"code": "A", "discount": "10%"}, "input.discount", "must be a number"),
        ({"code": "A", "status": []}, "input.status", "at least 1 items"),
        ({"code": "A", "status": ["A", "B", "A"]}, "input.status", "at most 2 items"),
        ({"code": "A", "status": ["C"]}, "input.status[0]", "must be one of 'A', 'B'"),
        ({"code": "A", "flag": "yes"}, "input.flag", "must be a boolean"),
        ({"code": "A", "nested": {"y": 1}}, "input.nested.y", "not an allowed property"),
        ({"code": "A", "nested": {"x": "1"}}, "input.nested.x", "must be an integer"),
        ({"code": "A", "maybe": 3}, "input.maybe", "must be a string or null"),
        ([], "input", "must be an object"),
    ],
)
def test_the_first_violation_names_the_field_path(value, path, problem):
    with pytest.raises(SchemaViolation) as raised:
        validate(value, SCHEMA)
    assert raised.value.path == path
    assert problem in raised.value.problem


def test_additional_properties_may_be_a_schema():
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    validate({"a": 1, "b": 2}, schema)
    with pytest.raises(SchemaViolation, match=r"input\.b must be an integer"):
        validate({"a": 1, "b": "2"}, schema)
