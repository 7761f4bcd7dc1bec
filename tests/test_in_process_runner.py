"""The in-process runner the server tests use answers as the spawned simulator would."""

from __future__ import annotations

import sys

import anyio
import pytest

from hotmart_membrane_mcp.errors import OperationTimeout
from in_process_runner import InProcessRunner
from sandbox_harness import Sandbox

pytestmark = pytest.mark.anyio

SIMULATOR = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")


async def test_it_prints_and_exits_exactly_as_the_simulator_executable(sandbox: Sandbox) -> None:
    args = ["connection", "ensure", "https://hotmart.com/", "--json"]
    in_process = await InProcessRunner(sandbox.env()).run(args, timeout_s=30)
    again = await InProcessRunner(sandbox.env()).run(["connection", "list", "--json"], timeout_s=30)
    spawned = await anyio.run_process(
        [*SIMULATOR, "connection", "list", "--json"], env=sandbox.env(), check=False
    )

    assert in_process.exit_code == 0 and '"state":' in in_process.stdout.replace(" ", "")
    printed = (spawned.returncode, spawned.stdout.decode(), spawned.stderr.decode())
    assert (again.exit_code, again.stdout, again.stderr) == printed


async def test_simulated_waits_take_no_real_time_but_count_against_the_time_limit(sandbox: Sandbox) -> None:
    slow = sandbox.env(HOTMART_SANDBOX_SCENARIO="slow", HOTMART_SANDBOX_DELAY_S="30")

    with pytest.raises(OperationTimeout) as timed_out:
        await InProcessRunner(slow).run(["connection", "list", "--json"], timeout_s=5)
    within = await InProcessRunner(slow).run(["connection", "list", "--json"], timeout_s=60)

    assert timed_out.value.details["timeout_s"] == 5
    assert within.exit_code == 0


async def test_a_usage_error_is_the_exit_code_2_and_message_of_the_executable(sandbox: Sandbox) -> None:
    result = await InProcessRunner(sandbox.env()).run(["no-such-command"], timeout_s=30)

    assert result.exit_code == 2 and result.stdout == "" and result.stderr
