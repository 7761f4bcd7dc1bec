"""Settings of the server, read once at start from the environment and the command line.

This is the only module that reads configuration. Each variable is a field of a pydantic model
(:class:`Variables`: its type, bounds and the spellings accepted); the few rules that join
variables follow in :meth:`Settings.read`. Bad values stop the server at start with one line per
bad variable (:class:`ConfigError`), instead of failing later inside a tool.
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
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .errors import InvalidInput
from .formats import CLIENT_NAME_PATTERN, ID_PATTERN, check_app_url
from .zones import UTC_NAME, Zone, load_zone, machine_zone

Command = Literal["serve", "demo", "help", "version"]
Backend = Literal["cli", "api"]
WritesMode = Literal["confirm", "allow", "deny"]
WRITES_MODES: tuple[WritesMode, ...] = ("confirm", "allow", "deny")
BackendChoice = Literal["auto", "cli", "api"]
BACKEND_CHOICES: tuple[BackendChoice, ...] = get_args(BackendChoice)

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
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)
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
# Values of these are never shown in a message, whatever is wrong around them.
SECRET_VARIABLES = frozenset({*TOKEN_VARIABLES, WORKSPACE_SECRET})
# Whatever comes before the last @ (after a scheme): a user:password@ written into a URL, even a
# password that itself holds an @, a / or a space.
_URL_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?.*@", re.DOTALL)
# A DNS label: the <subdomain> of https://<subdomain>.club.hotmart.com.
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_API_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
# The error type of a refusal that says in its own words what is wrong (see _refused).
_OWN_WORDS = "config_problem"


@dataclass(frozen=True)
class ConfigProblem:
    """One bad variable (or the command-line arguments): its name and what is wrong with it."""

    variable: str
    problem: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.problem}"


class ConfigError(Exception):
    """Configuration that cannot be used: one line per bad variable, ``NAME: what is wrong``.

    ``problems`` holds every one; ``variable`` names the first.
    """

    def __init__(self, variable: str, problem: str, *more: ConfigProblem) -> None:
        self.problems = (ConfigProblem(variable, problem), *more)
        super().__init__("\n".join(str(item) for item in self.problems))
        self.variable = variable

    @classmethod
    def of(cls, problems: Sequence[ConfigProblem]) -> ConfigError:
        first, *rest = problems
        return cls(first.variable, first.problem, *rest)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know about its environment, fixed at start.

    A plain value object built from :class:`Variables` (the environment's text, checked) and the
    arguments; tests, benches and the sandbox build and ``replace`` it directly with Python values.
    """

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
            ConfigError: values are invalid; one line per bad variable or the arguments.
        """
        settings, problems = cls.read(environ, argv)
        if problems:
            raise ConfigError.of(problems)
        return settings

    @classmethod
    def read(
        cls, environ: Mapping[str, str], argv: Sequence[str] = ()
    ) -> tuple[Settings, tuple[ConfigProblem, ...]]:
        """The settings with every bad value left at its default, and one problem per bad value.

        ``doctor`` uses it to name every problem and still check the rest; the server refuses to
        start on any problem (:meth:`from_env`).
        """
        problems: list[ConfigProblem] = []
        try:
            command, sandbox_flag = _parse_argv(argv)
        except ConfigError as exc:
            problems += exc.problems
            command, sandbox_flag = "serve", False
        variables, bad_variables = Variables.read(environ, sandbox_flag=sandbox_flag)
        problems += bad_variables
        sandbox = sandbox_flag or variables.sandbox
        backend, bad_backend = _resolve_backend(variables.backend, environ, sandbox=sandbox)
        problems += bad_backend
        return cls(
            membrane_command=SANDBOX_COMMAND if sandbox else variables.membrane_command or _on_path(environ),
            app_url=variables.app_url,
            connection_id=variables.connection_id,
            client_name=variables.client_name,
            timeout_s=variables.timeout_s,
            max_concurrency=variables.max_concurrency,
            sandbox=sandbox,
            sandbox_dir=environ.get("HOTMART_SANDBOX_DIR") or None,
            log_level=variables.log_level,
            command=command,
            writes=variables.writes,
            max_result_chars=variables.max_result_chars,
            export_dir=variables.export_dir or str(default_export_dir(environ)),
            timezone=Zone(variables.timezone, TIMEZONE) if variables.timezone else machine_zone(environ),
            club_subdomain=variables.club_subdomain,
            child_env=dict(environ),
            backend=backend,
            api_url=variables.api_url,
            api_max_concurrency=variables.api_max_concurrency,
        ), tuple(problems)

    def with_sandbox_dir(self, path: str) -> Settings:
        """The same settings with the simulator's state directory set for the CLI child."""
        return replace(self, sandbox_dir=path, child_env={**self.child_env, "HOTMART_SANDBOX_DIR": path})


# --- each variable's spelling ---------------------------------------------------------------
# A validator raises ValueError when the value is not of its field's kind: the message is then
# "must be <the field's description>, got <value>". _refused says something else in its own words.


def _refused(problem: str) -> PydanticCustomError:
    return PydanticCustomError(_OWN_WORDS, "{problem}", {"problem": problem})


