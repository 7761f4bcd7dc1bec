"""Typed access to query-string parameters, with Hotmart's error types for bad values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .errors import ApiError, bad_parameter, bad_value

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


class Query:
    """The query string of one request: every parameter may repeat (``?status=A&status=B``)."""

    def __init__(self, raw: Mapping[str, Sequence[str]]) -> None:
        self.raw = {name: [str(value) for value in values] for name, values in raw.items()}

    def has(self, name: str) -> bool:
        """Whether the parameter was sent with a non-blank value."""
        return any(value.strip() for value in self.raw.get(name, []))

    def first(self, name: str) -> str | None:
        """The first non-blank value, stripped."""
        return next((value.strip() for value in self.raw.get(name, []) if value.strip()), None)

    def values(self, name: str) -> list[str]:
        """All values, also splitting comma-separated lists (``status=A,B``)."""
        return [part.strip() for value in self.raw.get(name, []) for part in value.split(",") if part.strip()]

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        """An integer parameter; 400 ``invalid_value_parameter`` if it is not one."""
        text = self.first(name)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            raise bad_value(name, f"'{text}' is not an integer") from None
        if minimum is not None and number < minimum:
            raise bad_value(name, f"must be at least {minimum}")
        return number

    def integers(self, name: str) -> set[int] | None:
        """All integer values of a repeatable parameter, or ``None`` if absent."""
        texts = self.values(name)
        if not texts:
            return None
        try:
            return {int(text) for text in texts}
        except ValueError:
            raise bad_value(name, "expected integers") from None

    def epoch_ms(self, name: str) -> int | None:
        """A date filter: epoch milliseconds UTC (hotmart-api-traps.md §4)."""
        return self.integer(name, minimum=0)

    def boolean(self, name: str) -> bool | None:
        """``true``/``false`` (also 1/0, yes/no)."""
        text = self.first(name)
        if text is None:
            return None
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise bad_value(name, f"'{text}' is not a boolean")

    def enums(self, name: str, allowed: Iterable[str]) -> set[str] | None:
        """An enum filter's values; an unknown one is 400 ``invalid_parameter`` (hotmart-api-traps.md §12)."""
        chosen = self.values(name)
        if not chosen:
            return None
        allowed = set(allowed)
        unknown = sorted(value for value in chosen if value not in allowed)
        if unknown:
            raise bad_parameter(
                f"invalid value {unknown[0]!r} for '{name}'; allowed: {', '.join(sorted(allowed))}"
            )
        return set(chosen)

    def lower(self, name: str) -> str | None:
        """The first value, lower-cased (for case-insensitive text filters)."""
        text = self.first(name)
        return None if text is None else text.lower()

    def require(self, name: str, *, status: int = 422) -> str:
        """A mandatory parameter (Club endpoints answer 422 when one is missing, hotmart-api-traps.md §2)."""
        text = self.first(name)
        if text is None:
            # 422 as the sandbox documents; the error type is not documented (INFERRED: invalid_parameter).
            raise ApiError(status, "invalid_parameter", f"Required parameter '{name}' is missing")
        return text


def in_range(value: int | None, low: int | None, high: int | None) -> bool:
    """Whether ``value`` lies in the inclusive range (open ends allowed); a missing value never does."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)
