"""What is wrong with the configuration, one line per bad variable, never quoting a secret."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .constants import SECRET_VARIABLES

# Whatever comes before the last @ (after a scheme): a user:password@ written into a URL, even a
# password that itself holds an @, a / or a space.
_URL_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?.*@", re.DOTALL)


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


def shown_value(variable: str, raw: str) -> str:
    """``raw`` as a message may quote it: never a secret, never a password written into a URL."""
    if variable in SECRET_VARIABLES:
        return "a value that is not shown (it is a secret)"
    return repr(_URL_CREDENTIALS.sub(r"\1***@", raw))
