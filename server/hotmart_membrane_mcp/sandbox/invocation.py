"""What a command handler gets: the parsed command line, the settings, the state, the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from .cli import ParsedCommand
from .errors import UsageError, bad_request
from .membrane import Connections
from .settings import SandboxSettings
from .store import StateStore


@dataclass
class Invocation:
    """One run of the simulated CLI."""

    command: ParsedCommand
    settings: SandboxSettings
    store: StateStore
    stderr: TextIO
    sleep: Callable[[float], None]
    clock: Callable[[], float]  # monotonic seconds

    @property
    def connections(self) -> Connections:
        return Connections(self.store, self.settings)

    def argument(self, name: str) -> str:
        return self.command.arguments[name]

    def integer(self, flag: str, *, default: int, minimum: int, maximum: int) -> int:
        """An integer flag: not a number is a usage error, out of range is the API's 400."""
        text = self.command.value(flag)
        if text is None:
            return default
        try:
            number = int(text)
        except ValueError:
            raise UsageError(f"Option --{flag} takes an integer, not {text!r}") from None
        if not minimum <= number <= maximum:
            raise bad_request(f"{flag} must be between {minimum} and {maximum}")
        return number

    def cursor(self) -> int:
        text = self.command.value("cursor") or "0"
        if not text.isdigit():
            raise bad_request(f"Invalid cursor {text!r}")
        return int(text)

    def json_flag(self, flag: str) -> Any:
        """A flag whose value is JSON text (``--input``, ``--api``); absent -> None."""
        text = self.command.value(flag)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as problem:
            raise UsageError(f"Option --{flag} must be valid JSON: {problem}") from None
