"""The ``hotmart-membrane-mcp`` command: read settings, log to stderr, serve MCP on stdio."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any, NoReturn

import anyio
from mcp import MCPDeprecationWarning

from . import __version__
from .config import USAGE, ConfigError, Settings
from .membrane import MembraneBackend, make_backend
from .membrane.api import shown_url
from .membrane.tokens import token_source_from_env
from .server import build_server

logger = logging.getLogger("hotmart_membrane_mcp")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: the arguments of :data:`config.USAGE` (help, version, demo, doctor); else serve stdio."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["doctor"]:
        from .doctor import main as run_doctor

        raise SystemExit(run_doctor(arguments[1:], os.environ))
    try:
        settings = Settings.from_env(os.environ, arguments)
    except ConfigError as exc:
        refuse_to_start(exc)
    if settings.command == "help":
        sys.stdout.write(USAGE)
        return
    if settings.command == "version":
        sys.stdout.write(f"hotmart-membrane-mcp {__version__}\n")
        return
    if settings.command == "demo":
        from .demo import run_demo

        raise SystemExit(run_demo())
    configure_logging(settings.log_level)
    try:
        if settings.sandbox and not settings.sandbox_dir:
            with tempfile.TemporaryDirectory(prefix="hotmart-sandbox-") as state_dir:
                serve(settings.with_sandbox_dir(state_dir))
        else:
            serve(settings)
    except ConfigError as exc:  # the sandbox's HTTP face did not start
        refuse_to_start(exc)


def refuse_to_start(error: ConfigError) -> NoReturn:
    """Exit 2 with one stderr line per configuration problem (every bad variable at once)."""
    sys.stderr.writelines(f"hotmart-membrane-mcp: {problem}\n" for problem in error.problems)
    raise SystemExit(2) from None


def configure_logging(level: str) -> None:
    """Log to stderr only: stdout carries the MCP protocol."""
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    # httpx2 logs every request at INFO; the api backend logs its own line per call at DEBUG.
    logging.getLogger("httpx2").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # The SDK warns on every deprecated call (SEP-2577); one line in the log is enough.
    warnings.filterwarnings("once", category=MCPDeprecationWarning)


def serve(settings: Settings) -> None:
    """Run the MCP server on stdio until the client closes the connection."""
    with ExitStack() as stack:
        if settings.sandbox and settings.backend == "api":
            from .sandbox_api import simulator_api

            settings = stack.enter_context(simulator_api(settings))
        backend = make_backend(settings)
        server = build_server(settings, backend)
        logger.info("hotmart-membrane-mcp serving on stdio, %s", describe_backend(settings))
        warn_if_writes_run_unasked(settings)
        anyio.run(_serve_until_closed, server, backend)


async def _serve_until_closed(server: Any, backend: MembraneBackend) -> None:
    try:
        await server.run_stdio_async()
    finally:
        close = getattr(backend, "aclose", None)
        if close is not None:
            await close()


def describe_backend(settings: Settings) -> str:
    """The start-up line's account of the backend: which one, and its token's source (never the token)."""
    mode = f"sandbox (state in {settings.sandbox_dir})" if settings.sandbox else "membrane"
    if settings.backend == "api":
        tokens = token_source_from_env(settings.child_env)
        source = tokens.description if tokens is not None else "none"
        return f"{mode}, backend api at {shown_url(settings.api_url)}, token from {source}"
    return f"{mode}, backend cli, Membrane command {settings.membrane_command[0]}"


def warn_if_writes_run_unasked(settings: Settings) -> None:
    """In allow mode, say once at start that nobody will be asked before a write (issue #4)."""
    if settings.writes == "allow":
        logger.warning(
            "HOTMART_MCP_WRITES=allow: writes to Hotmart (refunds, cancellations, coupons) run without "
            "asking the user; use this only for trusted automations."
        )
