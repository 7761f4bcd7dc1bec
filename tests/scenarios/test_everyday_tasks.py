"""Everyday seller tasks through the MCP client on the simulator: each answer equals the ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from sandbox_harness import Sandbox

from .tasks import NOW_MS, SCENARIOS, Agent, Scenario, World

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.task.__name__ for scenario in SCENARIOS])
async def test_the_agent_answer_equals_the_ground_truth(
    sandbox: Sandbox, tmp_path: Path, scenario: Scenario
) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    exports = tmp_path / "exports"
    server = sandbox.server(writes=scenario.writes, export_dir=str(exports))
    async with Client(server) as client:
        agent = Agent(client)
        outcome = await scenario.task(agent, World(sandbox.dir, exports))

    assert outcome.answer == outcome.truth
    assert agent.calls >= 1 and agent.chars > 0


async def test_the_sales_questions_take_one_call_each(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    async with Client(sandbox.server()) as client:
        for scenario in SCENARIOS[:2]:
            agent = Agent(client)
            await scenario.task(agent, World(sandbox.dir, tmp_path))
            assert agent.calls == 1, scenario.name
