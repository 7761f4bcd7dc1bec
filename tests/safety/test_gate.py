"""The write gate in both protocol eras, through the SDK's in-memory Client.

A tiny MCPServer exposes one ``refund`` tool that calls ``authorize_write`` and records every
write it would have sent; the assertions are on that record, so "nothing was sent" is checked,
not assumed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from mcp import Client
from mcp.client.session import ElicitationFnT
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import (
    CallToolResult,
    ClientCapabilities,
    ElicitationCapability,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    ErrorData,
    FormElicitationCapability,
    InputRequiredResult,
    InputResponses,
    TextContent,
    UrlElicitationCapability,
)

from hotmart_membrane_mcp.config import WritesMode
from hotmart_membrane_mcp.errors import WritesDisabled
from hotmart_membrane_mcp.safety.classify import classify_proxy
from hotmart_membrane_mcp.safety.confirm import ConfirmationStore, write_fingerprint
from hotmart_membrane_mcp.safety.gate import (
    CONFIRM_INPUT_KEY,
    Proceed,
    authorize_write,
    client_accepts_form_elicitation,
    refuse_in_deny_mode,
)
from hotmart_membrane_mcp.safety.summary import describe_write

pytestmark = pytest.mark.anyio


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    """A server whose one write is a refund, with everything the gate touches in reach."""

    mode: WritesMode
    clock: FakeClock = field(default_factory=FakeClock)
    connection_id: str = "con_1"  # server-side, like the connection ensure_connection picked
    performed: list[str] = field(default_factory=list)
    asked: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store = ConfirmationStore(self.clock)
        self.server = MCPServer("gate-test")
        self.server.add_tool(self.refund, name="refund")
        self.server.add_tool(self.lookup, name="lookup")

    def fingerprint(self, transaction: str) -> str:
        return write_fingerprint(
            tool="refund", connection_id=self.connection_id, method="PUT", path=refund_path(transaction)
        )

    async def refund(
        self,
        transaction: str,
        ctx: Context,
        confirm_token: str | None = None,
        other_question_first: bool = False,
    ) -> CallToolResult | InputRequiredResult:
        if other_question_first and ctx.request_state is None:
            # Another question of the same tool (like a sign-in link) with its own request_state.
            other = ElicitRequestFormParams(
                message="Another question", requested_schema={"type": "object", "properties": {}}
            )
            return InputRequiredResult(
                input_requests={"other": ElicitRequest(params=other)}, request_state="other"
            )
        path = refund_path(transaction)
        info = classify_proxy("PUT", path)
        summary = describe_write(info, tool="refund", method="PUT", path=path, facts=["Amount: BRL 197.00"])
        try:
            outcome = await authorize_write(
                ctx,
                mode=self.mode,
                info=info,
                summary=summary,
                fingerprint=self.fingerprint(transaction),
                confirm_token=confirm_token,
                store=self.store,
            )
        except WritesDisabled as exc:
            return CallToolResult(
                content=[TextContent(type="text", text=json.dumps(exc.payload()))], is_error=True
            )
        if isinstance(outcome, InputRequiredResult):
            return outcome
        if isinstance(outcome, Proceed):
            self.performed.append(transaction)
            return result({"status": "done", "via": outcome.via})
        return result(outcome.payload())

    async def lookup(self, ctx: Context) -> CallToolResult:
        info = classify_proxy("GET", "/payments/api/v1/sales/history")
        outcome = await authorize_write(
            ctx, mode=self.mode, info=info, summary="", fingerprint="", confirm_token=None, store=self.store
        )
        return result({"status": "read", "via": getattr(outcome, "via", None)})

    def answering(self, action: str, content: dict[str, Any] | None = None) -> ElicitationFnT:
        async def callback(context: Any, params: Any) -> ElicitResult:
            self.asked.append(params)
            return ElicitResult(action=action, content=content)  # type: ignore[arg-type]

        return callback

    def failing(self) -> ElicitationFnT:
        async def callback(context: Any, params: Any) -> ErrorData:
            self.asked.append(params)
            return ErrorData(code=-32603, message="cannot show a form here")

        return callback


def refund_path(transaction: str) -> str:
    return f"/payments/api/v1/sales/{transaction}/refund"


def result(payload: dict[str, Any]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(payload))], structured_content=payload
    )


def payload_of(call_result: CallToolResult) -> dict[str, Any]:
    assert isinstance(call_result.content[0], TextContent)
    return json.loads(call_result.content[0].text)


async def test_an_accepted_elicitation_sends_the_write_once(era: str) -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, mode=era, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert payload_of(outcome) == {"status": "done", "via": "elicitation"}
    assert harness.performed == ["HP1"]
    [question] = harness.asked
    assert question.mode == "form"
    assert "transaction HP1" in question.message and "BRL 197.00" in question.message
    assert "Irreversible: yes" in question.message
    assert question.requested_schema["properties"]["confirm"]["type"] == "boolean"


@pytest.mark.parametrize(
    "action, content, reason",
    [
        ("decline", None, "declined"),
        ("cancel", None, "cancelled"),
        ("accept", {"confirm": False}, "did not tick"),
        ("accept", {}, "did not tick"),
    ],
)
async def test_a_declined_cancelled_or_unticked_elicitation_sends_nothing(
    era: str, action: str, content: dict[str, Any] | None, reason: str
) -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, mode=era, elicitation_callback=harness.answering(action, content)
    ) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert outcome.is_error is False
    assert payload_of(outcome)["status"] == "declined"
    assert reason in payload_of(outcome)["reason"]
    assert len(harness.asked) == 1
    assert harness.performed == []


async def test_an_accepted_elicitation_without_content_sends_nothing(era: str) -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, mode=era, elicitation_callback=harness.answering("accept", None)
    ) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert payload_of(outcome)["status"] == "declined"
    assert harness.performed == []


async def test_a_client_without_elicitation_gets_a_confirmation_token_and_nothing_is_sent(era: str) -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode=era) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    body = payload_of(outcome)
    assert outcome.is_error is False
    assert outcome.structured_content == body
    assert body["status"] == "confirmation_required"
    assert body["expires_in_s"] == 600
    assert "transaction HP1" in body["summary"] and "Irreversible: yes" in body["summary"]
    assert "Show the summary to the user" in body["next_step"]
    assert body["confirm_token"]
    assert "note" not in body
    assert harness.performed == []


async def test_the_token_round_trip_sends_the_write_exactly_once(era: str) -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode=era) as client:
        token = payload_of(await client.call_tool("refund", {"transaction": "HP1"}))["confirm_token"]
        confirmed = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
        reused = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
    assert payload_of(confirmed) == {"status": "done", "via": "token"}
    assert payload_of(reused)["status"] == "confirmation_required"
    assert "not accepted" in payload_of(reused)["note"]
    assert payload_of(reused)["confirm_token"] != token
    assert harness.performed == ["HP1"]


async def test_a_token_used_for_another_transaction_sends_nothing_and_is_spent(era: str) -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode=era) as client:
        token = payload_of(await client.call_tool("refund", {"transaction": "HP1"}))["confirm_token"]
        tampered = await client.call_tool("refund", {"transaction": "HP2", "confirm_token": token})
        original = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
    assert payload_of(tampered)["status"] == "confirmation_required"
    assert payload_of(original)["status"] == "confirmation_required"
    assert harness.performed == []


async def test_a_token_used_on_another_connection_sends_nothing(era: str) -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode=era) as client:
        token = payload_of(await client.call_tool("refund", {"transaction": "HP1"}))["confirm_token"]
        harness.connection_id = "con_2"
        outcome = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
    assert payload_of(outcome)["status"] == "confirmation_required"
    assert harness.performed == []


async def test_an_expired_token_sends_nothing(era: str) -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode=era) as client:
        token = payload_of(await client.call_tool("refund", {"transaction": "HP1"}))["confirm_token"]
        harness.clock.now += 600
        outcome = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
    assert payload_of(outcome)["status"] == "confirmation_required"
    assert harness.performed == []


async def test_a_valid_token_proceeds_without_asking_even_when_the_client_can_be_asked(era: str) -> None:
    harness = Harness("confirm")
    token = harness.store.issue(harness.fingerprint("HP1"))
    callback = harness.answering("decline")
    async with Client(harness.server, mode=era, elicitation_callback=callback) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": token})
    assert payload_of(outcome) == {"status": "done", "via": "token"}
    assert harness.asked == []


async def test_an_invalid_token_from_a_client_that_can_be_asked_leads_to_the_question(era: str) -> None:
    harness = Harness("confirm")
    callback = harness.answering("accept", {"confirm": True})
    async with Client(harness.server, mode=era, elicitation_callback=callback) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1", "confirm_token": "forged"})
    assert payload_of(outcome) == {"status": "done", "via": "elicitation"}
    assert len(harness.asked) == 1


async def test_deny_mode_refuses_with_writes_disabled_and_never_asks(era: str) -> None:
    harness = Harness("deny")
    callback = harness.answering("accept", {"confirm": True})
    async with Client(harness.server, mode=era, elicitation_callback=callback) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert outcome.is_error is True
    assert payload_of(outcome)["error_type"] == "writes_disabled"
    assert "read-only" in payload_of(outcome)["message"]
    assert payload_of(outcome)["operation"].startswith("Refund the sale")
    assert harness.asked == [] and harness.performed == []


async def test_allow_mode_sends_the_write_without_asking(era: str) -> None:
    harness = Harness("allow")
    callback = harness.answering("decline")
    async with Client(harness.server, mode=era, elicitation_callback=callback) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert payload_of(outcome) == {"status": "done", "via": "allow_mode"}
    assert harness.asked == [] and harness.performed == ["HP1"]


@pytest.mark.parametrize("mode", ["confirm", "deny"])
async def test_a_read_passes_the_gate_in_every_mode_without_asking(era: str, mode: WritesMode) -> None:
    harness = Harness(mode)
    async with Client(harness.server, mode=era, elicitation_callback=harness.answering("decline")) as client:
        outcome = await client.call_tool("lookup", {})
    assert payload_of(outcome) == {"status": "read", "via": "allow_mode"}
    assert harness.asked == []


async def test_on_the_handshake_era_a_client_that_fails_to_show_the_form_gets_a_token_instead() -> None:
    harness = Harness("confirm")
    async with Client(harness.server, mode="legacy", elicitation_callback=harness.failing()) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1"})
    assert payload_of(outcome)["status"] == "confirmation_required"
    assert len(harness.asked) == 1 and harness.performed == []


async def test_on_the_modern_era_a_client_that_fails_to_show_the_form_sends_nothing() -> None:
    harness = Harness("confirm")
    async with Client(harness.server, elicitation_callback=harness.failing()) as client:
        with pytest.raises(MCPError):
            await client.call_tool("refund", {"transaction": "HP1"})
    assert harness.performed == []


ACCEPT: InputResponses = {CONFIRM_INPUT_KEY: ElicitResult(action="accept", content={"confirm": True})}


async def question_round(client: Client, transaction: str = "HP1") -> InputRequiredResult:
    """The first round of a 2026-07-28 call, driven by hand instead of by the Client's loop."""
    await client.list_tools()
    first = await client.session.call_tool("refund", {"transaction": transaction}, allow_input_required=True)
    assert isinstance(first, InputRequiredResult)
    assert first.input_requests is not None and CONFIRM_INPUT_KEY in first.input_requests
    assert first.request_state
    return first


