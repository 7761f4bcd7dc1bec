"""The synthetic seller account: products, offers, plans, coupons, the producer profile.

All times are offsets from ``now_ms`` and every identifier comes from the seeded RNG, so the ids
are the same for a seed whatever the day (writes recorded under a seed keep matching records).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .fake import IdFactory, between, digits

DAY_MS = 86_400_000
SUBDOMAIN = "sandbox-academy"
TIME_ZONE = {
    "description": "Brasilia time (sandbox account)",
    "id": "America/Sao_Paulo",
    "name": "AMERICA_SAO_PAULO",
    "offset": "-03:00",
}
# Money a BRL payout gets per unit of each currency (fake but plausible, fixed for reproducibility).
RATES_TO_BRL = {"BRL": 1.0, "USD": 5.0, "EUR": 5.4, "MXN": 0.29, "COP": 0.0013}


@dataclass(frozen=True)
class ProductSpec:
    """What the generator needs to know about one product beyond its API fields."""

    name: str
    format: str
    status: str
    is_subscription: bool
    warranty_days: int
    sales_weight: float
    prices: dict[str, float]  # list price per currency; empty = never sold


PRODUCT_SPECS = (
    ProductSpec("Sandbox Mastery Course", "ONLINE_COURSE", "ACTIVE", False, 30, 0.30,
                {"BRL": 497.0, "USD": 97.0, "EUR": 89.0, "MXN": 1690.0}),
    ProductSpec("Fictional Finance Ebook", "EBOOK", "ACTIVE", False, 7, 0.30,
                {"BRL": 47.0, "USD": 9.9, "EUR": 9.0, "MXN": 169.0, "COP": 39000.0}),
    ProductSpec("Sandbox Pro Membership", "COMMUNITY", "ACTIVE", True, 7, 0.0, {}),
    ProductSpec("Example Summit 2026", "ETICKET", "ACTIVE", False, 7, 0.08, {"BRL": 297.0, "USD": 59.0}),
    ProductSpec("Placeholder Templates Pack", "TEMPLATES", "ACTIVE", False, 7, 0.15,
                {"BRL": 97.0, "USD": 19.0, "EUR": 18.0}),
    ProductSpec("Demo Audio Series", "AUDIOS", "ACTIVE", False, 30, 0.10, {"BRL": 67.0, "USD": 14.0}),
    ProductSpec("Mock Software Toolkit", "SOFTWARE", "PAUSED", False, 7, 0.07,
                {"BRL": 197.0, "USD": 39.0, "EUR": 36.0}),
    ProductSpec("Draft Video Workshop", "VIDEOS", "DRAFT", False, 7, 0.0, {}),
)  # fmt: skip


@dataclass(frozen=True)
class PlanSpec:
    """A subscription plan with what subscriptions and recurrences need."""

    id: int
    code: str
    name: str
    periodicity: str
    period_days: int
    trial_days: int
    prices: dict[str, float]


@dataclass
class Catalog:
    """Products and everything hanging off them, in the API's own shapes."""

    account: dict[str, Any]
    products: list[dict[str, Any]]
    specs: dict[int, ProductSpec]  # by product id
    offers: dict[str, list[dict[str, Any]]]  # by product ucode
    plans: dict[str, list[dict[str, Any]]]  # by product ucode
    plan_specs: list[PlanSpec]
    coupons: dict[int, list[dict[str, Any]]]  # by product id
    subscription_product: dict[str, Any] = field(default_factory=dict)
    course_product: dict[str, Any] = field(default_factory=dict)
    event_product: dict[str, Any] = field(default_factory=dict)

    def product(self, product_id: int) -> dict[str, Any] | None:
        """The product with this numeric id, if any."""
        return next((item for item in self.products if item["id"] == product_id), None)


def build_catalog(rng: random.Random, ids: IdFactory, now_ms: int) -> Catalog:
    """Generate the account's products, offers, plans and coupons."""
    account = {
        "id": ids.numeric(7),
        "ucode": ids.ucode(),
        "name": "Example Producer Studio",
        "email": "producer@example.com",
        "phone": digits(rng, 11),
        "locale": "PT_BR",
        "country": "BR",
        "time_zone": TIME_ZONE["id"],
        "commission_currency": "BRL",
        "address": {"city": "Example City", "state": "EX", "country": "Brasil", "zip_code": "00000-000"},
        "document": {"type": "CNPJ", "value": digits(rng, 14)},
    }
    products, specs, offers, plans = [], {}, {}, {}
    for spec in PRODUCT_SPECS:
        product = {
            "id": ids.numeric(7),
            "name": spec.name,
            "ucode": ids.ucode(),
            "status": spec.status,
            "created_at": now_ms - between(rng, 400, 900) * DAY_MS,
            "format": spec.format,
            "is_subscription": spec.is_subscription,
            "warranty_period": spec.warranty_days,
        }
        products.append(product)
        specs[product["id"]] = spec
        offers[product["ucode"]] = _offers_for(ids, spec)
        plans[product["ucode"]] = []
    by_format = {item["format"]: item for item in products}
    subscription_product = by_format["COMMUNITY"]
    plan_specs = _plan_specs(ids)
    offers[subscription_product["ucode"]] = [_plan_offer(plan) for plan in plan_specs]
    plans[subscription_product["ucode"]] = [_plan_item(plan) for plan in plan_specs]
    catalog = Catalog(
        account=account,
        products=products,
        specs=specs,
        offers=offers,
        plans=plans,
        plan_specs=plan_specs,
        coupons={},
        subscription_product=subscription_product,
        course_product=by_format["ONLINE_COURSE"],
        event_product=by_format["ETICKET"],
    )
    catalog.coupons = _coupons(rng, ids, catalog, now_ms)
    return catalog


