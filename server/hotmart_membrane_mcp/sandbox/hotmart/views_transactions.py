"""GET /payments/api/v1/subscriptions/transactions: one row per charge (hotmart-api-traps.md §14.2)."""

from __future__ import annotations

from typing import Any

from .dataset import Dataset
from .enums import BILLING_TYPES, PAYMENT_TYPES, RECURRENCY_STATUSES, SALE_STATUSES, SUBSCRIPTION_STATUSES
from .money import producer_commission, rate_to_brl
from .paging import paginate
from .params import in_range
from .routing import Request
from .seller_account import DAY_MS
from .subscriptions_gen import Recurrence
from .views_subscriptions import cancellation_ms, recurrency_status, window_start


def subscription_transactions(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/subscriptions/transactions: one row per charge (no total_results)."""
    query, data = request.query, request.dataset
    transactions = set(query.values("transaction")) or None
    # hotmart-api-traps.md §5: the last 30 days unless a transaction is given.
    low = window_start(query, "transaction_date", request.now_ms, exempt=transactions is not None)
    high = query.epoch_ms("end_transaction_date")
    product_ids = query.integers("product_id")
    codes = set(query.values("subscriber_code")) or None
    name, email = query.lower("subscriber_name"), query.lower("subscriber_email")
    billing = query.enums("billing_type", BILLING_TYPES)
    # INFERRED (thaleslaray OpenAPI): subscription_status also accepts CANCELLED (any CANCELLED_BY_*).
    subscription_statuses = query.enums("subscription_status", SUBSCRIPTION_STATUSES | {"CANCELLED"})
    recurrency_statuses = query.enums("recurrency_status", RECURRENCY_STATUSES)
    purchase_statuses = query.enums("purchase_status", SALE_STATUSES)
    offer_codes = set(query.values("offer_code")) or None
    payment_types = query.enums("purchase_payment_type", PAYMENT_TYPES)
    rows = []
    for item in data.subscriptions:
        status = item["status"]
        if (
            (codes is not None and item["subscriber_code"] not in codes)
            or (product_ids is not None and item["product"]["id"] not in product_ids)
            or (name is not None and name not in item["subscriber"]["name"].lower())
            or (email is not None and email != item["subscriber"]["email"].lower())
            or (billing is not None and "SUBSCRIPTION" not in billing)
            or (
                subscription_statuses is not None
                and status not in subscription_statuses
                and not ("CANCELLED" in subscription_statuses and status.startswith("CANCELLED"))
            )
        ):
            continue
        detail = data.subscription_detail(item["subscriber_code"])
        if offer_codes is not None and detail.plan.code not in offer_codes:
            continue
        for recurrence in detail.recurrences:
            purchase = data.charge(recurrence.transaction)["purchase"]
            if (
                (transactions is not None and recurrence.transaction not in transactions)
                or not in_range(purchase["order_date"], low, high)
                or (purchase_statuses is not None and purchase["status"] not in purchase_statuses)
                or (payment_types is not None and purchase["payment"]["type"] not in payment_types)
                or (
                    recurrency_statuses is not None
                    and recurrency_status(data, recurrence) not in recurrency_statuses
                )
            ):
                continue
            rows.append((item, recurrence, purchase))
    rows.sort(key=lambda row: (-row[2]["order_date"], row[2]["transaction"]))
    page = paginate(rows, query, with_total=False)
    page["items"] = [_transaction_row(data, *row) for row in page["items"]]
    return page


def _transaction_row(
    data: Dataset, item: dict[str, Any], recurrence: Recurrence, purchase: dict
) -> dict[str, Any]:
    detail = data.subscription_detail(item["subscriber_code"])
    plan = detail.plan
    paid = recurrency_status(data, recurrence) == "PAID"
    row: dict[str, Any] = {
        "subscription_id": item["subscription_id"],
        "last_update": purchase.get("approved_date", purchase["order_date"]),
        "subscriber_code": item["subscriber_code"],
        "status": item["status"],
        "billing_type": "SUBSCRIPTION",
        "adoption_date": item["accession_date"],
        "last_recurrency_start_date": detail.recurrences[-1].charge_ms,
        "max_cycles": 0,
        "last_recurrency_number": detail.recurrences[-1].number,
        "has_unpaid_recurrency": any(recurrency_status(data, r) == "NOT_PAID" for r in detail.recurrences),
        "has_credit_card_change": False,
        "is_paid_anticipation": False,
        "is_paid_negotiation": False,
        "product": {"id": item["product"]["id"], "name": item["product"]["name"]},
        "trial_info": {
            "trial": item["trial"],
            "trial_period": plan.trial_days,
            "trial_end": item["accession_date"] + plan.trial_days * DAY_MS if plan.trial_days else None,
        },
        "plan": {
            "name": plan.name,
            "recurrency_period": plan.period_days,
            "recurrency_type": plan.periodicity,
            "offer": {"code": plan.code, "description": f"{plan.name} (sandbox)", "key": plan.code},
        },
        "recurrency": _recurrency_part(data, recurrence, detail.recurrences[-1], paid=paid),
        "purchase": _purchase_part(purchase, paid=paid),
        "subscriber": {
            "id": item["subscriber"]["ucode"],
            "name": item["subscriber"]["name"],
            "email": item["subscriber"]["email"],
            "phone_ddd": detail.phone[:2],
            "phone": detail.phone[2:],
        },
        "producer": {"name": data.account["name"]},
    }
    for key in ("date_next_charge",):
        if key in item:
            row[key] = item[key]
    if cancellation_ms(item) is not None:
        row["cancellation_date"] = cancellation_ms(item)
    return _without_none(row)


def _recurrency_part(
    data: Dataset, recurrence: Recurrence, last: Recurrence, *, paid: bool
) -> dict[str, Any]:
    """The row's ``recurrency``: this charge, how late it is, whether it is the latest one."""
    return {
        "status": recurrency_status(data, recurrence),
        "number": recurrence.number,
        "start_datetime": recurrence.charge_ms,
        "payment_delay_days": 0 if paid else max(0, (data.now_ms - recurrence.charge_ms) // DAY_MS),
        "transaction_type": "AUTOMATIC",
        "number_list": [recurrence.number],
        "transaction_sequence": 1,
        "is_current_purchase": recurrence is last,
        "has_retry": not paid,
    }


def _purchase_part(purchase: dict[str, Any], *, paid: bool) -> dict[str, Any]:
    """The row's ``purchase``: the charge's sale, with the producer's commission (paid or owed)."""
    price, currency = purchase["price"]["value"], purchase["price"]["currency_code"]
    commission = producer_commission(price)
    return {
        "transaction": purchase["transaction"],
        "order_date": purchase["order_date"],
        "approved_date": purchase.get("approved_date"),
        "status": purchase["status"],
        "payment": {"payment_type": purchase["payment"]["type"]},
        "installment": {"installment_type": "SINGLE", "installment_number": 1},
        "price": {"currency": currency, "value": price, "total_value": price},
        "commission": {
            "conversion_rate": rate_to_brl(currency),
            "currency": currency,
            "original_value": commission,
            "original_paid_value": commission if paid else 0.0,
            "producer_value": commission,
            "producer_paid_value": commission if paid else 0.0,
        },
    }


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(inner) for key, inner in value.items() if inner is not None}
    return value