async def answer(client: Client, first: InputRequiredResult, transaction: str = "HP1") -> Any:
    """Retry by hand with an accepting answer and the state of ``first``."""
    return await client.session.call_tool(
        "refund",
        {"transaction": transaction},
        input_responses=ACCEPT,
        request_state=first.request_state,
        allow_input_required=True,
    )


async def test_on_the_modern_era_an_accepted_answer_cannot_be_replayed() -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        first = await question_round(client)
        confirmed = await answer(client, first)
        replayed = await answer(client, first)
    assert isinstance(confirmed, CallToolResult) and isinstance(replayed, CallToolResult)
    assert payload_of(confirmed) == {"status": "done", "via": "elicitation"}
    assert payload_of(replayed)["status"] == "declined"
    assert harness.performed == ["HP1"]


async def test_on_the_modern_era_an_answer_for_another_transaction_is_rejected() -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        first = await question_round(client, "HP1")
        with pytest.raises(MCPError):  # the SDK binds the sealed state to the tool arguments
            await answer(client, first, "HP2")
    assert harness.performed == []


async def test_on_the_modern_era_an_answer_given_before_the_connection_changed_is_declined() -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        first = await question_round(client)
        harness.connection_id = "con_2"  # same arguments, so only our own binding can notice
        outcome = await answer(client, first)
    assert isinstance(outcome, CallToolResult)
    assert payload_of(outcome)["status"] == "declined"
    assert harness.performed == []


