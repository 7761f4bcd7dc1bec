"""The simulator's two knobs for the data: the seed and the simulated "now"."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

DEFAULT_SEED = 7
DAY_MS = 86_400_000


def resolve_seed(seed: int | None = None) -> int:
    """``seed`` or ``HOTMART_SANDBOX_SEED`` (default 7)."""
    if seed is not None:
        return int(seed)
    return int(os.environ.get("HOTMART_SANDBOX_SEED", str(DEFAULT_SEED)))


def resolve_now_ms(now_ms: int | None = None) -> int:
    """``now_ms``, else ``HOTMART_SANDBOX_NOW`` (epoch ms or ISO date/datetime), else today 00:00 UTC.

    Truncating the real clock to the day keeps the data stable for a whole day.
    """
    if now_ms is not None:
        return int(now_ms)
    configured = os.environ.get("HOTMART_SANDBOX_NOW", "").strip()
    if not configured:
        return int(time.time() * 1000) // DAY_MS * DAY_MS
    return parse_now(configured)


def parse_now(text: str) -> int:
    """A ``HOTMART_SANDBOX_NOW`` value: epoch milliseconds or an ISO date/datetime (UTC without a zone).

    Raises:
        ValueError: the text is neither.
    """
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(
            f"HOTMART_SANDBOX_NOW={text!r} is neither epoch milliseconds nor an ISO date/datetime"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)
