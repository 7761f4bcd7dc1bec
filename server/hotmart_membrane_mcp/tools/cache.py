"""A small in-memory cache whose entries expire after a fixed time (injectable clock for tests)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Map keys to values for ``ttl_s`` seconds, holding at most ``max_entries`` (oldest dropped first)."""

    def __init__(self, clock: Callable[[], float], ttl_s: float, max_entries: int = 256) -> None:
        self._clock = clock
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        """The value stored under ``key`` if it has not expired, else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if self._clock() - stored_at >= self._ttl_s:
            del self._entries[key]
            return None
        return value

    def put(self, key: Hashable, value: V) -> None:
        """Store ``value`` under ``key`` from now on."""
        self._entries.pop(key, None)
        self._entries[key] = (self._clock(), value)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
