"""Generation of subscriptions of the subscription product and of their recurring charges.

Each subscription gets a distinct buyer (``subscriber_code`` is per buyer x product, hotmart-api-traps.md §6),
a plan, a status and a timeline; each charge is a sale of the subscription product, so sales
totals, ``/subscriptions/{code}/purchases`` and ``/subscriptions/transactions`` all agree.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from .fake import IdFactory, between
from .sales_gen import MINUTE_MS, SaleLinks, Weighted, approval_time, paid_status, payment_for, sale_record
from .seller_account import DAY_MS, Catalog, PlanSpec

SUBSCRIPTIONS = 420
FRESH_TRIALS = 21  # subscriptions started in the last week on the trial plan: still in trial
STATUS_WEIGHTS = Weighted({
    "ACTIVE": 0.50, "CANCELLED_BY_CUSTOMER": 0.15, "CANCELLED_BY_SELLER": 0.05, "CANCELLED_BY_ADMIN": 0.03,
    "DELAYED": 0.07, "OVERDUE": 0.07, "INACTIVE": 0.08, "STARTED": 0.05,
})  # fmt: skip
PLAN_WEIGHTS = (0.5, 0.15, 0.2, 0.15)  # monthly, quarterly, annual, monthly with trial
CURRENCY_WEIGHTS = Weighted({"BRL": 0.75, "USD": 0.15, "EUR": 0.05, "MXN": 0.05})
ENDED = {"CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "CANCELLED_BY_ADMIN", "INACTIVE"}
UNPAID_STATUS = {"DELAYED": "WAITING_PAYMENT", "OVERDUE": "OVERDUE", "STARTED": "STARTED"}


@dataclass
class Recurrence:
    """One charge of a subscription (number 1 is the first purchase, a zero-value one on trial plans)."""

    number: int
    transaction: str
    charge_ms: int
    paid: bool


@dataclass
class SubscriptionDetail:
    """What the write endpoints and the summary need beyond the list item."""

    plan: PlanSpec
    due_day: int
    payment_type: str
    phone: str
    recurrences: list[Recurrence]


@dataclass
class SubscriptionBook:
    """Generated subscriptions, their details and their charges as sales."""

    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, SubscriptionDetail] = field(default_factory=dict)
    sales: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, SaleLinks] = field(default_factory=dict)


def day_of_month(ms: int) -> int:
    """The UTC day of the month of an epoch-ms instant."""
    return time.gmtime(ms // 1000).tm_mday


def generate_subscriptions(
    rng: random.Random, ids: IdFactory, catalog: Catalog, people: list[dict[str, Any]], now_ms: int
) -> SubscriptionBook:
    """Subscriptions across every status, some still in trial, with their charges."""
    trial_plan = next(plan for plan in catalog.plan_specs if plan.trial_days)
    book = SubscriptionBook()
    # The draws happen in a fixed order (start, money, end, charges, codes): the seeded data depends on it.
    for index, buyer in enumerate(rng.sample(people, SUBSCRIPTIONS)):
        fresh_trial = index < FRESH_TRIALS
        status, plan, accession_ms = _start(rng, catalog, trial_plan, now_ms, fresh_trial=fresh_trial)
        currency = CURRENCY_WEIGHTS.draw(rng)
        payment_type = _payment_type(rng, currency)
        payment = payment_for(rng, currency, payment_type)
        end_ms = None
        if status in ENDED:
            end_ms = (accession_ms + int((now_ms - accession_ms) * rng.uniform(0.15, 0.95))) // 1000 * 1000
        recurrences, next_charge_ms = _recurrences(ids, plan, status, accession_ms, end_ms or now_ms, now_ms)
        code = ids.subscriber_code()
        charge = _Charge(buyer, plan, status, currency, payment_type, payment)
        for recurrence in recurrences:
            book.sales.append(_charge_as_sale(rng, catalog, charge, recurrence, now_ms))
            book.links[recurrence.transaction] = SaleLinks(subscriber_code=code)
        item = _list_item(rng, ids, catalog, charge, code, accession_ms, recurrences, now_ms)
        if end_ms is not None:
            item["end_accession_date"] = end_ms
        elif next_charge_ms is not None:
            item["date_next_charge"] = next_charge_ms
        book.subscriptions.append(item)
        first_charge_ms = accession_ms + plan.trial_days * DAY_MS
        book.details[code] = SubscriptionDetail(
            plan=plan,
            due_day=day_of_month(first_charge_ms),
            payment_type=payment_type,
            phone=buyer["phone"],
            recurrences=recurrences,
        )
    return book


@dataclass(frozen=True)
class _Charge:
    """What every charge of one subscription shares."""

    buyer: dict[str, Any]
    plan: PlanSpec
    status: str
    currency: str
    payment_type: str
    payment: dict[str, Any]


def _start(
    rng: random.Random, catalog: Catalog, trial_plan: PlanSpec, now_ms: int, *, fresh_trial: bool
) -> tuple[str, PlanSpec, int]:
    """(status, plan, accession in whole seconds): the first few are fresh trials, the rest drawn."""
    if fresh_trial:
        status, plan = "ACTIVE", trial_plan
        accession_ms = now_ms - between(rng, 2 * 3_600_000, 6 * DAY_MS)
    else:
        status = STATUS_WEIGHTS.draw(rng)
        plan = rng.choices(catalog.plan_specs, weights=PLAN_WEIGHTS)[0]
        if status in ("DELAYED", "OVERDUE"):
            plan = catalog.plan_specs[0]  # monthly, so there are several charges before the unpaid ones
        accession_ms = now_ms - _age_ms(rng, status)
    return status, plan, accession_ms // 1000 * 1000  # whole seconds, like the real API


def _charge_as_sale(
    rng: random.Random, catalog: Catalog, charge: _Charge, recurrence: Recurrence, now_ms: int
) -> dict[str, Any]:
    """One charge as a sale of the subscription product (the first is free on a trial plan)."""
    product = catalog.subscription_product
    warranty_days = catalog.specs[product["id"]].warranty_days
    plan = charge.plan
    value = 0.0 if plan.trial_days and recurrence.number == 1 else plan.prices[charge.currency]
    approved_ms = (
        approval_time(rng, recurrence.charge_ms, charge.payment_type, now_ms) if recurrence.paid else None
    )
    sale_status = (
        paid_status(approved_ms, warranty_days, now_ms)
        if approved_ms is not None
        else UNPAID_STATUS[charge.status]
    )
    return sale_record(
        transaction=recurrence.transaction,
        product=product,
        buyer=charge.buyer,
        producer={"name": catalog.account["name"], "ucode": catalog.account["ucode"]},
        status=sale_status,
        order_ms=recurrence.charge_ms,
        approved_ms=approved_ms,
        price=value,
        currency=charge.currency,
        payment=dict(charge.payment),
        offer={"code": plan.code, "payment_mode": "SUBSCRIPTION"},
        warranty_days=warranty_days,
        tracking={"source": "", "source_sck": "", "external_code": ""},
        recurrency_number=recurrence.number,
    )


def _list_item(
    rng: random.Random,
    ids: IdFactory,
    catalog: Catalog,
    charge: _Charge,
    code: str,
    accession_ms: int,
    recurrences: list[Recurrence],
    now_ms: int,
) -> dict[str, Any]:
    """The subscription as ``GET /subscriptions`` lists it (without its end or next charge)."""
    product, plan, buyer = catalog.subscription_product, charge.plan, charge.buyer
    return {
        "subscriber_code": code,
        "subscription_id": ids.numeric(8),
        "status": charge.status,
        "accession_date": accession_ms,
        "request_date": accession_ms - between(rng, 1_000, 10_000),
        "trial": bool(plan.trial_days) and now_ms < accession_ms + plan.trial_days * DAY_MS,
        "transaction": recurrences[0].transaction,
        "plan": {"name": plan.name, "id": plan.id, "recurrency_period": plan.period_days},
        "product": {"id": product["id"], "name": product["name"], "ucode": product["ucode"]},
        "price": {"value": plan.prices[charge.currency], "currency_code": charge.currency},
        "subscriber": {"name": buyer["name"], "email": buyer["email"], "ucode": buyer["ucode"]},
    }


def _age_ms(rng: random.Random, status: str) -> int:
    if status == "STARTED":
        return between(rng, 10 * MINUTE_MS, 3 * DAY_MS)
    low = 95 if status in ("DELAYED", "OVERDUE") else 8
    return int((low + (395 - low) * rng.random() ** 1.2) * DAY_MS)


def _payment_type(rng: random.Random, currency: str) -> str:
    if currency == "BRL":
        return rng.choices(("CREDIT_CARD", "PIX", "BILLET"), weights=(0.8, 0.1, 0.1))[0]
    return rng.choices(("CREDIT_CARD", "PAYPAL"), weights=(0.9, 0.1))[0]


def _recurrences(
    ids: IdFactory, plan: PlanSpec, status: str, accession_ms: int, horizon_ms: int, now_ms: int
) -> tuple[list[Recurrence], int | None]:
    """The charges up to ``horizon_ms`` and the next scheduled charge after now (if still running)."""
    period_ms = plan.period_days * DAY_MS
    if status == "STARTED":
        return [Recurrence(1, ids.transaction(), accession_ms, paid=False)], accession_ms + period_ms
    recurrences = []
    if plan.trial_days:
        recurrences.append(Recurrence(1, ids.transaction(), accession_ms, paid=True))
    charge_ms = accession_ms + plan.trial_days * DAY_MS
    while charge_ms <= min(horizon_ms, now_ms - MINUTE_MS):
        recurrences.append(Recurrence(len(recurrences) + 1, ids.transaction(), charge_ms, paid=True))
        charge_ms += period_ms
    unpaid = {"DELAYED": 1, "OVERDUE": 2}.get(status, 0)
    for recurrence in recurrences[-unpaid:] if unpaid else ():
        recurrence.paid = False
    return recurrences, (charge_ms if status not in ENDED else None)
