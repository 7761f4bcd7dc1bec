"""The per-test simulator the server tests build on (used by tests/conftest.py's fixtures).

Test modules import ``Sandbox`` from here; importing from a conftest module breaks as soon as a
second conftest.py exists (both are imported under the name ``conftest``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
from mcp.server.mcpserver import MCPServer

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import ApiBackend, MembraneBackend, make_backend
from hotmart_membrane_mcp.membrane.tokens import StaticToken
from hotmart_membrane_mcp.sandbox.bearer import BearerPolicy
from hotmart_membrane_mcp.sandbox.http_face import build_app
from hotmart_membrane_mcp.sandbox.settings import SandboxSettings
from hotmart_membrane_mcp.server import build_server

API_TOKEN = "test-api-token"  # what the in-process HTTP face accepts (a test value, not a secret)
API_URL = "http://membrane.sandbox.test"


async def no_wait(seconds: float) -> None:
    """The retry and rate-limit sleep in tests: the retry happens, the wait does not."""
    await anyio.lowlevel.checkpoint()


@dataclass
class Sandbox:
    """One test's simulator: a private state dir plus the HOTMART_SANDBOX_* switches to use.

    ``server()`` builds the MCP server with the CLI backend whose command is the simulator, so
    each tool call spawns ``python -m hotmart_membrane_mcp.sandbox`` against this state dir.
    Set switches (``sandbox.variables["HOTMART_SANDBOX_SCENARIO"] = "connect"`` or
    ``server(scenario="connect")``) before building the server; ``run(...)`` plays the human or
    inspects state with the simulator's own commands (``sandbox approve <id>``, ``sandbox
    login-code``) using the same state dir.
    """

    dir: Path
    variables: dict[str, str] = field(default_factory=dict)

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
        command: tuple[str, ...] = SANDBOX_COMMAND,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        backend: str = "cli",
        **settings: Any,
    ) -> MCPServer[Any]:
        """The MCP server over the simulator (``scenario`` sets HOTMART_SANDBOX_SCENARIO first).

        ``backend="api"`` uses the api backend over the simulator's HTTP face instead of the CLI.
        """
        if scenario is not None:
            self.variables["HOTMART_SANDBOX_SCENARIO"] = scenario
        if backend == "api":
            membrane = self.api_backend(timeout_s=timeout_s)
        else:
            membrane = make_backend(command, env=self.env(), timeout_s=timeout_s, max_concurrency=4)
        # Reads' retry and rate-limit waits return at once unless a test passes its own sleep.
        server_settings = self.settings(timeout_s=timeout_s, **settings)
        return build_server(server_settings, membrane, clock=clock, sleep=sleep or no_wait)

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
        """Run a simulator command against this state dir; return its stdout (exit != 0 fails the test)."""
        result = await anyio.run_process(
            [*SANDBOX_COMMAND, *args], env=self.env(**switches), check=False, stdin=None
        )
        stdout = result.stdout.decode()
        assert result.returncode == 0, f"sandbox {args} failed: {result.stderr.decode()}{stdout}"
        return stdout

    def live_processes(self) -> list[int]:
        """Pids of simulator processes still running against this state dir (Linux /proc)."""
        marker = f"HOTMART_SANDBOX_DIR={self.dir}".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in environ.split(b"\0") and b"hotmart_membrane_mcp.sandbox" in cmdline:
                pids.append(int(entry.name))
        return pids
