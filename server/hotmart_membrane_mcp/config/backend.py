"""Which Membrane backend the server uses, from ``HOTMART_MCP_BACKEND`` and the token variables set."""

from __future__ import annotations

from collections.abc import Mapping

from .constants import TENANT_KEY, TOKEN_VARIABLES, WORKSPACE_KEY, WORKSPACE_SECRET, Backend
from .problems import ConfigError, ConfigProblem


def resolve_backend(
    choice: str, environ: Mapping[str, str], *, sandbox: bool
) -> tuple[Backend, list[ConfigProblem]]:
    """``HOTMART_MCP_BACKEND``: auto (default) is api when a token variable is set, else cli.

    In sandbox mode auto stays cli: the api backend there talks to the simulator with credentials
    the server generates, never with the user's real token. A problem leaves the backend at cli.
    """
    try:
        token_set = bool(token_variables(environ))
    except ConfigError as exc:  # half a workspace pair: that is the problem to fix, not the backend
        return "cli", list(exc.problems)
    if choice == "cli" or (choice == "auto" and (sandbox or not token_set)):
        return "cli", []
    if not token_set and not sandbox:
        missing = (
            "is api but no token is set: set MEMBRANE_TOKEN, or MEMBRANE_WORKSPACE_KEY and "
            "MEMBRANE_WORKSPACE_SECRET"
        )
        return "cli", [ConfigProblem("HOTMART_MCP_BACKEND", missing)]
    return "api", []


def token_variables(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The variables of the first configured token source, or () when none is set.

    Either one token variable (``MEMBRANE_TOKEN`` or ``MEMBRANE_ACCESS_TOKEN``), or the workspace
    key and secret with ``MEMBRANE_TENANT_KEY`` when it is set too.

    Raises:
        ConfigError: only half of the workspace pair is set.
    """

    def is_set(name: str) -> bool:
        return bool(environ.get(name, "").strip())

    for variable in TOKEN_VARIABLES:
        if is_set(variable):
            return (variable,)
    has_key, has_secret = is_set(WORKSPACE_KEY), is_set(WORKSPACE_SECRET)
    if not has_key and not has_secret:
        return ()
    if not has_key:
        raise ConfigError(WORKSPACE_KEY, f"is required with {WORKSPACE_SECRET}")
    if not has_secret:
        raise ConfigError(WORKSPACE_SECRET, f"is required with {WORKSPACE_KEY}")
    return (WORKSPACE_KEY, WORKSPACE_SECRET) + ((TENANT_KEY,) if is_set(TENANT_KEY) else ())
