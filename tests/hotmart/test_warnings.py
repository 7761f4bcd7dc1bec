"""Requests that walk into a known Hotmart trap get the catalogue's warning, and only then."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.hotmart.catalogue import (
    BULK_PARTIAL_FAILURE_TRAP,
    SALES_STATUS_TRAP,
    SUBSCRIPTION_LAG_TRAP,
    SUBSCRIPTIONS_30_DAY_TRAP,
    SUMMARY_COMMISSION_TRAP,
    find_endpoint,
)
from hotmart_membrane_mcp.hotmart.warnings import unknown_path_warning, warnings_for

SALES_PATHS = [
    "/payments/api/v1/sales/history",
    "/payments/api/v1/sales/users",
    "/payments/api/v1/sales/commissions",
    "/payments/api/v1/sales/price/details",
]


@pytest.mark.parametrize("path", SALES_PATHS)
def test_sales_endpoints_without_a_status_or_transaction_warn_about_hidden_sales(path: str) -> None:
    endpoint = find_endpoint("GET", path)

    assert warnings_for(endpoint, [("start_date", "1")]) == [SALES_STATUS_TRAP]
    assert warnings_for(endpoint, [("transaction_status", "")]) == [SALES_STATUS_TRAP]


@pytest.mark.parametrize("given", [("transaction_status", "REFUNDED"), ("transaction", "HP123")])
def test_a_status_or_transaction_filter_silences_the_status_trap(given: tuple[str, str]) -> None:
    assert warnings_for(find_endpoint("GET", SALES_PATHS[0]), [given]) == []


def test_sales_summary_warns_that_it_totals_commissions() -> None:
    endpoint = find_endpoint("GET", "/payments/api/v1/sales/summary")

    assert warnings_for(endpoint, [("transaction_status", "APPROVED")]) == [SUMMARY_COMMISSION_TRAP]
    assert warnings_for(endpoint, []) == [SALES_STATUS_TRAP, SUMMARY_COMMISSION_TRAP]


@pytest.mark.parametrize(
    "path", ["/payments/api/v1/subscriptions/summary", "/payments/api/v1/subscriptions/transactions"]
)
def test_subscription_summary_and_transactions_warn_about_lag_and_the_30_day_default(path: str) -> None:
    assert warnings_for(find_endpoint("GET", path), [("max_results", "10")]) == [SUBSCRIPTION_LAG_TRAP]


def test_the_subscription_list_warns_about_30_days_until_accession_date_is_given() -> None:
    endpoint = find_endpoint("GET", "/payments/api/v1/subscriptions")

    assert warnings_for(endpoint, [("status", "OVERDUE")]) == [SUBSCRIPTIONS_30_DAY_TRAP]
    assert warnings_for(endpoint, [("accession_date", "1262304000000")]) == []


def test_bulk_cancel_warns_that_200_may_hide_failed_items() -> None:
    endpoint = find_endpoint("POST", "/payments/api/v1/subscriptions/cancel")

    assert warnings_for(endpoint, []) == [BULK_PARTIAL_FAILURE_TRAP]


def test_endpoints_without_traps_and_unknown_paths_get_no_warnings() -> None:
    assert warnings_for(find_endpoint("GET", "/products/api/v1/products"), []) == []
    assert warnings_for(None, [("start_date", "1")]) == []


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("/club/api/v1/students", "/club/api/v1/users"),
        ("/payments/api/v1/coupon/123", "/products/api/v1"),
        (
            "/payments/api/v1/subscriptions/ABCD1234/transactions",
            "subscriptions/transactions?subscriber_code",
        ),
        ("/payments/api/v1/negotiation", "installments/negotiate"),
    ],
)
def test_paths_community_sdks_get_wrong_are_named_with_the_right_one(path: str, hint: str) -> None:
    message = unknown_path_warning("GET", path)

    assert "not a Hotmart endpoint" in message and hint in message


def test_other_unknown_paths_point_to_the_catalogue() -> None:
    message = unknown_path_warning("post", "/payments/api/v1/subscriptions/transactions?x=1")

    assert message.startswith(
        "POST /payments/api/v1/subscriptions/transactions is not in the Hotmart catalogue"
    )
    assert "hotmart://api/catalogue" in message
