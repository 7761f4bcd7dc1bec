"""Correct sales totals for a period: every page, every status, gross value per currency.

Agents asked "how much did I sell?" tend to read one page, or ``/sales/summary`` (which totals
commissions, not sales), or sales history without a status (which hides everything that is not
APPROVED/COMPLETE). This walks sales history to the end for an explicit list of statuses and
adds up ``purchase.price.value`` per currency, saying which statuses were included and whether
every page was read.

One walk per status: how Hotmart reads several ``transaction_status`` values in one request
(repeated key or comma list) is not documented (hotmart-api.md §5.1 lists the parameter only),
and a misread would silently drop statuses. One status per request cannot be misread, costs
one extra call per status, and each sale is still counted once (deduplicated by transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import anyio

from ..errors import HotmartMcpError, InvalidInput
from ..membrane.models import ProxyRequest
from .catalogue import SALE_STATUSES
from .dates import utc_text
from .paging import STOP_MAX_PAGES, OnPage, Send, Sleep, fetch_all
from .projection import with_select

SALES_HISTORY_PATH = "/payments/api/v1/sales/history"
PAGE_SIZE = 500  # hotmart-api.md §3.1: INFERRED common ceiling; larger values are clamped anyway
SUMMARY_FIELDS = ("purchase.transaction", "purchase.status", "purchase.price")
DEFAULT_MAX_PAGES = 200
NO_CURRENCY = "UNKNOWN"


@dataclass
class SalesSummary:
    count: int
    by_currency: dict[str, dict[str, Any]]  # {currency: {count, total}}
    by_status: dict[str, dict[str, Any]]  # {status: {count, by_currency, complete}}
    pages: int
    complete: bool
    incomplete_reason: str | None
    period: dict[str, Any]  # {start, end, start_ms, end_ms}
    statuses: list[str]
    amount: str = "gross: the sum of purchase.price.value (what buyers paid), before fees and commissions"
    failures: list[dict[str, Any]] = field(default_factory=list)  # {status, reason}
    duplicates_skipped: int = 0
    rate_limit_waits: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_statuses(statuses: Sequence[str] | None) -> list[str]:
    """Upper-cased, de-duplicated statuses (all of §5.1 when None); InvalidInput for unknown ones."""
    if statuses is None:
        return list(SALE_STATUSES)
    wanted = list(dict.fromkeys(status.strip().upper() for status in statuses if status.strip()))
    unknown = [status for status in wanted if status not in SALE_STATUSES]
    if unknown or not wanted:
        raise InvalidInput(
            f"statuses: {', '.join(unknown) or '(empty)'} not a Hotmart sale status. "
            f"Valid: {', '.join(SALE_STATUSES)}.",
            field="statuses",
        )
    return wanted


class _Totals:
    def __init__(self, statuses: Sequence[str]) -> None:
        self.count = 0
        self.by_currency: dict[str, list[Any]] = {}  # currency -> [count, Decimal total]
        self.by_status: dict[str, dict[str, list[Any]]] = {status: {} for status in statuses}
        self.seen: set[str] = set()
        self.duplicates = 0

    def add(self, item: Any, walked_status: str) -> None:
        purchase = item.get("purchase") if isinstance(item, dict) else None
        purchase = purchase if isinstance(purchase, dict) else {}
        transaction = purchase.get("transaction")
        if isinstance(transaction, str):
            if transaction in self.seen:  # a cursor that repeats, or a sale that changed status
                self.duplicates += 1
                return
            self.seen.add(transaction)
        price = purchase.get("price")
        price = price if isinstance(price, dict) else {}
        currency = price.get("currency_code") or NO_CURRENCY
        # str() first: Decimal(0.1) would carry the float's binary error into the sum.
        value = Decimal(str(price.get("value") or 0))
        status = purchase.get("status") or walked_status
        self.count += 1
        for bucket in (self.by_currency, self.by_status.setdefault(status, {})):
            entry = bucket.setdefault(currency, [0, Decimal(0)])
            entry[0] += 1
            entry[1] += value

    @staticmethod
    def _money(bucket: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
        return {
            cur: {"count": n, "total": float(round(total, 2))} for cur, (n, total) in sorted(bucket.items())
        }

    def currencies(self) -> dict[str, dict[str, Any]]:
        return self._money(self.by_currency)

    def statuses(self, failed: set[str]) -> dict[str, dict[str, Any]]:
        """Per status: count, money per currency, and whether every page of it was read."""
        return {
            status: {
                "count": sum(n for n, _ in bucket.values()),
                "by_currency": self._money(bucket),
                "complete": status not in failed,
            }
            for status, bucket in self.by_status.items()
        }


class _Progress:
    """Turns each walk's page reports into one rising count of pages across all walks."""

    def __init__(self, on_page: OnPage | None) -> None:
        self.on_page = on_page
        self.pages = 0
        self.status = ""

    async def report(self, fetched: int, expected: int | None, message: str) -> None:
        self.pages += 1
        if self.on_page is not None:
            await self.on_page(self.pages, None, f"{self.status}: {message}")


