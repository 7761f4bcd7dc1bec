"""``hotmart-membrane-mcp doctor``: is this machine set up to serve Hotmart to an agent?

It checks, in order, what a tool call would need (checks.py), then prints the report and the
client configuration to paste (render.py, client_config.py). Each problem comes with its fix; the
exit code is 1 when there is any problem, 0 otherwise, 2 for bad arguments. ``--json`` is for
scripts. It changes nothing: no login is started, no connection is created (only listed or read)
and the export folder is not created (only whether it could be).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

import anyio

from .checks import diagnose
from .client_config import CLIENTS
from .render import render_json, render_table

USAGE = """\
usage: hotmart-membrane-mcp doctor [--json] [--sandbox] [--client claude|codex|cursor|windsurf]

  Check Python, the package, the configuration, the Membrane CLI, the login, the default
  connection and the export folder; then print the configuration for your MCP client.
  --json      one JSON object instead of a table
  --sandbox   check against the offline simulator instead of the real Membrane
  --client    which client's configuration to print (default: HOTMART_MCP_CLIENT_NAME, else claude)
Exit code: 0 when nothing is wrong, 1 when a check found a problem, 2 for bad arguments.
"""


@dataclass(frozen=True)
class Options:
    as_json: bool = False
    sandbox: bool = False
    client: str | None = None
    help: bool = False


class UsageError(Exception):
    pass


def main(argv: Sequence[str], environ: Mapping[str, str], out: TextIO | None = None) -> int:
    """Run the doctor; return its exit code (see :data:`USAGE`)."""
    stream = sys.stdout if out is None else out
    try:
        options = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(f"hotmart-membrane-mcp doctor: {exc}\n{USAGE}")
        return 2
    if options.help:
        stream.write(USAGE)
        return 0
    report = anyio.run(diagnose, environ, options.sandbox, options.client)
    stream.write(render_json(report) if options.as_json else render_table(report))
    return 0 if report.ok else 1


def parse_args(argv: Sequence[str]) -> Options:
    """The doctor's options; :class:`UsageError` for anything else (help never exits from here)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sandbox", action="store_true")
    # A bare --client is "" so that it gets the same message as any other value not in CLIENTS.
    parser.add_argument("--client", nargs="?", const="")
    try:
        parsed, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise UsageError(str(exc)) from None
    if parsed.help:
        return Options(help=True)
    if unknown:
        raise UsageError(f"unknown argument {unknown[0]!r}")
    if parsed.client is not None and parsed.client not in CLIENTS:
        raise UsageError(f"--client must be one of {', '.join(CLIENTS)}, got {parsed.client!r}")
    return Options(as_json=parsed.json, sandbox=parsed.sandbox, client=parsed.client)
