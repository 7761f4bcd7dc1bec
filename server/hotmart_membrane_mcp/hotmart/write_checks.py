"""What Hotmart would say about a write, checked before a human is asked (issue #10, item 7).

A human asked to approve a write Hotmart will refuse (a coupon with ``discount: 20``) or one
that cannot do anything (refunding a sale that was already refunded) wastes their attention and
teaches them to click yes. These checks refuse such writes as ``invalid_input`` naming the field,
and turn the raw values of the rest into readable lines ("20 % off", "BRL 47.00 to Ana Souza")
for the confirmation summary. Rules from hotmart-api-traps.md §14.1 (refunds) and hotmart-api-traps.md §14.5
(coupons).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import InvalidInput
from .catalogue import Endpoint

COUPON_CREATE_PATH = "/products/api/v1/product/{product_id}/coupon"
REFUND_PATH_END = "/refund"
# hotmart-api-traps.md §14.5: discount is a fraction, 0 < d < 0.99; the code is required, at most 25
# characters.
MAX_DISCOUNT = Decimal("0.99")
MAX_COUPON_CODE_CHARS = 25
# hotmart-api-traps.md §14.1: a sale in one of these states has nothing left to refund.
NOTHING_TO_REFUND = {
    "REFUNDED": "was already refunded",
    "CANCELLED": "was cancelled",
    "CHARGEBACK": "was charged back",
}
_MAX_NAME_CHARS = 80
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Sale:
    """What a refund summary needs to know about one sale, from the sales history."""

    transaction: str
    status: str | None
    amount: str | None  # "BRL 47.00"
    buyer: str | None


def is_coupon_create(endpoint: Endpoint | None) -> bool:
    """True for the catalogue's coupon-creation call."""
    return endpoint is not None and endpoint.method == "POST" and endpoint.path == COUPON_CREATE_PATH


def is_refund(endpoint: Endpoint | None) -> bool:
    """True for the catalogue's refund call."""
    return endpoint is not None and endpoint.method == "PUT" and endpoint.path.endswith(REFUND_PATH_END)


def action_creates_coupon(key: str | None, name: str | None) -> bool:
    """An action whose key or name says it creates a coupon ("create-coupon", "Create Coupon")."""
    words = set(_WORDS.findall(f"{key or ''} {name or ''}".lower()))
    return bool(words & {"coupon", "coupons"}) and bool(words & {"create", "add", "new"})


def check_coupon(values: Any, field: str) -> list[str]:
    """Refuse a coupon Hotmart would refuse; else the readable lines for the summary.

    ``values`` is the request body (``field`` "body") or the action input (``field`` "input").

    Raises:
        InvalidInput: a missing or non-numeric discount, one outside (0, 0.99) (a percentage
            given as a number: "20 means 20 %? pass 0.2"), or a missing or too long code.
    """
    if not isinstance(values, Mapping):
        return []
    discount = values.get("discount")
    slot = f"{field}.discount"
    if isinstance(discount, bool) or not isinstance(discount, (int, float)):
        raise InvalidInput(
            f"`{slot}` must be the discount as a fraction, e.g. 0.2 for 20 % off; got {discount!r}.",
            field=slot,
        )
    exact = Decimal(str(discount))
    if not 0 < exact < MAX_DISCOUNT:
        hint = ""
        if 1 <= exact < 100:
            hint = f" {_plain(exact)} means {_plain(exact)} %? Pass {_plain(exact / 100)}."
        raise InvalidInput(
            f"`{slot}` is {_plain(exact)}, but Hotmart takes the discount as a fraction greater than 0 "
            f"and less than {MAX_DISCOUNT} (0.2 = 20 % off).{hint}",
            next_step="Correct the discount (ask the user if unsure which percentage they meant).",
            field=slot,
        )
    code = values.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_COUPON_CODE_CHARS:
        raise InvalidInput(
            f"`{field}.code` must be the coupon code buyers type, 1 to {MAX_COUPON_CODE_CHARS} characters; "
            f"got {code!r}."[:300],
            field=f"{field}.code",
        )
    return [f"Coupon: {code} for {_plain(exact * 100)} % off"]


def sale_from_history(body: Any, transaction: str) -> Sale | None:
    """The sale with this transaction code in a sales-history answer, or None."""
    items = body.get("items") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        purchase = item.get("purchase") if isinstance(item, dict) else None
        if not isinstance(purchase, dict) or purchase.get("transaction") != transaction:
            continue
        status = purchase.get("status")
        buyer = item.get("buyer")
        name = buyer.get("name") if isinstance(buyer, dict) else None
        return Sale(
            transaction=transaction,
            status=status if isinstance(status, str) else None,
            amount=_money(purchase.get("price")),
            buyer=name[:_MAX_NAME_CHARS] if isinstance(name, str) and name.strip() else None,
        )
    return None


def refuse_refund_of(sale: Sale, field: str) -> None:
    """Refuse a refund of a sale with nothing left to refund (no human is asked).

    Raises:
        InvalidInput: the sale is REFUNDED, CANCELLED or CHARGEBACK.
    """
    reason = NOTHING_TO_REFUND.get(sale.status or "")
    if reason is None:
        return
    raise InvalidInput(
        f"Sale {sale.transaction} {reason} (status {sale.status}); there is nothing to refund, so nothing "
        "was sent and the user was not asked.",
        next_step="Tell the user the sale's status; check the transaction code if they meant another sale.",
        field=field,
        sale_status=sale.status,
    )


def refund_line(sale: Sale) -> str:
    """The summary line of a refund: "Amount: BRL 47.00 to Ana Souza (sale APPROVED)"."""
    amount = sale.amount or "unknown (the sale has no price)"
    buyer = f" to {sale.buyer}" if sale.buyer else ""
    status = f" (sale {sale.status})" if sale.status else ""
    return f"Amount: {amount}{buyer}{status}"


def _money(price: Any) -> str | None:
    value = price.get("value") if isinstance(price, dict) else None
    currency = price.get("currency_code") if isinstance(price, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(currency, str):
        return f"{currency[:10]} {value:.2f}"
    return None


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 20, 0.2, 12.5."""
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
