"""JSON Schema building blocks of the simulated Hotmart actions (shapes of hotmart-api-traps.md §14)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

SALE_STATUSES = [
    "APPROVED", "BLOCKED", "CANCELLED", "CHARGEBACK", "COMPLETE", "EXPIRED", "NO_FUNDS", "OVERDUE",
    "PARTIALLY_REFUNDED", "PRE_ORDER", "PRINTED_BILLET", "PROCESSING_TRANSACTION", "PROTESTED",
    "REFUNDED", "STARTED", "UNDER_ANALISYS", "WAITING_PAYMENT",
]  # fmt: skip
PAYMENT_TYPES = [
    "BILLET", "CASH_PAYMENT", "CREDIT_CARD", "DIRECT_BANK_TRANSFER", "DIRECT_DEBIT", "FINANCED_BILLET",
    "FINANCED_INSTALLMENT", "GOOGLE_PAY", "HOTCARD", "HYBRID", "MANUAL_TRANSFER", "PAYPAL",
    "PAYPAL_INTERNACIONAL", "PICPAY", "PIX", "SAMSUNG_PAY", "WALLET",
]  # fmt: skip
SUBSCRIPTION_STATUSES = [
    "ACTIVE", "INACTIVE", "DELAYED", "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER",
    "CANCELLED_BY_ADMIN", "STARTED", "OVERDUE",
]  # fmt: skip
PRODUCT_STATUSES = [
    "DRAFT", "ACTIVE", "PAUSED", "NOT_APPROVED", "IN_REVIEW", "DELETED", "CHANGES_PENDING_ON_PRODUCT",
]  # fmt: skip
PRODUCT_FORMATS = [
    "EBOOK", "SOFTWARE", "MOBILE_APPS", "VIDEOS", "AUDIOS", "TEMPLATES", "IMAGES", "ONLINE_COURSE",
    "SERIAL_CODES", "ETICKET", "ONLINE_SERVICE", "ONLINE_EVENT", "BUNDLE", "COMMUNITY", "AGENT",
]  # fmt: skip


def integer(description: str, **constraints: Any) -> Schema:
    return {"type": "integer", "description": description, **constraints}


def string(description: str, **constraints: Any) -> Schema:
    return {"type": "string", "description": description, **constraints}


def boolean(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def enum_list(description: str, values: list[str]) -> Schema:
    return {
        "type": "array",
        "description": description,
        "items": {"type": "string", "enum": values},
        "minItems": 1,
    }


def obj(
    properties: dict[str, Schema], *, required: tuple[str, ...] = (), description: str | None = None
) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def loose(*fields: str, **typed: Schema) -> Schema:
    """An object of which only some fields are described; Hotmart may send more."""
    properties: dict[str, Schema] = {name: {} for name in fields}
    properties.update(typed)
    return {"type": "object", "properties": properties}


def paged(item: Schema) -> Schema:
    """A list action's output: one page of items and the token of the next page."""
    return obj(
        {
            "items": {"type": "array", "items": item},
            "next_page_token": string("Pass as page_token to get the next page; absent on the last page."),
        },
        required=("items",),
    )


EPOCH_MS = {"type": "integer", "description": "Epoch milliseconds (UTC)."}
MONEY = obj({"value": {"type": "number"}, "currency_code": {"type": "string"}})
PAGING: dict[str, Schema] = {
    "max_results": integer("Page size; Hotmart caps it at 500.", minimum=1, maximum=500),
    "page_token": string("next_page_token of the previous page.", minLength=1),
}
DATE_RANGE: dict[str, Schema] = {
    "start_date": integer("Only orders placed at or after this time, epoch milliseconds (UTC).", minimum=0),
    "end_date": integer("Only orders placed at or before this time, epoch milliseconds (UTC).", minimum=0),
}
PRODUCT_ID = integer("Numeric Hotmart product id (not the ucode).", minimum=1)
SALE_STATUS_FILTER = enum_list(
    "Sale statuses to include. Without it (and without transaction) Hotmart returns only "
    "APPROVED and COMPLETE.",
    SALE_STATUSES,
)

SALE = loose(
    product=loose("id", "name"),
    buyer=loose("name", "email", "ucode"),
    producer=loose("name", "ucode"),
    purchase=loose(
        "order_date",
        "approved_date",
        "recurrency_number",
        "is_subscription",
        "commission_as",
        "payment",
        "tracking",
        "warranty_expire_date",
        "offer",
        "hotmart_fee",
        transaction={"type": "string"},
        status={"type": "string", "enum": SALE_STATUSES},
        price=MONEY,
    ),
)
SUMMARY_ROW = obj({"total_items": {"type": "integer"}, "total_value": MONEY})
PARTICIPANTS = loose(
    "product",
    transaction={"type": "string"},
    users={
        "type": "array",
        "items": loose(
            "user", role={"type": "string", "enum": ["PRODUCER", "BUYER", "COPRODUCER", "AFFILIATE"]}
        ),
    },
)
SUBSCRIPTION = loose(
    "accession_date",
    "end_accession_date",
    "request_date",
    "date_next_charge",
    "trial",
    "transaction",
    "plan",
    "product",
    "price",
    "subscriber",
    subscriber_code={"type": "string"},
    subscription_id={"type": "integer"},
    status={"type": "string", "enum": SUBSCRIPTION_STATUSES},
)
PRODUCT = loose(
    "ucode",
    "created_at",
    "warranty_period",
    "is_subscription",
    id={"type": "integer"},
    name={"type": "string"},
    status={"type": "string", "enum": PRODUCT_STATUSES},
    format={"type": "string", "enum": PRODUCT_FORMATS},
)
COUPON = loose(
    "start_date",
    "end_date",
    "status",
    "active",
    "time_zone",
    id={"type": "integer"},
    coupon_code={"type": "string"},
    discount={"type": "number"},
)
STUDENT = loose(
    "role",
    "first_access_date",
    "last_access_date",
    "purchase_date",
    "progress",
    "status",
    "engagement",
    user_id={"type": "string"},
    name={"type": "string"},
    email={"type": "string"},
)
SUBSCRIPTION_CHANGE = loose(
    "status",
    "subscriber_code",
    "creation_date",
    "date_next_charge",
    "interval_between_charges",
    "shopper",
)
