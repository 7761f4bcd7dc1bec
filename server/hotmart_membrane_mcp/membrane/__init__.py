"""The Membrane boundary: everything the tools know about Membrane goes through here.

Tools depend on the ``MembraneBackend`` Protocol and the neutral shapes of ``models``;
``make_backend`` builds the one implementation there is today, ``CliBackend`` driving the
``membrane`` executable through a ``SubprocessRunner``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import models
from .backend import MembraneBackend
from .cli import CliBackend
from .models import (
    Action,
    ActionRun,
    ClientAction,
    Connection,
    LoginStart,
    LoginStatus,
    ProxyRequest,
    ProxyResponse,
)
from .runner import CliResult, CliRunner, SubprocessRunner

__all__ = [
    "Action",
    "ActionRun",
    "ClientAction",
    "CliBackend",
    "CliResult",
    "CliRunner",
    "Connection",
    "LoginStart",
    "LoginStatus",
    "MembraneBackend",
    "ProxyRequest",
    "ProxyResponse",
    "SubprocessRunner",
    "make_backend",
    "models",
]


def make_backend(
    command_prefix: Sequence[str],
    *,
    env: Mapping[str, str] | None,
    timeout_s: float,
    max_concurrency: int,
) -> MembraneBackend:
    """The production backend: the Membrane CLI at ``command_prefix`` run as a subprocess.

    Args:
        command_prefix: argv of the CLI, e.g. ``["membrane"]``, ``["npx", "-y", "@membranehq/cli@latest"]``
            or the simulator ``[sys.executable, "-m", "hotmart_membrane_mcp.sandbox"]``.
        env: the child's whole environment (``None`` inherits the server's).
        timeout_s: limit for one CLI call (long-polls add their wait on top).
        max_concurrency: how many CLI processes may run at once.
    """
    runner = SubprocessRunner(command_prefix, env=env, max_concurrency=max_concurrency)
    return CliBackend(runner, timeout_s=timeout_s)
