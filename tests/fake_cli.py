"""Stand-in ``membrane`` executables that fail the way real CLIs and machines do (issue #8).

Each fault is a small file written into a test's tmp dir and run through the real
``SubprocessRunner``: a fake at the process boundary, nothing patched. Every process a fake
starts carries ``FAKE_CLI_MARKER`` in its environment, so a test can find any that outlived
its call in /proc.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer

from hotmart_membrane_mcp.config import Settings
from hotmart_membrane_mcp.membrane import make_backend
from hotmart_membrane_mcp.server import build_server
from processes import live_pids
from sandbox_harness import no_wait

MARKER_VARIABLE = "FAKE_CLI_MARKER"
SHELL = "#!/bin/sh\n"

# name -> (file body, executable?)  A body of None means: no file at all.
FAULTS: dict[str, tuple[str | None, bool]] = {
    "missing": (None, True),
    "not_executable": (SHELL + "echo '{}'\n", False),
    "exec_format": ("echo 'a script without #! line'\n", True),  # execve answers ENOEXEC
    "exit_1_text": (SHELL + "echo 'Error: the Membrane API answered unexpectedly' >&2\nexit 1\n", True),
    "exit_1_json": (
        SHELL + 'echo \'{"type": "internal", "message": "Something broke inside Membrane"}\'\nexit 1\n',
        True,
    ),
    "exit_0_empty": (SHELL + "exit 0\n", True),
    "exit_0_html": (
        SHELL + "echo '<!DOCTYPE html><html><head><title>301 Moved</title></head>"
        "<body>Redirecting to /docs/</body></html>'\n",
        True,
    ),
    "exit_0_half_json": (SHELL + 'printf \'{"items": [{"id": "6b09", "name": \'\n', True),
    "hang": (SHELL + "exec sleep 300\n", True),
    "output_60_mb": (SHELL + "head -c 60000000 /dev/zero | tr '\\0' x\n", True),
    # A child left running in the background, holding the CLI's pipes open after the CLI exits.
    "background_child": (
        SHELL + "sleep 300 &\necho 'Error: the Membrane API answered unexpectedly' >&2\nexit 1\n",
        True,
    ),
}


def write_fake(directory: Path, body: str | None, *, executable: bool = True, name: str = "membrane") -> Path:
    """A fake CLI file at ``directory/name`` (nothing is written when ``body`` is None)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if body is not None:
        path.write_text(body)
        mode = stat.S_IRUSR | stat.S_IWUSR | (stat.S_IXUSR if executable else 0)
        path.chmod(mode)
    return path


@dataclass
class FakeCli:
    """One fake CLI and the server built over it; ``live_processes`` finds what it left running."""

    directory: Path
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)

    def env(self) -> dict[str, str]:
        base = {key: value for key, value in os.environ.items() if not key.startswith("HOTMART_")}
        return {**base, MARKER_VARIABLE: self.marker}

    def server(
        self,
        command: tuple[str, ...],
        *,
        timeout_s: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        **settings: Any,
    ) -> MCPServer[Any]:
        backend = make_backend(command, env=self.env(), timeout_s=timeout_s, max_concurrency=4)
        values: dict[str, Any] = {
            "membrane_command": command,
            "timeout_s": timeout_s,
            "export_dir": str(self.directory / "exports"),
            **settings,
        }
        return build_server(Settings(**values), backend, sleep=sleep or no_wait)

    def live_processes(self) -> list[int]:
        """Pids of running (not zombie) processes that carry this fake's marker (Linux /proc)."""
        return live_pids(f"{MARKER_VARIABLE}={self.marker}")
