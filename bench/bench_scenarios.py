"""Everyday seller tasks, measured by hand (not in CI): ``python bench/bench_scenarios.py``.

Runs each task of tests/scenarios/tasks.py on a fresh simulator through the in-memory MCP
client and prints, per task, the tool calls the agent made, the characters of the results it
had to read, and whether its answer equals the ground truth read straight from the simulator.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

import anyio
import anyio.to_thread
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings  # noqa: E402
from hotmart_membrane_mcp.membrane import make_backend  # noqa: E402
from hotmart_membrane_mcp.sandbox.app import main as simulator_main  # noqa: E402
from hotmart_membrane_mcp.server import build_server  # noqa: E402
from scenarios.tasks import NOW_MS, SCENARIOS, Agent, Scenario, World  # noqa: E402


async def run(scenario: Scenario) -> list[str]:
    with tempfile.TemporaryDirectory() as state_dir, tempfile.TemporaryDirectory() as export_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HOTMART_SANDBOX_", "HOTMART_MCP_"))
        }
        env.update({"HOTMART_SANDBOX_DIR": state_dir, "HOTMART_SANDBOX_NOW": str(NOW_MS)})
        if scenario.sandbox_scenario:
            env["HOTMART_SANDBOX_SCENARIO"] = scenario.sandbox_scenario

        async def human(*args: str) -> str:
            """The user's browser steps: the simulator's own commands on the same state."""
            out, err = io.StringIO(), io.StringIO()
            code = await anyio.to_thread.run_sync(lambda: simulator_main(list(args), env, out, err))
            assert code == 0, err.getvalue()
            return out.getvalue()

        backend = make_backend(SANDBOX_COMMAND, env=env, timeout_s=60, max_concurrency=4)
        settings = Settings(
            membrane_command=SANDBOX_COMMAND,
            sandbox=True,
            sandbox_dir=state_dir,
            export_dir=export_dir,
            writes=scenario.writes,  # type: ignore[arg-type]
            **dict(scenario.settings),
        )
        async with Client(build_server(settings, backend)) as client:
            agent = Agent(client)
            outcome = await scenario.task(agent, World(Path(state_dir), Path(export_dir), human=human))
    right = "yes" if outcome.answer == outcome.truth else "NO"
    return [scenario.name, str(agent.calls), f"{agent.chars:,}", right]


async def main() -> None:
    rows = [["task", "tool calls", "result chars", "answer = truth"]]
    for scenario in SCENARIOS:
        rows.append(await run(scenario))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


if __name__ == "__main__":
    anyio.run(main)
