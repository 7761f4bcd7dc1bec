"""Settings of the server, read once at start from the environment and the command line.

This is the only module that reads configuration. A bad value stops the server at start with
one line naming the variable (:class:`ConfigError`), instead of failing later inside a tool.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from .errors import InvalidInput
from .formats import CLIENT_NAME_PATTERN, ID_PATTERN, check_app_url
from .zones import UTC_NAME, Zone, load_zone, machine_zone

Command = Literal["serve", "demo", "help", "version"]
Backend = Literal["cli", "api"]
WritesMode = Literal["confirm", "allow", "deny"]
WRITES_MODES: tuple[WritesMode, ...] = ("confirm", "allow", "deny")
BACKEND_CHOICES = ("auto", "cli", "api")

DEFAULT_APP_URL = "https://hotmart.com/"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_CONCURRENCY = 4
DEFAULT_MAX_RESULT_CHARS = 25_000
# The smallest budget at which every tool keeps its output contract with room for at least one
# Hotmart item next to the paging metadata (a sale is about 900 characters, proxy_request's
# metadata about 800): below it a list came back with 0 items and a token that never advanced.
MIN_MAX_RESULT_CHARS = 4_000
MAX_MAX_RESULT_CHARS = 10_000_000
NPX_FALLBACK = ("npx", "-y", "@membranehq/cli@latest")
SANDBOX_COMMAND = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
APP_DIR_NAME = "hotmart-membrane-mcp"
DEFAULT_API_URL = "https://api.getmembrane.com"  # FACT (membrane-cli-contract.md §11, SDK DEFAULT_API_URI)
DEFAULT_API_MAX_CONCURRENCY = 16
# Where the api backend's token comes from, first match wins (membrane/tokens.py).
TOKEN_VARIABLES = ("MEMBRANE_TOKEN", "MEMBRANE_ACCESS_TOKEN")
WORKSPACE_KEY = "MEMBRANE_WORKSPACE_KEY"
WORKSPACE_SECRET = "MEMBRANE_WORKSPACE_SECRET"
TENANT_KEY = "MEMBRANE_TENANT_KEY"

# Every variable the server reads; the README table and mcp.json.example must use these names.
KNOWN_VARIABLES = (
    "HOTMART_MCP_MEMBRANE_CMD",
    "HOTMART_MCP_APP_URL",
    "HOTMART_MCP_CONNECTION_ID",
    "HOTMART_MCP_CLIENT_NAME",
    "HOTMART_MCP_TIMEOUT_S",
    "HOTMART_MCP_MAX_CONCURRENCY",
    "HOTMART_MCP_SANDBOX",
    "HOTMART_MCP_LOG_LEVEL",
    "HOTMART_MCP_WRITES",
    "HOTMART_MCP_MAX_RESULT_CHARS",
    "HOTMART_MCP_EXPORT_DIR",
    "HOTMART_MCP_TIMEZONE",
    "HOTMART_MCP_CLUB_SUBDOMAIN",
    "HOTMART_SANDBOX_DIR",
    "HOTMART_MCP_BACKEND",
    "HOTMART_MCP_API_MAX_CONCURRENCY",
    "MEMBRANE_API_URL",
    "MEMBRANE_TOKEN",
    "MEMBRANE_ACCESS_TOKEN",
    "MEMBRANE_WORKSPACE_KEY",
    "MEMBRANE_WORKSPACE_SECRET",
    "MEMBRANE_TENANT_KEY",
)

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

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class ConfigError(Exception):
    """A configuration value is unusable; the message is one line that names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know about its environment, fixed at start."""

    membrane_command: tuple[str, ...]
    app_url: str = DEFAULT_APP_URL
    connection_id: str | None = None
    client_name: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    sandbox: bool = False
    sandbox_dir: str | None = None
    log_level: str = "INFO"
    command: Command = "serve"
    # Issue #4: how writes are gated (confirm = a human yes per write, allow, deny = read-only).
    writes: WritesMode = "confirm"
    # Issue #5: no tool result's JSON text is longer than this.
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS
    # Issue #5: where `save_to` exports are written; nothing outside it.
    export_dir: str = field(default_factory=lambda: str(default_export_dir()))
    # Issue #10: the zone of bare dates, day/week/month buckets and *_iso dates when a call names none.
    timezone: Zone = field(default_factory=lambda: Zone(UTC_NAME, "the server's default"))
    # Issue #10: the members-area subdomain club reads use when none is given (the API cannot list it).
    club_subdomain: str | None = None
    # The environment the Membrane CLI child gets (a snapshot of ours, plus the sandbox dir).
    # The api backend reads its token variables from it too (tokens.token_source_from_env).
    child_env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Issue #11: which Membrane backend, where its REST API is, how many requests at once.
    backend: Backend = "cli"
    api_url: str = DEFAULT_API_URL
    api_max_concurrency: int = DEFAULT_API_MAX_CONCURRENCY

    @classmethod
    def from_env(cls, environ: Mapping[str, str], argv: Sequence[str] = ()) -> Settings:
        """Build settings from environment variables and command-line arguments.

        Args:
            environ: the process environment (``os.environ`` in production).
            argv: the arguments after the program name.

        Raises:
            ConfigError: a value is invalid; its message names the variable or argument.
        """
        command, sandbox_flag = _parse_argv(argv)
        sandbox = sandbox_flag or _parse_bool(environ, "HOTMART_MCP_SANDBOX")
        sandbox_dir = environ.get("HOTMART_SANDBOX_DIR") or None
        child_env = dict(environ)
        if sandbox:
            membrane_command = SANDBOX_COMMAND
        else:
            membrane_command = _parse_command(environ)
        return cls(
            membrane_command=membrane_command,
            app_url=_parse_app_url(environ),
            connection_id=_parse_pattern(
                environ, "HOTMART_MCP_CONNECTION_ID", ID_PATTERN, "a Membrane connection id"
            ),
            client_name=_parse_pattern(
                environ,
                "HOTMART_MCP_CLIENT_NAME",
                CLIENT_NAME_PATTERN,
                "an agent type such as claude or codex",
            ),
            timeout_s=_parse_timeout(environ),
            max_concurrency=_parse_concurrency(environ),
            sandbox=sandbox,
            sandbox_dir=sandbox_dir,
            log_level=_parse_log_level(environ),
            command=command,
            writes=_parse_writes(environ),
            max_result_chars=_parse_max_result_chars(environ),
            export_dir=_parse_export_dir(environ),
            timezone=_parse_timezone(environ),
            club_subdomain=_parse_club_subdomain(environ),
            child_env=child_env,
            backend=_parse_backend(environ, sandbox=sandbox),
            api_url=_parse_api_url(environ),
            api_max_concurrency=_parse_api_concurrency(environ),
        )

    def with_sandbox_dir(self, path: str) -> Settings:
        """The same settings with the simulator's state directory set for the CLI child."""
        return replace(self, sandbox_dir=path, child_env={**self.child_env, "HOTMART_SANDBOX_DIR": path})


