"""On-disk cache of the generated sales base, so a fresh process skips most of the generation.

Every ``membrane request`` is a new process; generating ~4,600 sales takes about as long as
starting the interpreter. The generated people, subscriptions and sales are written once per
``(seed, now_ms, generator fingerprint)`` to the state directory with :mod:`marshal` (fast, and
unlike pickle it cannot run code when loaded). The fingerprint covers ``GENERATOR_VERSION``
and the generator modules' size and mtime, so editing a generator invalidates the cache.
Any unreadable or foreign file is ignored and the data regenerated.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

from . import fake, money, sales_gen, seller_account, subscriptions_gen
from .sales_gen import SaleLinks, SalesBook
from .seller_account import PlanSpec
from .subscriptions_gen import Recurrence, SubscriptionBook, SubscriptionDetail

PREFIX = "hotmart-base-"
SUFFIX = ".marshal"
MARSHAL_VERSION = 4


def fingerprint(generator_version: int) -> str:
    """Changes whenever the generator version or any generator module changes."""
    stats = []
    for module in (seller_account, fake, money, sales_gen, subscriptions_gen):
        info = os.stat(module.__file__ or "")
        stats.append(f"{module.__name__}:{info.st_size}:{info.st_mtime_ns}")
    return f"v{generator_version}-{zlib.crc32(';'.join(stats).encode()):08x}"


def cache_path(directory: Path, seed: int, now_ms: int, generator_version: int) -> Path:
    """Where the base of ``(seed, now_ms)`` is cached."""
    return directory / f"{PREFIX}{seed}-{now_ms}-{fingerprint(generator_version)}{SUFFIX}"


def load(path: Path, plans: list[PlanSpec]) -> tuple[list[dict], SubscriptionBook, SalesBook] | None:
    """People, subscriptions and one-off sales from the cache, or ``None`` if it is missing or bad."""
    try:
        stored = marshal.loads(path.read_bytes())
        plan_by_id = {plan.id: plan for plan in plans}
        subscriptions = SubscriptionBook(
            subscriptions=stored["subscriptions"],
            details={
                code: SubscriptionDetail(plan_by_id[plan_id], due_day, payment_type, phone,
                                         [Recurrence(*row) for row in recurrences])
                for code, (plan_id, due_day, payment_type, phone, recurrences) in stored["details"].items()
            },
            sales=stored["subscription_sales"],
            links=_links(stored["subscription_links"]),
        )  # fmt: skip
        one_off = SalesBook(sales=stored["one_off_sales"], links=_links(stored["one_off_links"]))
        return stored["people"], subscriptions, one_off
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None


def save(
    path: Path, seed: int, people: list[dict], subscriptions: SubscriptionBook, one_off: SalesBook
) -> None:
    """Write the cache atomically and drop stale caches of the same seed (best effort)."""
    document: dict[str, Any] = {
        "people": people,
        "subscriptions": subscriptions.subscriptions,
        "details": {
            code: (detail.plan.id, detail.due_day, detail.payment_type, detail.phone,
                   [(r.number, r.transaction, r.charge_ms, r.paid) for r in detail.recurrences])
            for code, detail in subscriptions.details.items()
        },
        "subscription_sales": subscriptions.sales,
        "subscription_links": _plain_links(subscriptions.links),
        "one_off_sales": one_off.sales,
        "one_off_links": _plain_links(one_off.links),
    }  # fmt: skip
    try:
        _write_atomically(path, marshal.dumps(document, MARSHAL_VERSION))
        for other in path.parent.glob(f"{PREFIX}{seed}-*{SUFFIX}"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or vanished state dir only costs the next process a regeneration


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".base.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _plain_links(links: dict[str, SaleLinks]) -> dict[str, tuple]:
    return {tx: (link.affiliate, link.coupon, link.subscriber_code) for tx, link in links.items()}


def _links(stored: dict[str, Any]) -> dict[str, SaleLinks]:
    return {tx: SaleLinks(*row) for tx, row in stored.items()}
