"""tools/list: a reviewed snapshot per write mode of every tool's definition, plus the invariants.

Regenerate the snapshots after a deliberate change with
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

from hotmart_membrane_mcp.config import WRITES_MODES, WritesMode
from hotmart_membrane_mcp.tools import TOOL_NAMES
from hotmart_membrane_mcp.tools.models import ProxyRequestOutput, RunActionOutput
from sandbox_harness import Sandbox

pytestmark = pytest.mark.anyio

SNAPSHOTS = Path(__file__).parent / "snapshots"
COMPOSITION_KEYWORDS = ("anyOf", "oneOf", "allOf")
WRITING_TOOLS = ("run_action", "proxy_request")


@pytest.fixture(params=WRITES_MODES)
def mode(request: pytest.FixtureRequest) -> WritesMode:
    """Every check below holds in each HOTMART_MCP_WRITES mode."""
    return request.param


async def listed_tools(sandbox: Sandbox, era: str = "auto", mode: WritesMode = "confirm") -> dict[str, Any]:
    """Every tool as it goes over the wire (camelCase keys), by name."""
    async with Client(sandbox.server(writes=mode), mode=era) as client:
        tools = (await client.list_tools()).tools
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


async def test_tools_list_matches_the_reviewed_snapshot_of_each_mode(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    snapshot = SNAPSHOTS / f"tools_list.{mode}.json"
    current = await listed_tools(sandbox, mode=mode)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or (not snapshot.exists() and not os.environ.get("CI")):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert snapshot.exists(), f"{snapshot} is missing: run UPDATE_SNAPSHOTS=1 pytest and commit it"

    assert current == json.loads(snapshot.read_text()), (
        "tools/list changed: review it, then regenerate with UPDATE_SNAPSHOTS=1"
    )


async def test_both_protocol_eras_list_the_same_tools(sandbox: Sandbox, mode: WritesMode) -> None:
    assert await listed_tools(sandbox, "legacy", mode) == await listed_tools(sandbox, "auto", mode)


async def test_the_tool_names_are_the_five_of_the_core_issue_plus_sales_summary(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    assert (
        sorted(await listed_tools(sandbox, mode=mode))
        == sorted(TOOL_NAMES)
        == sorted(
            ["ensure_connection", "login", "search_actions", "run_action", "proxy_request", "sales_summary"]
        )
    )


async def test_every_tool_sets_title_description_and_all_four_annotations(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    for name, tool in (await listed_tools(sandbox, mode=mode)).items():
        assert tool.get("title"), name
        assert len(tool["description"]) > 80, name
        hints = tool["annotations"]
        assert {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} <= hints.keys(), name
        assert all(isinstance(hints[key], bool) for key in hints if key.endswith("Hint")), name


async def test_the_tools_that_never_write_are_annotated_the_same_in_every_mode(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    hints = {name: tool["annotations"] for name, tool in (await listed_tools(sandbox, mode=mode)).items()}

    assert hints["search_actions"]["readOnlyHint"] is True
    for name in ("ensure_connection", "login"):
        assert hints[name]["readOnlyHint"] is False and hints[name]["destructiveHint"] is False
    assert all(hint["openWorldHint"] is True for hint in hints.values())


async def test_a_read_only_server_says_its_writing_tools_only_read_and_refuse_writes(
    sandbox: Sandbox,
) -> None:
    tools = await listed_tools(sandbox, mode="deny")

    for name in WRITING_TOOLS:
        hints = tools[name]["annotations"]
        assert hints["destructiveHint"] is False and hints["idempotentHint"] is True, name
        assert "read-only" in tools[name]["description"], name
        assert "writes_disabled" in tools[name]["description"], name
    assert tools["run_action"]["annotations"]["readOnlyHint"] is True
    # save_to still creates a (new, never overwritten) export file, so proxy_request is not read-only.
    assert tools["proxy_request"]["annotations"]["readOnlyHint"] is False
    assert "save_to" in tools["proxy_request"]["description"]


@pytest.mark.parametrize("mode", ["confirm", "allow"])
async def test_a_server_that_writes_marks_its_writing_tools_destructive_and_not_idempotent(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    tools = await listed_tools(sandbox, mode=mode)

    for name in WRITING_TOOLS:
        hints = tools[name]["annotations"]
        assert (hints["readOnlyHint"], hints["destructiveHint"], hints["idempotentHint"]) == (
            False,
            True,
            False,
        )


async def test_confirm_mode_descriptions_explain_the_confirmation_flow(sandbox: Sandbox) -> None:
    tools = await listed_tools(sandbox, mode="confirm")

    for name in WRITING_TOOLS:
        description = tools[name]["description"]
        assert "confirmation_required" in description and "confirm_token" in description, name
        assert f"only if they agree, call {name} again with exactly the same arguments" in description, name
        assert "confirm_token" in tools[name]["inputSchema"]["properties"], name


async def test_allow_mode_descriptions_say_writes_run_without_asking(sandbox: Sandbox) -> None:
    tools = await listed_tools(sandbox, mode="allow")

    for name in WRITING_TOOLS:
        assert "without asking" in tools[name]["description"], name
        assert "confirmation_required" not in tools[name]["description"], name


async def test_input_schemas_have_no_top_level_composition_and_describe_every_field(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    for name, tool in (await listed_tools(sandbox, mode=mode)).items():
        schema = tool["inputSchema"]
        assert schema["type"] == "object", name
        assert not any(keyword in schema for keyword in COMPOSITION_KEYWORDS), name
        for field, definition in schema["properties"].items():
            assert definition.get("description"), f"{name}.{field} has no description"


async def test_every_tool_has_an_output_schema(sandbox: Sandbox, mode: WritesMode) -> None:
    for name, tool in (await listed_tools(sandbox, mode=mode)).items():
        assert tool["outputSchema"]["type"] == "object", name


async def test_writing_tool_outputs_start_with_a_status_of_ok_confirmation_required_or_declined(
    sandbox: Sandbox, mode: WritesMode
) -> None:
    tools = await listed_tools(sandbox, mode=mode)

    for name in WRITING_TOOLS:
        properties = tools[name]["outputSchema"]["properties"]
        assert next(iter(properties)) == "status"
        assert properties["status"]["enum"] == ["ok", "confirmation_required", "declined"]
        assert tools[name]["outputSchema"]["required"][0] == "status"
    # The confirmation fields are optional and may be null, so the minimal listed schema leaves them
    # out (tools/compact_schema.py); the models still declare them.
    for model in (RunActionOutput, ProxyRequestOutput):
        assert {"summary", "confirm_token", "expires_in_s", "irreversible", "reason", "next_step"} <= set(
            model.model_fields
        )
