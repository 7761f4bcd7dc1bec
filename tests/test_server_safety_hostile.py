"""Hostile values in every slot of run_action and proxy_request: invalid_input, and nothing spawned.

"Nothing spawned" is observed at the process boundary: the server runs on a counting wrapper of
the real runner, and the server has no connection yet, so any call that got past the guards
would spawn at least ``connection ensure``. The control test shows that a harmless call does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client

from safety_harness import Rig
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

SALES_HISTORY = "/payments/api/v1/sales/history"
COUPONS_OF_PRODUCT = "/products/api/v1/coupon/product/{product_id}"
HUGE = "x" * 300_000  # beyond every text limit (ids 128, tokens 200, paths 2,000, bodies 256 KiB)

HOSTILE = {
    "dash": "-x",
    "help": "--help",
    "dotdot": "../",
    "url": "https://evil.example/x",
    "scheme-relative": "//evil.example/x",
    "encoded-dotdot": "%2e%2e",
    "crlf": "a\r\nInjected: 1",
    "nul": "a\x00b",
    "oversized": HUGE,
}
# In the path slot the traversal and break-in values are tried where they would bite: inside a path.
PATH_FORMS = {
    "dotdot": "/payments/../user/api/v1/me",
    "encoded-dotdot": "/payments/%2e%2e/user/api/v1/me",
    "crlf": "/payments/api/v1/sales/history\r\nHost: evil.example",
    "nul": "/payments/api/v1/sales/history\x00",
}

Slot = tuple[str, Callable[[str], dict[str, Any]], str]  # tool, arguments for a value, the field named

SLOTS: dict[str, Slot] = {
    "proxy.path": ("proxy_request", lambda v: {"path": v}, "path"),
    "proxy.method": ("proxy_request", lambda v: {"path": SALES_HISTORY, "method": v}, "method"),
    "proxy.query-key": ("proxy_request", lambda v: {"path": SALES_HISTORY, "query": {v: "1"}}, "query"),
    "proxy.query-value": (
        "proxy_request",
        lambda v: {"path": SALES_HISTORY, "query": {"transaction": v}},
        "query.transaction",
    ),
    "proxy.header-name": ("proxy_request", lambda v: {"path": SALES_HISTORY, "headers": {v: "1"}}, "headers"),
    "proxy.header-value": (
        "proxy_request",
        lambda v: {"path": SALES_HISTORY, "headers": {"Accept-Language": v}},
        "headers.Accept-Language",
    ),
    "proxy.path_params-key": (
        "proxy_request",
        lambda v: {"path": COUPONS_OF_PRODUCT, "path_params": {v: "1"}},
        "path_params",
    ),
    "proxy.path_params-value": (
        "proxy_request",
        lambda v: {"path": COUPONS_OF_PRODUCT, "path_params": {"product_id": v}},
        "path_params.product_id",
    ),
    "proxy.body": (
        "proxy_request",
        lambda v: {"path": "/products/api/v1/product/1/coupon", "method": "POST", "body": _json_slot(v)},
        "body",
    ),
    "proxy.connection_id": (
        "proxy_request",
        lambda v: {"path": SALES_HISTORY, "connection_id": v},
        "connection_id",
    ),
    "proxy.confirm_token": (
        "proxy_request",
        lambda v: {"path": SALES_HISTORY, "confirm_token": v},
        "confirm_token",
    ),
    "action.action_id": ("run_action", lambda v: {"action_id": v, "input": {}}, "action_id"),
    "action.input": ("run_action", lambda v: {"action_id": "refund-sale", "input": _json_slot(v)}, "input"),
    "action.connection_id": (
        "run_action",
        lambda v: {"action_id": "list-sales", "input": {}, "connection_id": v},
        "connection_id",
    ),
    "action.confirm_token": (
        "run_action",
        lambda v: {"action_id": "refund-sale", "input": {"transaction": "HP1"}, "confirm_token": v},
        "confirm_token",
    ),
}


def _json_slot(value: str) -> Any:
    # A JSON slot takes an object: a bare hostile string is refused as such, and "oversized" is an
    # object whose serialised size is over the limit.
    return {"note": value} if value is HUGE else value


def cases() -> list[Any]:
    rows = []
    for slot, (tool, build, field) in SLOTS.items():
        for kind, value in HOSTILE.items():
            if slot == "proxy.path":
                value = PATH_FORMS.get(kind, value)
            rows.append(pytest.param(tool, build(value), field, id=f"{slot}:{kind}"))
    return rows


@pytest.mark.parametrize(("tool", "arguments", "field"), cases())
async def test_a_hostile_value_in_any_slot_is_invalid_input_naming_it_and_nothing_is_spawned(
    sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str
) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server) as client:
        error = await call_error(client, tool, arguments)

    assert error["error_type"] == "invalid_input"
    assert error["field"] == field
    assert rig.runner.calls == []


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 1}}),
        ("run_action", {"action_id": "list-sales", "input": {"max_results": 1}}),
    ],
)
async def test_control_the_same_slots_with_harmless_values_do_spawn_the_cli(
    sandbox: Sandbox, tool: str, arguments: dict[str, Any]
) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server) as client:
        await call_ok(client, tool, arguments)

    assert rig.runner.calls


@pytest.mark.parametrize(
    "value", ["buyer.name@example.com", "Ana Lima", "HP17500412345", "1.5", "a..b", "pt-BR", "2026-03-01"]
)
async def test_ordinary_query_values_with_dots_and_dashes_inside_are_sent_as_one_argument(
    sandbox: Sandbox, value: str
) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server) as client:
        await call_ok(client, "proxy_request", {"path": SALES_HISTORY, "query": {"buyer_email": value}})

    [request] = [call for call in rig.runner.calls if call[0] == "request"]
    assert request[2] == SALES_HISTORY
    assert f"--query=buyer_email={value}" in request
