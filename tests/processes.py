"""The processes a test left behind, found by a marker in their environment (Linux /proc).

Shared by the simulator harness and the fake CLIs, so "no child is left running" means the same
thing in every test that asserts it.
"""

from __future__ import annotations

import os
from pathlib import Path


def live_pids(marker: str, *, cmdline_has: bytes | None = None) -> list[int]:
    """Pids of running (not zombie) processes whose environment holds ``marker`` (``NAME=value``).

    Raises rather than answering ``[]`` where /proc is missing: an empty list would read as
    "every child is gone" (such tests are marked needs_proc).
    """
    if not Path("/proc/self/environ").exists():
        raise RuntimeError("finding live processes needs Linux /proc")
    wanted = marker.encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state in ("Z", "X") or wanted not in environ.split(b"\0"):
            continue
        if cmdline_has is None or cmdline_has in cmdline:
            pids.append(int(entry.name))
    return pids
