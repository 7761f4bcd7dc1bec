"""Where things are on this machine when the configuration does not say: ``membrane``, the exports."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from .constants import APP_DIR_NAME, NPX_FALLBACK


def membrane_on_path(environ: Mapping[str, str]) -> tuple[str, ...]:
    """``membrane`` from the given PATH, else the npx fallback."""
    found = shutil.which("membrane", path=environ.get("PATH"))
    return (found,) if found else NPX_FALLBACK


def default_export_dir(
    environ: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """The per-user data folder for exports, following each platform's convention.

    Linux and others: ``$XDG_DATA_HOME`` or ``~/.local/share``; macOS: ``~/Library/Application
    Support``; Windows: ``%LOCALAPPDATA%``. Then ``hotmart-membrane-mcp/exports``.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        # The XDG spec says to ignore a relative value.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR_NAME / "exports"
