"""Read endpoints of ``/payments/api/v1/subscriptions...`` (hotmart-api-traps.md §14.2)."""

from __future__ import annotations

from typing import Any

from .dataset import Dataset
from .enums import SUBSCRIPTION_STATUSES
from .errors import not_found
from .paging import paginate
from .params import Query, in_range
from .routing import Request
from .seller_account import DAY_MS
from .subscriptions_gen import Recurrence

DEFAULT_WINDOW_MS = 30 * DAY_MS
RECURRENCY_STATUS_BY_SALE = {
    "APPROVED": "PAID",
    "COMPLETE": "PAID",
    "REFUNDED": "REFUNDED",
    "CHARGEBACK": "CHARGEBACK",
}


def window_start(query: Query, name: str, now_ms: int, *, exempt: bool) -> int | None:
    """A date filter's lower bound: now - 30 days (hotmart-api-traps.md §5) unless a record is named."""
    given = query.epoch_ms(name)
    if given is not None or exempt:
        return given
    return now_ms - DEFAULT_WINDOW_MS


def matching_subscriptions(request: Request, *, summary: bool = False) -> list[dict[str, Any]]:
    """Subscriptions matching the filters of ``/subscriptions`` (or of ``/subscriptions/summary``)."""
    query, now = request.query, request.now_ms
    codes = set(query.values("subscriber_code")) or None
    transactions = None if summary else set(query.values("transaction")) or None
    email = None if summary else query.lower("subscriber_email")
    # hotmart-api-traps.md §5: accession_date defaults to now - 30 days. INFERRED: not when a specific
    # subscriber or transaction is asked for (as /transactions does for `transaction`).
    accession_low = window_start(query, "accession_date", now, exempt=bool(codes or transactions or email))
    accession_high = query.epoch_ms("end_accession_date")
    next_low, next_high = query.epoch_ms("date_next_charge"), query.epoch_ms("end_date_next_charge")
    product_ids = query.integers("product_id")
    statuses = plans = plan_ids = trial = cancel_low = cancel_high = None
    if not summary:
        statuses = query.enums("status", SUBSCRIPTION_STATUSES)
        plans = {name.lower() for name in query.values("plan")} or None
        plan_ids = query.integers("plan_id")
        trial = query.boolean("trial")
        cancel_high = query.epoch_ms("end_cancelation_date")
        # INFERRED: the documented 30-day default of cancelation_date only applies when the caller
        # filters on cancellation at all; applied always it would hide every active subscription.
        cancel_low = window_start(query, "cancelation_date", now, exempt=cancel_high is None)
    result = [
        item
        for item in request.dataset.subscriptions
        if (codes is None or item["subscriber_code"] in codes)
        and (transactions is None or item["transaction"] in transactions)
        and (email is None or item["subscriber"]["email"].lower() == email)
        and in_range(item["accession_date"], accession_low, accession_high)
        and in_range(item.get("date_next_charge"), next_low, next_high)
        and (product_ids is None or item["product"]["id"] in product_ids)
        and (statuses is None or item["status"] in statuses)
        and (plans is None or item["plan"]["name"].lower() in plans)
        and (plan_ids is None or item["plan"]["id"] in plan_ids)
        and (trial is None or item["trial"] == trial)
        and in_range(cancellation_ms(item), cancel_low, cancel_high)
    ]
    result.sort(key=lambda item: (-item["accession_date"], item["subscriber_code"]))
    return result


def cancellation_ms(item: dict[str, Any]) -> int | None:
    return item.get("end_accession_date") if item["status"].startswith("CANCELLED") else None


def subscriptions(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/subscriptions."""
    return paginate(matching_subscriptions(request), request.query)


def subscriptions_summary(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/subscriptions/summary."""
    page = paginate(matching_subscriptions(request, summary=True), request.query)
    page["items"] = [_summary_item(request.dataset, item) for item in page["items"]]
    return page


def recurrency_status(data: Dataset, recurrence: Recurrence) -> str:
    sale = data.sale(recurrence.transaction)
    return RECURRENCY_STATUS_BY_SALE.get(sale["purchase"]["status"], "NOT_PAID") if sale else "NOT_PAID"


def _summary_item(data: Dataset, item: dict[str, Any]) -> dict[str, Any]:
    detail = data.subscription_detail(item["subscriber_code"])
    last = detail.recurrences[-1]
    ended = item.get("end_accession_date", data.now_ms)
    summary: dict[str, Any] = {
        "subscriber_code": item["subscriber_code"],
        "subscription_id": item["subscription_id"],
        "status": item["status"],
        "lifetime": max(0, (ended - item["accession_date"]) // DAY_MS),
        "accession_date": item["accession_date"],
        "trial": item["trial"],
        "plan": {"name": item["plan"]["name"], "recurrency_period": item["plan"]["recurrency_period"]},
        "product": {"id": item["product"]["id"], "name": item["product"]["name"]},
        "offer": {"code": detail.plan.code},
        "last_recurrency": {
            "number": last.number,
            "request_date": last.charge_ms,
            "status": recurrency_status(data, last),
            "transaction_number": last.transaction,
            "billing_type": "SUBSCRIPTION",
        },
        "unpaid_recurrencies": [
            {"number": r.number, "charge_date": r.charge_ms}
            for r in detail.recurrences
            if recurrency_status(data, r) == "NOT_PAID"
        ],
        "subscriber": {
            "name": item["subscriber"]["name"],
            "id": item["subscriber"]["ucode"],
            "email": item["subscriber"]["email"],
        },
    }
    if "end_accession_date" in item:
        summary["end_accession_date"] = item["end_accession_date"]
    return summary


def subscription_purchases(request: Request) -> list[dict[str, Any]]:
    """GET /payments/api/v1/subscriptions/{subscriber_code}/purchases: an array (hotmart-api-traps.md §3)."""
    data, code = request.dataset, request.params["subscriber_code"]
    if data.subscription(code) is None:
        raise not_found(f"Subscription {code}")
    purchases = []
    for recurrence in data.subscription_detail(code).recurrences:
        purchase = data.charge(recurrence.transaction)["purchase"]
        item: dict[str, Any] = {
            "transaction": purchase["transaction"],
            "payment_engine": "HotPay",
            "status": purchase["status"],
            "price": dict(purchase["price"]),
            "payment_type": purchase["payment"]["type"],
            # OBSERVED (hotmart-api-traps.md §14.1): subscriber purchases spell card methods like
            # MASTERCARD_CREDIT_CARD.
            "payment_method": _observed_method(purchase["payment"]["method"]),
            "recurrency_number": recurrence.number,
            "under_warranty": purchase.get("warranty_expire_date", 0) > data.now_ms,
            "purchase_subscription": True,
        }
        if "approved_date" in purchase:
            item["approved_date"] = purchase["approved_date"]
        purchases.append(item)
    return purchases


def _observed_method(method: str) -> str:
    prefix = "CREDIT_CARD_"
    return f"{method[len(prefix) :]}_CREDIT_CARD" if method.startswith(prefix) else method
