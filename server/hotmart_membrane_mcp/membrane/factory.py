"""``backend_for``: the backend the settings ask for (HOTMART_MCP_BACKEND, README "Choosing a backend")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import ApiBackend
from .backend import MembraneBackend
from .cli import CliBackend
from .runner import SubprocessRunner
from .tokens import token_source_from_env

if TYPE_CHECKING:
    from ..config import Settings


def backend_for(settings: Settings) -> MembraneBackend:
    """``ApiBackend`` over ``settings.api_url`` or ``CliBackend`` over ``settings.membrane_command``.

    Raises:
        ValueError: the api backend is asked for but no token variable is set (``Settings.from_env``
            refuses that configuration first, with a message naming the variable).
    """
    if settings.backend == "api":
        tokens = token_source_from_env(settings.child_env)
        if tokens is None:
            raise ValueError("the api backend needs MEMBRANE_TOKEN or MEMBRANE_WORKSPACE_KEY + _SECRET")
        return ApiBackend(
            settings.api_url,
            tokens,
            timeout_s=settings.timeout_s,
            max_concurrency=settings.api_max_concurrency,
        )
    runner = SubprocessRunner(
        settings.membrane_command, env=settings.child_env, max_concurrency=settings.max_concurrency
    )
    return CliBackend(runner, timeout_s=settings.timeout_s)