def _flag(raw: str) -> bool:
    spelled = raw.lower()
    if spelled not in _TRUE | _FALSE:
        raise ValueError(raw)
    return spelled in _TRUE


def _whole_number(raw: str) -> int:
    # Digits only: no sign, no 4.0, no 1e3 (pydantic's own int would take "4.0").
    if not raw.isdigit():
        raise ValueError(raw)
    return int(raw)


def _shell_words(raw: str) -> tuple[str, ...]:
    try:
        # Split like a shell would, but never run through one: the result is an argv prefix.
        parts = tuple(shlex.split(raw))
    except ValueError as exc:
        raise _refused(f"cannot be split into arguments ({exc})") from None
    if not parts:
        raise _refused("is empty")
    return parts


def _app_url(raw: str) -> str:
    try:
        check_app_url(raw, APP_URL)
        host = urlsplit(raw).hostname or ""
    except (InvalidInput, ValueError):
        raise ValueError(raw) from None
    # Membrane wants a host name with a dot (membrane-cli-contract.md §4); a bare word is a typo, and
    # plain http would send the user's sign-in through an unencrypted page.
    if not raw.lower().startswith("https://") or "." not in host:
        raise ValueError(raw)
    return raw


def _api_url(raw: str) -> str:
    if not _API_URL.match(raw):
        raise ValueError(raw)
    return raw.rstrip("/")


