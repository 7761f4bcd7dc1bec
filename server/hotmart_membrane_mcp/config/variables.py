"""The configuration variables as a pydantic model: each one's type, bounds and accepted spellings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo

from ..formats import CLIENT_NAME_PATTERN, ID_PATTERN
from .constants import (
    APP_URL,
    BACKEND_CHOICES,
    DEFAULT_API_MAX_CONCURRENCY,
    DEFAULT_API_URL,
    DEFAULT_APP_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RESULT_CHARS,
    DEFAULT_TIMEOUT_S,
    LOG_LEVELS,
    MAX_MAX_RESULT_CHARS,
    MEMBRANE_CMD,
    MIN_MAX_RESULT_CHARS,
    TIMEZONE,
    WRITES_MODES,
    BackendChoice,
    LogLevel,
    WritesMode,
)
from .problems import ConfigProblem, shown_value
from .spellings import (
    OWN_WORDS,
    ApiUrl,
    AppUrl,
    ClubSubdomain,
    ExportDir,
    Lowercase,
    Seconds,
    Uppercase,
    WholeNumber,
    ZoneName,
    flag,
    shaped_like,
    shell_words,
    whole_number_field,
)


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
    app_url: Annotated[str, AppUrl] = Field(
        DEFAULT_APP_URL,
        alias=APP_URL,
        description="an https URL with a host name such as https://hotmart.com/",
    )
    connection_id: Annotated[str | None, shaped_like(ID_PATTERN)] = Field(
        None,
        alias="HOTMART_MCP_CONNECTION_ID",
        description="a Membrane connection id (letters, digits, _ . -)",
    )
    client_name: Annotated[str | None, shaped_like(CLIENT_NAME_PATTERN)] = Field(
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
    max_concurrency: WholeNumber = whole_number_field(
        DEFAULT_MAX_CONCURRENCY, "HOTMART_MCP_MAX_CONCURRENCY", 1, 64
    )
    log_level: Annotated[LogLevel, Uppercase] = Field(
        "INFO", alias="HOTMART_MCP_LOG_LEVEL", description=f"one of {', '.join(LOG_LEVELS)}"
    )
    writes: Annotated[WritesMode, Lowercase] = Field(
        "confirm", alias="HOTMART_MCP_WRITES", description=f"one of {', '.join(WRITES_MODES)}"
    )
    max_result_chars: WholeNumber = whole_number_field(
        DEFAULT_MAX_RESULT_CHARS,
        "HOTMART_MCP_MAX_RESULT_CHARS",
        MIN_MAX_RESULT_CHARS,
        MAX_MAX_RESULT_CHARS,
        unit=" of characters",
    )
    # None: the platform's data folder, which depends on the environment (default_export_dir).
    export_dir: Annotated[str | None, ExportDir] = Field(
        None, alias="HOTMART_MCP_EXPORT_DIR", description="an absolute directory path"
    )
    # None: the machine's zone (zones.machine_zone).
    timezone: Annotated[str | None, ZoneName] = Field(
        None, alias=TIMEZONE, description="an IANA zone name such as America/Sao_Paulo"
    )
    club_subdomain: Annotated[str | None, ClubSubdomain] = Field(
        None,
        alias="HOTMART_MCP_CLUB_SUBDOMAIN",
        description="the members-area address part (the <x> of <x>.club.hotmart.com)",
    )
    backend: Annotated[BackendChoice, Lowercase] = Field(
        "auto", alias="HOTMART_MCP_BACKEND", description=f"one of {', '.join(BACKEND_CHOICES)}"
    )
    # MEMBRANE_API_URL is the raw-API skills' name; MEMBRANE_API_URI the SDK's (membrane-cli-contract.md §3).
    api_url: Annotated[str, ApiUrl] = Field(
        DEFAULT_API_URL,
        validation_alias=AliasChoices("MEMBRANE_API_URL", "MEMBRANE_API_URI"),
        description="an http(s) URL such as https://api.getmembrane.com",
    )
    api_max_concurrency: WholeNumber = whole_number_field(
        DEFAULT_API_MAX_CONCURRENCY, "HOTMART_MCP_API_MAX_CONCURRENCY", 1, 256
    )

    @field_validator("sandbox", mode="before")
    @classmethod
    def _sandbox(cls, raw: str | bool, info: ValidationInfo) -> bool:
        # The --sandbox flag wins: the variable is not read then (raw is the default when unset).
        if (info.context or {}).get("sandbox_flag"):
            return True
        return flag(raw) if isinstance(raw, str) else raw

    @field_validator("membrane_command", mode="before")
    @classmethod
    def _membrane_command(cls, raw: str, info: ValidationInfo) -> tuple[str, ...] | None:
        return None if info.data.get("sandbox") else shell_words(raw)

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
        if item["type"] == OWN_WORDS:
            problems[name] = ConfigProblem(name, item["msg"])
        else:
            allowed = _FIELDS[name].description
            problems[name] = ConfigProblem(name, f"must be {allowed}, got {shown_value(name, given[name])}")
    return list(problems.values())
