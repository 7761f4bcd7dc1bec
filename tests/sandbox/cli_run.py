"""Run the simulated ``membrane`` CLI from tests: as a real subprocess or in-process.

Both return a ``Run``. The environment starts from the test process's, minus every
``HOTMART_SANDBOX_*`` variable, plus ``HOTMART_SANDBOX_DIR`` and the given switches
(``SCENARIO="connect"`` sets ``HOTMART_SANDBOX_SCENARIO``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotmart_membrane_mcp.sandbox.app import main

SANDBOX_COMMAND = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def sandbox_env(state_dir: Path, **switches: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("HOTMART_SANDBOX_")}
    env["HOTMART_SANDBOX_DIR"] = str(state_dir)
    env.update({f"HOTMART_SANDBOX_{name}": value for name, value in switches.items()})
    return env


def run_cli(state_dir: Path, *args: str, **switches: str) -> Run:
    """A real ``python -m hotmart_membrane_mcp.sandbox`` process."""
    finished = subprocess.run(
        [*SANDBOX_COMMAND, *args],
        env=sandbox_env(state_dir, **switches),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Run(finished.returncode, finished.stdout, finished.stderr)


class FakeTime:
    """A clock that only moves when the simulator sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.naps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def call_cli(state_dir: Path, *args: str, time: FakeTime | None = None, **switches: str) -> Run:
    """The same command in this process (cheaper); ``time`` replaces the real clock and sleep."""
    stdout, stderr = io.StringIO(), io.StringIO()
    extra: dict[str, Any] = {} if time is None else {"sleep": time.sleep, "clock": time.clock}
    code = main(list(args), sandbox_env(state_dir, **switches), stdout, stderr, **extra)
    return Run(code, stdout.getvalue(), stderr.getvalue())


def ensure_hotmart(state_dir: Path, **switches: str) -> dict[str, Any]:
    """Create (or find) the Hotmart connection and return it."""
    result = call_cli(
        state_dir, "connection", "ensure", "https://hotmart.com/", "--json", time=None, **switches
    )
    assert result.code == 0, result
    return result.json()