async def test_on_the_modern_era_an_answer_without_the_request_state_only_asks_again() -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        await client.list_tools()
        outcome = await client.session.call_tool(
            "refund", {"transaction": "HP1"}, input_responses=ACCEPT, allow_input_required=True
        )
    assert isinstance(outcome, InputRequiredResult)
    assert harness.performed == []


async def test_on_the_modern_era_an_answer_that_expired_sends_nothing() -> None:
    harness = Harness("confirm")
    async with Client(
        harness.server, elicitation_callback=harness.answering("accept", {"confirm": True})
    ) as client:
        first = await question_round(client)
        harness.clock.now += 600
        outcome = await answer(client, first)
    assert isinstance(outcome, CallToolResult)
    assert payload_of(outcome)["status"] == "declined"
    assert harness.performed == []


async def test_on_the_modern_era_another_question_of_the_same_tool_does_not_count_as_an_answer() -> None:
    harness = Harness("confirm")
    callback = harness.answering("accept", {"confirm": True})
    async with Client(harness.server, elicitation_callback=callback) as client:
        outcome = await client.call_tool("refund", {"transaction": "HP1", "other_question_first": True})
    assert payload_of(outcome) == {"status": "done", "via": "elicitation"}
    assert [question.message for question in harness.asked][0] == "Another question"
    assert "transaction HP1" in harness.asked[1].message
    assert harness.performed == ["HP1"]


