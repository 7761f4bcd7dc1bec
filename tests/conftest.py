"""Shared fixtures: a private simulator per test, and the server built on top of it.

Every test that touches Membrane goes through the real CLI backend spawning the simulator
executable (``python -m hotmart_membrane_mcp.sandbox``); nothing is patched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from sandbox_harness import Sandbox

ERAS = ("legacy", "auto")  # legacy = the 2025-11-25 handshake; auto lands on 2026-07-28

# Platform markers (registered in pyproject.toml): what is missing here, or None when available.
PLATFORM_NEEDS = {
    "needs_proc": None if Path("/proc/self/stat").exists() else "needs Linux /proc to see child processes",
    "needs_fifo": None if hasattr(os, "mkfifo") else "needs named pipes (os.mkfifo)",
    "needs_posix_signals": None
    if sys.platform != "win32" and hasattr(os, "killpg")
    else "needs POSIX signals and process groups",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, with the reason, the tests whose platform needs are not met on this machine."""
    for item in items:
        for marker, missing in PLATFORM_NEEDS.items():
            if missing is not None and item.get_closest_marker(marker) is not None:
                item.add_marker(
                    pytest.mark.skip(reason=f"{marker}: {missing} (not available on {sys.platform})")
                )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A fresh simulator state dir for this test; see :class:`Sandbox` for building the server on it."""
    yield Sandbox(dir=tmp_path / "sandbox")


@pytest.fixture
def fixed(sandbox: Sandbox) -> Sandbox:
    """The sandbox with the simulator's "now" fixed (see ``Sandbox.fix_now``)."""
    return sandbox.fix_now()


@pytest.fixture(params=ERAS)
def era(request: pytest.FixtureRequest) -> str:
    """Run the test in both protocol eras: "legacy" (2025-11-25) and "auto" (2026-07-28)."""
    return request.param


@pytest.fixture
def server(sandbox: Sandbox) -> MCPServer[Any]:
    """The MCP server over this test's simulator in its default (ready) scenario."""
    return sandbox.server()
