"""Fingerprints of the writes a human confirms, and single-use confirmation tokens, kept only in memory.

A token stands for one human "yes" to one exact request. It is bound to the request's
fingerprint (a hash of everything that decides what Hotmart will do), expires after the TTL,
and is spent by the first attempt to use it. Nothing is persisted: a restart forgets every
pending confirmation, which fails closed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..membrane.request_guards import refuse

FINGERPRINT_VERSION = "hotmart-membrane-mcp/request/v1"
DEFAULT_TTL_S = 600.0
DEFAULT_MAX_PENDING = 1_000
MAX_TOKEN_CHARS = 200
# Tokens start with a fixed prefix so that none starts with "-" (token_urlsafe may): the
# argument guards can then refuse every option-like value, confirm_token included.
TOKEN_PREFIX = "ct_"
TOKEN_PATTERN = re.compile(r"ct_[A-Za-z0-9_-]{16,190}")


def write_fingerprint(
    *,
    tool: str,
    connection_id: str | None,
    method: str | None = None,
    path: str | None = None,
    query: Iterable[tuple[str, str]] = (),
    headers: Iterable[tuple[str, str]] = (),
    path_params: Iterable[tuple[str, str]] = (),
    body: Any = None,
    action_id: str | None = None,
    input: Any = None,
) -> str:
    """A sha256 hex digest over the canonical JSON of one request.

    Pass the values after the guards have checked them (the same ones that are sent). Query,
    header and path-parameter pairs are sorted (header names compared case-insensitively), so
    only a change in what is sent changes the fingerprint; any such change does.
    """
    canonical = {
        "version": FINGERPRINT_VERSION,
        "tool": tool,
        "connection_id": connection_id,
        "method": method.upper() if method is not None else None,
        "path": path,
        "query": sorted([key, value] for key, value in query),
        "headers": sorted([name.lower(), value] for name, value in headers),
        "path_params": sorted([key, value] for key, value in path_params),
        "body": body,
        "action_id": action_id,
        "input": input,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class ConfirmationStore:
    """Pending confirmations: token -> (fingerprint, expiry), in this process only.

    ``clock`` must be monotonic (tests inject a fake one). At most ``max_pending`` tokens are
    kept; beyond that the oldest is forgotten, which only ever turns a "yes" into "ask again".
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        ttl_s: float = DEFAULT_TTL_S,
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._clock = clock
        self._ttl_s = ttl_s
        self._max_pending = max_pending
        self._pending: dict[str, tuple[str, float]] = {}
        # Sync tools run in worker threads; issue and redeem must not interleave.
        self._lock = threading.Lock()

    @property
    def ttl_s(self) -> float:
        """Seconds a token stays valid after it is issued."""
        return self._ttl_s

    def __len__(self) -> int:
        with self._lock:
            self._forget_expired(self._clock())
            return len(self._pending)

    def issue(self, fingerprint: str) -> str:
        """A fresh token that authorises the request with this fingerprint, once, until the TTL."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(24)
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            while len(self._pending) >= self._max_pending:
                del self._pending[next(iter(self._pending))]
            self._pending[token] = (fingerprint, now + self._ttl_s)
        return token

    def redeem(self, token: str, fingerprint: str) -> bool:
        """True only for a known, unexpired, unused token issued for exactly this fingerprint.

        Any presentation spends the token, a mismatched one too: the human said yes to the
        request in the summary they saw, so a changed request (or a probe) must go back to
        them with a new summary instead of leaving the old "yes" lying around for a retry.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return False
        with self._lock:
            now = self._clock()
            entry = self._pending.pop(token, None)
            self._forget_expired(now)
        if entry is None:
            return False
        bound_fingerprint, expires_at = entry
        if now >= expires_at:
            return False
        return hmac.compare_digest(bound_fingerprint.encode(), fingerprint.encode())

    def _forget_expired(self, now: float) -> None:
        expired = [token for token, (_, expires_at) in self._pending.items() if now >= expires_at]
        for token in expired:
            del self._pending[token]


def check_confirm_token(token: Any, *, field: str = "confirm_token") -> str | None:
    """Accept a ``confirm_token`` only in the shape the server issues (``None`` when absent).

    A token of any other shape cannot be one of ours, so it is refused as a malformed argument
    instead of being looked up.
    """
    if token is None:
        return None
    if not isinstance(token, str):
        raise refuse(field, "must be a string.")
    if not TOKEN_PATTERN.fullmatch(token):
        raise refuse(
            field,
            "is not a token this server issued.",
            next_step="Pass confirm_token exactly as a confirmation_required result gave it, or omit it.",
        )
    return token
