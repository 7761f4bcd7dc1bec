"""tools/list: a reviewed snapshot of every tool's definition, plus the invariants agents rely on.

Regenerate the snapshot after a deliberate change with
``UPDATE_SNAPSHOTS=1 pytest tests/test_server_schema.py`` and review the diff. A missing
snapshot fails when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from conftest import Sandbox
from hotmart_membrane_mcp.tools import TOOL_NAMES

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools_list.json"
COMPOSITION_KEYWORDS = ("anyOf", "oneOf", "allOf")


async def listed_tools(sandbox: Sandbox, era: str = "auto") -> dict[str, dict[str, Any]]:
    """Every tool as it goes over the wire (camelCase keys), by name."""
    async with Client(sandbox.server(), mode=era) as client:
        tools = (await client.list_tools()).tools
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


async def test_tools_list_matches_the_reviewed_snapshot(sandbox: Sandbox) -> None:
    current = await listed_tools(sandbox)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or (not SNAPSHOT.exists() and not os.environ.get("CI")):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: run UPDATE_SNAPSHOTS=1 pytest and commit it"

    assert current == json.loads(SNAPSHOT.read_text()), (
        "tools/list changed: review it, then regenerate with UPDATE_SNAPSHOTS=1"
    )


async def test_both_protocol_eras_list_the_same_tools(sandbox: Sandbox) -> None:
    assert await listed_tools(sandbox, "legacy") == await listed_tools(sandbox, "auto")


async def test_the_tool_names_are_exactly_the_five_of_the_issue(sandbox: Sandbox) -> None:
    assert (
        sorted(await listed_tools(sandbox))
        == sorted(TOOL_NAMES)
        == sorted(["ensure_connection", "login", "search_actions", "run_action", "proxy_request"])
    )


async def test_every_tool_sets_title_description_and_all_four_annotations(sandbox: Sandbox) -> None:
    for name, tool in (await listed_tools(sandbox)).items():
        assert tool.get("title"), name
        assert len(tool["description"]) > 80, name
        hints = tool["annotations"]
        assert {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} <= hints.keys(), name
        assert all(isinstance(hints[key], bool) for key in hints if key.endswith("Hint")), name


async def test_annotations_are_truthful_about_reads_and_writes(sandbox: Sandbox) -> None:
    tools = await listed_tools(sandbox)
    hints = {name: tool["annotations"] for name, tool in tools.items()}

    assert hints["search_actions"]["readOnlyHint"] is True
    for name in ("ensure_connection", "login"):
        assert hints[name]["readOnlyHint"] is False and hints[name]["destructiveHint"] is False
    for name in ("run_action", "proxy_request"):
        assert hints[name]["readOnlyHint"] is False and hints[name]["destructiveHint"] is True
    assert all(hint["openWorldHint"] is True for hint in hints.values())


async def test_input_schemas_have_no_top_level_composition_and_describe_every_field(sandbox: Sandbox) -> None:
    for name, tool in (await listed_tools(sandbox)).items():
        schema = tool["inputSchema"]
        assert schema["type"] == "object", name
        assert not any(keyword in schema for keyword in COMPOSITION_KEYWORDS), name
        for field, definition in schema["properties"].items():
            assert definition.get("description"), f"{name}.{field} has no description"


async def test_every_tool_has_an_output_schema(sandbox: Sandbox) -> None:
    for name, tool in (await listed_tools(sandbox)).items():
        assert tool["outputSchema"]["type"] == "object", name


async def test_run_action_and_proxy_request_outputs_start_with_status(sandbox: Sandbox) -> None:
    tools = await listed_tools(sandbox)

    for name in ("run_action", "proxy_request"):
        assert next(iter(tools[name]["outputSchema"]["properties"])) == "status"
