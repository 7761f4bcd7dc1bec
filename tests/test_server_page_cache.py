"""Following next_page_token continues from the page already read, not from a new fetch of it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pytest
from mcp import Client

from hotmart_membrane_mcp.membrane import CliBackend, CliResult
from hotmart_membrane_mcp.server import build_server
from in_process_runner import InProcessRunner
from sandbox_harness import Sandbox
from tool_calls import payload

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
SALES_HISTORY = "/payments/api/v1/sales/history"
TWO_MONTHS = {"start_date": NOW_MS - 60 * 86_400_000, "end_date": NOW_MS, "max_results": 100}


class CountingRunner:
    """The in-process simulator, counting the CLI calls that read sales history."""

    def __init__(self, inner: InProcessRunner) -> None:
        self.inner = inner
        self.sales_reads = 0

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        if any(SALES_HISTORY in arg for arg in args):
            self.sales_reads += 1
        return await self.inner.run(args, timeout_s=timeout_s)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def server(sandbox: Sandbox, clock: Clock) -> tuple[Any, CountingRunner]:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    runner = CountingRunner(InProcessRunner(sandbox.env(), max_concurrency=4))
    built = build_server(
        sandbox.settings(), CliBackend(runner, timeout_s=20), clock=clock, sleep=sandbox.sleep
    )
    return built, runner


async def read(client: Client, token: str | None = None) -> dict[str, Any]:
    result = await client.call_tool(
        "proxy_request", {"path": SALES_HISTORY, "query": TWO_MONTHS, "resume_token": token}
    )
    assert not result.is_error, result.content
    return payload(result)


async def test_each_hotmart_page_is_fetched_once_however_many_pieces_the_tokens_return(
    sandbox: Sandbox,
) -> None:
    built, runner = server(sandbox, Clock())
    async with Client(built) as client:
        first = await read(client)
        pieces, transactions = [first], [item["purchase"]["transaction"] for item in first["body"]["items"]]
        while pieces[-1]["next_page_token"]:
            pieces.append(await read(client, pieces[-1]["next_page_token"]))
            transactions += [item["purchase"]["transaction"] for item in pieces[-1]["body"]["items"]]

    total = first["total_items"]
    assert len(transactions) == len(set(transactions)) == total > 100  # every sale once, in order
    assert len(pieces) > math.ceil(total / 100)  # pieces smaller than a page: tokens point inside pages
    assert runner.sales_reads == math.ceil(total / 100)  # one fetch per Hotmart page


async def test_a_page_read_more_than_a_minute_ago_is_fetched_again(sandbox: Sandbox) -> None:
    clock = Clock()
    built, runner = server(sandbox, clock)
    async with Client(built) as client:
        first = await read(client)
        await read(client, first["next_page_token"])
        assert runner.sales_reads == 1
        clock.now += 61
        await read(client, first["next_page_token"])

    assert runner.sales_reads == 2


async def test_a_run_action_in_between_makes_the_next_piece_fetch_its_page_again(sandbox: Sandbox) -> None:
    built, runner = server(sandbox, Clock())
    async with Client(built) as client:
        first = await read(client)
        await read(client, first["next_page_token"])
        assert runner.sales_reads == 1
        action = await client.call_tool("run_action", {"action_id": "list-products", "input": {}})
        assert not action.is_error, action.content
        again = await read(client, first["next_page_token"])

    assert runner.sales_reads == 2
    assert again["body"]["items"][0] != first["body"]["items"][0]


async def test_a_get_with_a_json_body_is_read_and_continued_like_any_other(sandbox: Sandbox) -> None:
    # A body makes the request unhashable; the cache must still key it (it crashed the call once).
    built, runner = server(sandbox, Clock())
    arguments = {"path": SALES_HISTORY, "query": TWO_MONTHS, "body": {"note": "ignored by Hotmart"}}
    async with Client(built) as client:
        await client.call_tool("ensure_connection", {})
        first = await client.call_tool("proxy_request", arguments)
        assert not first.is_error, first.content
        token = payload(first)["next_page_token"]
        assert token is not None
        reads_before = runner.sales_reads
        second = await client.call_tool("proxy_request", {**arguments, "resume_token": token})

    assert not second.is_error, second.content
    assert runner.sales_reads == reads_before  # continued from the page already read
