"""Everything the server knows about Hotmart's endpoints, in one table.

The proxy's read/write classification, the confirmation summaries, the date conversion, the
paging helper, the traps we warn about and the ``hotmart://api/...`` resources all read this
table, so they cannot disagree. Source: hotmart-api-traps.md §3–§14 (paths are relative to
``https://developers.hotmart.com``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Shape = Literal["paged", "array", "object", "empty"]

# hotmart-api-traps.md §8: these endpoints hide every sale that is not APPROVED or COMPLETE unless a status
# (or a transaction code) is given.
SALES_STATUS_TRAP = (
    "Without `transaction_status` (or `transaction`), Hotmart returns only APPROVED and COMPLETE "
    "sales; pass transaction_status to see refunds, cancellations, pending boletos and the rest."
)
SUBSCRIPTION_LAG_TRAP = (
    "Hotmart builds this data with up to 24 h of delay and, without a date filter, covers only the "
    "last 30 days."
)
SUMMARY_COMMISSION_TRAP = (
    "/sales/summary totals your commissions per currency, not the gross sale value; use the "
    "sales_summary tool for gross totals per currency and status."
)

# hotmart-api-traps.md §14.1: every purchase status of the REST API ("UNDER_ANALISYS" is Hotmart's spelling).
SALE_STATUSES: tuple[str, ...] = (
    "APPROVED",
    "BLOCKED",
    "CANCELLED",
    "CHARGEBACK",
    "COMPLETE",
    "EXPIRED",
    "NO_FUNDS",
    "OVERDUE",
    "PARTIALLY_REFUNDED",
    "PRE_ORDER",
    "PRINTED_BILLET",
    "PROCESSING_TRANSACTION",
    "PROTESTED",
    "REFUNDED",
    "STARTED",
    "UNDER_ANALISYS",
    "WAITING_PAYMENT",
)
SUBSCRIPTIONS_30_DAY_TRAP = (
    "Without accession_date Hotmart covers only subscriptions started in the last 30 days."
)
BULK_PARTIAL_FAILURE_TRAP = "Answers 200 even when some items fail: read fail_subscriptions."


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # template with {placeholders}
    area: str  # sales | subscriptions | club | products | coupons | events | negotiation | user
    summary: str
    params: tuple[str, ...] = ()
    date_params: tuple[str, ...] = ()  # query parameters Hotmart reads as epoch milliseconds
    shape: Shape = "paged"
    write: bool = False
    irreversible: bool = False
    write_description: str = ""  # plain language, for a human deciding whether to allow it
    quirks: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.path)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    regex = "".join(f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}/?$")


_SALES_FILTERS = ("max_results", "page_token", "product_id", "start_date", "end_date", "transaction")

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- sales (hotmart-api-traps.md §14.1)
    Endpoint(
        "GET",
        "/payments/api/v1/sales/history",
        "sales",
        "Sales history, one item per transaction.",
        (
            *_SALES_FILTERS,
            "transaction_status",
            "payment_type",
            "buyer_email",
            "buyer_name",
            "offer_code",
            "sales_source",
            "commission_as",
        ),
        ("start_date", "end_date"),
        quirks=(SALES_STATUS_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/sales/summary",
        "sales",
        "Commission totals per currency.",
        (*_SALES_FILTERS, "transaction_status", "payment_type", "offer_code", "affiliate_name"),
        ("start_date", "end_date"),
        quirks=(SALES_STATUS_TRAP, SUMMARY_COMMISSION_TRAP),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/sales/users",
        "sales",
        "Participants of each sale (buyer, producer, affiliates).",
        (*_SALES_FILTERS, "transaction_status", "buyer_email", "buyer_name", "affiliate_name"),
        ("start_date", "end_date"),
        quirks=(SALES_STATUS_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/sales/commissions",
        "sales",
        "Commissions of each sale by participant.",
        (*_SALES_FILTERS, "transaction_status", "commission_as"),
        ("start_date", "end_date"),
        quirks=(SALES_STATUS_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/sales/price/details",
        "sales",
        "Price breakdown (base, VAT, fee, coupon) per sale.",
        (*_SALES_FILTERS, "transaction_status", "payment_type"),
        ("start_date", "end_date"),
        quirks=(SALES_STATUS_TRAP,),
    ),
    Endpoint(
        "PUT",
        "/payments/api/v1/sales/{transaction_code}/refund",
        "sales",
        "Refund a sale.",
        shape="empty",
        write=True,
        irreversible=True,
        write_description="Refund the sale: the buyer gets the money back and loses access. Irreversible.",
        quirks=("Only APPROVED/COMPLETE sales inside the refund window can be refunded.",),
    ),
    Endpoint(
        "PUT",
        "/payments/api/v1/sales/{transaction}/billet",
        "sales",
        "Issue a new boleto for a sale.",
        shape="object",
        write=True,
        write_description="Issue a new boleto (bank slip) for the sale and send it to the buyer.",
    ),
    # --- subscriptions (hotmart-api-traps.md §14.2)
    Endpoint(
        "GET",
        "/payments/api/v1/subscriptions",
        "subscriptions",
        "Subscriptions with plan, status and next charge.",
        (
            "max_results",
            "page_token",
            "product_id",
            "plan",
            "plan_id",
            "status",
            "subscriber_code",
            "subscriber_email",
            "transaction",
            "trial",
            "accession_date",
            "end_accession_date",
            "cancelation_date",
            "end_cancelation_date",
            "date_next_charge",
            "end_date_next_charge",
        ),
        (
            "accession_date",
            "end_accession_date",
            "cancelation_date",
            "end_cancelation_date",
            "date_next_charge",
            "end_date_next_charge",
        ),
        quirks=(SUBSCRIPTIONS_30_DAY_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/subscriptions/summary",
        "subscriptions",
        "Subscription summary with the last recurrence and unpaid recurrences.",
        (
            "max_results",
            "page_token",
            "product_id",
            "subscriber_code",
            "accession_date",
            "end_accession_date",
            "date_next_charge",
        ),
        ("accession_date", "end_accession_date", "date_next_charge"),
        quirks=(SUBSCRIPTION_LAG_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/subscriptions/transactions",
        "subscriptions",
        "Every charge of every subscription, with recurrence and payment details.",
        (
            "max_results",
            "page_token",
            "product_id",
            "transaction",
            "subscriber_code",
            "subscriber_email",
            "subscription_status",
            "recurrency_status",
            "purchase_status",
            "transaction_date",
            "end_transaction_date",
            "billing_type",
            "offer_code",
            "purchase_payment_type",
        ),
        ("transaction_date", "end_transaction_date"),
        quirks=(SUBSCRIPTION_LAG_TRAP,),
    ),
    Endpoint(
        "GET",
        "/payments/api/v1/subscriptions/{subscriber_code}/purchases",
        "subscriptions",
        "Purchases (charges) of one subscriber.",
        shape="array",
    ),
    Endpoint(
        "POST",
        "/payments/api/v1/subscriptions/{subscriber_code}/cancel",
        "subscriptions",
        "Cancel one subscription.",
        ("send_mail",),
        shape="object",
        write=True,
        irreversible=True,
        write_description="Cancel the subscription: charging stops and the subscriber is emailed unless "
        "send_mail is false. A cancelled subscription cannot be resumed as it was.",
    ),
    Endpoint(
        "POST",
        "/payments/api/v1/subscriptions/cancel",
        "subscriptions",
        "Cancel several subscriptions.",
        ("subscriber_code", "send_mail"),
        shape="object",
        write=True,
        irreversible=True,
        write_description="Cancel every listed subscription; subscribers are emailed unless send_mail=false.",
        quirks=(BULK_PARTIAL_FAILURE_TRAP,),
    ),
    Endpoint(
        "POST",
        "/payments/api/v1/subscriptions/{subscriber_code}/reactivate",
        "subscriptions",
        "Reactivate one subscription.",
        ("charge",),
        shape="object",
        write=True,
        write_description="Email the subscriber a reactivation link; charge=true charges them at once.",
    ),
    Endpoint(
        "POST",
        "/payments/api/v1/subscriptions/reactivate",
        "subscriptions",
        "Reactivate several subscriptions.",
        ("subscriber_code", "charge"),
        shape="object",
        write=True,
        write_description="Email each listed subscriber a reactivation link (charged if charge=true).",
        quirks=(BULK_PARTIAL_FAILURE_TRAP,),
    ),
    Endpoint(
        "PATCH",
        "/payments/api/v1/subscriptions/{subscriber_code}",
        "subscriptions",
        "Change the subscription's charge (due) day.",
        ("due_day",),
        shape="empty",
        write=True,
        write_description="Move the monthly charge day (effective after the next scheduled charge).",
        quirks=("Refused for subscriptions in trial (subscription_in_trial_period).",),
    ),
    # --- installment negotiation (hotmart-api-traps.md §14.7)
    Endpoint(
        "POST",
        "/payments/api/v1/installments/negotiate",
        "negotiation",
        "Negotiate overdue installments.",
        ("subscription_id", "recurrences", "payment_type", "discount", "document"),
        shape="object",
        write=True,
        irreversible=True,
        write_description="Generate a real boleto or Pix charge for overdue installments of a subscription.",
    ),
    # --- members area (hotmart-api-traps.md §14.3)
    Endpoint(
        "GET",
        "/club/api/v1/modules",
        "club",
        "Modules of a members area.",
        ("subdomain", "is_extra"),
        shape="array",
        quirks=("`subdomain` is the members-area slug; a wrong one returns no JSON.",),
    ),
    Endpoint(
        "GET",
        "/club/api/v2/modules/{module_id}/pages",
        "club",
        "Pages (lessons) of one module.",
        ("product_id",),
        shape="array",
    ),
    Endpoint(
        "GET",
        "/club/api/v1/users",
        "club",
        "Students of a members area with their progress.",
        ("subdomain", "email", "max_results", "page_token"),
    ),
    Endpoint(
        "GET",
        "/club/api/v1/users/{user_id}/lessons",
        "club",
        "Lesson progress of one student.",
        ("subdomain",),
        shape="object",
    ),
    # --- products (hotmart-api-traps.md §14.4)
    Endpoint(
        "GET",
        "/products/api/v1/products",
        "products",
        "Products of the account.",
        ("max_results", "page_token", "id", "status", "format"),
    ),
    Endpoint(
        "GET",
        "/products/api/v1/products/{ucode}/offers",
        "products",
        "Offers (prices) of a product.",
        ("max_results", "page_token"),
        quirks=("The path takes the product ucode, not its numeric id.",),
    ),
    Endpoint(
        "GET",
        "/products/api/v1/products/{ucode}/plans",
        "products",
        "Subscription plans of a product.",
        ("max_results", "page_token"),
        quirks=("The path takes the product ucode, not its numeric id.",),
    ),
    # --- coupons (hotmart-api-traps.md §14.5)
    Endpoint(
        "POST",
        "/products/api/v1/product/{product_id}/coupon",
        "coupons",
        "Create a discount coupon.",
        ("code", "discount", "start_date", "end_date", "affiliate", "offer_ids"),
        shape="empty",
        write=True,
        write_description="Create a discount coupon buyers can use at checkout.",
        quirks=("discount is a fraction (0.1 = 10 %); the response has no id: list coupons to find it.",),
    ),
    Endpoint(
        "GET",
        "/products/api/v1/coupon/product/{product_id}",
        "coupons",
        "Coupons of a product.",
        ("code", "page_token", "max_results"),
    ),
    Endpoint(
        "DELETE",
        "/products/api/v1/coupon/{coupon_id}",
        "coupons",
        "Delete a coupon.",
        shape="empty",
        write=True,
        irreversible=True,
        write_description="Delete the coupon: buyers can no longer use it. Cannot be undone.",
        quirks=("Takes the numeric coupon id from the list, not the coupon code.",),
    ),
    # --- event tickets (hotmart-api-traps.md §14.6)
    Endpoint(
        "GET",
        "/events/api/v1/{event_id}/info",
        "events",
        "Event dates and ticket lots.",
        shape="object",
        quirks=("Only for ETICKET products; event_id is the product id.",),
    ),
    Endpoint(
        "GET",
        "/events/api/v1/{event_id}/participants",
        "events",
        "Ticket holders of an event.",
        (
            "max_results",
            "page_token",
            "buyer_email",
            "participant_email",
            "last_update",
            "id_lot",
            "ticket_status",
            "ticket_type",
            "checkin_status",
        ),
        ("last_update",),
    ),
    # --- user (hotmart-api-traps.md §14.8)
    Endpoint(
        "GET", "/user/api/v1/me", "user", "Profile of the account behind the credentials.", shape="object"
    ),
)

AREAS: tuple[str, ...] = tuple(dict.fromkeys(endpoint.area for endpoint in ENDPOINTS))


def find_endpoint(method: str, path: str) -> Endpoint | None:
    """The catalogue entry for a concrete request, or None when Hotmart documents no such call."""
    bare_path = path.split("?", 1)[0]
    for endpoint in ENDPOINTS:
        if endpoint.method == method.upper() and endpoint.pattern.match(bare_path):
            return endpoint
    return None


def path_values(endpoint: Endpoint, path: str) -> dict[str, str]:
    """The placeholder values of a concrete path (e.g. the transaction code of a refund)."""
    match = endpoint.pattern.match(path.split("?", 1)[0])
    return dict(match.groupdict()) if match else {}
