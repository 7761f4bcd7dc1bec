"""The ``npx`` fallback: telling "npx could not get the CLI" apart from "the CLI failed".

Without a ``membrane`` on PATH the server runs ``npx -y @membranehq/cli@latest``. The first such
call downloads the package, which can take a minute, and fails in npm's own words when the
registry cannot be reached or has no such package (``npm error code E404``, ``ENOTFOUND``,
``ETIMEDOUT``, ``EAI_AGAIN``). Those failures mean the CLI is missing, whatever the command was,
and the fix is installing it, not anything the agent can change in its call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

INSTALL_COMMAND = "npm install -g @membranehq/cli"
# npm 7+ prints "npm error code E404", npm 6 "npm ERR! code E404"; both name the cause in `code`.
_NPM_FAILURE = re.compile(r"npm\s+(?:error|ERR!)\s+code\s+([A-Z][A-Z0-9_]+)")
_NPM_FAILURE_LINE = re.compile(r"^.*npm\s+(?:error|ERR!)\s+.*$", re.MULTILINE)
FETCHING_MESSAGE = "Fetching the Membrane CLI with npx (first use only; this can take a minute)..."


def is_npx(command_prefix: Sequence[str]) -> bool:
    """True when the Membrane command is run through ``npx`` (the fallback or a configured one)."""
    return bool(command_prefix) and PurePath(command_prefix[0]).name.lower() in ("npx", "npx.cmd")


def npm_failure(text: str) -> str | None:
    """npm's error code (``E404``, ``ENOTFOUND``, ...) when ``text`` is npm failing, else None."""
    found = _NPM_FAILURE.search(text)
    return found.group(1) if found else None


def npm_failure_message(code: str, text: str) -> str:
    """One sentence on why npx could not provide the CLI, with npm's own lines (a few of them)."""
    lines = [line.strip() for line in _NPM_FAILURE_LINE.findall(text)][:4]
    meaning = {
        "E404": "the npm registry has no such package or version",
        "ENOTFOUND": "the npm registry's host name could not be resolved (no network or DNS?)",
        "EAI_AGAIN": "the npm registry's host name could not be resolved (no network or DNS?)",
        "ETIMEDOUT": "the npm registry did not answer in time",
        "ECONNREFUSED": "the npm registry refused the connection (a proxy setting?)",
        "ECONNRESET": "the connection to the npm registry was reset",
    }.get(code, "npm could not fetch the package")
    return (
        f"npx could not get the Membrane CLI (@membranehq/cli): npm error {code}, {meaning}. "
        f"npm said: {' | '.join(lines)}"
    )
