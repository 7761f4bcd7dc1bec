"""No path through a tool or prompt ends in the SDK's untyped error text (issue #8).

A backend at the Membrane boundary that raises whatever it is told to (every ``OSError``
errno, ``ValueError``, ``KeyError``, ``RuntimeError``) stands in for a CLI that breaks in ways
nobody mapped. Every tool must still answer typed JSON, and the server must keep answering.
Unknown tools, unknown arguments and prompts without a required argument answer the same way
in both protocol eras.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane.models import (
    READY,
    Action,
    ActionRun,
    Connection,
    LoginStart,
    LoginStatus,
    ProxyRequest,
    ProxyResponse,
)
from hotmart_membrane_mcp.server import build_server
from hotmart_membrane_mcp.tools import TOOL_NAMES
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

CONNECTION_ID = "6b091f36419362085be63efc"
GENERIC_TEXTS = ("Error executing tool", "Unknown tool:", "Internal server error")


class RaisingBackend:
    """A MembraneBackend that answers healthily, except the methods in ``failing`` raise ``error()``."""

    supports_browser_login = True

    def __init__(self, error: Callable[[], BaseException], failing: frozenset[str]) -> None:
        self.error = error
        self.failing = failing

    def _maybe_fail(self, method: str) -> None:
        if method in self.failing or "*" in self.failing:
            raise self.error()

    async def login_start(self, client_name: str) -> LoginStart:
        self._maybe_fail("login_start")
        return LoginStart(
            url="https://console.getmembrane.com/cli-login?requestId=1", message="Open the link."
        )

    async def login_complete(self, code: str) -> LoginStatus:
        self._maybe_fail("login_complete")
        return LoginStatus(logged_in=True, message="Logged in.")

    async def login_status(self) -> LoginStatus:
        self._maybe_fail("login_status")
        return LoginStatus(logged_in=True, message="Logged in.")

    async def ensure_connection(self, app_url: str, name: str | None = None) -> Connection:
        self._maybe_fail("ensure_connection")
        return Connection(id=CONNECTION_ID, name="Hotmart", state=READY)

    async def get_connection(self, connection_id: str, *, wait_s: int | None = None) -> Connection:
        self._maybe_fail("get_connection")
        return Connection(id=connection_id, name="Hotmart", state=READY)

    async def reconnect(self, connection_id: str) -> Connection:
        self._maybe_fail("reconnect")
        return Connection(id=connection_id, name="Hotmart", state=READY)

    async def list_connections(self) -> list[Connection]:
        self._maybe_fail("list_connections")
        return [Connection(id=CONNECTION_ID, name="Hotmart", state=READY)]

    async def search_actions(self, connection_id: str, intent: str, limit: int) -> list[Action]:
        self._maybe_fail("search_actions")
        return [LIST_SALES]

    async def get_action(self, action_id: str) -> Action:
        self._maybe_fail("get_action")
        return LIST_SALES

    async def run_action(self, action_id: str, connection_id: str, input: dict[str, Any]) -> ActionRun:
        self._maybe_fail("run_action")
        return ActionRun(output={"items": []}, action_run_id="r1")

    async def request(self, connection_id: str, request: ProxyRequest) -> ProxyResponse:
        self._maybe_fail("request")
        return ProxyResponse(status=200, headers={}, body={"items": [], "page_info": {"total_results": 0}})


LIST_SALES = Action(
    id="57114e7b867349f364468b1d",
    key="list-sales",
    name="List Sales",
    description="List sales.",
    type="list-data-records",
    input_schema={"type": "object", "properties": {}},
    output_schema=None,
)

# Each tool with arguments that reach the backend, and the backend method its work depends on.
CALLS: dict[str, tuple[dict[str, Any], str]] = {
    "ensure_connection": ({}, "ensure_connection"),
    "login": ({}, "login_start"),
    "search_actions": ({"intent": "list sales"}, "search_actions"),
    "run_action": ({"action_id": "list-sales"}, "run_action"),
    "proxy_request": ({"path": "/payments/api/v1/sales/history"}, "request"),
    "proxy_request-write": ({"path": "/products/api/v1/coupon/1", "method": "DELETE"}, "request"),
    "sales_summary": ({"start_date": "2026-01-01", "end_date": "2026-02-01"}, "request"),
}

ERRORS: list[Callable[[], BaseException]] = [
    *(
        lambda code=code: OSError(code, f"simulated {errno.errorcode[code]}")
        for code in sorted(errno.errorcode)
    ),
    lambda: ValueError("a value the parser did not expect"),
    lambda: KeyError("status"),
    lambda: RuntimeError("the event loop is closed"),
    lambda: TypeError("'NoneType' object is not subscriptable"),
]


def server_with(backend: RaisingBackend) -> Any:
    settings = Settings(membrane_command=SANDBOX_COMMAND, connection_id=CONNECTION_ID, writes="allow")
    return build_server(settings, backend)


def assert_typed(error: dict[str, Any]) -> None:
    assert error["error_type"] == "cli_failed"
    assert not any(text in error["message"] for text in GENERIC_TEXTS)
    assert "failed unexpectedly" in error["message"]
    assert "check in Hotmart" in error["next_step"]


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("where", ["everywhere", "at-the-last-step"])
async def test_every_exception_a_backend_raises_is_a_typed_error_and_the_server_keeps_answering(
    era: str, call: str, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    arguments, last_step = CALLS[call]
    tool = call.partition("-")[0]
    failing = frozenset({"*"} if where == "everywhere" else {last_step})
    backend = RaisingBackend(ERRORS[0], failing)
    async with Client(server_with(backend), mode=era) as client:
        for make_error in ERRORS:
            backend.error = make_error
            error = await call_error(client, tool, arguments)
            assert_typed(error)
            expected = make_error()
            assert error["exception"] == type(expected).__name__
            if isinstance(expected, OSError) and expected.errno is not None:
                assert f"{type(expected).__name__} {errno.errorcode[expected.errno]}: " in error["message"]
        backend.failing = frozenset()
        assert (await client.call_tool(tool, arguments)).is_error is False  # the server still answers

    failures = [record for record in caplog.records if "failed unexpectedly" in record.getMessage()]
    assert failures and all(record.exc_info for record in failures)  # traceback in the log
    assert all(record.levelno == logging.ERROR for record in failures)


async def test_the_typed_message_names_the_exception_and_says_what_it_said(era: str) -> None:
    backend = RaisingBackend(lambda: OSError(errno.E2BIG, "Argument list too long"), frozenset({"request"}))
    async with Client(server_with(backend), mode=era) as client:
        error = await call_error(client, "proxy_request", {"path": "/payments/api/v1/sales/history"})

    assert error["message"] == (
        "proxy_request failed unexpectedly (OSError E2BIG: [Errno 7] Argument list too long)."
    )
    assert error["exception"] == "OSError"


async def test_an_unknown_tool_is_invalid_input_naming_it_and_listing_the_tools(era: str) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        error = await call_error(client, "refund_sale", {"transaction": "HP1"})

    assert error["error_type"] == "invalid_input"
    assert error["field"] == "name"
    assert "'refund_sale'" in error["message"]
    assert error["tools"] == sorted(TOOL_NAMES)
    assert all(name in error["message"] for name in TOOL_NAMES)


@pytest.mark.parametrize(
    ("tool", "arguments", "unknown"),
    [
        ("search_actions", {"intent": "list sales", "bogus": 1}, ["bogus"]),
        (
            "proxy_request",
            {"path": "/payments/api/v1/sales/history", "path_param": {"x": "1"}},
            ["path_param"],
        ),
        ("run_action", {"action_id": "list-sales", "inputs": {}, "zz": 1}, ["inputs", "zz"]),
        ("ensure_connection", {"wait": 5}, ["wait"]),
    ],
)
async def test_unknown_arguments_are_invalid_input_naming_them_and_listing_the_accepted_ones(
    era: str, tool: str, arguments: dict[str, Any], unknown: list[str]
) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        listed = {item.name: item for item in (await client.list_tools()).tools}
        error = await call_error(client, tool, arguments)

    assert error["error_type"] == "invalid_input"
    assert error["field"] == unknown[0]
    assert error["unknown_arguments"] == unknown
    assert error["accepted_arguments"] == list(listed[tool].input_schema["properties"])
    assert all(repr(name) in error["message"] for name in unknown)


async def test_known_arguments_still_run_after_an_unknown_one_was_refused(era: str) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        await call_error(client, "search_actions", {"intent": "sales", "limitt": 3})
        found = await call_ok(client, "search_actions", {"intent": "sales", "limit": 3})

    assert found["actions"][0]["id"] == "list-sales"


@pytest.mark.parametrize(
    ("prompt", "missing"),
    [("refund_sale", "transaction"), ("sales_report", "start_date, end_date")],
)
async def test_a_prompt_without_a_required_argument_names_it_in_both_eras(
    era: str, prompt: str, missing: str
) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt(prompt, {})

    assert caught.value.error.code == INVALID_PARAMS
    assert f"Prompt {prompt!r} needs the argument(s) {missing};" in caught.value.error.message
    assert "Internal server error" not in caught.value.error.message


async def test_a_prompt_argument_over_its_limit_is_invalid_params_in_both_eras(era: str) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("refund_sale", {"transaction": "HP" + "1" * 500})

    assert caught.value.error.code == INVALID_PARAMS
    assert caught.value.error.message.startswith("Invalid arguments for prompt 'refund_sale'")


async def test_an_unknown_prompt_lists_the_prompts_in_both_eras(era: str) -> None:
    backend = RaisingBackend(RuntimeError, frozenset())
    async with Client(server_with(backend), mode=era) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("refund", {})

    assert caught.value.error.code == INVALID_PARAMS
    assert "overdue_subscriptions, refund_sale, sales_report" in caught.value.error.message
