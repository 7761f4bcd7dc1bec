"""deny and allow modes through the in-memory client against the simulator, and allow's start-up warning."""

from __future__ import annotations

import logging

import pytest
from mcp import Client

from hotmart_membrane_mcp.app import warn_if_writes_run_unasked
from hotmart_membrane_mcp.config import WritesMode
from safety_harness import WRITE_CASES, Answers, Rig, accept, write_case
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_deny_mode_refuses_every_write_with_writes_disabled_and_changes_nothing(
    sandbox: Sandbox, era: str, name: str
) -> None:
    rig = Rig(sandbox, writes="deny")
    case = write_case(rig, name)
    before = case.observe()
    answers = accept()
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        error = await call_error(client, case.tool, case.arguments)

    assert error["error_type"] == "writes_disabled"
    assert "read-only" in error["message"]
    assert error["operation"]
    assert answers.asked == []
    assert case.observe() == before
    assert rig.recorded_writes() == {}
    assert rig.runner.writes() == []


async def test_deny_mode_refuses_a_proxy_write_before_spawning_anything(sandbox: Sandbox) -> None:
    rig = Rig(sandbox, writes="deny")
    case = write_case(rig, "proxy-refund")
    async with Client(rig.server) as client:
        error = await call_error(client, case.tool, case.arguments)

    assert error["error_type"] == "writes_disabled"
    assert rig.runner.calls == []


async def test_deny_mode_refuses_an_action_write_after_reading_only_its_definition(sandbox: Sandbox) -> None:
    rig = Rig(sandbox, writes="deny")
    case = write_case(rig, "action-refund")
    async with Client(rig.server) as client:
        error = await call_error(client, case.tool, case.arguments)

    assert error["error_type"] == "writes_disabled"
    # Classifying an action needs its definition (`action get`); nothing else may run.
    assert [call[:2] for call in rig.runner.calls] == [("action", "get")]


async def test_deny_mode_still_answers_reads(sandbox: Sandbox, era: str) -> None:
    rig = Rig(sandbox, writes="deny")
    async with Client(rig.server, mode=era) as client:
        proxied = await call_ok(
            client, "proxy_request", {"path": "/payments/api/v1/sales/history", "query": {"max_results": 1}}
        )
        listed = await call_ok(client, "run_action", {"action_id": "list-sales", "input": {"max_results": 1}})

    assert proxied["status"] == listed["status"] == "ok"
    assert len(proxied["body"]["items"]) == len(listed["output"]["items"]) == 1


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_allow_mode_performs_every_write_without_asking(sandbox: Sandbox, era: str, name: str) -> None:
    rig = Rig(sandbox, writes="allow")
    case = write_case(rig, name)
    answers = Answers("decline")  # were the user asked, the write would not happen
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        done = await call_ok(client, case.tool, case.arguments)

    assert done["status"] == "ok"
    assert case.observe() == case.after
    assert answers.asked == []
    assert len(rig.runner.writes()) == 1


@pytest.mark.parametrize(("mode", "warned"), [("allow", True), ("confirm", False), ("deny", False)])
def test_only_allow_mode_warns_at_start_that_writes_run_unasked(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, mode: WritesMode, warned: bool
) -> None:
    with caplog.at_level(logging.INFO, logger="hotmart_membrane_mcp"):
        warn_if_writes_run_unasked(sandbox.settings(writes=mode))

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert "HOTMART_MCP_WRITES=allow" in warnings[0].getMessage()
        assert "without asking" in warnings[0].getMessage()
