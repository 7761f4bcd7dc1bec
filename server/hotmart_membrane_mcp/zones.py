"""Which time zone a request's calendar means: named IANA zones, validated, with where they came from.

A seller's day and month are local (São Paulo for most Hotmart accounts), while Hotmart filters
and answers in epoch milliseconds. Bare dates, day/week/month buckets and the readable
``*_iso`` dates all use one zone per request: the tool's ``timezone`` argument, else
``HOTMART_MCP_TIMEZONE``, else the zone of the machine running the server (read from ``TZ``,
then the ``/etc/localtime`` link, then ``/etc/timezone``; UTC when none of them names a zone).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput

UTC_NAME = "UTC"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Zone:
    """A validated IANA zone and a few words on where it came from (shown in results)."""

    name: str
    source: str

    @property
    def info(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    def describe(self) -> str:
        return f"{self.name} ({self.source})"


def load_zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The ZoneInfo for an IANA name; InvalidInput naming ``field`` when it is not one."""
    text = name.strip()
    problem = None
    if not text or text.startswith(("/", ".")) or ".." in text:
        problem = "is not an IANA zone name"
    else:
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            problem = "is not a known IANA zone name"
    raise InvalidInput(
        f"{field}={name!r} {problem}. Use a name such as 'America/Sao_Paulo', 'America/Mexico_City', "
        "'Europe/Lisbon' or 'UTC' (offsets like '-03:00' are not zones: they ignore daylight saving).",
        field=field,
    )


def request_zone(argument: str | None, default: Zone) -> Zone:
    """The zone of one tool call: its ``timezone`` argument when given, else the server's default."""
    if argument is None or not argument.strip():
        return default
    load_zone(argument)
    return Zone(argument.strip(), "timezone argument")


def machine_zone(environ: Mapping[str, str] = os.environ, root: Path = Path("/")) -> Zone:
    """The zone of the machine: ``TZ``, the /etc/localtime link, /etc/timezone, else UTC (and says which)."""
    tz = environ.get("TZ", "").strip().lstrip(":")
    if tz and _is_zone(tz):
        return Zone(tz, "the machine's TZ variable")
    localtime = root / "etc" / "localtime"
    try:
        target = str(localtime.resolve()) if localtime.is_symlink() else ""
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _is_zone(name):
            return Zone(name, "the machine's /etc/localtime")
    try:
        name = (root / "etc" / "timezone").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    if name and _is_zone(name):
        return Zone(name, "the machine's /etc/timezone")
    return Zone(UTC_NAME, "fallback: the machine's zone could not be read")


def _is_zone(name: str) -> bool:
    try:
        load_zone(name)
    except InvalidInput:
        return False
    return True


def moment(epoch_ms: int, zone: ZoneInfo) -> datetime:
    """The instant ``epoch_ms`` as an aware datetime in ``zone``."""
    return (_EPOCH + timedelta(milliseconds=epoch_ms)).astimezone(zone)


def iso_in_zone(epoch_ms: int, zone: ZoneInfo) -> str:
    """ISO 8601 with the zone's offset, milliseconds only when not zero: 2026-03-01T00:00:00-03:00."""
    when = moment(epoch_ms, zone)
    if when.microsecond:
        return when.isoformat(timespec="milliseconds")
    return when.isoformat(timespec="seconds")


def epoch_ms(when: datetime) -> int:
    """An aware datetime as epoch milliseconds."""
    return (when - _EPOCH) // timedelta(milliseconds=1)
