"""confirm mode through the in-memory client against the simulator: no write without a human yes.

Every "nothing was sent" is checked twice: in the simulator's own state (the sale is still
APPROVED, the coupon list and the subscription unchanged, no write recorded at all) and at the
process boundary (no ``action run`` and no non-GET ``request`` was spawned).
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, ElicitRequestFormParams, ElicitResult, InputRequiredResult

from hotmart_membrane_mcp.safety.gate import CONFIRM_INPUT_KEY
from safety_harness import WRITE_CASES, Answers, Rig, accept, money, refund_path, write_case
from sandbox_harness import Sandbox
from tool_calls import call_ok, payload

pytestmark = pytest.mark.anyio

ONE_CASE_PER_TOOL = ("proxy-refund", "action-subscription-cancel")


def assert_nothing_was_written(rig: Rig, before: Any, observed: Any) -> None:
    assert observed == before
    assert rig.recorded_writes() == {}
    assert rig.runner.writes() == []


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_without_elicitation_a_write_is_held_with_a_token_and_nothing_changes(
    sandbox: Sandbox, era: str, name: str
) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    before = case.observe()
    async with Client(rig.server, mode=era) as client:
        held = await call_ok(client, case.tool, case.arguments)

    assert list(held)[0] == "status"
    assert held["status"] == "confirmation_required"
    assert held["confirm_token"].startswith("ct_")
    assert held["expires_in_s"] == 600
    assert held["summary"].splitlines()[-1].startswith("Irreversible: ")
    assert held["irreversible"] is (name.endswith(("refund", "delete", "cancel")))
    assert held["next_step"] == (
        f"Show the summary to the user; only if they agree, call {case.tool} again with exactly the same "
        "arguments plus confirm_token."
    )
    assert_nothing_was_written(rig, before, case.observe())


@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
async def test_a_refund_summary_names_the_transaction_and_its_amount(sandbox: Sandbox, tool: str) -> None:
    rig = Rig(sandbox)
    sale = rig.refundable_sale()
    case = write_case(rig, "proxy-refund" if tool == "proxy_request" else "action-refund")
    async with Client(rig.server) as client:
        held = await call_ok(client, case.tool, case.arguments)

    assert f"transaction {sale['purchase']['transaction']}" in held["summary"]
    assert f"Amount: {money(sale['purchase']['price'])}" in held["summary"]
    assert "Irreversible: yes" in held["summary"]


async def test_when_the_sale_is_not_found_the_refund_is_still_held_with_the_amount_unknown(
    sandbox: Sandbox,
) -> None:
    rig = Rig(sandbox)
    transaction = "HP0000000001"  # no such sale: the lookup finds nothing, the question is asked anyway
    async with Client(rig.server) as client:
        held = await call_ok(client, "proxy_request", {"path": refund_path(transaction), "method": "PUT"})

    assert held["status"] == "confirmation_required"
    assert "Amount: unknown (no sale with this transaction code was found)" in held["summary"]
    assert rig.runner.writes() == []


async def test_when_the_amount_lookup_fails_the_refund_is_still_held_saying_so(sandbox: Sandbox) -> None:
    sandbox.variables.update(
        {"HOTMART_SANDBOX_SCENARIO": "rate-limited", "HOTMART_SANDBOX_RATE_LIMIT_EVERY": "1"}
    )
    rig = Rig(sandbox)  # every Hotmart call now answers 429, the amount lookup included
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    async with Client(rig.server) as client:
        held = await call_ok(client, "proxy_request", {"path": refund_path(transaction), "method": "PUT"})

    assert held["status"] == "confirmation_required"
    assert "Amount: unknown (the sale could not be looked up)" in held["summary"]
    assert rig.sale_status(transaction) == "APPROVED"
    assert rig.runner.writes() == []


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_a_valid_token_performs_the_write_exactly_once(sandbox: Sandbox, name: str) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    async with Client(rig.server) as client:
        token = (await call_ok(client, case.tool, case.arguments))["confirm_token"]
        done = await call_ok(client, case.tool, {**case.arguments, "confirm_token": token})
        reused = await client.call_tool(case.tool, {**case.arguments, "confirm_token": token})

    assert done["status"] == "ok"
    assert case.observe() == case.after
    if name.endswith("refund"):
        # The sale is REFUNDED now: a second refund is refused before anyone is asked.
        assert reused.is_error is True
        assert payload(reused)["sale_status"] == "REFUNDED"
    else:
        assert payload(reused)["status"] == "confirmation_required"
        assert "not accepted" in payload(reused)["reason"]
        assert payload(reused)["confirm_token"] != token
    assert len(rig.runner.writes()) == 1


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_an_expired_token_performs_nothing(sandbox: Sandbox, name: str) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    before = case.observe()
    async with Client(rig.server) as client:
        token = (await call_ok(client, case.tool, case.arguments))["confirm_token"]
        rig.clock.now += 600
        late = await call_ok(client, case.tool, {**case.arguments, "confirm_token": token})

    assert late["status"] == "confirmation_required"
    assert "not accepted" in late["reason"]
    assert_nothing_was_written(rig, before, case.observe())


PROXY_TAMPERING = {
    "path": {"path": "/payments/api/v1/sales/{transaction_code}/billet"},
    "method": {"method": "POST"},
    "path_params": {"path_params": {"transaction_code": "HP0000000001"}},
    "query": {"query": {"send_mail": False}},
    "headers": {"headers": {"Accept-Language": "pt-BR"}},
    "body": {"body": {"reason": "asked by the buyer"}},
    "connection_id": {"connection_id": "another-connection"},
}
ACTION_TAMPERING = {
    "input": {"input": {"transaction": "HP0000000001"}},
    "connection_id": {"connection_id": "another-connection"},
    "action_id": {"action_id": "cancel-subscription", "input": {"subscriber_code": "NOSUCH01"}},
}


@pytest.mark.parametrize(
    ("tool", "change"),
    [("proxy_request", change) for change in PROXY_TAMPERING.values()]
    + [("run_action", change) for change in ACTION_TAMPERING.values()],
    ids=[f"proxy-{slot}" for slot in PROXY_TAMPERING] + [f"action-{slot}" for slot in ACTION_TAMPERING],
)
async def test_a_token_presented_with_any_argument_changed_performs_nothing_and_is_spent(
    sandbox: Sandbox, tool: str, change: dict[str, Any]
) -> None:
    rig = Rig(sandbox)
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    if tool == "proxy_request":
        arguments: dict[str, Any] = {
            "path": "/payments/api/v1/sales/{transaction_code}/refund",
            "method": "PUT",
            "path_params": {"transaction_code": transaction},
        }
    else:
        arguments = {"action_id": "refund-sale", "input": {"transaction": transaction}}
    async with Client(rig.server) as client:
        token = (await call_ok(client, tool, arguments))["confirm_token"]
        tampered = await call_ok(client, tool, {**arguments, **change, "confirm_token": token})
        original = await call_ok(client, tool, {**arguments, "confirm_token": token})

    assert tampered["status"] == "confirmation_required"
    assert "not accepted" in tampered["reason"]
    assert original["status"] == "confirmation_required"  # the token was spent by the tampered call
    assert_nothing_was_written(rig, "APPROVED", rig.sale_status(transaction))


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_an_accepted_elicitation_performs_the_write(sandbox: Sandbox, era: str, name: str) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    answers = accept()
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        done = await call_ok(client, case.tool, case.arguments)

    assert done["status"] == "ok"
    assert "confirm_token" not in done
    assert case.observe() == case.after
    [question] = answers.asked
    assert question.message.splitlines()[-1].startswith("Irreversible: ")
    assert len(rig.runner.writes()) == 1


@pytest.mark.parametrize("name", WRITE_CASES)
async def test_a_declined_elicitation_performs_nothing(sandbox: Sandbox, era: str, name: str) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    before = case.observe()
    answers = Answers("decline")
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        declined = await call_ok(client, case.tool, case.arguments)

    assert declined["status"] == "declined"
    assert "declined" in declined["reason"]
    assert declined["summary"] == answers.asked[0].message
    assert "confirm_token" not in declined
    assert_nothing_was_written(rig, before, case.observe())


@pytest.mark.parametrize(
    ("action", "content", "reason"),
    [
        ("cancel", None, "cancelled"),
        ("accept", {"confirm": False}, "did not tick"),
        # Only a JSON true ticks the box, in both eras: truthy look-alikes are not a yes.
        ("accept", {"confirm": "yes"}, "did not tick"),
        ("accept", {"confirm": 1}, "did not tick"),
        ("accept", {"confirm": "on"}, "did not tick"),
        ("accept", {"confirm": "true"}, "did not tick"),
    ],
    ids=["cancel", "unticked", "yes-string", "one", "on-string", "true-string"],
)
@pytest.mark.parametrize("name", ONE_CASE_PER_TOOL)
async def test_a_cancelled_unticked_or_not_strictly_true_elicitation_performs_nothing(
    sandbox: Sandbox, era: str, name: str, action: str, content: dict[str, Any] | None, reason: str
) -> None:
    rig = Rig(sandbox)
    case = write_case(rig, name)
    before = case.observe()
    answers = Answers(action, content)
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        declined = await call_ok(client, case.tool, case.arguments)

    assert declined["status"] == "declined"
    assert reason in declined["reason"]
    assert len(answers.asked) == 1
    assert_nothing_was_written(rig, before, case.observe())


async def test_on_the_modern_era_the_question_round_sends_nothing_and_the_answer_round_refunds(
    sandbox: Sandbox,
) -> None:
    rig = Rig(sandbox)
    sale = rig.refundable_sale()
    transaction = sale["purchase"]["transaction"]
    arguments = {"path": refund_path(transaction), "method": "PUT"}
    async with Client(rig.server, elicitation_callback=accept().callback) as client:
        await client.list_tools()
        question = await client.session.call_tool("proxy_request", arguments, allow_input_required=True)
        assert isinstance(question, InputRequiredResult)
        assert question.input_requests is not None
        form = question.input_requests[CONFIRM_INPUT_KEY].params
        assert isinstance(form, ElicitRequestFormParams)
        assert f"Amount: {money(sale['purchase']['price'])}" in form.message
        assert rig.sale_status(transaction) == "APPROVED" and rig.runner.writes() == []

        answered = await client.session.call_tool(
            "proxy_request",
            arguments,
            input_responses={CONFIRM_INPUT_KEY: ElicitResult(action="accept", content={"confirm": True})},
            request_state=question.request_state,
            allow_input_required=True,
        )

    assert isinstance(answered, CallToolResult) and answered.is_error is False
    assert payload(answered)["status"] == "ok"
    assert rig.sale_status(transaction) == "REFUNDED"


async def test_reads_never_ask_and_need_no_token(sandbox: Sandbox, era: str) -> None:
    rig = Rig(sandbox)
    answers = Answers("decline")  # were a read ever put to the user, it would be declined
    async with Client(rig.server, mode=era, elicitation_callback=answers.callback) as client:
        proxied = await call_ok(
            client, "proxy_request", {"path": "/payments/api/v1/sales/history", "query": {"max_results": 2}}
        )
        listed = await call_ok(client, "run_action", {"action_id": "list-sales", "input": {"max_results": 2}})

    assert proxied["status"] == listed["status"] == "ok"
    assert len(proxied["body"]["items"]) == len(listed["output"]["items"]) == 2
    assert answers.asked == []
    assert rig.recorded_writes() == {}
