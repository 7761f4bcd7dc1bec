"""Everyday seller tasks through the MCP client on the simulator: each answer equals the ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from sandbox_harness import Sandbox

from .tasks import NOW_MS, SCENARIOS, Agent, Scenario, World

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
async def test_the_agent_answer_equals_the_ground_truth(
    sandbox: Sandbox, tmp_path: Path, scenario: Scenario
) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    exports = tmp_path / "exports"
    settings: dict[str, Any] = dict(scenario.settings)
    server = sandbox.server(
        scenario=scenario.sandbox_scenario,
        writes=scenario.writes,
        export_dir=str(exports),
        **settings,
    )
    async with Client(server) as client:
        agent = Agent(client)
        outcome = await scenario.task(agent, World(sandbox.dir, exports, human=sandbox.run))

    assert outcome.answer == outcome.truth
    assert agent.calls >= 1 and agent.chars > 0


async def test_the_sales_questions_take_one_call_each(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    async with Client(sandbox.server()) as client:
        for scenario in SCENARIOS[:2]:
            agent = Agent(client)
            await scenario.task(agent, World(sandbox.dir, tmp_path))
            assert agent.calls == 1, scenario.name