async def summarize_sales(
    send: Send,
    *,
    start_ms: int,
    end_ms: int,
    statuses: Sequence[str] | None = None,
    product_id: str | int | None = None,
    on_page: OnPage | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    sleep: Sleep = anyio.sleep,
    max_rate_limit_wait_s: float = 30,
) -> SalesSummary:
    """Count and total the sales ordered in [start_ms, end_ms] for ``statuses`` (default: all).

    ``complete`` is False, with the reason, when any page could not be fetched or ``max_pages``
    ran out; the totals then cover only what was read. Raises when nothing could be read.
    """
    if end_ms < start_ms:
        raise InvalidInput("The period ends before it starts.", field="end_date")
    wanted = normalise_statuses(statuses)
    totals = _Totals(wanted)
    pages = 0
    failures: list[dict[str, Any]] = []
    waits: list[dict[str, Any]] = []
    retry_waits: list[dict[str, Any]] = []  # shared by every walk: one retry budget for the summary
    base_query: list[tuple[str, str]] = [
        ("start_date", str(start_ms)),
        ("end_date", str(end_ms)),
        ("max_results", str(PAGE_SIZE)),
    ]
    if product_id is not None:
        base_query.append(("product_id", str(product_id)))

    progress = _Progress(on_page)
    for status in wanted:
        if pages >= max_pages:
            failures.append({"status": status, "reason": "not fetched: max_pages was used up"})
            continue
        request = ProxyRequest(
            SALES_HISTORY_PATH,
            query=with_select([*base_query, ("transaction_status", status)], SUMMARY_FIELDS),
        )
        progress.status = status
        try:
            walk = await fetch_all(
                send,
                request,
                max_pages=max_pages - pages,
                on_page=progress.report,
                sleep=sleep,
                max_rate_limit_wait_s=max(max_rate_limit_wait_s - sum(w["waited_s"] for w in waits), 0),
                retry_waits=retry_waits,
            )
        except HotmartMcpError as exc:
            if pages == 0 and not failures:
                raise  # nothing read at all: the agent needs the real error (login, connection, ...)
            failures.append({"status": status, "reason": exc.message})
            continue
        pages += walk.pages_fetched
        waits.extend({**wait, "status": status} for wait in walk.rate_limit_waits)
        for item in walk.items:
            totals.add(item, status)
        if not walk.complete:
            reason = walk.incomplete_reason or walk.stop_reason
            if walk.stop_reason == STOP_MAX_PAGES:
                reason = f"max_pages={max_pages} was reached while reading {status}"
            failures.append({"status": status, "reason": reason})
    incomplete_reason = (
        "Not every page was read, so the totals are too low: "
        + "; ".join(f"{failure['status']}: {failure['reason']}" for failure in failures)
        if failures
        else None
    )
    return SalesSummary(
        count=totals.count,
        by_currency=totals.currencies(),
        by_status=totals.statuses({failure["status"] for failure in failures}),
        pages=pages,
        complete=not failures,
        incomplete_reason=incomplete_reason,
        period={"start": utc_text(start_ms), "end": utc_text(end_ms), "start_ms": start_ms, "end_ms": end_ms},
        statuses=wanted,
        failures=failures,
        duplicates_skipped=totals.duplicates,
        rate_limit_waits=waits,
    )
