"""Refunds: which writes refund a sale, and what a human is told before one is sent.

A sale is refunded two ways: ``proxy_request`` PUT on the catalogue's refund endpoint (the
transaction code is a path value) or a Membrane action whose key or name says it refunds (the
code is an input field). Both are recognised here, and nowhere else, as a :class:`Refund`
naming the transaction and the argument that carried it. Rules from hotmart-api-traps.md §14.1.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import HotmartMcpError, InvalidInput
from .catalogue import find_endpoint, path_values
from .page_reads import Send
from .sales_lookup import SaleFound, look_up_sale

logger = logging.getLogger(__name__)

REFUND_METHOD = "PUT"
REFUND_PATH_END = "/refund"
# The input fields a refunding action names its sale by, in the order they are looked at.
TRANSACTION_FIELDS = ("transaction", "transaction_code")
# hotmart-api-traps.md §14.1: a sale in one of these states has nothing left to refund.
NOTHING_TO_REFUND = {
    "REFUNDED": "was already refunded",
    "CANCELLED": "was cancelled",
    "CHARGEBACK": "was charged back",
}
AMOUNT_UNKNOWN = "unknown (the sale could not be looked up)"
AMOUNT_NOT_FOUND = "unknown (no sale with this transaction code was found)"
_WORD_BREAKS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Refund:
    """A write that refunds one sale: its transaction code and the argument that carried it."""

    transaction: str
    field: str  # "path", "input.transaction", ...: named when the refund is refused


def refund_in_request(method: str, path: str) -> Refund | None:
    """The refund a proxy request makes (the catalogue's refund call, code from the path), or None."""
    endpoint = find_endpoint(method, path)
    if endpoint is None or endpoint.method != REFUND_METHOD or not endpoint.path.endswith(REFUND_PATH_END):
        return None
    transaction = next(iter(path_values(endpoint, path).values()), None)
    return Refund(transaction, "path") if transaction is not None else None


def refund_in_action(key: str | None, name: str | None, input: Mapping[str, Any]) -> Refund | None:
    """The refund an action makes (a word of its key or name starts with "refund"), or None.

    Only a refund that names its sale by a text ``transaction`` (or ``transaction_code``) field
    is one the server can look up; any other is left to the generic summary.
    """
    words = _WORD_BREAKS.split(f"{key or ''} {name or ''}".lower())
    if not any(word.startswith("refund") for word in words):
        return None
    for field in TRANSACTION_FIELDS:
        value = input.get(field)
        if isinstance(value, str):
            return Refund(value, f"input.{field}")
    return None


async def refund_line(send: Send, refund: Refund) -> str:
    """The summary line of a refund, read from the sales history: "Amount: BRL 47.00 to Ana Souza ...".

    Whatever goes wrong with the lookup, the line says the amount is unknown: the lookup must
    never stand between the user and the question.

    Raises:
        InvalidInput: the sale has nothing left to refund (no human is asked).
    """
    try:
        sale = await look_up_sale(send, refund.transaction)
    except HotmartMcpError as exc:
        logger.info("refund summary: the sale could not be looked up (%s)", exc.error_type)
        return f"Amount: {AMOUNT_UNKNOWN}"
    if sale is None:
        return f"Amount: {AMOUNT_NOT_FOUND}"
    refuse_refund_of(sale, refund.field)
    return amount_line(sale)


def refuse_refund_of(sale: SaleFound, field: str) -> None:
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


def amount_line(sale: SaleFound) -> str:
    """The summary line of a refundable sale: "Amount: BRL 47.00 to Ana Souza (sale APPROVED)"."""
    amount = sale.amount or "unknown (the sale has no price)"
    buyer = f" to {sale.buyer}" if sale.buyer else ""
    status = f" (sale {sale.status})" if sale.status else ""
    return f"Amount: {amount}{buyer}{status}"
