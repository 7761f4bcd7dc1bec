"""The per-test simulator the server tests build on (used by tests/conftest.py's fixtures).

Test modules import ``Sandbox`` from here; importing from a conftest module breaks as soon as a
second conftest.py exists (both are imported under the name ``conftest``).

By default the server's CLI calls run the simulator in this process (``InProcessRunner``) and
its waits are recorded instead of slept (``Sandbox.naps``), so no test waits for real; tests
about the process boundary pass ``process=True`` and spawn the simulator executable.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
import httpx2
from mcp.server.mcpserver import MCPServer

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import (
    ApiBackend,
    CliBackend,
    CliRunner,
    MembraneBackend,
    SubprocessRunner,
    make_backend,
)
from hotmart_membrane_mcp.membrane.tokens import StaticToken
from hotmart_membrane_mcp.sandbox.app import main as simulator_main
from hotmart_membrane_mcp.sandbox.bearer import BearerPolicy
from hotmart_membrane_mcp.sandbox.hotmart import Dataset, load_dataset
from hotmart_membrane_mcp.sandbox.http_face import build_app
from hotmart_membrane_mcp.sandbox.settings import SandboxSettings
from hotmart_membrane_mcp.sandbox.store import StateStore
from hotmart_membrane_mcp.server import build_server
from in_process_runner import InProcessRunner
from processes import live_pids

API_TOKEN = "test-api-token"  # what the in-process HTTP face accepts (a test value, not a secret)
API_URL = "http://membrane.sandbox.test"
# The simulator's data in tests whose answers are checked against ground truth: its default seed
# and a fixed "now" (2026-05-28T20:26:40Z), so the data never moves between runs.
SIMULATOR_SEED = 7
SIMULATOR_NOW_MS = 1_780_000_000_000


async def no_wait(seconds: float) -> None:
    """The retry and rate-limit sleep in tests: the retry happens, the wait does not."""
    await anyio.lowlevel.checkpoint()


@dataclass
class Sandbox:
    """One test's simulator: a private state dir plus the HOTMART_SANDBOX_* switches to use.

    ``server()`` builds the MCP server with the CLI backend over the simulator: in this process
    by default, or spawning ``python -m hotmart_membrane_mcp.sandbox`` per call with
    ``process=True`` (or any other ``command``), always against this state dir. The server's
    waits (a rate limit's Retry-After) are appended to ``naps`` and return at once.
    Set switches (``sandbox.variables["HOTMART_SANDBOX_SCENARIO"] = "connect"`` or
    ``server(scenario="connect")``) before building the server; ``run(...)`` plays the human or
    inspects state with the simulator's own commands (``sandbox approve <id>``, ``sandbox
    login-code``) using the same state dir.
    """

    dir: Path
    variables: dict[str, str] = field(default_factory=dict)
    naps: list[float] = field(default_factory=list)
    runner: CliRunner | None = None

    async def sleep(self, seconds: float) -> None:
        """The server's sleep in these tests: recorded, not waited."""
        self.naps.append(seconds)

    def fix_now(self) -> Sandbox:
        """This sandbox with the simulator's "now" fixed, so the ground truth is the same in every run."""
        self.variables["HOTMART_SANDBOX_NOW"] = str(SIMULATOR_NOW_MS)
        return self

    def dataset(self) -> Dataset:
        """The simulator's data as the CLI calls see it (same seed, fixed now and state dir)."""
        return load_dataset(StateStore(self.dir), seed=SIMULATOR_SEED, now_ms=SIMULATOR_NOW_MS)

    def env(self, **switches: str) -> dict[str, str]:
        """The environment of a simulator process: ours without stray sandbox switches, plus this test's."""
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HOTMART_SANDBOX_", "HOTMART_MCP_"))
        }
        return {**base, "HOTMART_SANDBOX_DIR": str(self.dir), **self.variables, **switches}

    def settings(self, **overrides: Any) -> Settings:
        """Server settings pointing the Membrane command at the simulator."""
        values: dict[str, Any] = {
            "membrane_command": SANDBOX_COMMAND,
            "sandbox": True,
            "sandbox_dir": str(self.dir),
        }
        values.update(overrides)
        return Settings(**values)

    def server(
        self,
        *,
        scenario: str | None = None,
        timeout_s: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        command: Sequence[str] = SANDBOX_COMMAND,
        process: bool = False,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        backend: str = "cli",
        **settings: Any,
    ) -> MCPServer[Any]:
        """The MCP server over the simulator (``scenario`` sets HOTMART_SANDBOX_SCENARIO first).

        ``process=True`` (implied by a ``command`` other than the simulator's) spawns every CLI
        call; otherwise the simulator runs in this process. ``self.runner`` is the runner used.
        ``backend="api"`` uses the api backend over the simulator's HTTP face instead of the CLI.
        The server's waits go to ``sleep`` when given, else they are recorded in ``naps``.
        """
        if scenario is not None:
            self.variables["HOTMART_SANDBOX_SCENARIO"] = scenario
        if backend == "api":
            membrane: MembraneBackend = self.api_backend(timeout_s=timeout_s)
        else:
            if process or tuple(command) != SANDBOX_COMMAND:
                self.runner = SubprocessRunner(command, env=self.env(), max_concurrency=4)
            else:
                self.runner = InProcessRunner(self.env(), max_concurrency=4)
            membrane = CliBackend(self.runner, timeout_s=timeout_s)
        server_settings = self.settings(timeout_s=timeout_s, **settings)
        return build_server(server_settings, membrane, clock=clock, sleep=sleep or self.sleep)

    def api_backend(self, *, timeout_s: float = 20.0, **options: Any) -> ApiBackend:
        """The api backend over the simulator's HTTP face, mounted in process on this state dir.

        The face reads the HOTMART_SANDBOX_* switches now, as a CLI child would at its spawn.
        """
        app = build_app(SandboxSettings.from_environ(self.env()), BearerPolicy(API_TOKEN, None, None))
        options.setdefault("sleep", no_wait)
        return ApiBackend(
            API_URL,
            StaticToken(API_TOKEN, "MEMBRANE_TOKEN"),
            timeout_s=timeout_s,
            transport=httpx2.ASGITransport(app=app),
            **options,
        )

    def backend(self, kind: str, *, timeout_s: float = 20.0) -> MembraneBackend:
        """The CLI backend spawning the simulator, or the api backend over its HTTP face."""
        if kind == "api":
            return self.api_backend(timeout_s=timeout_s)
        return make_backend(SANDBOX_COMMAND, env=self.env(), timeout_s=timeout_s, max_concurrency=4)

    async def run(self, *args: str, **switches: str) -> str:
        """Run a simulator command against this state dir, in this process, as the user would
        from a shell; return its stdout (exit != 0 fails the test)."""
        stdout, stderr = io.StringIO(), io.StringIO()
        code = await anyio.to_thread.run_sync(
            lambda: simulator_main(list(args), self.env(**switches), stdout, stderr)
        )
        assert code == 0, f"sandbox {args} failed: {stderr.getvalue()}{stdout.getvalue()}"
        return stdout.getvalue()

    def live_processes(self) -> list[int]:
        """Pids of simulator processes still running against this state dir (Linux /proc)."""
        return live_pids(f"HOTMART_SANDBOX_DIR={self.dir}", cmdline_has=b"hotmart_membrane_mcp.sandbox")
