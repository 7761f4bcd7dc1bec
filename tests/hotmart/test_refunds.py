"""Refunds are recognised in one place for both routes, and their summary line read from the sales history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.refunds import (
    AMOUNT_NOT_FOUND,
    AMOUNT_UNKNOWN,
    Refund,
    refund_in_action,
    refund_in_request,
    refund_line,
)
from hotmart_membrane_mcp.hotmart.sales_lookup import SALES_HISTORY_PATH

from .simulated_hotmart import SimulatedHotmart

pytestmark = pytest.mark.anyio


@pytest.fixture
def hotmart(tmp_path: Path) -> SimulatedHotmart:
    return SimulatedHotmart.create(tmp_path / "state")


def sale_with_status(hotmart: SimulatedHotmart, status: str) -> dict[str, Any]:
    return next(sale for sale in hotmart.dataset.sales if sale["purchase"]["status"] == status)


def test_a_put_on_the_catalogue_refund_endpoint_refunds_the_transaction_in_its_path() -> None:
    refund = refund_in_request("PUT", "/payments/api/v1/sales/HP5847252295/refund")

    assert refund == Refund("HP5847252295", "path")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/payments/api/v1/sales/history"),
        ("PUT", "/payments/api/v1/sales/HP1/something-else"),
        ("POST", "/payments/api/v1/sales/HP1/refund"),
        ("POST", "/products/api/v1/product/123/coupon"),
        ("DELETE", "/not/an/endpoint/refund"),
    ],
)
def test_no_other_request_is_taken_for_a_refund(method: str, path: str) -> None:
    assert refund_in_request(method, path) is None


@pytest.mark.parametrize(
    ("key", "name", "input", "expected"),
    [
        ("refund-sale", None, {"transaction": "HP1"}, Refund("HP1", "input.transaction")),
        (None, "Refund a Sale", {"transaction_code": "HP2"}, Refund("HP2", "input.transaction_code")),
        ("RefundPurchase", None, {"transaction": "HP3", "sale": "X"}, Refund("HP3", "input.transaction")),
    ],
)
def test_an_action_whose_key_or_name_says_refund_refunds_the_transaction_in_its_input(
    key: str | None, name: str | None, input: dict[str, Any], expected: Refund
) -> None:
    assert refund_in_action(key, name, input) == expected


@pytest.mark.parametrize(
    ("key", "name", "input"),
    [
        ("cancel-subscription", "Cancel subscription", {"transaction": "HP1"}),
        ("refund-sale", None, {"transaction": 5847252295}),
        ("refund-sale", None, {"sale": "HP1"}),
    ],
)
def test_an_action_that_does_not_refund_or_names_no_text_transaction_gives_no_refund(
    key: str, name: str | None, input: dict[str, Any]
) -> None:
    assert refund_in_action(key, name, input) is None


async def test_the_refund_line_of_an_approved_sale_names_amount_buyer_and_status_after_one_read(
    hotmart: SimulatedHotmart,
) -> None:
    sale = sale_with_status(hotmart, "APPROVED")
    purchase = sale["purchase"]
    price = purchase["price"]

    line = await refund_line(hotmart.send, Refund(purchase["transaction"], "path"))

    assert line == (
        f"Amount: {price['currency_code']} {price['value']:.2f} to {sale['buyer']['name']} (sale APPROVED)"
    )
    assert [(request.path, request.query) for request in hotmart.requests] == [
        (SALES_HISTORY_PATH, (("transaction", purchase["transaction"]),))
    ]


@pytest.mark.parametrize("status", ["REFUNDED", "CHARGEBACK"])
async def test_a_refund_of_a_sale_with_nothing_left_to_refund_is_refused_naming_the_argument(
    hotmart: SimulatedHotmart, status: str
) -> None:
    transaction = sale_with_status(hotmart, status)["purchase"]["transaction"]

    with pytest.raises(InvalidInput) as caught:
        await refund_line(hotmart.send, Refund(transaction, "input.transaction"))

    assert caught.value.field == "input.transaction"
    assert transaction in caught.value.message and status in caught.value.message


async def test_an_unknown_transaction_leaves_the_amount_unknown_instead_of_refusing(
    hotmart: SimulatedHotmart,
) -> None:
    line = await refund_line(hotmart.send, Refund("HP0000000000", "path"))

    assert line == f"Amount: {AMOUNT_NOT_FOUND}"


async def test_a_failed_lookup_leaves_the_amount_unknown_instead_of_failing_the_write(tmp_path: Path) -> None:
    limited = SimulatedHotmart.create(tmp_path / "state", rate_limit_every=1)  # every call answers 429
    transaction = sale_with_status(limited, "APPROVED")["purchase"]["transaction"]

    line = await refund_line(limited.send, Refund(transaction, "path"))

    assert line == f"Amount: {AMOUNT_UNKNOWN}"
    assert len(limited.requests) == 1
