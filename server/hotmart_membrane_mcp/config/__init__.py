"""Settings of the server, read once at start from the environment and the command line.

This is the only package that reads configuration. Each variable is a field of a pydantic model
(:class:`~.variables.Variables`: its type, bounds and the spellings accepted); the few rules that
join variables follow in :meth:`Settings.read`. Bad values stop the server at start with one line
per bad variable (:class:`ConfigError`), instead of failing later inside a tool.

One job per module: constants (names, kinds, defaults), arguments (the command line, USAGE),
problems (ConfigError, ConfigProblem, shown_value), spellings (each variable's validators),
variables (the model), backend (which backend, the token variables), paths (``membrane`` on PATH,
the exports folder), settings (Settings: read, from_env). The rest of the server imports from
here, never from the modules.
"""

from __future__ import annotations

from .arguments import USAGE
from .backend import token_variables
from .constants import (
    DEFAULT_API_MAX_CONCURRENCY,
    DEFAULT_APP_URL,
    DEFAULT_MAX_RESULT_CHARS,
    KNOWN_VARIABLES,
    MIN_MAX_RESULT_CHARS,
    NPX_FALLBACK,
    SANDBOX_COMMAND,
    TENANT_KEY,
    TOKEN_VARIABLES,
    WORKSPACE_KEY,
    WORKSPACE_SECRET,
    WRITES_MODES,
    WritesMode,
)
from .paths import default_export_dir
from .problems import ConfigError, ConfigProblem
from .settings import Settings

__all__ = [
    "DEFAULT_API_MAX_CONCURRENCY",
    "DEFAULT_APP_URL",
    "DEFAULT_MAX_RESULT_CHARS",
    "KNOWN_VARIABLES",
    "MIN_MAX_RESULT_CHARS",
    "NPX_FALLBACK",
    "SANDBOX_COMMAND",
    "TENANT_KEY",
    "TOKEN_VARIABLES",
    "USAGE",
    "WORKSPACE_KEY",
    "WORKSPACE_SECRET",
    "WRITES_MODES",
    "ConfigError",
    "ConfigProblem",
    "Settings",
    "WritesMode",
    "default_export_dir",
    "token_variables",
]
