"""The ``hotmart-membrane-mcp`` command: read settings, log to stderr, serve MCP on stdio."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence

import anyio
from mcp import MCPDeprecationWarning

from .config import USAGE, ConfigError, Settings
from .membrane import make_backend
from .server import build_server

logger = logging.getLogger("hotmart_membrane_mcp")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: ``--sandbox``, ``demo``, ``doctor`` and ``--help`` as in :data:`config.USAGE`;
    else serve stdio."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["doctor"]:
        from .doctor import main as run_doctor

        raise SystemExit(run_doctor(arguments[1:], os.environ))
    try:
        settings = Settings.from_env(os.environ, arguments)
    except ConfigError as exc:
        sys.stderr.write(f"hotmart-membrane-mcp: {exc}\n")
        raise SystemExit(2) from None
    if settings.command == "help":
        sys.stdout.write(USAGE)
        return
    if settings.command == "demo":
        from .demo import run_demo

        raise SystemExit(run_demo())
    configure_logging(settings.log_level)
    if settings.sandbox and not settings.sandbox_dir:
        with tempfile.TemporaryDirectory(prefix="hotmart-sandbox-") as state_dir:
            serve(settings.with_sandbox_dir(state_dir))
    else:
        serve(settings)


def configure_logging(level: str) -> None:
    """Log to stderr only: stdout carries the MCP protocol."""
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    # The SDK warns on every deprecated call (SEP-2577); one line in the log is enough.
    warnings.filterwarnings("once", category=MCPDeprecationWarning)


def serve(settings: Settings) -> None:
    """Run the MCP server on stdio until the client closes the connection."""
    backend = make_backend(
        settings.membrane_command,
        env=settings.child_env,
        timeout_s=settings.timeout_s,
        max_concurrency=settings.max_concurrency,
    )
    server = build_server(settings, backend)
    mode = f"sandbox (state in {settings.sandbox_dir})" if settings.sandbox else "membrane"
    logger.info(
        "hotmart-membrane-mcp serving on stdio, %s, Membrane command %s", mode, settings.membrane_command[0]
    )
    warn_if_writes_run_unasked(settings)
    anyio.run(server.run_stdio_async)


def warn_if_writes_run_unasked(settings: Settings) -> None:
    """In allow mode, say once at start that nobody will be asked before a write (issue #4)."""
    if settings.writes == "allow":
        logger.warning(
            "HOTMART_MCP_WRITES=allow: writes to Hotmart (refunds, cancellations, coupons) run without "
            "asking the user; use this only for trusted automations."
        )
