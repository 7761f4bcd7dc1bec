"""The simulated ``membrane`` executable: one invocation from argv to exit code."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from .cli import parse_command_line
from .commands import COMMANDS, SPECS, Command
from .errors import MembraneError, UsageError, internal_error, not_authenticated
from .invocation import Invocation
from .login import is_logged_in
from .output import (
    EXIT_OK,
    ProxiedResponse,
    Result,
    write_membrane_error,
    write_proxied,
    write_result,
    write_usage_error,
)
from .proxy import service_unavailable
from .scenarios import flaky_turn
from .settings import SandboxSettings
from .store import StateStore


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run one simulated ``membrane`` command and return its exit code (0, 1 or 2).

    The simulator waits only through ``sleep`` and measures waits only with ``clock`` (monotonic
    seconds), so tests can replace both.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    out: TextIO = sys.stdout if stdout is None else stdout
    err: TextIO = sys.stderr if stderr is None else stderr
    if arguments[:1] == ["serve"]:
        # The HTTP face (Membrane's REST API); imported late so CLI invocations stay fast.
        from .http_face import serve_main

        return serve_main(arguments[1:], os.environ if environ is None else environ)
    if _asks_for_help(arguments):
        out.write(help_text())
        return EXIT_OK
    try:
        settings = SandboxSettings.from_environ(os.environ if environ is None else environ)
        parsed = parse_command_line(arguments, SPECS)
    except UsageError as problem:
        return write_usage_error(str(problem), stderr=err)
    try:
        command = next(command for command in COMMANDS if command.spec is parsed.spec)
        if settings.scenario == "slow" and not command.control:
            sleep(settings.delay_s)
        invocation = Invocation(parsed, settings, StateStore(settings.state_dir), err, sleep, clock)
        outcome = _run(command, invocation)
    except UsageError as problem:
        return write_usage_error(str(problem), stderr=err)
    except MembraneError as error:
        return write_membrane_error(error, settings=settings, stdout=out, stderr=err)
    if isinstance(outcome, ProxiedResponse):
        return write_proxied(outcome, settings=settings, stdout=out, stderr=err)
    return write_result(outcome, as_json=parsed.switch("json"), settings=settings, stdout=out)


def _run(command: Command, invocation: Invocation) -> Result | ProxiedResponse:
    if command.tenant:
        if not is_logged_in(invocation.store, invocation.settings.scenario):
            raise not_authenticated()
        if invocation.settings.scenario == "flaky" and flaky_turn(invocation.store):
            if command.spec.words == ("request",):
                return service_unavailable()
            raise internal_error()
    return command.handler(invocation)


def _asks_for_help(argv: list[str]) -> bool:
    before_separator = argv[: argv.index("--")] if "--" in argv else argv
    return "--help" in before_separator or "-h" in before_separator


def help_text() -> str:
    lines = [
        "Offline simulator of the Membrane CLI (`membrane`) for Hotmart.",
        "Usage: python -m hotmart_membrane_mcp.sandbox <command> [options]",
        "",
        "Commands:",
        *(f"  {spec.usage}" for spec in SPECS),
        "  serve [--host 127.0.0.1] [--port 0]   serve Membrane's REST API over HTTP (prints its URL)",
        "",
        "Add --json for machine-readable output. Environment switches: see the package docstring",
        "(python -c 'import hotmart_membrane_mcp.sandbox as s; help(s)').",
    ]
    return "\n".join(lines) + "\n"
