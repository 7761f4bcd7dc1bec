"""Identifiers and timestamps in the shapes Membrane uses."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timezone


def object_id() -> str:
    """A fresh 24-hex-digit id: 4 bytes of seconds, then 8 random bytes.

    INFERRED: Membrane ids look like MongoDB ObjectIds (24 lowercase hex digits); Membrane's
    examples only show invented ids such as ``con_123`` (membrane-cli-contract.md §12).
    """
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def stable_id(name: str) -> str:
    """A 24-hex-digit id that is the same in every process and every state dir."""
    return hashlib.sha256(f"hotmart-sandbox:{name}".encode()).hexdigest()[:24]


def iso_timestamp(epoch_s: float | None = None) -> str:
    """``2026-05-01T12:00:00.000Z``, the timestamp format of Membrane's API objects."""
    moment = datetime.fromtimestamp(time.time() if epoch_s is None else epoch_s, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
