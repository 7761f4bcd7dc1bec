"""Input schemas of the twelve simulated Hotmart actions (parameters of hotmart-api-traps.md §14)."""

from __future__ import annotations

from .action_schemas import (
    DATE_RANGE,
    PAGING,
    PAYMENT_TYPES,
    PRODUCT_FORMATS,
    PRODUCT_ID,
    PRODUCT_STATUSES,
    SALE_STATUS_FILTER,
    SUBSCRIPTION_STATUSES,
    Schema,
    boolean,
    enum_list,
    integer,
    obj,
    string,
)

TRANSACTION = string("Transaction code (HP followed by digits).", minLength=1, maxLength=64)
SUBSCRIBER_CODE = string(
    "The subscriber_code of the subscription (8 letters/digits).", minLength=1, maxLength=64
)
BUYER_EMAIL = string("Buyer e-mail.", minLength=3)
PAYMENT_TYPE = string("Payment type.", enum=PAYMENT_TYPES)

LIST_SALES: Schema = obj(
    {
        "product_id": PRODUCT_ID,
        **DATE_RANGE,
        "transaction_status": SALE_STATUS_FILTER,
        "payment_type": PAYMENT_TYPE,
        "buyer_email": BUYER_EMAIL,
        "transaction": TRANSACTION,
        **PAGING,
    }
)
SALES_SUMMARY: Schema = obj(
    {
        "product_id": PRODUCT_ID,
        **DATE_RANGE,
        "transaction_status": SALE_STATUS_FILTER,
        "payment_type": PAYMENT_TYPE,
    }
)
SALE_PARTICIPANTS: Schema = obj(
    {
        "transaction": TRANSACTION,
        "product_id": PRODUCT_ID,
        "buyer_email": BUYER_EMAIL,
        **DATE_RANGE,
        "transaction_status": SALE_STATUS_FILTER,
        **PAGING,
    }
)
LIST_SUBSCRIPTIONS: Schema = obj(
    {
        "product_id": PRODUCT_ID,
        "status": enum_list("Subscription statuses to include.", SUBSCRIPTION_STATUSES),
        "subscriber_code": SUBSCRIBER_CODE,
        "subscriber_email": string("Subscriber e-mail.", minLength=3),
        "accession_date": integer(
            "Subscribed at or after, epoch ms. Without it Hotmart covers only the last 30 days.", minimum=0
        ),
        "end_accession_date": integer("Subscribed at or before, epoch ms.", minimum=0),
        "trial": boolean("Only subscriptions in (true) or out of (false) a trial."),
        **PAGING,
    }
)
LIST_PRODUCTS: Schema = obj(
    {
        "id": PRODUCT_ID,
        "status": string("Product status.", enum=PRODUCT_STATUSES),
        "format": string("Product format.", enum=PRODUCT_FORMATS),
        **PAGING,
    }
)
LIST_COUPONS: Schema = obj(
    {"product_id": PRODUCT_ID, "code": string("Coupon code to look for.", minLength=1), **PAGING},
    required=("product_id",),
)
CREATE_COUPON: Schema = obj(
    {
        "product_id": PRODUCT_ID,
        "code": string("Coupon code buyers type at checkout.", minLength=1, maxLength=25),
        "discount": {
            "type": "number",
            "description": "Fraction off the price: 0.1 = 10 % (0 < discount < 0.99).",
            "exclusiveMinimum": 0,
            "exclusiveMaximum": 0.99,
        },
        "start_date": integer("Valid from, epoch ms.", minimum=0),
        "end_date": integer("Valid until, epoch ms.", minimum=0),
        "offer_ids": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Offer codes the coupon applies to.",
        },
    },
    required=("product_id", "code", "discount"),
)
DELETE_COUPON: Schema = obj(
    {"coupon_id": integer("Numeric coupon id from list-coupons (not the code).", minimum=1)},
    required=("coupon_id",),
)
REFUND_SALE: Schema = obj({"transaction": TRANSACTION}, required=("transaction",))
CANCEL_SUBSCRIPTION: Schema = obj(
    {
        "subscriber_code": SUBSCRIBER_CODE,
        "send_mail": boolean("E-mail the subscriber about the cancellation (default true)."),
    },
    required=("subscriber_code",),
)
REACTIVATE_SUBSCRIPTION: Schema = obj(
    {
        "subscriber_code": SUBSCRIBER_CODE,
        "charge": boolean("Charge the subscriber right away (default false)."),
    },
    required=("subscriber_code",),
)
LIST_CLUB_STUDENTS: Schema = obj(
    {
        "subdomain": string("Members-area slug: the <slug> of <slug>.club.hotmart.com.", minLength=1),
        "email": string("Full or partial student e-mail.", minLength=1),
        **PAGING,
    },
    required=("subdomain",),
)
