"""What the human approves is what is sent, and writes Hotmart would refuse are never put to them.

Issue #8 point 1: one resolved request per write; the summary and the command both come from
it, and a placeholder the server cannot fill the way Membrane would is refused before anything
is asked. Issue #10 item 7: a coupon Hotmart would refuse and a refund of a sale with nothing
left to refund are refused as invalid_input without asking; summaries show readable values.
Everything runs through the SDK client against the simulator; the spawned argv is recorded at
the process boundary (safety_harness.CountingRunner).
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from safety_harness import Answers, Rig, accept, money, refund_path
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

REFUND_TEMPLATE = "/payments/api/v1/sales/{transaction_code}/refund"


def request_argv(rig: Rig) -> tuple[str, ...]:
    [write] = rig.runner.writes()
    return write


def sale_with_status(rig: Rig, status: str) -> dict[str, Any]:
    return next(sale for sale in rig.data().sales if sale["purchase"]["status"] == status)


async def test_a_placeholder_inside_a_segment_is_refused_before_anyone_is_asked(
    sandbox: Sandbox, era: str
) -> None:
    rig = Rig(sandbox)
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    digits = transaction.removeprefix("HP")
    answers = accept()
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        error = await call_error(
            client,
            "proxy_request",
            {"path": "/payments/api/v1/sales/HP:tx/refund", "method": "PUT", "path_params": {"tx": digits}},
        )

    assert error["error_type"] == "invalid_input"
    assert error["field"] == "path"
    assert answers.asked == []
    assert rig.runner.calls == []  # nothing spawned: not the refund, not even a lookup
    assert rig.sale_status(transaction) == "APPROVED"


@pytest.mark.parametrize(
    ("path", "path_params", "field"),
    [
        ("/payments/api/v1/sales/HP{tx}/refund", {"tx": "5847252295"}, "path"),
        ("/payments/api/v1/sales/{transaction_code}/refund", {}, "path_params"),
        ("/payments/api/v1/sales/:transaction_code/refund", {"transaction": "HP1"}, "path_params"),
        (
            "/payments/api/v1/sales/{transaction_code}/refund",
            {"transaction_code": "HP1", "x": "1"},
            "path_params.x",
        ),
        (
            "/payments/api/v1/sales/{transaction_code}/refund",
            {"transaction_code": "HP:1"},
            "path_params.transaction_code",
        ),
    ],
    ids=["brace-mid-segment", "no-value", "misspelt-name", "extra-value", "value-looks-like-placeholder"],
)
async def test_every_placeholder_the_server_cannot_fill_for_sure_is_refused_for_writes_and_reads(
    sandbox: Sandbox, path: str, path_params: dict[str, str], field: str
) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server, elicitation_callback=accept().callback) as client:
        write = await call_error(
            client, "proxy_request", {"path": path, "method": "PUT", "path_params": path_params}
        )
        read = await call_error(
            client, "proxy_request", {"path": path.removesuffix("/refund"), "path_params": path_params}
        )

    assert write["error_type"] == read["error_type"] == "invalid_input"
    assert write["field"].startswith(field) and read["field"].startswith(field)
    assert rig.runner.calls == []


@pytest.mark.parametrize("template", [REFUND_TEMPLATE, "/payments/api/v1/sales/:transaction_code/refund"])
async def test_the_summary_and_the_sent_command_carry_the_same_final_path(
    sandbox: Sandbox, era: str, template: str
) -> None:
    rig = Rig(sandbox)
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    answers = accept()
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        done = await call_ok(
            client,
            "proxy_request",
            {"path": template, "method": "PUT", "path_params": {"transaction_code": transaction}},
        )

    final = refund_path(transaction)
    [question] = answers.asked
    assert f"Request (proxy_request): PUT {final}\n" in question.message
    argv = request_argv(rig)
    assert argv[2] == final  # request <connection> <path>
    assert not any(arg.startswith("--pathParam") for arg in argv)  # nothing left for Membrane to fill
    assert done["status"] == "ok"
    assert rig.sale_status(transaction) == "REFUNDED"


async def test_a_token_for_a_template_is_valid_for_the_same_literal_request_since_the_same_is_sent(
    sandbox: Sandbox,
) -> None:
    rig = Rig(sandbox)
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    async with Client(rig.server) as client:
        held = await call_ok(
            client,
            "proxy_request",
            {"path": REFUND_TEMPLATE, "method": "PUT", "path_params": {"transaction_code": transaction}},
        )
        done = await call_ok(
            client,
            "proxy_request",
            {"path": refund_path(transaction), "method": "PUT", "confirm_token": held["confirm_token"]},
        )

    assert done["status"] == "ok"
    assert rig.sale_status(transaction) == "REFUNDED"


async def test_a_write_summary_shows_the_query_and_headers_that_are_sent(sandbox: Sandbox) -> None:
    rig = Rig(sandbox)
    code = rig.active_subscription()["subscriber_code"]
    async with Client(rig.server) as client:
        held = await call_ok(
            client,
            "proxy_request",
            {
                "path": f"/payments/api/v1/subscriptions/{code}/cancel",
                "method": "POST",
                "query": {"send_mail": False},
                "headers": {"Accept-Language": "pt-BR"},
            },
        )

    assert (
        f"Request (proxy_request): POST /payments/api/v1/subscriptions/{code}/cancel?send_mail=false\n"
        in (held["summary"])
    )
    assert 'Headers: {"Accept-Language":"pt-BR"}' in held["summary"]


@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
async def test_a_refund_summary_reads_amount_to_buyer(sandbox: Sandbox, tool: str) -> None:
    rig = Rig(sandbox)
    sale = rig.refundable_sale()
    transaction = sale["purchase"]["transaction"]
    arguments = (
        {"path": refund_path(transaction), "method": "PUT"}
        if tool == "proxy_request"
        else {"action_id": "refund-sale", "input": {"transaction": transaction}}
    )
    async with Client(rig.server) as client:
        held = await call_ok(client, tool, arguments)

    assert (
        f"Amount: {money(sale['purchase']['price'])} to {sale['buyer']['name']} (sale APPROVED)"
        in held["summary"]
    )


@pytest.mark.parametrize("status", ["REFUNDED", "CANCELLED", "CHARGEBACK"])
@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
async def test_a_refund_of_a_sale_with_nothing_left_to_refund_says_so_and_asks_nobody(
    sandbox: Sandbox, era: str, tool: str, status: str
) -> None:
    rig = Rig(sandbox)
    transaction = sale_with_status(rig, status)["purchase"]["transaction"]
    arguments, field = (
        ({"path": REFUND_TEMPLATE, "method": "PUT", "path_params": {"transaction_code": transaction}}, "path")
        if tool == "proxy_request"
        else ({"action_id": "refund-sale", "input": {"transaction": transaction}}, "input.transaction")
    )
    answers = accept()
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        error = await call_error(client, tool, arguments)

    assert error["error_type"] == "invalid_input"
    assert error["field"] == field
    assert error["sale_status"] == status
    assert transaction in error["message"] and status in error["message"]
    assert answers.asked == []
    assert rig.runner.writes() == []
    assert rig.recorded_writes() == {}


COUPON_PATH = "/products/api/v1/product/{product_id}/coupon"


@pytest.mark.parametrize(
    ("discount", "hint"),
    [
        (20, "20 means 20 %? Pass 0.2."),
        (12.5, "12.5 means 12.5 %? Pass 0.125."),
        (1, "1 means 1 %? Pass 0.01."),
        (0, None),
        (-0.1, None),
        (0.99, None),
        ("0.2", None),
        (None, None),
    ],
)
@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
async def test_a_coupon_discount_hotmart_would_refuse_is_refused_naming_the_field_before_asking(
    sandbox: Sandbox, tool: str, discount: Any, hint: str | None
) -> None:
    rig = Rig(sandbox)
    product_id, _ = rig.product_with_coupons()
    before = rig.coupon_codes(product_id)
    values: dict[str, Any] = {"code": "SAVE20", "discount": discount}
    if tool == "proxy_request":
        arguments: dict[str, Any] = {
            "path": COUPON_PATH,
            "method": "POST",
            "path_params": {"product_id": product_id},
            "body": values,
        }
        field = "body.discount"
    else:
        arguments = {"action_id": "create-coupon", "input": {"product_id": product_id, **values}}
        field = "input.discount"
    answers = Answers("accept", {"confirm": True})
    async with Client(rig.server, elicitation_callback=answers.callback) as client:
        error = await call_error(client, tool, arguments)

    assert error["error_type"] == "invalid_input"
    assert error["field"] in (field, "input")  # an action's own input schema may name the whole input
    if tool == "proxy_request":
        assert error["field"] == field
        assert rig.runner.calls == []
    if hint is not None:
        assert hint in error["message"]
    assert answers.asked == []
    assert rig.runner.writes() == []
    assert rig.coupon_codes(product_id) == before


@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
async def test_a_valid_coupon_is_summarised_as_percent_off_and_created_on_yes(
    sandbox: Sandbox, tool: str
) -> None:
    rig = Rig(sandbox)
    product_id, _ = rig.product_with_coupons()
    values = {"code": "SAVE20", "discount": 0.2}
    arguments: dict[str, Any] = (
        {"path": COUPON_PATH, "method": "POST", "path_params": {"product_id": product_id}, "body": values}
        if tool == "proxy_request"
        else {"action_id": "create-coupon", "input": {"product_id": product_id, **values}}
    )
    answers = accept()
    async with Client(rig.server, elicitation_callback=answers.callback) as client:
        done = await call_ok(client, tool, arguments)

    [question] = answers.asked
    assert "Coupon: SAVE20 for 20 % off" in question.message
    assert done["status"] == "ok"
    assert "SAVE20" in rig.coupon_codes(product_id)


async def test_a_too_long_coupon_code_is_refused_naming_the_code(sandbox: Sandbox) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server) as client:
        error = await call_error(
            client,
            "proxy_request",
            {
                "path": "/products/api/v1/product/1/coupon",
                "method": "POST",
                "body": {"code": "C" * 26, "discount": 0.1},
            },
        )

    assert error["field"] == "body.code"
    assert "1 to 25 characters" in error["message"]
    assert rig.runner.calls == []
