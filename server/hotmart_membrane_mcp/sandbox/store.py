"""Shared, crash-safe state for the simulator.

Every CLI invocation of the simulator is a fresh process, and the MCP server runs several
at once, so state lives in JSON files under one directory. A document is read, changed and
written back while an exclusive lock is held, and the write goes through a temporary file
and ``os.replace`` so a reader never sees half a document.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def default_state_dir() -> Path:
    """The state directory: ``HOTMART_SANDBOX_DIR`` or a per-user folder in the temp dir."""
    configured = os.environ.get("HOTMART_SANDBOX_DIR")
    if configured:
        return Path(configured)
    user = os.environ.get("USER") or os.environ.get("USERNAME") or str(os.getuid())
    return Path(tempfile.gettempdir()) / f"hotmart-sandbox-{user}"


class StateStore:
    """Named JSON documents in one directory, changed under an exclusive lock."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_state_dir()
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.json"

    def read(self, name: str) -> dict[str, Any]:
        """A snapshot of a document (empty if it does not exist yet), read under the lock."""
        with self._locked(name):
            return self._load(name)

    @contextmanager
    def transaction(self, name: str) -> Iterator[dict[str, Any]]:
        """Yield a document to change in place; it is written back when the block ends.

        If the block raises, nothing is written.
        """
        with self._locked(name):
            document = self._load(name)
            yield document
            self._save(name, document)

    def clear(self) -> None:
        """Remove every document (``sandbox reset``)."""
        for item in self.directory.glob("*.json"):
            with self._locked(item.stem):
                item.unlink(missing_ok=True)

    def _load(self, name: str) -> dict[str, Any]:
        try:
            with self.path(name).open(encoding="utf-8") as handle:
                loaded = json.load(handle)
        except FileNotFoundError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _save(self, name: str, document: dict[str, Any]) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(document, handle, separators=(",", ":"))
            os.replace(temporary, self.path(name))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        lock_path = self.directory / f".{name}.lock"
        with lock_path.open("a+") as lock_file:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
