"""Rate-limit bookkeeping: Kong-style headers on every response and a deterministic 429 mode.

Hotmart allows 500 calls per minute (hotmart-api-traps.md §13). The simulator counts calls per
wall-clock minute only to fill the headers; it does not refuse the 501st call (a test suite
must not depend on timing). Refusals come from ``rate_limit_every=N``: every Nth call
overall, counted in the state store so separate processes share the count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..store import StateStore

RATE_LIMIT_DOCUMENT = "hotmart-ratelimit"
LIMIT_PER_MINUTE = 500
RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class RateDecision:
    """Whether this call is refused, and the headers to send either way."""

    limited: bool
    headers: dict[str, str]


def count_call(store: StateStore, every: int | None, clock: Callable[[], float] = time.time) -> RateDecision:
    """Record one call and decide whether it is answered with 429."""
    now = clock()
    minute = int(now // 60)
    with store.transaction(RATE_LIMIT_DOCUMENT) as state:
        calls = int(state.get("calls", 0)) + 1
        in_window = int(state.get("in_window", 0)) + 1 if state.get("minute") == minute else 1
        state.update(calls=calls, minute=minute, in_window=in_window)
    limited = bool(every) and calls % int(every) == 0
    if limited:
        remaining, reset = 0, RETRY_AFTER_SECONDS
    else:
        remaining, reset = max(LIMIT_PER_MINUTE - in_window, 0), max(1, 60 - int(now % 60))
    headers = {
        "RateLimit-Limit": str(LIMIT_PER_MINUTE),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset),
        "X-RateLimit-Limit-Minute": str(LIMIT_PER_MINUTE),
        "X-RateLimit-Remaining-Minute": str(remaining),
    }
    if limited:
        # INFERRED (hotmart-api-traps.md §13): Kong sends Retry-After on 429; clients read either it or
        # RateLimit-Reset.
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return RateDecision(limited, headers)
