"""The server's settings, fixed at start: the checked variables and arguments, joined by their rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..zones import UTC_NAME, Zone, machine_zone
from .arguments import parse_argv
from .backend import resolve_backend
from .constants import (
    DEFAULT_API_MAX_CONCURRENCY,
    DEFAULT_API_URL,
    DEFAULT_APP_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RESULT_CHARS,
    DEFAULT_TIMEOUT_S,
    SANDBOX_COMMAND,
    TIMEZONE,
    Backend,
    Command,
    WritesMode,
)
from .paths import default_export_dir, membrane_on_path
from .problems import ConfigError, ConfigProblem
from .variables import Variables


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
            command, sandbox_flag = parse_argv(argv)
        except ConfigError as exc:
            problems += exc.problems
            command, sandbox_flag = "serve", False
        variables, bad_variables = Variables.read(environ, sandbox_flag=sandbox_flag)
        problems += bad_variables
        sandbox = sandbox_flag or variables.sandbox
        backend, bad_backend = resolve_backend(variables.backend, environ, sandbox=sandbox)
        problems += bad_backend
        membrane = SANDBOX_COMMAND if sandbox else variables.membrane_command or membrane_on_path(environ)
        return cls(
            membrane_command=membrane,
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
