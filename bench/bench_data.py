"""Hotmart data at agent scale, measured by hand (not in CI): ``python bench/bench_data.py``.

For one year of the simulator's sales (APPROVED + COMPLETE, 3,000+ sales) through the server
(in-memory MCP client, CLI backend spawning the simulator), each way an agent can get it:

1. proxy_request all_pages + save_to: the whole list written to a CSV file.
2. proxy_request all_pages: the result budget stops the walk; continue with the token.
3. reading the whole list 500-item page by page through the continuation tokens.
4. sales_summary: counts and totals per currency and status (every status).

For each: wall time, Hotmart pages, peak Python memory (tracemalloc, server and client share
the process) and the size of the tool result the agent reads. For the tokens, Hotmart pages
counts the requests that reached the backend (pages continued from the server's page cache do not).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import make_backend
from hotmart_membrane_mcp.server import build_server

NOW_MS = 1_780_000_000_000  # the simulator's fixed "now" (2026-05-28T20:26:40Z)
YEAR_MS = 365 * 86_400_000
PATH = "/payments/api/v1/sales/history"
PERIOD = {"start_date": NOW_MS - YEAR_MS, "end_date": NOW_MS}


class CountedRequests:
    """The backend, counting the Hotmart requests sent through it."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.count = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    async def request(self, connection: str, request: Any) -> Any:
        self.count += 1
        return await self.backend.request(connection, request)


async def measure(label: str, work: Callable[[], Awaitable[tuple[int, int, str]]]) -> list[str]:
    """Run ``work`` (returning pages, result chars, a note) and format one table row."""
    tracemalloc.start()
    started = time.perf_counter()
    pages, chars, note = await work()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [label, f"{elapsed:.2f} s", str(pages), f"{peak / 1_048_576:.1f} MiB", f"{chars:,}", note]


async def rows() -> tuple[list[list[str]], int]:
    """The table's rows and the result budget in characters; bench/run_all.py prints the same rows."""
    with tempfile.TemporaryDirectory() as state_dir, tempfile.TemporaryDirectory() as export_dir:
        env = {**os.environ, "HOTMART_SANDBOX_DIR": state_dir, "HOTMART_SANDBOX_NOW": str(NOW_MS)}
        backend = CountedRequests(make_backend(SANDBOX_COMMAND, env=env, timeout_s=60, max_concurrency=4))
        settings = Settings(
            membrane_command=SANDBOX_COMMAND, sandbox=True, sandbox_dir=state_dir, export_dir=export_dir
        )
        server = build_server(settings, backend)
        async with Client(server) as client:

            async def call(name: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], int]:
                result = await client.call_tool(name, arguments)
                assert not result.is_error, result.content
                text = result.content[0].text  # type: ignore[union-attr]
                return json.loads(text), len(text)

            await call("ensure_connection", {})
            await call("proxy_request", {"path": PATH, "query": {"max_results": 1}})  # warm the data cache

            async def save_all() -> tuple[int, int, str]:
                arguments = {"path": PATH, "query": PERIOD, "all_pages": True, "save_to": "year.csv"}
                data, chars = await call("proxy_request", arguments)
                size = (await anyio.Path(data["saved"]["path"]).stat()).st_size
                return data["pages_fetched"], chars, f"{data['saved']['rows']:,} rows, CSV {size:,} bytes"

            async def first_budgeted_piece() -> tuple[int, int, str]:
                data, chars = await call("proxy_request", {"path": PATH, "query": PERIOD, "all_pages": True})
                return data["pages_fetched"], chars, f"{data['returned_items']} items, truncated"

            async def every_piece_by_token() -> tuple[int, int, str]:
                arguments: dict[str, Any] = {"path": PATH, "query": {**PERIOD, "max_results": 500}}
                pages = calls = largest = items = 0
                token = None
                fetched_before = backend.count
                while True:
                    data, chars = await call("proxy_request", {**arguments, "resume_token": token})
                    calls, pages, largest = calls + 1, pages + data["pages_fetched"], max(largest, chars)
                    items += data["returned_items"]
                    token = data["next_page_token"]
                    if token is None:
                        # The pages column: the pages Hotmart sent (the calls walked `pages` in all).
                        fetches = backend.count - fetched_before
                        note = f"{items:,} items in {calls} calls over {pages} pages (largest shown)"
                        return fetches, largest, note

            async def summary() -> tuple[int, int, str]:
                data, chars = await call("sales_summary", PERIOD)
                counted = " + ".join(data["statuses"])
                note = f"{data['count']:,} {counted} sales; other statuses in not_counted"
                return data["pages"], chars, note

            table = [
                await measure("proxy_request all_pages + save_to (CSV)", save_all),
                await measure("proxy_request all_pages (first piece within budget)", first_budgeted_piece),
                await measure("every piece, following next_page_token", every_piece_by_token),
                await measure("sales_summary", summary),
            ]
    return table, settings.max_result_chars


async def main() -> None:
    table, budget = await rows()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, budget {budget:,} chars")
    print("| way | wall time | Hotmart pages | peak memory | result chars | note |")
    print("|---|---|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    anyio.run(main)
