"""The simulator's money model: Hotmart fee, commissions, VAT and exchange rates.

Simplification (documented, deliberate): the producer's commission is a fixed share of the
price (``PRODUCER_SHARE``), so ``/sales/summary`` (which totals commissions, hotmart-api-traps.md §9)
visibly differs from gross sales. Hotmart's fee is a flat percentage; on affiliate sales the
affiliate gets the remainder of the price, otherwise the remainder is simply not modelled.
"""

from __future__ import annotations

from typing import Any

from .seller_account import RATES_TO_BRL

PRODUCER_SHARE = 0.85
HOTMART_FEE_PERCENTAGE = 9.9
EU_VAT_RATE = 0.2  # EUR prices are VAT-inclusive in the simulator


def money(value: float, currency: str) -> dict[str, Any]:
    """A REST money object ``{value, currency_code}``."""
    return {"value": round(value, 2), "currency_code": currency}


def hotmart_fee(price: float, currency: str) -> dict[str, Any]:
    """The ``purchase.hotmart_fee`` object of a sale."""
    total = round(price * HOTMART_FEE_PERCENTAGE / 100, 2)
    return {
        "total": total,
        "fixed": 0.0,
        "base": price,
        "percentage": HOTMART_FEE_PERCENTAGE,
        "currency_code": currency,
    }


def producer_commission(price: float) -> float:
    """What the producer earns on a sale of ``price`` (in the sale's currency)."""
    return round(price * PRODUCER_SHARE, 2)


def affiliate_commission(price: float) -> float:
    """What an affiliate earns on a sale of ``price``: the part neither Hotmart nor the producer keeps."""
    fee = round(price * HOTMART_FEE_PERCENTAGE / 100, 2)
    return round(max(price - fee - producer_commission(price), 0.0), 2)


def vat(price: float, currency: str) -> float:
    """The VAT included in ``price`` (only EUR sales carry VAT here)."""
    return round(price * EU_VAT_RATE / (1 + EU_VAT_RATE), 2) if currency == "EUR" else 0.0


def rate_to_brl(currency: str) -> float:
    """The payout exchange rate to the account's commission currency (BRL)."""
    return RATES_TO_BRL.get(currency, 1.0)
