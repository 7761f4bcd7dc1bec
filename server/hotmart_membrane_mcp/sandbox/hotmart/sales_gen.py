"""Generation of sales (one-off purchases) and the sale record shared with subscription charges.

A sale is stored in the ``/sales/history`` item shape (hotmart-api-traps.md §14.1); what that shape
cannot hold (affiliate, coupon, subscriber) lives in :class:`SaleLinks`.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from typing import Any

from .fake import IdFactory, between, digits, pick
from .money import hotmart_fee
from .seller_account import DAY_MS, Catalog, ProductSpec


class Weighted:
    """A constant table of weighted choices, accumulated once (drawn from thousands of times)."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative: list[float] = []
        total = 0.0
        for weight in weights.values():
            total += weight
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> str:
        """One key, drawn proportionally to its weight."""
        return self.keys[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


ONE_OFF_SALES = 2800
LOOKBACK_DAYS = 395  # ~13 months
MINUTE_MS = 60_000

# Outcome of a one-off sale; "PAID" becomes APPROVED or COMPLETE depending on the warranty.
STATUS_WEIGHTS = Weighted({
    "PAID": 0.80, "REFUNDED": 0.035, "CHARGEBACK": 0.01, "PARTIALLY_REFUNDED": 0.006, "PROTESTED": 0.006,
    "CANCELLED": 0.04, "EXPIRED": 0.03, "WAITING_PAYMENT": 0.012, "PRINTED_BILLET": 0.012, "NO_FUNDS": 0.012,
    "BLOCKED": 0.008, "UNDER_ANALISYS": 0.006, "PROCESSING_TRANSACTION": 0.005, "STARTED": 0.01,
    "OVERDUE": 0.006, "PRE_ORDER": 0.005,
})  # fmt: skip
# Statuses that only make sense for a recent order: maximum age in days.
RECENT_ONLY = {
    "PROCESSING_TRANSACTION": 1,
    "UNDER_ANALISYS": 3,
    "WAITING_PAYMENT": 3,
    "PRINTED_BILLET": 3,
    "PRE_ORDER": 30,
}
CARD_ONLY = {
    "NO_FUNDS",
    "BLOCKED",
    "UNDER_ANALISYS",
    "PROCESSING_TRANSACTION",
    "CHARGEBACK",
    "PROTESTED",
    "OVERDUE",
}
CURRENCY_WEIGHTS = Weighted({"BRL": 0.6, "USD": 0.2, "EUR": 0.1, "MXN": 0.07, "COP": 0.03})
PAYMENT_WEIGHTS = {
    currency: Weighted(weights)
    for currency, weights in {
        "BRL": {
            "CREDIT_CARD": 0.55,
            "PIX": 0.25,
            "BILLET": 0.12,
            "PAYPAL": 0.04,
            "GOOGLE_PAY": 0.02,
            "WALLET": 0.02,
        },
        "USD": {"CREDIT_CARD": 0.7, "PAYPAL": 0.2, "GOOGLE_PAY": 0.05, "WALLET": 0.05},
        "EUR": {"CREDIT_CARD": 0.65, "PAYPAL": 0.2, "DIRECT_DEBIT": 0.1, "GOOGLE_PAY": 0.05},
        "MXN": {"CREDIT_CARD": 0.6, "CASH_PAYMENT": 0.3, "PAYPAL": 0.1},
        "COP": {"CREDIT_CARD": 0.7, "CASH_PAYMENT": 0.2, "PAYPAL": 0.1},
    }.items()
}
# payment.method has a longer list than the docs show (hotmart-api-traps.md §14.1 "CREDIT_CARD_VISA, ..., PIX,
# APPLE_PAY, UNKNOWN"); the card brands, SEPA, OXXO and EFECTY spellings below are INFERRED from it.
CARD_BRANDS = ("CREDIT_CARD_VISA", "CREDIT_CARD_MASTERCARD", "CREDIT_CARD_AMEX", "CREDIT_CARD_ELO")
METHOD_BY_TYPE = {
    "PIX": "PIX",
    "BILLET": "BILLET",
    "PAYPAL": "PAYPAL",
    "GOOGLE_PAY": "GOOGLE_PAY",
    "WALLET": "APPLE_PAY",
    "DIRECT_DEBIT": "DIRECT_DEBIT_SEPA",
}
APPROVAL_DELAY_S = {
    "PIX": (30, 1800),
    "BILLET": (43_200, 172_800),
    "CASH_PAYMENT": (43_200, 172_800),
    "DIRECT_DEBIT": (86_400, 259_200),
}
SOURCES = ("", "", "instagram", "youtube", "newsletter", "partner-page")
SCKS = ("", "HOTMART_PRODUCT_PAGE", "HOTMART_CHECKOUT", "ig|stories|sandbox")


@dataclass
class SaleLinks:
    """Relationships of a sale that its history item does not show."""

    affiliate: dict[str, Any] | None = None
    coupon: dict[str, Any] | None = None  # {"code", "value"} as in /sales/price/details
    subscriber_code: str | None = None


@dataclass
class SalesBook:
    """Generated sales with their links."""

    sales: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, SaleLinks] = field(default_factory=dict)


