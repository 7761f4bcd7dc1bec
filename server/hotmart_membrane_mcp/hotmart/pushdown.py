"""Which ``where`` conditions Hotmart can apply itself, as query parameters of the endpoint.

A condition Hotmart applies means fewer pages to read, and for sales it also changes what
exists: without ``transaction_status`` the sales endpoints hide every status but APPROVED and
COMPLETE (hotmart-api-traps.md §8), so ``purchase.status eq REFUNDED`` filtered only here would find
nothing. Pushed conditions are still checked here too (Hotmart's matching may be looser, e.g.
a partial e-mail on club users), so pushing down never widens a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .catalogue import Endpoint
from .filters import Condition

# (item field, query parameter) per endpoint path; only exact-match parameters (hotmart-api-traps.md §14).
_SALES = (
    ("purchase.status", "transaction_status"),
    ("purchase.transaction", "transaction"),
    ("product.id", "product_id"),
    ("purchase.payment.type", "payment_type"),
    ("buyer.email", "buyer_email"),
)
_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {
    "/payments/api/v1/sales/history": _SALES,
    "/payments/api/v1/sales/users": (
        ("purchase.status", "transaction_status"),
        ("transaction", "transaction"),
        ("product.id", "product_id"),
    ),
    "/payments/api/v1/sales/commissions": (("transaction", "transaction"), ("product.id", "product_id")),
    "/payments/api/v1/sales/price/details": (("transaction", "transaction"), ("product.id", "product_id")),
    "/payments/api/v1/subscriptions": (
        ("status", "status"),
        ("product.id", "product_id"),
        ("subscriber.code", "subscriber_code"),
        ("subscriber.email", "subscriber_email"),
        ("plan.id", "plan_id"),
    ),
    "/payments/api/v1/subscriptions/summary": (
        ("product.id", "product_id"),
        ("subscriber_code", "subscriber_code"),
    ),
    "/club/api/v1/users": (("email", "email"),),
    "/products/api/v1/products": (("id", "id"), ("status", "status"), ("format", "format")),
}
# Hotmart's enum parameters want the exact upper-case value; ids are numbers written as text.
_UPPER = frozenset(
    {"transaction_status", "payment_type", "status", "format", "transaction", "subscriber_code"}
)


@dataclass(frozen=True)
class Pushed:
    """Condition number ``index`` sent to Hotmart as ``param`` (repeated for each of ``values``)."""

    index: int
    param: str
    values: tuple[str, ...]


def push_down(
    endpoint: Endpoint | None, conditions: Sequence[Condition], query: Sequence[tuple[str, str]]
) -> list[Pushed]:
    """The conditions Hotmart can apply on ``endpoint``, skipping parameters the query already sets."""
    if endpoint is None:
        return []
    fields = dict(_PARAMS.get(endpoint.path, ()))
    taken = {key for key, _ in query}
    pushed: list[Pushed] = []
    for index, condition in enumerate(conditions):
        param = fields.get(condition.field)
        if param is None or param in taken or condition.op not in ("eq", "in"):
            continue
        raw = condition.value if condition.op == "in" else (condition.value,)
        if not all(isinstance(value, (str, int)) and not isinstance(value, bool) for value in raw):
            continue
        values = tuple(str(value).upper() if param in _UPPER else str(value) for value in raw)
        # Several values go out as a repeated key for these enum filters only. Only the subscriptions'
        # `status` is documented as repeatable (hotmart-api-traps.md §14.2); how sales history reads a
        # repeated transaction_status or payment_type is UNKNOWN (sales_lanes.py avoids it), so a
        # misread there would drop a value: an open risk, not a documented fact.
        if param not in ("transaction_status", "status", "payment_type") and len(values) > 1:
            continue
        pushed.append(Pushed(index, param, values))
        taken.add(param)
    return pushed


def as_query(pushed: Sequence[Pushed]) -> tuple[tuple[str, str], ...]:
    """The query pairs of the pushed conditions."""
    return tuple((item.param, value) for item in pushed for value in item.values)
