"""Dates an agent can write, turned into the epoch milliseconds Hotmart reads.

Hotmart's date filters are epoch milliseconds in UTC (hotmart-api-traps.md §4). Agents think in
calendar dates and local times, and get milliseconds wrong (seconds, local midnight, compact
``20260301``). For the query parameters the catalogue lists as dates we accept:

- epoch milliseconds (11 to 13 digits), passed through unchanged;
- an ISO 8601 date, ``2026-03-01``, meaning midnight at the start of that day in the request's
  zone (zones.py: the ``timezone`` argument, ``HOTMART_MCP_TIMEZONE`` or the machine's;
  UTC when no zone is passed here);
- an ISO 8601 date-time WITH a zone, ``2026-03-01T10:00:00-03:00`` or ``...Z``.

A date-time without a zone is refused rather than guessed: the server's zone, the agent's and
the Hotmart account's may all differ, and a silent guess shifts a month report by hours.
Every conversion is reported back so the agent sees exactly which instant was sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import InvalidInput
from ..zones import iso_in_zone
from .catalogue import Endpoint

_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_ZONE = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?$")

# Epoch ms with 11-13 digits covers 1973-03-03 .. 2286-11-20. Shorter numbers are almost always
# seconds or a compact date (20260301) that Hotmart would read as January 1970.
_MIN_EPOCH_MS_DIGITS = 11
_MAX_EPOCH_MS_DIGITS = 13

_FORMATS_HELP = (
    "Use epoch milliseconds (e.g. 1772323200000), an ISO date (2026-03-01 = midnight in the request's zone) "
    "or an ISO "
    "date-time with a zone (2026-03-01T00:00:00-03:00 or 2026-03-01T03:00:00Z)."
)


def is_end_param(param: str) -> bool:
    """True for the upper bound of a range (``end_date``, ``end_accession_date``, ...)."""
    return param.startswith("end_")


def parse_instant(value: str, *, param: str, zone: ZoneInfo | None = None) -> tuple[int, bool]:
    """Parse one accepted date value into (epoch ms, was_bare_date); InvalidInput otherwise.

    A bare date is midnight in ``zone`` (UTC when None); a date-time must carry its own offset.
    """
    text = str(value).strip()
    if text.isdigit():
        if not _MIN_EPOCH_MS_DIGITS <= len(text) <= _MAX_EPOCH_MS_DIGITS:
            raise InvalidInput(
                f"`{param}`={text!r} is not epoch milliseconds: Hotmart would read it as a date near 1970 "
                "or far in the future (seconds instead of milliseconds? a compact date?). " + _FORMATS_HELP,
                field=param,
            )
        return int(text), False
    match = _ISO.match(text)
    if match is None:
        raise InvalidInput(f"`{param}`={text!r} is not a date Hotmart can use. " + _FORMATS_HELP, field=param)
    parts = match.groupdict()
    bare_date = parts["hour"] is None
    if not bare_date and parts["zone"] is None:
        raise InvalidInput(
            f"`{param}`={text!r} is a date-time without a time zone, so the instant is ambiguous. Add the "
            f"zone it is meant in, e.g. {text}-03:00 for Brasília or {text}Z for UTC.",
            field=param,
        )
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")[:6]),
            tzinfo=_zone(parts["zone"], param=param, text=text) if not bare_date else timezone.utc,
        )
        if bare_date and zone is not None:
            # Midnight as the zone's clock shows it (its offset that day, daylight saving included).
            moment = moment.replace(tzinfo=zone)
    except ValueError as exc:  # day 31 of April, hour 25, ...
        raise InvalidInput(
            f"`{param}`={text!r} is not a valid date: {exc}. " + _FORMATS_HELP, field=param
        ) from exc
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta // timedelta(milliseconds=1), bare_date


def _zone(zone: str | None, *, param: str, text: str) -> timezone:
    if zone is None or zone in ("Z", "z"):
        return timezone.utc
    match = _ZONE.match(zone)
    if match is None:
        raise InvalidInput(
            f"`{param}`={text!r} has an unreadable zone {zone!r}. " + _FORMATS_HELP, field=param
        )
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise InvalidInput(f"`{param}`={text!r} has an impossible zone offset {zone!r}.", field=param)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if match["sign"] == "-" else offset)


def utc_text(epoch_ms: int) -> str:
    """The instant as an ISO 8601 UTC string, milliseconds shown only when not zero."""
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=epoch_ms)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _note(param: str, given: str, epoch_ms: int, zone: ZoneInfo | None) -> str:
    day = given.strip()[:10]
    where = "UTC" if zone is None else f"in {zone.key}"
    if is_end_param(param):
        # Do not move the bound silently (the agent may mean exactly this); say what it means.
        return (
            f"A bare date is midnight {where} at the START of {day}, so this upper bound leaves out the rest "
            f"of that day; to include {day}, pass the next day."
        )
    shown = utc_text(epoch_ms) if zone is None else iso_in_zone(epoch_ms, zone)
    return f"A bare date is midnight {where} at the start of {day} ({shown})."


def convert_dates(
    endpoint: Endpoint | None, query: Sequence[tuple[str, Any]], zone: ZoneInfo | None = None
) -> tuple[tuple[tuple[str, str], ...], list[dict[str, Any]]]:
    """Convert the endpoint's date parameters in ``query`` to epoch ms, bare dates in ``zone`` (None: UTC).

    Returns the new query pairs (same order, other parameters untouched) and one record per
    converted value: ``{param, given, epoch_ms, utc}``, ``local`` (ISO with the zone's offset)
    when a zone is given, plus a ``note`` for bare dates. Values
    already in epoch ms are passed through without a record. Unknown endpoints are left alone:
    we cannot know which of their parameters are dates. Raises InvalidInput for a bad value.
    """
    date_params = set(endpoint.date_params) if endpoint is not None else set()
    converted: list[tuple[str, str]] = []
    conversions: list[dict[str, Any]] = []
    for key, raw in query:
        value = str(raw)
        if key not in date_params:
            converted.append((key, value))
            continue
        epoch_ms, bare_date = parse_instant(value, param=key, zone=zone)
        if value.strip().isdigit():  # already epoch ms: nothing to report
            converted.append((key, str(epoch_ms)))
            continue
        record: dict[str, Any] = {
            "param": key,
            "given": value,
            "epoch_ms": epoch_ms,
            "utc": utc_text(epoch_ms),
        }
        if zone is not None:
            record["local"] = iso_in_zone(epoch_ms, zone)
        if bare_date:
            record["note"] = _note(key, value, epoch_ms, zone)
        conversions.append(record)
        converted.append((key, str(epoch_ms)))
    return tuple(converted), conversions