def payment_for(rng: random.Random, currency: str, payment_type: str) -> dict[str, Any]:
    """The ``purchase.payment`` object for a payment type."""
    if payment_type == "CREDIT_CARD":
        brands = CARD_BRANDS if currency == "BRL" else CARD_BRANDS[:3]
        installments = pick(rng, (1, 1, 1, 1, 2, 3, 6, 10, 12)) if currency == "BRL" else 1
        return {"method": pick(rng, brands), "installments_number": installments, "type": payment_type}
    if payment_type == "CASH_PAYMENT":
        method = "OXXO" if currency == "MXN" else "EFECTY"
        return {"method": method, "installments_number": 1, "type": payment_type}
    return {
        "method": METHOD_BY_TYPE.get(payment_type, "UNKNOWN"),
        "installments_number": 1,
        "type": payment_type,
    }


def approval_time(rng: random.Random, order_ms: int, payment_type: str, now_ms: int) -> int:
    """When a payment of this type ordered at ``order_ms`` was approved (never in the future)."""
    low, high = APPROVAL_DELAY_S.get(payment_type, (5, 180))
    return max(order_ms, min(order_ms + between(rng, low, high) * 1000, now_ms - MINUTE_MS) // 1000 * 1000)


def paid_status(approved_ms: int, warranty_days: int, now_ms: int) -> str:
    """APPROVED while the buyer can still ask for a refund, COMPLETE after the warranty ends."""
    return "COMPLETE" if approved_ms + warranty_days * DAY_MS < now_ms else "APPROVED"


def sale_record(
    *,
    transaction: str,
    product: dict[str, Any],
    buyer: dict[str, Any],
    producer: dict[str, Any],
    status: str,
    order_ms: int,
    approved_ms: int | None,
    price: float,
    currency: str,
    payment: dict[str, Any],
    offer: dict[str, Any],
    warranty_days: int,
    tracking: dict[str, Any],
    recurrency_number: int | None = None,
) -> dict[str, Any]:
    """A sale in the ``/sales/history`` item shape."""
    purchase: dict[str, Any] = {
        "transaction": transaction,
        "order_date": order_ms,
        "status": status,
        "is_subscription": recurrency_number is not None,
        "commission_as": "PRODUCER",
        "price": {"value": price, "currency_code": currency},
        "payment": payment,
        "tracking": tracking,
        "offer": offer,
        "hotmart_fee": hotmart_fee(price, currency),
    }
    if approved_ms is not None:
        purchase["approved_date"] = approved_ms
        purchase["warranty_expire_date"] = approved_ms + warranty_days * DAY_MS
    if recurrency_number is not None:
        purchase["recurrency_number"] = recurrency_number
    return {
        "product": {"name": product["name"], "id": product["id"]},
        "buyer": {"name": buyer["name"], "ucode": buyer["ucode"], "email": buyer["email"]},
        "producer": producer,
        "purchase": purchase,
    }


def generate_one_off_sales(
    rng: random.Random,
    ids: IdFactory,
    catalog: Catalog,
    people: list[dict[str, Any]],
    affiliates: list[dict[str, Any]],
    now_ms: int,
    event_start_ms: int,
) -> SalesBook:
    """Sales of the non-subscription products over the last ~13 months."""
    sold = [(p, catalog.specs[p["id"]]) for p in catalog.products if catalog.specs[p["id"]].sales_weight > 0]
    product_weights = [spec.sales_weight for _, spec in sold]
    producer = {"name": catalog.account["name"], "ucode": catalog.account["ucode"]}
    book = SalesBook()
    for _ in range(ONE_OFF_SALES):
        product, spec = rng.choices(sold, weights=product_weights)[0]
        outcome = STATUS_WEIGHTS.draw(rng)
        is_event = spec.format == "ETICKET"
        if is_event and outcome in RECENT_ONLY:
            outcome = "PAID"  # ticket sales closed when the (past) event started
        order_ms = _order_time(rng, outcome, now_ms, event_start_ms if is_event else None)
        currency, payment_type = _currency_and_type(rng, spec, outcome)
        payment = payment_for(rng, currency, payment_type)
        offer, price, links = _offer_and_price(rng, catalog, product, spec, currency)
        if rng.random() < 0.15:
            links.affiliate = pick(rng, affiliates)
        approved_ms = None
        status = outcome
        if outcome == "PAID" or outcome in ("REFUNDED", "CHARGEBACK", "PARTIALLY_REFUNDED", "PROTESTED"):
            approved_ms = approval_time(rng, order_ms, payment_type, now_ms)
            if outcome == "PAID":
                status = paid_status(approved_ms, spec.warranty_days, now_ms)
        tracking = {
            "source": pick(rng, SOURCES),
            "source_sck": pick(rng, SCKS),
            "external_code": digits(rng, 13) if rng.random() < 0.3 else "",
        }
        transaction = ids.transaction()
        book.sales.append(
            sale_record(
                transaction=transaction,
                product=product,
                buyer=pick(rng, people),
                producer=producer,
                status=status,
                order_ms=order_ms,
                approved_ms=approved_ms,
                price=price,
                currency=currency,
                payment=payment,
                offer=offer,
                warranty_days=spec.warranty_days,
                tracking=tracking,
            )
        )
        if links.affiliate or links.coupon:
            book.links[transaction] = links
    return book


def _order_time(rng: random.Random, outcome: str, now_ms: int, latest_ms: int | None) -> int:
    # Whole seconds, like the real API's timestamps.
    if outcome in RECENT_ONLY:
        return (now_ms - between(rng, 10 * MINUTE_MS, RECENT_ONLY[outcome] * DAY_MS)) // 1000 * 1000
    newest = now_ms - 10 * MINUTE_MS if latest_ms is None else latest_ms - DAY_MS
    span = newest - (now_ms - LOOKBACK_DAYS * DAY_MS)
    # Skewed towards recent dates: the fictional business is growing.
    return (newest - int(span * rng.random() ** 1.3)) // 1000 * 1000


def _currency_and_type(rng: random.Random, spec: ProductSpec, outcome: str) -> tuple[str, str]:
    if outcome == "PRINTED_BILLET":
        return "BRL", "BILLET"
    if outcome in ("WAITING_PAYMENT", "EXPIRED"):
        return "BRL", pick(rng, ("BILLET", "PIX"))
    currency = CURRENCY_WEIGHTS.draw(rng)
    if currency not in spec.prices:
        currency = "BRL"
    if outcome in CARD_ONLY:
        return currency, "CREDIT_CARD"
    return currency, PAYMENT_WEIGHTS[currency].draw(rng)


def _offer_and_price(
    rng: random.Random, catalog: Catalog, product: dict[str, Any], spec: ProductSpec, currency: str
) -> tuple[dict[str, Any], float, SaleLinks]:
    offers = catalog.offers[product["ucode"]]
    offer = rng.choices(offers, weights=[0.7, 0.15, 0.15][: len(offers)])[0]
    factor = offer["price"]["value"] / offers[0]["price"]["value"]
    price = round(spec.prices[currency] * factor, 2)
    links = SaleLinks()
    coupons = catalog.coupons.get(product["id"], [])
    if coupons and rng.random() < 0.06:
        coupon = pick(rng, coupons)
        links.coupon = {"code": coupon["coupon_code"], "value": coupon["discount"]}
        price = round(price * (1 - coupon["discount"]), 2)
    return {"code": offer["code"], "payment_mode": offer["payment_mode"]}, price, links
