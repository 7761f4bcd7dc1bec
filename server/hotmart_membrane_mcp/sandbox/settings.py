"""The simulator's environment switches, read and validated in one place.

Every switch is documented in the package docstring. A value the simulator does not know is a
usage error (exit 2), so a typo in a test's environment fails loudly instead of silently
running the default variant.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .hotmart.config import parse_now
from .store import default_state_dir

SCENARIOS = (
    "ready",
    "building",
    "connect",
    "provide-input",
    "setup-failed",
    "configuration-error",
    "disconnected",
    "logged-out",
    "rate-limited",
    "slow",
    "flaky",
)
ENVELOPES = ("raw", "wrapped")
ERROR_STYLES = ("json-stdout", "text-stderr")
REQUEST_OUTPUTS = ("body", "full", "body-exit0")

_Getter = Callable[[str], "str | None"]


@dataclass(frozen=True)
class SandboxSettings:
    """One invocation's configuration (scenarios are applied per invocation)."""

    state_dir: Path
    scenario: str = "ready"
    envelope: str = "raw"
    errors: str = "json-stdout"
    request_output: str = "body"
    seed: int | None = None
    now_ms: int | None = None
    delay_s: float = 2.0
    rate_limit_every: int = 3
    build_polls: int = 2

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> SandboxSettings:
        """Read the ``HOTMART_SANDBOX_*`` variables; an empty value means "not set".

        Raises:
            UsageError: a variable holds a value the simulator does not know.
        """

        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        directory = get("HOTMART_SANDBOX_DIR")
        return cls(
            state_dir=Path(directory) if directory else default_state_dir(),
            scenario=_choice(get, "HOTMART_SANDBOX_SCENARIO", SCENARIOS),
            envelope=_choice(get, "HOTMART_SANDBOX_ENVELOPE", ENVELOPES),
            errors=_choice(get, "HOTMART_SANDBOX_ERRORS", ERROR_STYLES),
            request_output=_choice(get, "HOTMART_SANDBOX_REQUEST_OUTPUT", REQUEST_OUTPUTS),
            seed=_optional_int(get, "HOTMART_SANDBOX_SEED"),
            now_ms=_optional_now(get("HOTMART_SANDBOX_NOW")),
            delay_s=_delay(get("HOTMART_SANDBOX_DELAY_S")),
            rate_limit_every=_bounded_int(get, "HOTMART_SANDBOX_RATE_LIMIT_EVERY", 3, minimum=1),
            build_polls=_bounded_int(get, "HOTMART_SANDBOX_BUILD_POLLS", 2, minimum=0),
        )


def _choice(get: _Getter, name: str, allowed: tuple[str, ...]) -> str:
    value = get(name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise UsageError(f"{name}={value!r} is not one of: {', '.join(allowed)}")
    return value


def _optional_int(get: _Getter, name: str) -> int | None:
    value = get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not an integer") from None


def _bounded_int(get: _Getter, name: str, default: int, *, minimum: int) -> int:
    value = _optional_int(get, name)
    if value is None:
        return default
    if value < minimum:
        raise UsageError(f"{name}={value} must be at least {minimum}")
    return value


def _delay(value: str | None) -> float:
    if value is None:
        return 2.0
    try:
        delay = float(value)
    except ValueError:
        raise UsageError(f"HOTMART_SANDBOX_DELAY_S={value!r} is not a number of seconds") from None
    if not math.isfinite(delay) or delay < 0:
        raise UsageError(f"HOTMART_SANDBOX_DELAY_S={value!r} must be a finite number >= 0")
    return delay


def _optional_now(value: str | None) -> int | None:
    """Epoch milliseconds, or an ISO date/datetime (UTC when no zone is given)."""
    if value is None:
        return None
    try:
        return parse_now(value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