def _parse_backend(environ: Mapping[str, str], *, sandbox: bool) -> Backend:
    """``HOTMART_MCP_BACKEND``: auto (default) is api when a token variable is set, else cli.

    In sandbox mode auto stays cli: the api backend there talks to the simulator with credentials
    the server generates, never with the user's real token.
    """
    raw = environ.get("HOTMART_MCP_BACKEND", "").strip().lower() or "auto"
    if raw not in BACKEND_CHOICES:
        raise ConfigError("HOTMART_MCP_BACKEND", f"must be one of {', '.join(BACKEND_CHOICES)}, got {raw!r}")
    token_set = bool(token_variables(environ))
    if raw == "cli" or (raw == "auto" and (sandbox or not token_set)):
        return "cli"
    if not token_set and not sandbox:
        raise ConfigError(
            "HOTMART_MCP_BACKEND",
            "is api but no token is set: set MEMBRANE_TOKEN, or MEMBRANE_WORKSPACE_KEY and "
            "MEMBRANE_WORKSPACE_SECRET",
        )
    return "api"


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


def _parse_api_url(environ: Mapping[str, str]) -> str:
    # MEMBRANE_API_URL is the raw-API skills' name; MEMBRANE_API_URI the SDK's (membrane-cli-contract.md §3).
    for name in ("MEMBRANE_API_URL", "MEMBRANE_API_URI"):
        raw = environ.get(name, "").strip()
        if raw:
            if not re.match(r"^https?://[^\s/?#]+[^\s]*$", raw):
                raise ConfigError(
                    name, f"must be an http(s) URL such as https://api.getmembrane.com, got {raw!r}"
                )
            return raw.rstrip("/")
    return DEFAULT_API_URL


def _parse_api_concurrency(environ: Mapping[str, str]) -> int:
    raw = environ.get("HOTMART_MCP_API_MAX_CONCURRENCY", "").strip()
    if not raw:
        return DEFAULT_API_MAX_CONCURRENCY
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        raise ConfigError(
            "HOTMART_MCP_API_MAX_CONCURRENCY", f"must be a whole number from 1 to 256, got {raw!r}"
        )
    return int(raw)


def _parse_argv(argv: Sequence[str]) -> tuple[Command, bool]:
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


