"""At run time too, the layers only call down: a GET through proxy_request enters each layer once.

tests/test_layers.py reads the imports; a callback breaks the layering without any import (the
data layer calling a closure that a tool made). Here every Python call made while the server
handles one proxy_request GET (all_pages and where, in-process server) is recorded with ``sys.setprofile``;
a call whose caller and callee are both in the package may not go from a lower layer to a
higher one (same heights as tests/test_layers.py). The simulator runs in worker threads, which
the profile does not see, as it would be another process.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest
from mcp import Client

from sandbox_harness import Sandbox
from test_layers import HEIGHTS, PACKAGE, layer_of

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
QUARTER = {"start_date": NOW_MS - 90 * 86_400_000, "end_date": NOW_MS, "max_results": 200}

Call = tuple[str, str, str]  # (caller module, callee module, callee function)


class CallRecorder:
    """Every call from one package module into another, seen by ``sys.setprofile``."""

    def __init__(self) -> None:
        self.calls: set[Call] = set()

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or frame.f_back is None:
            return
        callee = frame.f_globals.get("__name__", "")
        caller = frame.f_back.f_globals.get("__name__", "")
        if caller.startswith(PACKAGE + ".") and callee.startswith(PACKAGE + ".") and caller != callee:
            self.calls.add((caller, callee, frame.f_code.co_name))

    def upward(self) -> list[Call]:
        return sorted(call for call in self.calls if height(call[0]) < height(call[1]))

    def layers(self) -> set[str | None]:
        return {layer_of(module) for call in self.calls for module in call[:2]}


def height(module: str) -> int:
    layer = layer_of(module)
    assert layer in HEIGHTS, module
    return HEIGHTS[layer]


async def test_a_paged_get_through_proxy_request_never_calls_from_a_lower_layer_up(sandbox: Sandbox) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    recorder = CallRecorder()
    async with Client(sandbox.server()) as client:
        await client.call_tool("ensure_connection", {})
        sys.setprofile(recorder)
        try:
            result = await client.call_tool(
                "proxy_request",
                {
                    "path": "/payments/api/v1/sales/history",
                    "query": QUARTER,
                    "all_pages": True,
                    # a condition: the walker also calls back to decide which items count toward the budget
                    "where": [{"field": "purchase.price.value", "op": "gt", "value": 0}],
                },
            )
        finally:
            sys.setprofile(None)

    assert not result.is_error, result.content
    # The recording saw the read go down through the layers, so an empty list below means something.
    assert {"server", "tools", "hotmart", "membrane"} <= recorder.layers()
    assert not recorder.upward(), "\n".join(" -> ".join(call) for call in recorder.upward())


def test_the_recorder_reports_a_call_from_a_lower_layer_to_a_higher_one() -> None:
    recorder = CallRecorder()
    recorder.calls = {
        (f"{PACKAGE}.tools.proxy_read", f"{PACKAGE}.hotmart.walker", "pages"),
        (f"{PACKAGE}.hotmart.walker", f"{PACKAGE}.tools.hotmart_io", "send"),
    }

    assert recorder.upward() == [(f"{PACKAGE}.hotmart.walker", f"{PACKAGE}.tools.hotmart_io", "send")]