def _shaped_like(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and not pattern.fullmatch(value):
            raise ValueError(value)
        return value

    return AfterValidator(check)


def _export_dir(raw: str) -> str:
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise ValueError(raw)
    if path.exists() and not path.is_dir():
        raise _refused(f"exists and is not a directory: {raw!r}")
    return str(path)


def _zone_name(raw: str) -> str:
    try:
        load_zone(raw, field=TIMEZONE)
    except InvalidInput:
        raise ValueError(raw) from None
    return raw


def _club_subdomain(raw: str) -> str:
    if not _SUBDOMAIN.match(raw.lower()):
        raise ValueError(raw)
    return raw.lower()


APP_URL = "HOTMART_MCP_APP_URL"
TIMEZONE = "HOTMART_MCP_TIMEZONE"
MEMBRANE_CMD = "HOTMART_MCP_MEMBRANE_CMD"
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Seconds = Annotated[float, BeforeValidator(float)]


def _whole_number_field(default: int, variable: str, low: int, high: int, *, unit: str = "") -> Any:
    """A field for a whole number from ``low`` to ``high``, whose message states exactly those bounds."""
    return Field(
        default, alias=variable, ge=low, le=high, description=f"a whole number{unit} from {low} to {high}"
    )


Uppercase = BeforeValidator(lambda raw: raw.upper())
Lowercase = BeforeValidator(lambda raw: raw.lower())


class Variables(BaseModel):
    """The configuration variables, each one checked on its own, blank meaning unset.

    Rules that join variables (the sandbox replaces the command, the backend needs a token) are
    :meth:`Settings.read`'s. Every description completes "must be ...".
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    # First: in sandbox mode the Membrane command is not read (see _membrane_command).
    sandbox: bool = Field(
        False, alias="HOTMART_MCP_SANDBOX", validate_default=True, description="1/true/yes or 0/false/no"
    )
    membrane_command: tuple[str, ...] | None = Field(None, alias=MEMBRANE_CMD, description="a command")
    app_url: Annotated[str, BeforeValidator(_app_url)] = Field(
        DEFAULT_APP_URL,
        alias=APP_URL,
        description="an https URL with a host name such as https://hotmart.com/",
    )
    connection_id: Annotated[str | None, _shaped_like(ID_PATTERN)] = Field(
        None,
        alias="HOTMART_MCP_CONNECTION_ID",
        description="a Membrane connection id (letters, digits, _ . -)",
    )
    client_name: Annotated[str | None, _shaped_like(CLIENT_NAME_PATTERN)] = Field(
        None,
        alias="HOTMART_MCP_CLIENT_NAME",
        description="an agent type such as claude or codex (letters, digits, _ . -)",
    )
    timeout_s: Seconds = Field(
        DEFAULT_TIMEOUT_S,
        alias="HOTMART_MCP_TIMEOUT_S",
        gt=0,
        le=3600,
        description="a number of seconds greater than 0 and at most 3600",
    )
    max_concurrency: WholeNumber = _whole_number_field(
        DEFAULT_MAX_CONCURRENCY, "HOTMART_MCP_MAX_CONCURRENCY", 1, 64
    )
    log_level: Annotated[LogLevel, Uppercase] = Field(
        "INFO", alias="HOTMART_MCP_LOG_LEVEL", description=f"one of {', '.join(LOG_LEVELS)}"
    )
    writes: Annotated[WritesMode, Lowercase] = Field(
        "confirm", alias="HOTMART_MCP_WRITES", description=f"one of {', '.join(WRITES_MODES)}"
    )
    max_result_chars: WholeNumber = _whole_number_field(
        DEFAULT_MAX_RESULT_CHARS,
        "HOTMART_MCP_MAX_RESULT_CHARS",
        MIN_MAX_RESULT_CHARS,
        MAX_MAX_RESULT_CHARS,
        unit=" of characters",
    )
    # None: the platform's data folder, which depends on the environment (default_export_dir).
    export_dir: Annotated[str | None, BeforeValidator(_export_dir)] = Field(
        None, alias="HOTMART_MCP_EXPORT_DIR", description="an absolute directory path"
    )
    # None: the machine's zone (zones.machine_zone).
    timezone: Annotated[str | None, BeforeValidator(_zone_name)] = Field(
        None, alias=TIMEZONE, description="an IANA zone name such as America/Sao_Paulo"
    )
    club_subdomain: Annotated[str | None, BeforeValidator(_club_subdomain)] = Field(
        None,
        alias="HOTMART_MCP_CLUB_SUBDOMAIN",
        description="the members-area address part (the <x> of <x>.club.hotmart.com)",
    )
    backend: Annotated[BackendChoice, Lowercase] = Field(
        "auto", alias="HOTMART_MCP_BACKEND", description=f"one of {', '.join(BACKEND_CHOICES)}"
    )
    # MEMBRANE_API_URL is the raw-API skills' name; MEMBRANE_API_URI the SDK's (membrane-cli-contract.md §3).
    api_url: Annotated[str, BeforeValidator(_api_url)] = Field(
        DEFAULT_API_URL,
        validation_alias=AliasChoices("MEMBRANE_API_URL", "MEMBRANE_API_URI"),
        description="an http(s) URL such as https://api.getmembrane.com",
    )
    api_max_concurrency: WholeNumber = _whole_number_field(
        DEFAULT_API_MAX_CONCURRENCY, "HOTMART_MCP_API_MAX_CONCURRENCY", 1, 256
    )

    @field_validator("sandbox", mode="before")
    @classmethod
    def _sandbox(cls, raw: str | bool, info: ValidationInfo) -> bool:
        # The --sandbox flag wins: the variable is not read then (raw is the default when unset).
        if (info.context or {}).get("sandbox_flag"):
            return True
        return _flag(raw) if isinstance(raw, str) else raw

    @field_validator("membrane_command", mode="before")
    @classmethod
    def _membrane_command(cls, raw: str, info: ValidationInfo) -> tuple[str, ...] | None:
        return None if info.data.get("sandbox") else _shell_words(raw)

    @classmethod
    def read(
        cls, environ: Mapping[str, str], *, sandbox_flag: bool = False
    ) -> tuple[Variables, list[ConfigProblem]]:
        """The variables of ``environ``, each bad one at its default, and one problem per bad one."""
        given = _given(environ)
        context = {"sandbox_flag": sandbox_flag}
        try:
            return cls.model_validate(given, context=context), []
        except ValidationError as error:
            problems = _problems(error, given)
        # Each field is checked on its own (the sandbox flag aside, which counts as off both times
        # when it is bad), so without the bad values this validation passes.
        bad = {problem.variable for problem in problems}
        kept = {name: value for name, value in given.items() if name not in bad}
        return cls.model_validate(kept, context=context), problems


def _fields_by_variable() -> dict[str, FieldInfo]:
    table: dict[str, FieldInfo] = {}
    for info in Variables.model_fields.values():
        choices = info.validation_alias
        names = choices.choices if isinstance(choices, AliasChoices) else [info.alias]
        table.update({name: info for name in names if isinstance(name, str)})
    return table


# Variable name -> its field (MEMBRANE_API_URL and MEMBRANE_API_URI share one).
_FIELDS = _fields_by_variable()


def _given(environ: Mapping[str, str]) -> dict[str, str]:
    """The model's variables that ``environ`` sets, stripped; blank is the same as unset."""
    given = {name: environ.get(name, "").strip() for name in _FIELDS}
    return {name: value for name, value in given.items() if value}


def _problems(error: ValidationError, given: Mapping[str, str]) -> list[ConfigProblem]:
    """One line per bad variable: the validator's own words, else "must be <description>, got <value>"."""
    problems: dict[str, ConfigProblem] = {}
    for item in error.errors():
        name = str(item["loc"][0])
        if name in problems:
            continue
        if item["type"] == _OWN_WORDS:
            problems[name] = ConfigProblem(name, item["msg"])
        else:
            allowed = _FIELDS[name].description
            problems[name] = ConfigProblem(name, f"must be {allowed}, got {shown_value(name, given[name])}")
    return list(problems.values())


def shown_value(variable: str, raw: str) -> str:
    """``raw`` as a message may quote it: never a secret, never a password written into a URL."""
    if variable in SECRET_VARIABLES:
        return "a value that is not shown (it is a secret)"
    return repr(_URL_CREDENTIALS.sub(r"\1***@", raw))


# --- rules that join variables ---------------------------------------------------------------


def _resolve_backend(
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


def _on_path(environ: Mapping[str, str]) -> tuple[str, ...]:
    """``membrane`` from the given PATH, else the npx fallback."""
    found = shutil.which("membrane", path=environ.get("PATH"))
    return (found,) if found else NPX_FALLBACK


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
