"""run_action's local input check: it names the failing field, and steps aside when it cannot judge."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.tools.input_check import check_input_against_schema

SCHEMA = {
    "type": "object",
    "properties": {"max_results": {"type": "integer", "maximum": 500}, "extra": {"$ref": "#/$defs/Extra"}},
    "$defs": {"Extra": {"type": "string"}},
}


def test_a_field_that_breaks_the_schema_is_named_with_its_path() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_input_against_schema(SCHEMA, {"max_results": 501})
    assert caught.value.details["field"] == "input.max_results"


def test_a_resolvable_ref_is_followed() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_input_against_schema(SCHEMA, {"extra": 1})
    assert caught.value.details["field"] == "input.extra"


@pytest.mark.parametrize("ref", ["#/$defs/Missing", "https://schemas.example.com/extra.json"])
def test_a_ref_that_cannot_be_resolved_leaves_the_input_to_membrane_instead_of_crashing(ref: str) -> None:
    schema = {"type": "object", "properties": {"extra": {"$ref": ref}}}
    check_input_against_schema(schema, {"extra": 1})  # no exception: Membrane checks it itself
