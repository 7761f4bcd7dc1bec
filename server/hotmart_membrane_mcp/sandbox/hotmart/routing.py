"""Requests, per-request context and the route table matcher."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..store import StateStore
from .dataset import OVERLAY_DOCUMENT, Dataset, base_data, overlay_for
from .params import Query


class Context:
    """What a handler may use: the current data, and a transaction to change it."""

    def __init__(self, store: StateStore, seed: int, now_ms: int) -> None:
        self.store = store
        self.seed = seed
        self.now_ms = now_ms

    @cached_property
    def dataset(self) -> Dataset:
        """A read-only snapshot: base + the overlay as it is now."""
        overlay = self.store.read(OVERLAY_DOCUMENT).get(str(self.seed), {})
        return Dataset(base_data(self.seed, self.now_ms, self.store.directory), overlay)

    @contextmanager
    def mutate(self) -> Iterator[tuple[Dataset, dict[str, Any]]]:
        """Read-check-write under the store's lock: yields the data and the overlay to change.

        The dataset is built from the overlay read inside the lock, so checks (is this sale
        still refundable? is this coupon code free?) and the write are atomic across processes.
        If the block raises (e.g. an ``ApiError``), nothing is written.
        """
        with self.store.transaction(OVERLAY_DOCUMENT) as document:
            overlay = overlay_for(document, self.seed)
            yield Dataset(base_data(self.seed, self.now_ms, self.store.directory), overlay), overlay


@dataclass
class Request:
    """One API call as a handler sees it."""

    method: str
    path: str
    params: dict[str, str]
    query: Query
    body: Any
    context: Context

    @property
    def dataset(self) -> Dataset:
        return self.context.dataset

    @property
    def now_ms(self) -> int:
        return self.context.now_ms


Handler = Callable[[Request], Any]  # returns the 200 body (None = empty body) or raises ApiError


@dataclass(frozen=True)
class Route:
    """``method`` + a path template like ``/payments/api/v1/sales/{transaction}/refund`` + handler.

    ``target`` is ``"module:function"`` inside this package, imported when first needed.
    """

    method: str
    template: str
    target: str
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def handler(self) -> Handler:
        """The handler function."""
        module_name, function = self.target.split(":")
        return getattr(importlib.import_module(f"{__package__}.{module_name}"), function)


@dataclass(frozen=True)
class Match:
    """The outcome of routing: a handler with its path parameters, or the allowed methods."""

    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...]


def match(routes: list[Route], method: str, path: str) -> Match:
    """Find the route for ``method path``; routes earlier in the list win."""
    allowed: list[str] = []
    for route in routes:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method:
            return Match(route, found.groupdict(), ())
        allowed.append(route.method)
    return Match(None, {}, tuple(dict.fromkeys(allowed)))
