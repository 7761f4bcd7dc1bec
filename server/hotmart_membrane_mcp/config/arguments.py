"""The command line: which command to run, and whether ``--sandbox`` was given."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .constants import Command
from .problems import ConfigError

USAGE = """\
usage: hotmart-membrane-mcp [--sandbox] [demo | doctor] [--help] [--version]

  (no arguments)  run the MCP server on stdio (drives the `membrane` CLI)
  --sandbox       run it against the offline Membrane + Hotmart simulator
  demo            start the server in sandbox mode as an MCP client would and print a transcript
  doctor          check this machine's set-up and print your client's configuration
                  (doctor --help for its options)
  --help          show this text
  --version       print the version and exit

Configuration comes from HOTMART_MCP_* environment variables; see the README.
"""


def parse_argv(argv: Sequence[str]) -> tuple[Command, bool]:
    # Help and version are plain flags, not argparse's actions, so that asking for them never
    # exits from inside config; USAGE is the text --help prints.
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("-V", "--version", action="store_true")
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("words", nargs="*")
    try:
        parsed, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise ConfigError("arguments", f"{exc} (try --help)") from None
    if parsed.help or "help" in parsed.words:
        return "help", parsed.sandbox
    if parsed.version:
        return "version", parsed.sandbox
    for arg in [*unknown, *parsed.words]:
        if arg != "demo":
            raise ConfigError("arguments", f"unknown argument {arg!r} (try --help)")
    return ("demo" if parsed.words else "serve"), parsed.sandbox
