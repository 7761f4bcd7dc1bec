"""Sales in, totals and groups out: the arithmetic of sales_summary, with no I/O.

Kept apart from the page walk (hotmart/sales_walks.py) so it can be tested on plain lists and
reused by anything that reads sales. Money is summed in Decimal per currency and never added
across currencies; rounding to cents happens once, on output.

``purchase_kind`` comes from what a sales-history item says (hotmart-api-traps.md §14.1:
``purchase.is_subscription`` and ``purchase.recurrency_number``): a sale that is not a
subscription, or is its first charge (recurrency 1), is a ``first_purchase``; a later charge of
a subscription is a ``renewal``; a subscription sale without a recurrency number is ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from ..zones import moment

NO_CURRENCY = "UNKNOWN"
NO_VALUE = "(none)"
GroupDimension = Literal[
    "product", "status", "payment_type", "offer", "purchase_kind", "day", "week", "month"
]
GROUP_DIMENSIONS: tuple[GroupDimension, ...] = get_args(GroupDimension)
TIME_DIMENSIONS = ("day", "week", "month")
Sort = Literal["count", "gross", "key"]
SORTS: tuple[Sort, ...] = get_args(Sort)


@dataclass(frozen=True)
class Sale:
    """What the totals need from one sales-history item."""

    transaction: str | None
    status: str
    currency: str
    value: Decimal
    order_ms: int | None
    product_id: str
    product_name: str | None
    payment_type: str
    offer: str
    purchase_kind: str


def purchase_kind(purchase: dict[str, Any]) -> str:
    """first_purchase, renewal or unknown, from ``is_subscription`` and ``recurrency_number``."""
    number = purchase.get("recurrency_number")
    if isinstance(number, int) and not isinstance(number, bool):
        return "renewal" if number > 1 else "first_purchase"
    if purchase.get("is_subscription") is True:
        return "unknown"
    return "first_purchase"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sale_from_item(item: Any, walked_status: str) -> Sale:
    """A :class:`Sale` from a /sales/history item (missing parts become UNKNOWN / '(none)')."""
    item = _dict(item)
    purchase = _dict(item.get("purchase"))
    product = _dict(item.get("product"))
    price = _dict(purchase.get("price"))
    transaction = purchase.get("transaction")
    order = purchase.get("order_date")
    product_id = product.get("id")
    name = product.get("name")
    return Sale(
        transaction=transaction if isinstance(transaction, str) else None,
        status=str(purchase.get("status") or walked_status),
        currency=str(price.get("currency_code") or NO_CURRENCY),
        # str() first: Decimal(0.1) would carry the float's binary error into the sum.
        value=Decimal(str(price.get("value") or 0)),
        order_ms=order if isinstance(order, int) and not isinstance(order, bool) else None,
        product_id=NO_VALUE if product_id is None else str(product_id),
        product_name=name if isinstance(name, str) else None,
        payment_type=str(_dict(purchase.get("payment")).get("type") or NO_VALUE),
        offer=str(_dict(purchase.get("offer")).get("code") or NO_VALUE),
        purchase_kind=purchase_kind(purchase),
    )


class Money:
    """Count and gross total per currency."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}  # currency -> [count, Decimal total]

    def add(self, sale: Sale) -> None:
        row = self.rows.setdefault(sale.currency, [0, Decimal(0)])
        row[0] += 1
        row[1] += sale.value

    @property
    def count(self) -> int:
        return sum(n for n, _ in self.rows.values())

    def gross(self, currency: str) -> Decimal:
        return self.rows.get(currency, [0, Decimal(0)])[1]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {
            cur: {"count": n, "total": float(round(total, 2))}
            for cur, (n, total) in sorted(self.rows.items())
        }


def totals_by_status(sales: Iterable[Sale], statuses: Sequence[str] = ()) -> dict[str, Money]:
    """Money per status, with every status of ``statuses`` present (empty when it had no sale)."""
    result: dict[str, Money] = {status: Money() for status in statuses}
    for sale in sales:
        result.setdefault(sale.status, Money()).add(sale)
    return result


def primary_currency(money: Money) -> str | None:
    """The currency with the most sales (ties: the larger gross, then the name), for sort=gross."""
    if not money.rows:
        return None
    return min(money.rows, key=lambda cur: (-money.rows[cur][0], -money.rows[cur][1], cur))


def group_key(sale: Sale, dimension: str, zone: ZoneInfo) -> str:
    """The group ``sale`` belongs to for ``dimension``; day/week/month are calendar dates in ``zone``."""
    if dimension in TIME_DIMENSIONS:
        if sale.order_ms is None:
            return NO_VALUE
        day = moment(sale.order_ms, zone).date()
        if dimension == "day":
            return day.isoformat()
        if dimension == "week":  # the Monday that starts the ISO week
            return (day - timedelta(days=day.weekday())).isoformat()
        return day.isoformat()[:7]
    if dimension == "product":
        return sale.product_id
    return str(getattr(sale, dimension))


@dataclass
class _Group:
    key: str
    money: Money
    name: str | None = None
    sales: list[Sale] | None = None


def _sorted(groups: list[_Group], sort: Sort, currency: str | None) -> list[_Group]:
    if sort == "key":
        return sorted(groups, key=lambda g: g.key)
    if sort == "gross" and currency is not None:
        return sorted(groups, key=lambda g: (-g.money.gross(currency), -g.money.count, g.key))
    return sorted(groups, key=lambda g: (-g.money.count, g.key))


def _collect(sales: Iterable[Sale], dimension: str, zone: ZoneInfo, keep: bool) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for sale in sales:
        key = group_key(sale, dimension, zone)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key, Money(), sales=[] if keep else None)
        group.money.add(sale)
        if dimension == "product" and group.name is None and sale.product_name:
            group.name = sale.product_name
        if group.sales is not None:
            group.sales.append(sale)
    return list(groups.values())


def _row(group: _Group) -> dict[str, Any]:
    row: dict[str, Any] = {"key": group.key}
    if group.name is not None:
        row["name"] = group.name
    row["count"] = group.money.count
    row["by_currency"] = group.money.to_dict()
    return row


def group_sales(
    sales: Sequence[Sale],
    dimensions: Sequence[str],
    *,
    zone: ZoneInfo,
    sort: Sort = "count",
    top: int | None = None,
    currency: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Groups of ``sales`` by ``dimensions[0]``, each split by ``dimensions[1]`` when given.

    Returns (the groups, sorted by ``sort`` and cut to ``top``; how many groups there were).
    ``sort="gross"`` orders by the gross in ``currency`` (the caller says which: currencies are
    never added together). Each group: ``key``, ``name`` (products), ``count``, ``by_currency``
    and, with a second dimension, ``split``: the same rows for that dimension, all of them.
    """
    first, *rest = dimensions
    groups = _sorted(_collect(sales, first, zone, keep=bool(rest)), sort, currency)
    total = len(groups)
    rows = []
    for group in groups[:top] if top is not None else groups:
        row = _row(group)
        if rest and group.sales is not None:
            inner = _sorted(_collect(group.sales, rest[0], zone, keep=False), sort, currency)
            row["split_by"] = rest[0]
            row["split"] = [_row(sub) for sub in inner]
        rows.append(row)
    return rows, total