def _offers_for(ids: IdFactory, spec: ProductSpec) -> list[dict[str, Any]]:
    if not spec.prices:
        return []
    price = spec.prices["BRL"]
    offers = [
        _offer(ids, "Main offer", price, "UNIQUE_PAYMENT", main=True),
        _offer(ids, "Smart installments", price, "SMART_INSTALLMENT", main=False),
    ]
    if spec.format in ("ONLINE_COURSE", "EBOOK"):
        offers.append(_offer(ids, "Launch promo", round(price * 0.7, 2), "UNIQUE_PAYMENT", main=False))
    return offers


def _offer(ids: IdFactory, name: str, price: float, mode: str, *, main: bool) -> dict[str, Any]:
    return {
        "code": ids.offer_code(),
        "name": name,
        "description": f"{name} (sandbox)",
        "price": {"value": price, "currency_code": "BRL"},
        "payment_mode": mode,
        "is_currency_conversion_enabled": True,
        "is_smart_recovery_enabled": mode != "UNIQUE_PAYMENT",
        "is_main_offer": main,
    }


def _plan_specs(ids: IdFactory) -> list[PlanSpec]:
    rows = (
        ("Monthly plan", "MONTHLY", 30, 0, {"BRL": 49.9, "USD": 9.9, "EUR": 9.0, "MXN": 179.0}),
        ("Quarterly plan", "QUARTERLY", 90, 0, {"BRL": 129.9, "USD": 26.0, "EUR": 24.0, "MXN": 469.0}),
        ("Annual plan", "ANNUAL", 360, 0, {"BRL": 479.0, "USD": 96.0, "EUR": 89.0, "MXN": 1690.0}),
        ("Monthly plan with trial", "MONTHLY", 30, 7, {"BRL": 59.9, "USD": 11.9, "EUR": 10.9, "MXN": 209.0}),
    )
    return [PlanSpec(ids.numeric(7), ids.offer_code(), *row) for row in rows]


def _plan_offer(plan: PlanSpec) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "description": f"{plan.name} (sandbox)",
        "price": {"value": plan.prices["BRL"], "currency_code": "BRL"},
        "payment_mode": "SUBSCRIPTION",
        "is_currency_conversion_enabled": True,
        "is_smart_recovery_enabled": True,
        "is_main_offer": plan.periodicity == "MONTHLY" and not plan.trial_days,
    }


def _plan_item(plan: PlanSpec) -> dict[str, Any]:
    item = {
        "code": plan.code,
        "name": plan.name,
        "description": f"{plan.name} (sandbox)",
        "price": {"value": plan.prices["BRL"], "currency_code": "BRL"},
        "periodicity": plan.periodicity,
        "max_installments": 1,
        # The plans endpoint really answers with Portuguese payment modes (hotmart-api-traps.md §14.4).
        "payment_mode": "ASSINATURA",
        "is_subscription_recovery_enabled": True,
        "is_switch_plan_enabled": True,
    }
    if plan.trial_days:
        item["trial_period"] = plan.trial_days
    return item


def _coupons(
    rng: random.Random, ids: IdFactory, catalog: Catalog, now_ms: int
) -> dict[int, list[dict[str, Any]]]:
    # (code, discount, started days ago, ends in days from now or None = open-ended)
    ebook_id = next(p["id"] for p in catalog.products if p["format"] == "EBOOK")
    plan = {
        catalog.course_product["id"]: (
            ("WELCOME10", 0.1, 300, None),
            ("VIP2025", 0.4, 120, None),
            ("BLACKFRIDAY", 0.5, 230, -200),
        ),
        catalog.subscription_product["id"]: (("FIRSTMONTH", 0.3, 200, None), ("ANNUAL15", 0.15, 90, 60)),
        ebook_id: (("READMORE", 0.2, 100, -30),),
    }
    coupons: dict[int, list[dict[str, Any]]] = {}
    for product_id, rows in plan.items():
        coupons[product_id] = [
            coupon_item(
                ids.numeric(7),
                code,
                discount,
                now_ms - started * DAY_MS - between(rng, 0, DAY_MS - 1),
                None if ends is None else now_ms + ends * DAY_MS,
                now_ms,
            )
            for code, discount, started, ends in rows
        ]
    return coupons


def coupon_item(
    coupon_id: int, code: str, discount: float, start_ms: int, end_ms: int | None, now_ms: int
) -> dict[str, Any]:
    """A coupon as the list shows it; ``status`` lower-case as observed (hotmart-api-traps.md §14.5)."""
    active = start_ms <= now_ms and (end_ms is None or now_ms <= end_ms)
    # Only "valid" is documented; "expired"/"scheduled" are INFERRED spellings for the other cases.
    status = "valid" if active else ("scheduled" if start_ms > now_ms else "expired")
    item: dict[str, Any] = {
        "id": coupon_id,
        "coupon_code": code,
        "discount": discount,
        "start_date": start_ms,
        "status": status,
        "active": active,
        "time_zone": dict(TIME_ZONE),
    }
    if end_ms is not None:
        item["end_date"] = end_ms
    return item
