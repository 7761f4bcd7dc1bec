"""Every listed schema is portable: the MCP Inspector's `--strict` schema rules, encoded in Python.

The Inspector (2.12, Node 22) lints tool schemas for what MCP clients reject even though it is
legal JSON Schema (modelcontextprotocol/inspector PR #2121, issue #1005); we cannot run it here,
so these are its rules as far as they are documented, applied to every inputSchema and
outputSchema at every position a schema can sit:

- ``type-union``: ``type`` written as an array (``["string", "null"]``), which clients whose
  function-calling schema is an OpenAPI subset (Gemini, for one) reject or degrade;
- ``boolean-schema``: a bare ``true``/``false`` where a schema object is expected;
- ``no-validation-keyword``: a property schema that constrains nothing (no type, enum, const,
  anyOf, oneOf, allOf, $ref or not);
- ``anyof-needs-type``: an anyOf/oneOf arm without a type (Gemini rejects it);
- ``nullable``: the OpenAPI 3.0 keyword, which is not JSON Schema.

On main before issue #10 (bba4c90) these rules find exactly what the Inspector reported: 62
``type-union`` and 3 ``no-validation-keyword`` (proxy_request's body in and out, run_action's
output).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hotmart_membrane_mcp.config import WritesMode
from sandbox_harness import Sandbox

pytestmark = pytest.mark.anyio

VALIDATION_KEYWORDS = frozenset({"type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"})
# Keywords whose value is one schema, a list of schemas, or a map of names to schemas.
ONE_SCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames", "unevaluatedProperties")
SCHEMA_LIST = ("anyOf", "oneOf", "allOf", "prefixItems")
SCHEMA_MAP = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
BOOLEAN_ALLOWED = ("additionalProperties", "unevaluatedProperties")


def findings(
    schema: Any, path: str = "", *, keyword: str | None = None, is_property: bool = False
) -> Iterator[str]:
    """Every rule ``schema`` breaks, as ``rule at path``."""
    if isinstance(schema, bool):
        if keyword not in BOOLEAN_ALLOWED:
            yield f"boolean-schema at {path}"
        return
    if not isinstance(schema, dict):
        yield f"not-a-schema at {path}"
        return
    if isinstance(schema.get("type"), list):
        yield f"type-union at {path}"
    if "nullable" in schema:
        yield f"nullable at {path}"
    if is_property and not schema.keys() & VALIDATION_KEYWORDS:
        yield f"no-validation-keyword at {path}"
    for name in ONE_SCHEMA:
        if name in schema:
            yield from findings(schema[name], f"{path}/{name}", keyword=name)
    for name in SCHEMA_LIST:
        for index, arm in enumerate(schema.get(name) or ()):
            if (
                name in ("anyOf", "oneOf")
                and isinstance(arm, dict)
                and not arm.keys() & {"type", "$ref", "enum", "const"}
            ):
                yield f"anyof-needs-type at {path}/{name}/{index}"
            yield from findings(arm, f"{path}/{name}/{index}", keyword=name)
    for name in SCHEMA_MAP:
        for key, sub in (schema.get(name) or {}).items():
            yield from findings(sub, f"{path}/{name}/{key}", keyword=name, is_property=name == "properties")


def test_the_rules_catch_what_they_are_about() -> None:
    bad = {
        "type": "object",
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"description": "anything"},
            "c": True,
            "d": {"anyOf": [{"type": "string"}, {"description": "x"}]},
            "e": {"type": "string", "nullable": True},
            "f": {"type": "object", "additionalProperties": True},
        },
    }
    assert sorted(findings(bad)) == [
        "anyof-needs-type at /properties/d/anyOf/1",
        "boolean-schema at /properties/c",
        "no-validation-keyword at /properties/b",
        "nullable at /properties/e",
        "type-union at /properties/a",
    ]


@pytest.fixture(params=["confirm", "allow", "deny"])
def mode(request: pytest.FixtureRequest) -> WritesMode:
    return request.param


async def test_every_listed_schema_follows_the_portability_rules_in_every_mode(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    server = sandbox.server(writes=mode)
    problems = []
    for tool in await server.list_tools():
        for kind, schema in (("inputSchema", tool.input_schema), ("outputSchema", tool.output_schema)):
            assert schema is not None and schema.get("type") == "object", (tool.name, kind)
            problems += [f"{tool.name}.{kind}: {finding}" for finding in findings(schema)]
    assert problems == []
