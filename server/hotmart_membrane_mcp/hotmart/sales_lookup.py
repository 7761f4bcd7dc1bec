"""Looking one sale up by its transaction code, in the sales history.

The one place that knows where Hotmart's sales history lives (``SALES_HISTORY_PATH``, read by
the sales summary too) and how one sale is picked out of its answer. The read itself goes
through whatever ``send`` the caller passes (the backend bound to a connection), so this module
holds Hotmart knowledge and no transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..membrane.models import ProxyRequest
from .page_reads import Send

SALES_HISTORY_PATH = "/payments/api/v1/sales/history"
_MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class SaleFound:
    """What a write's summary needs to know about one sale, from the sales history."""

    transaction: str
    status: str | None
    amount: str | None  # "BRL 47.00"
    buyer: str | None


async def look_up_sale(send: Send, transaction: str) -> SaleFound | None:
    """The sale with this transaction code, read with one request; None when there is none.

    Raises:
        HotmartMcpError: whatever ``send`` raises (the read failed).
    """
    response = await send(ProxyRequest(path=SALES_HISTORY_PATH, query=(("transaction", transaction),)))
    return sale_from_history(response.body, transaction)


def sale_from_history(body: Any, transaction: str) -> SaleFound | None:
    """The sale with this transaction code in a sales-history answer, or None."""
    items = body.get("items") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        purchase = item.get("purchase") if isinstance(item, dict) else None
        if not isinstance(purchase, dict) or purchase.get("transaction") != transaction:
            continue
        status = purchase.get("status")
        buyer = item.get("buyer")
        name = buyer.get("name") if isinstance(buyer, dict) else None
        return SaleFound(
            transaction=transaction,
            status=status if isinstance(status, str) else None,
            amount=_money(purchase.get("price")),
            buyer=name[:_MAX_NAME_CHARS] if isinstance(name, str) and name.strip() else None,
        )
    return None


def _money(price: Any) -> str | None:
    value = price.get("value") if isinstance(price, dict) else None
    currency = price.get("currency_code") if isinstance(price, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(currency, str):
        return f"{currency[:10]} {value:.2f}"
    return None
