"""Subscription writes: cancel, reactivate (single, bulk), due day, negotiation.

The endpoints: hotmart-api-traps.md §14.2, §14.7.
"""

from __future__ import annotations

import random
import time
from typing import Any

from .dataset import Dataset
from .enums import CANCELLED_SUBSCRIPTION_STATUSES
from .errors import ApiError, bad_parameter, not_found
from .routing import Request
from .seller_account import DAY_MS
from .views_subscriptions import RECURRENCY_STATUS_BY_SALE
from .writes_sales import body_object

CANCELLABLE = {"ACTIVE", "DELAYED", "STARTED"}
REACTIVATABLE = CANCELLED_SUBSCRIPTION_STATUSES | {"INACTIVE", "OVERDUE"}
DUE_DAY_CHANGEABLE = {"ACTIVE", "DELAYED"}
INTERVALS = {30: ("MONTH", 1), 90: ("MONTH", 3), 360: ("MONTH", 12)}
NEGOTIABLE = {"DELAYED", "OVERDUE"}


def date_string(ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC), the dates of the cancel/reactivate answers (hotmart-api-traps.md §4)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms // 1000))


def _patch(overlay: dict[str, Any], code: str, **fields: Any) -> dict[str, Any]:
    entry = overlay.setdefault("subscriptions", {}).setdefault(code, {})
    entry.setdefault("fields", {}).update(fields)
    return entry


def _shopper(item: dict[str, Any], data: Dataset) -> dict[str, Any]:
    return {
        "email": item["subscriber"]["email"],
        "phone": data.subscription_detail(item["subscriber_code"]).phone,
    }


def _existing_subscription(data: Dataset, code: str) -> dict[str, Any]:
    """The subscription a write names, or Hotmart's 404 for an unknown subscriber code."""
    item = data.subscription(code)
    if item is None:
        raise not_found(f"Subscription {code}")
    return item


def _cancel(
    data: Dataset, overlay: dict[str, Any], code: str, send_mail: bool, now_ms: int
) -> dict[str, Any]:
    item = _existing_subscription(data, code)
    if item["status"] not in CANCELLABLE:
        # Same code as the bulk endpoint's per-item error (hotmart-api-traps.md §11); for the single endpoint
        # it is INFERRED.
        raise ApiError(
            400, "SUBSCRIPTION_ALREADY_CANCELED_OR_OVERDUE", f"Subscription {code} is {item['status']}"
        )
    detail = data.subscription_detail(code)
    _patch(overlay, code, status="CANCELLED_BY_SELLER", end_accession_date=now_ms, date_next_charge=None)
    overlay["subscriptions"][code]["send_mail"] = send_mail
    interval_type, interval = INTERVALS.get(detail.plan.period_days, ("DAY", detail.plan.period_days))
    last = detail.recurrences[-1]
    answer = {
        "status": "INACTIVE",
        "subscriber_code": code,
        "creation_date": date_string(item["request_date"]),
        "current_recurrence": last.number,
        "date_last_recurrence": date_string(last.charge_ms),
        "due_day": data.due_day(code),
        "trial_period": detail.plan.trial_days,
        "interval_type_between_charges": interval_type,
        "interval_between_charges": interval,
        "max_charge_cycles": 0,
        "activation_date": date_string(item["accession_date"]),
        "shopper": _shopper(item, data),
    }
    if "date_next_charge" in item:
        answer["date_next_charge"] = date_string(item["date_next_charge"])
    return answer


def _reactivate(data: Dataset, overlay: dict[str, Any], code: str, charge: bool) -> dict[str, Any]:
    item = _existing_subscription(data, code)
    if item["status"] not in REACTIVATABLE:
        raise ApiError(400, "SUBSCRIPTION_ALREADY_ACTIVE", f"Subscription {code} is {item['status']}")
    # hotmart-api-traps.md §14.2: the subscription stays INACTIVE until the subscriber accepts the emailed
    # link.
    _patch(overlay, code, status="INACTIVE")
    overlay["subscriptions"][code]["charge"] = charge
    detail = data.subscription_detail(code)
    return {
        "status": "INACTIVE",
        "subscriber_code": code,
        "creation_date": date_string(item["request_date"]),
        "interval_between_charges": INTERVALS.get(detail.plan.period_days, ("DAY", detail.plan.period_days))[
            1
        ],
        "shopper": _shopper(item, data),
    }


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise bad_parameter(f"'{name}' must be true or false")
    return value


