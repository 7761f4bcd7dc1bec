"""The Membrane boundary: everything the tools know about Membrane goes through here.

Tools depend on the ``MembraneBackend`` Protocol and the neutral shapes of ``models``;
``make_backend(settings)`` builds the one the settings choose: ``CliBackend`` driving the
``membrane`` executable through a ``SubprocessRunner``, or ``ApiBackend`` over Membrane's REST
API (issue #11). ``make_backend(command_prefix, env=..., ...)`` still builds a ``CliBackend``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from . import models
from .api import ApiBackend
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

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "Action",
    "ActionRun",
    "ApiBackend",
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
    source: Settings | Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
    max_concurrency: int = 4,
) -> MembraneBackend:
    """The backend the server's ``Settings`` choose, or a CLI backend for a command prefix.

    Args:
        source: the server's settings (``HOTMART_MCP_BACKEND`` decides), or the argv of the CLI,
            e.g. ``["membrane"]`` or the simulator ``[sys.executable, "-m", "hotmart_membrane_mcp.sandbox"]``.
        env: with a command prefix: the child's whole environment (``None`` inherits the server's).
        timeout_s: with a command prefix: limit for one CLI call (long-polls add their wait on top).
        max_concurrency: with a command prefix: how many CLI processes may run at once.
    """
    if not isinstance(source, (list, tuple)):
        from .factory import backend_for

        return backend_for(source)  # type: ignore[arg-type]
    runner = SubprocessRunner(source, env=env, max_concurrency=max_concurrency)
    return CliBackend(runner, timeout_s=timeout_s)
