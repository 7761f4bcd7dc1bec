"""Hotmart's epoch-millisecond dates, also shown as ISO date-times in the request's zone.

An agent should never do epoch arithmetic to answer "when". Next to every date attribute that
holds epoch milliseconds, results get a sibling ``<name>_iso`` with the same instant written as
ISO 8601 with the zone's offset (``"order_date": 1772334000000`` gains
``"order_date_iso": "2026-03-01T00:00:00-03:00"``). The original value is kept, so filters and
comparisons still work on it.

Which attributes: a key that names a date or time (``..._date``, ``date_...``, ``..._datetime``,
``last_update``, ``trial_end``, ``..._at``) whose value is a whole number of 11 to 13 digits
(1973 to 2286 in milliseconds; smaller numbers are counts or seconds, never guessed).
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from ..zones import iso_in_zone

ISO_SUFFIX = "_iso"
_DATE_KEY = re.compile(r"(^|_)(date|datetime)(_|$)|^last_update$|^trial_end$|_at$")
_MIN_MS, _MAX_MS = 10**10, 10**13 - 1


def is_epoch_date(key: str, value: Any) -> bool:
    """True when ``key: value`` is a date attribute holding epoch milliseconds."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and _MIN_MS <= value <= _MAX_MS
        and _DATE_KEY.search(key.lower()) is not None
    )


def with_iso_dates(value: Any, zone: ZoneInfo) -> Any:
    """``value`` with an ``<key>_iso`` sibling after every epoch-ms date attribute, at any depth."""
    if isinstance(value, list):
        return [with_iso_dates(element, zone) for element in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, inner in value.items():
        result[key] = with_iso_dates(inner, zone)
        if isinstance(key, str) and is_epoch_date(key, inner) and key + ISO_SUFFIX not in value:
            result[key + ISO_SUFFIX] = iso_in_zone(inner, zone)
    return result
