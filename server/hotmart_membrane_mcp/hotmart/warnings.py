"""Warnings for the Hotmart traps a request walks into, read from the catalogue's quirks.

Each trap is a quirk in catalogue.py; this module only decides when a request is exposed to
it (e.g. the status trap only bites when no ``transaction_status``/``transaction`` was sent),
so the text the agent sees is the same one the catalogue resource shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .catalogue import (
    BULK_PARTIAL_FAILURE_TRAP,
    SALES_STATUS_TRAP,
    SUBSCRIPTION_LAG_TRAP,
    SUBSCRIPTIONS_30_DAY_TRAP,
    SUMMARY_COMMISSION_TRAP,
    Endpoint,
)

# hotmart-api-traps.md §2: paths community SDKs use that Hotmart does not have, and the right ones.
WRONG_PATH_HINTS: tuple[tuple[str, str], ...] = (
    ("/club/api/v1/pages", "GET /club/api/v2/modules/{module_id}/pages?product_id=..."),
    ("/club/api/v1/students", "GET /club/api/v1/users?subdomain=... (students) and /users/{user_id}/lessons"),
    ("/payments/api/v1/product/", "coupons live under /products/api/v1/product/{product_id}/coupon"),
    ("/payments/api/v1/coupon", "coupons live under /products/api/v1/coupon/..."),
    ("/payments/api/v1/events", "GET /events/api/v1/{event_id}/info or /participants"),
    ("/payments/api/v1/tickets", "GET /events/api/v1/{event_id}/participants"),
    ("/payments/api/v1/negotiation", "POST /payments/api/v1/installments/negotiate with subscription_id"),
    ("/payments/api/v1/subscriptions/transactions", ""),  # the right one; keeps the next rule specific
    ("/transactions", "GET /payments/api/v1/subscriptions/transactions?subscriber_code=..."),
)

Condition = Callable[[set[str]], bool]
_CONDITIONS: dict[str, Condition] = {
    SALES_STATUS_TRAP: lambda sent: not sent & {"transaction_status", "transaction"},
    SUMMARY_COMMISSION_TRAP: lambda sent: True,
    SUBSCRIPTION_LAG_TRAP: lambda sent: True,
    SUBSCRIPTIONS_30_DAY_TRAP: lambda sent: "accession_date" not in sent,
    BULK_PARTIAL_FAILURE_TRAP: lambda sent: True,
}


def warnings_for(endpoint: Endpoint | None, query: Sequence[tuple[str, str]]) -> list[str]:
    """The catalogue traps this request is exposed to, as sentences for the agent."""
    if endpoint is None:
        return []
    sent = {key for key, value in query if str(value).strip()}
    return [quirk for quirk in endpoint.quirks if quirk in _CONDITIONS and _CONDITIONS[quirk](sent)]


def unknown_path_warning(method: str, path: str) -> str:
    """What to tell an agent whose request matches no catalogue endpoint."""
    bare = path.split("?", 1)[0]
    for wrong, right in WRONG_PATH_HINTS:
        if wrong in bare:
            if not right:
                break
            return (
                f"{method.upper()} {bare} is not a Hotmart endpoint (a path some community SDKs use by "
                f"mistake); use {right}. See the hotmart://api/catalogue resource."
            )
    return (
        f"{method.upper()} {bare} is not in the Hotmart catalogue; check the path and method against the "
        "hotmart://api/catalogue resource."
    )