def cancel(request: Request) -> dict[str, Any]:
    """POST /payments/api/v1/subscriptions/{subscriber_code}/cancel; ``send_mail`` defaults to true."""
    send_mail = _flag(body_object(request), "send_mail", True)
    with request.context.mutate() as (data, overlay):
        return _cancel(data, overlay, request.params["subscriber_code"], send_mail, request.now_ms)


def reactivate(request: Request) -> dict[str, Any]:
    """POST /payments/api/v1/subscriptions/{subscriber_code}/reactivate; ``charge`` defaults to false."""
    charge = _flag(body_object(request), "charge", False)
    with request.context.mutate() as (data, overlay):
        return _reactivate(data, overlay, request.params["subscriber_code"], charge)


def _codes(body: dict[str, Any]) -> list[str]:
    codes = body.get("subscriber_code")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise bad_parameter("'subscriber_code' must be a non-empty array of subscriber codes")
    return codes


def _bulk(request: Request, *, cancelling: bool) -> dict[str, Any]:
    body = body_object(request)
    codes = _codes(body)
    flag = _flag(body, "send_mail", True) if cancelling else _flag(body, "charge", False)
    success, failures = [], []
    with request.context.mutate() as (data, overlay):
        for code in codes:
            # Each item sees the writes of the previous ones: a repeated code fails the second time.
            data = Dataset(data.base, overlay)
            try:
                if cancelling:
                    _cancel(data, overlay, code, flag, request.now_ms)
                else:
                    _reactivate(data, overlay, code, flag)
            except ApiError as error:
                # INFERRED: an unknown code is reported per item like the documented errors.
                reason = "SUBSCRIPTION_NOT_FOUND" if error.status == 404 else error.error
                failures.append({"subscriber_code": code, "error": reason})
                continue
            success.append(
                {"subscriber_code": code, "status": "CANCELLED_BY_SELLER" if cancelling else "INACTIVE"}
            )
    # hotmart-api-traps.md §11: per-item problems never fail the whole call.
    return {"success_subscriptions": success, "fail_subscriptions": failures}


def cancel_many(request: Request) -> dict[str, Any]:
    """POST /payments/api/v1/subscriptions/cancel."""
    return _bulk(request, cancelling=True)


def reactivate_many(request: Request) -> dict[str, Any]:
    """POST /payments/api/v1/subscriptions/reactivate."""
    return _bulk(request, cancelling=False)


def change_due_day(request: Request) -> None:
    """PATCH /payments/api/v1/subscriptions/{subscriber_code} ``{due_day}`` -> 200 with an empty body."""
    code = request.params["subscriber_code"]
    due_day = body_object(request).get("due_day")
    if isinstance(due_day, bool) or not isinstance(due_day, int):
        raise bad_parameter("'due_day' is required and must be an integer")
    with request.context.mutate() as (data, overlay):
        item = _existing_subscription(data, code)
        if item["trial"]:
            raise ApiError(400, "subscription_in_trial_period", "The subscription is in its trial period")
        if item["status"] not in DUE_DAY_CHANGEABLE:
            raise ApiError(
                400, "invalid_status", f"The due day of a {item['status']} subscription cannot change"
            )
        # Weekly plans would take 1..7 (1 = Monday); the simulator has none, so 1..31 applies.
        if not 1 <= due_day <= 31:
            raise bad_parameter("'due_day' must be between 1 and 31")
        overlay.setdefault("subscriptions", {}).setdefault(code, {})["due_day"] = due_day
    return None


