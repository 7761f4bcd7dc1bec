"""Fakes at the process boundary (never inside our own code).

``FakeRunner`` stands in for ``SubprocessRunner``: each call's argv is matched against the
scripted argv prefixes (the longest match wins) and answered with the scripted ``CliResult``
or exception. Every call is recorded, so a test can assert the exact argv that would have run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hotmart_membrane_mcp.membrane.runner import CliResult

Outcome = CliResult | BaseException


@dataclass(frozen=True)
class RecordedCall:
    args: tuple[str, ...]
    timeout_s: float


class FakeRunner:
    """A scripted ``CliRunner``.

    ``script(prefix, *outcomes)``: calls whose argv starts with ``prefix`` get the outcomes in
    order; the last one repeats. A call that matches no prefix fails the test loudly.
    """

    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self._scripts: dict[tuple[str, ...], list[Outcome]] = {}

    def script(self, prefix: Sequence[str], *outcomes: Outcome) -> FakeRunner:
        if not outcomes:
            raise ValueError("script at least one outcome")
        self._scripts[tuple(prefix)] = list(outcomes)
        return self

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        argv = tuple(args)
        assert all(isinstance(arg, str) for arg in argv), argv
        self.calls.append(RecordedCall(argv, timeout_s))
        matches = [prefix for prefix in self._scripts if argv[: len(prefix)] == prefix]
        if not matches:
            raise AssertionError(f"FakeRunner has no script for {argv!r}")
        outcomes = self._scripts[max(matches, key=len)]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    @property
    def last_args(self) -> tuple[str, ...]:
        assert self.calls, "no call was made"
        return self.calls[-1].args


def ok_json(value: Any, *, stderr: str = "") -> CliResult:
    """Exit 0 with ``value`` pretty-printed on stdout, as the CLI's ``--json`` does."""
    return CliResult(0, json.dumps(value, indent=2) + "\n", stderr)


def failed_json(value: Any, *, exit_code: int = 1, stderr: str = "") -> CliResult:
    """A non-zero exit with a JSON error body on stdout."""
    return CliResult(exit_code, json.dumps(value, indent=2) + "\n", stderr)


def failed_text(stderr: str, *, exit_code: int = 1, stdout: str = "") -> CliResult:
    """A non-zero exit with text on stderr."""
    return CliResult(exit_code, stdout, stderr)