@pytest.mark.parametrize(
    "capabilities, expected",
    [
        (None, False),
        (ClientCapabilities(), False),
        (ClientCapabilities(elicitation=ElicitationCapability()), True),  # `elicitation: {}` is form-only
        (ClientCapabilities(elicitation=ElicitationCapability(form=FormElicitationCapability())), True),
        (ClientCapabilities(elicitation=ElicitationCapability(url=UrlElicitationCapability())), False),
        (
            ClientCapabilities(
                elicitation=ElicitationCapability(
                    form=FormElicitationCapability(), url=UrlElicitationCapability()
                )
            ),
            True,
        ),
    ],
)
def test_form_elicitation_is_used_only_when_the_client_declared_it(
    capabilities: ClientCapabilities | None, expected: bool
) -> None:
    assert client_accepts_form_elicitation(capabilities) is expected


def test_refuse_in_deny_mode_stops_writes_only_and_only_in_deny_mode() -> None:
    write = classify_proxy("DELETE", "/products/api/v1/coupon/7")
    read = classify_proxy("GET", "/products/api/v1/coupon/product/1")
    with pytest.raises(WritesDisabled) as caught:
        refuse_in_deny_mode("deny", write)
    assert caught.value.payload()["error_type"] == "writes_disabled"
    refuse_in_deny_mode("deny", read)
    refuse_in_deny_mode("confirm", write)
    refuse_in_deny_mode("allow", write)