def negotiate(request: Request) -> dict[str, Any]:
    """POST /payments/api/v1/installments/negotiate: a boleto or Pix for overdue recurrences."""
    body = body_object(request)
    subscription_id = body.get("subscription_id")
    if isinstance(subscription_id, bool) or not isinstance(subscription_id, int):
        raise bad_parameter("'subscription_id' is required and must be numeric")
    recurrences = body.get("recurrences")
    if (
        not isinstance(recurrences, list)
        or not 1 <= len(recurrences) <= 5
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in recurrences)
    ):
        raise bad_parameter("'recurrences' must list 1 to 5 recurrence numbers")
    payment_type = body.get("payment_type")
    if payment_type not in ("BILLET", "PIX"):
        raise bad_parameter("'payment_type' must be BILLET or PIX")
    document = body.get("document")
    if payment_type == "BILLET" and (
        not isinstance(document, str) or len(document) not in (11, 14) or not document.isdigit()
    ):
        raise bad_parameter("'document' (CPF or CNPJ digits) is required for BILLET")
    discount = body.get("discount")
    if discount is not None and (
        not isinstance(discount, dict)
        or discount.get("type") != "CUSTOM"
        or isinstance(discount.get("value"), bool)
        or not isinstance(discount.get("value"), (int, float))
        or discount["value"] <= 0
    ):
        raise bad_parameter('\'discount\' must be {"type": "CUSTOM", "value": <positive amount>}')
    with request.context.mutate() as (data, overlay):
        item = next((s for s in data.subscriptions if s["subscription_id"] == subscription_id), None)
        if item is None:
            raise not_found(f"Subscription {subscription_id}")
        _check_negotiable(data, item, recurrences)
        negotiations = overlay.setdefault("negotiations", [])
        sequence = len(negotiations) + 1
        transaction = f"HP9{sequence:09d}"  # generated sales never start with 9 (fake.IdFactory)
        payment = _negotiated_payment(data, payment_type, transaction, request.now_ms)
        negotiations.append(
            {
                "subscription_id": subscription_id,
                "recurrences": recurrences,
                "transaction": transaction,
                "payment_type": payment_type,
            }
        )
    return {"subscription_id": subscription_id, "transaction": transaction, "payment": payment}


def _check_negotiable(data: Dataset, item: dict[str, Any], recurrences: list[int]) -> None:
    # INFERRED rules and error types: the docs describe which installments can be negotiated
    # (hotmart-api-traps.md §14.7) but not the errors. BILLET and PIX are BRL methods.
    if item["status"] not in NEGOTIABLE:
        raise bad_parameter(f"subscription {item['subscription_id']} has no overdue installments")
    if item["price"]["currency_code"] != "BRL":
        raise bad_parameter("negotiation with BILLET or PIX is only available for BRL subscriptions")
    unpaid = {
        r.number
        for r in data.subscription_detail(item["subscriber_code"]).recurrences
        if RECURRENCY_STATUS_BY_SALE.get(data.charge(r.transaction)["purchase"]["status"]) is None
    }
    wrong = sorted(set(recurrences) - unpaid)
    if wrong:
        raise bad_parameter(f"recurrence {wrong[0]} is not an unpaid recurrence of this subscription")


def _negotiated_payment(data: Dataset, payment_type: str, transaction: str, now_ms: int) -> dict[str, Any]:
    rng = random.Random(f"{data.seed}:negotiation:{transaction}")
    payment: dict[str, Any] = {"type": payment_type, "expiration_date": now_ms + 3 * DAY_MS}
    if payment_type == "BILLET":
        payment["billet_url"] = f"https://billets.example.com/{transaction}/1"
        payment["billet_barcode"] = "".join(rng.choice("0123456789") for _ in range(47))
    else:
        payment["pix_code"] = f"00020126580014br.gov.bcb.pix0136{transaction.lower()}-sandbox-example"
        payment["pix_qrcode"] = f"https://pix.example.com/qr/{transaction}.png"
    return payment
