"""Each variable's spelling: the validators that turn a variable's text into its value.

A validator raises ValueError when the value is not of its field's kind: the message is then
"must be <the field's description>, got <value>" (variables.py). :func:`refused` says something
else in its own words.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ..errors import InvalidInput
from ..formats import check_app_url
from ..zones import load_zone
from .constants import APP_URL, TIMEZONE

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
# A DNS label: the <subdomain> of https://<subdomain>.club.hotmart.com.
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_API_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
# The error type of a refusal that says in its own words what is wrong (see refused).
OWN_WORDS = "config_problem"


def refused(problem: str) -> PydanticCustomError:
    return PydanticCustomError(OWN_WORDS, "{problem}", {"problem": problem})


def flag(raw: str) -> bool:
    spelled = raw.lower()
    if spelled not in _TRUE | _FALSE:
        raise ValueError(raw)
    return spelled in _TRUE


def _whole_number(raw: str) -> int:
    # Digits only: no sign, no 4.0, no 1e3 (pydantic's own int would take "4.0").
    if not raw.isdigit():
        raise ValueError(raw)
    return int(raw)


def shell_words(raw: str) -> tuple[str, ...]:
    try:
        # Split like a shell would, but never run through one: the result is an argv prefix.
        parts = tuple(shlex.split(raw))
    except ValueError as exc:
        raise refused(f"cannot be split into arguments ({exc})") from None
    if not parts:
        raise refused("is empty")
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


def shaped_like(pattern: re.Pattern[str]) -> AfterValidator:
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
        raise refused(f"exists and is not a directory: {raw!r}")
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


def whole_number_field(default: int, variable: str, low: int, high: int, *, unit: str = "") -> Any:
    """A field for a whole number from ``low`` to ``high``, whose message states exactly those bounds."""
    return Field(
        default, alias=variable, ge=low, le=high, description=f"a whole number{unit} from {low} to {high}"
    )


# The kinds the fields of variables.Variables are annotated with.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Seconds = Annotated[float, BeforeValidator(float)]
AppUrl = BeforeValidator(_app_url)
ApiUrl = BeforeValidator(_api_url)
ExportDir = BeforeValidator(_export_dir)
ZoneName = BeforeValidator(_zone_name)
ClubSubdomain = BeforeValidator(_club_subdomain)
Uppercase = BeforeValidator(lambda raw: raw.upper())
Lowercase = BeforeValidator(lambda raw: raw.lower())