def _parse_bool(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(name, f"must be 1/true/yes or 0/false/no, got {raw!r}")


def _parse_command(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = environ.get("HOTMART_MCP_MEMBRANE_CMD")
    if raw is None or not raw.strip():
        found = shutil.which("membrane", path=environ.get("PATH"))
        return (found,) if found else NPX_FALLBACK
    try:
        # Split like a shell would, but never run through one: the result is an argv prefix.
        parts = tuple(shlex.split(raw))
    except ValueError as exc:
        raise ConfigError("HOTMART_MCP_MEMBRANE_CMD", f"cannot be split into arguments ({exc})") from exc
    if not parts:
        raise ConfigError("HOTMART_MCP_MEMBRANE_CMD", "is empty")
    return parts


def _parse_app_url(environ: Mapping[str, str]) -> str:
    raw = environ.get("HOTMART_MCP_APP_URL", "").strip()
    if not raw:
        return DEFAULT_APP_URL
    problem = f"must be an https URL with a host name such as https://hotmart.com/, got {raw!r}"
    try:
        check_app_url(raw, "HOTMART_MCP_APP_URL")
        host = urlsplit(raw).hostname or ""
    except (InvalidInput, ValueError):
        raise ConfigError("HOTMART_MCP_APP_URL", problem) from None
    # Membrane wants a host name with a dot (membrane-cli-contract.md §4); a bare word is a typo, and
    # plain http would send the user's sign-in through an unencrypted page.
    if not raw.lower().startswith("https://") or "." not in host:
        raise ConfigError("HOTMART_MCP_APP_URL", problem)
    return raw


def _parse_pattern(environ: Mapping[str, str], name: str, pattern: re.Pattern[str], what: str) -> str | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not pattern.fullmatch(raw):
        raise ConfigError(name, f"must be {what} (letters, digits, _ . -), got {raw!r}")
    return raw


def _parse_timeout(environ: Mapping[str, str]) -> float:
    raw = environ.get("HOTMART_MCP_TIMEOUT_S", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise ConfigError(
            "HOTMART_MCP_TIMEOUT_S",
            f"must be a number of seconds greater than 0 and at most 3600, got {raw!r}",
        )
    return value


def _parse_concurrency(environ: Mapping[str, str]) -> int:
    raw = environ.get("HOTMART_MCP_MAX_CONCURRENCY", "").strip()
    if not raw:
        return DEFAULT_MAX_CONCURRENCY
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise ConfigError("HOTMART_MCP_MAX_CONCURRENCY", f"must be a whole number from 1 to 64, got {raw!r}")
    return int(raw)


def _parse_log_level(environ: Mapping[str, str]) -> str:
    raw = environ.get("HOTMART_MCP_LOG_LEVEL", "").strip().upper()
    if not raw:
        return "INFO"
    if raw not in LOG_LEVELS:
        raise ConfigError("HOTMART_MCP_LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return raw


def _parse_writes(environ: Mapping[str, str]) -> WritesMode:
    raw = environ.get("HOTMART_MCP_WRITES", "").strip().lower()
    if not raw:
        return "confirm"
    for mode in WRITES_MODES:
        if raw == mode:
            return mode
    raise ConfigError("HOTMART_MCP_WRITES", f"must be one of {', '.join(WRITES_MODES)}, got {raw!r}")


def _parse_max_result_chars(environ: Mapping[str, str]) -> int:
    raw = environ.get("HOTMART_MCP_MAX_RESULT_CHARS", "").strip()
    if not raw:
        return DEFAULT_MAX_RESULT_CHARS
    if not raw.isdigit() or not MIN_MAX_RESULT_CHARS <= int(raw) <= MAX_MAX_RESULT_CHARS:
        raise ConfigError(
            "HOTMART_MCP_MAX_RESULT_CHARS",
            f"must be a whole number of characters from {MIN_MAX_RESULT_CHARS} to {MAX_MAX_RESULT_CHARS}, "
            f"got {raw!r}",
        )
    return int(raw)


def _parse_export_dir(environ: Mapping[str, str]) -> str:
    raw = environ.get("HOTMART_MCP_EXPORT_DIR", "").strip()
    if not raw:
        return str(default_export_dir(environ))
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise ConfigError("HOTMART_MCP_EXPORT_DIR", f"must be an absolute directory path, got {raw!r}")
    if path.exists() and not path.is_dir():
        raise ConfigError("HOTMART_MCP_EXPORT_DIR", f"exists and is not a directory: {raw!r}")
    return str(path)


def _parse_timezone(environ: Mapping[str, str]) -> Zone:
    raw = environ.get("HOTMART_MCP_TIMEZONE", "").strip()
    if not raw:
        return machine_zone(environ)
    try:
        load_zone(raw, field="HOTMART_MCP_TIMEZONE")
    except InvalidInput:
        raise ConfigError(
            "HOTMART_MCP_TIMEZONE", f"must be an IANA zone name such as America/Sao_Paulo, got {raw!r}"
        ) from None
    return Zone(raw, "HOTMART_MCP_TIMEZONE")


# A DNS label: the <subdomain> of https://<subdomain>.club.hotmart.com.
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _parse_club_subdomain(environ: Mapping[str, str]) -> str | None:
    raw = environ.get("HOTMART_MCP_CLUB_SUBDOMAIN", "").strip().lower()
    if not raw:
        return None
    if not _SUBDOMAIN.match(raw):
        raise ConfigError(
            "HOTMART_MCP_CLUB_SUBDOMAIN",
            f"must be the members-area address part (the <x> of <x>.club.hotmart.com), got {raw!r}",
        )
    return raw


def default_export_dir(
    environ: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """The per-user data folder for exports, following each platform's convention.

    Linux and others: ``$XDG_DATA_HOME`` or ``~/.local/share``; macOS: ``~/Library/Application
    Support``; Windows: ``%LOCALAPPDATA%``. Then ``hotmart-membrane-mcp/exports``.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        # The XDG spec says to ignore a relative value.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR_NAME / "exports"
