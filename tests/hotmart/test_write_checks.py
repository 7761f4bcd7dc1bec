"""One write's Hotmart rules, found alike for proxy_request and run_action, and the sale lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.refunds import Refund
from hotmart_membrane_mcp.hotmart.sales_lookup import SaleFound, look_up_sale, sale_from_history
from hotmart_membrane_mcp.hotmart.write_checks import WriteChecks, checks_for_action, checks_for_request

from .simulated_hotmart import SimulatedHotmart

pytestmark = pytest.mark.anyio

COUPON_PATH = "/products/api/v1/product/123/coupon"


@pytest.fixture
def hotmart(tmp_path: Path) -> SimulatedHotmart:
    return SimulatedHotmart.create(tmp_path / "state")


def approved_sale(hotmart: SimulatedHotmart) -> dict[str, Any]:
    return next(sale for sale in hotmart.dataset.sales if sale["purchase"]["status"] == "APPROVED")


def test_a_proxy_coupon_creation_is_checked_by_hotmarts_rule_naming_the_body_field() -> None:
    checks = checks_for_request("POST", COUPON_PATH, {"code": "SAVE20", "discount": 20})

    with pytest.raises(InvalidInput) as caught:
        checks.check()

    assert caught.value.field == "body.discount"
    assert "Pass 0.2" in caught.value.message


def test_an_action_creating_a_coupon_is_checked_by_the_same_rule_naming_the_input_field() -> None:
    checks = checks_for_action("create-coupon", "Create Coupon", {"code": "SAVE20", "discount": 20})

    with pytest.raises(InvalidInput) as caught:
        checks.check()

    assert caught.value.field == "input.discount"


async def test_a_valid_coupon_passes_the_check_and_gives_its_readable_summary_line() -> None:
    checks = checks_for_request("POST", COUPON_PATH, {"code": "SAVE20", "discount": 0.2})

    checks.check()

    assert await checks.facts(None) == ("Coupon: SAVE20 for 20 % off",)


def test_both_routes_find_the_refund_in_their_own_argument() -> None:
    by_request = checks_for_request("PUT", "/payments/api/v1/sales/HP1/refund", None)
    by_action = checks_for_action("refund-sale", "Refund sale", {"transaction": "HP1"})

    assert by_request == WriteChecks(refund=Refund("HP1", "path"))
    assert by_action == WriteChecks(coupon_field="input", refund=Refund("HP1", "input.transaction"))


async def test_without_a_reader_a_refund_reads_nothing_and_adds_no_line(hotmart: SimulatedHotmart) -> None:
    checks = checks_for_request("PUT", "/payments/api/v1/sales/HP1/refund", None)

    assert await checks.facts(None) == ()
    assert hotmart.requests == []


async def test_with_a_reader_a_refund_adds_the_sales_amount_line(hotmart: SimulatedHotmart) -> None:
    transaction = approved_sale(hotmart)["purchase"]["transaction"]
    checks = checks_for_action("refund-sale", None, {"transaction": transaction})

    facts = await checks.facts(hotmart.send)

    assert len(facts) == 1 and facts[0].startswith("Amount: ") and facts[0].endswith("(sale APPROVED)")


async def test_looking_a_sale_up_finds_it_by_transaction_in_the_sales_history(
    hotmart: SimulatedHotmart,
) -> None:
    sale = approved_sale(hotmart)
    purchase = sale["purchase"]

    found = await look_up_sale(hotmart.send, purchase["transaction"])

    assert found == SaleFound(
        transaction=purchase["transaction"],
        status="APPROVED",
        amount=f"{purchase['price']['currency_code']} {purchase['price']['value']:.2f}",
        buyer=sale["buyer"]["name"],
    )


@pytest.mark.parametrize(
    "body",
    [None, [], {"items": "x"}, {"items": [None, {"purchase": "x"}, {"purchase": {"transaction": "OTHER"}}]}],
)
def test_a_sales_history_answer_without_the_sale_finds_none(body: Any) -> None:
    assert sale_from_history(body, "HP1") is None


def test_a_sale_with_missing_parts_is_still_found_with_those_parts_unknown() -> None:
    body = {"items": [{"purchase": {"transaction": "HP1", "price": {"value": "47"}}, "buyer": {"name": " "}}]}

    assert sale_from_history(body, "HP1") == SaleFound("HP1", status=None, amount=None, buyer=None)
