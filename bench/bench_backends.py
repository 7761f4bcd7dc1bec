"""The api backend vs the CLI backend, measured by hand (not in CI): ``python bench/bench_backends.py``.

Both servers run in this process behind an in-memory MCP client, on the same simulator core:
the CLI backend spawns ``python -m hotmart_membrane_mcp.sandbox`` per call (at most 4 at once,
the production default), the api backend talks over real loopback sockets to the simulator's
HTTP face (``sandbox serve``, started as ``--sandbox`` does; 16 requests at once).

1. Median time of one tool call: ``proxy_request`` GET (5 sales) and ``search_actions`` (a new
   intent each time, so the server's search cache never answers).
2. Wall time of 32 concurrent ``proxy_request`` calls.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

import anyio
from mcp import Client

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import make_backend
from hotmart_membrane_mcp.sandbox_api import simulator_api
from hotmart_membrane_mcp.server import build_server

CALLS = 20
CONCURRENT = 32
PATH = "/payments/api/v1/sales/history"
WORDS = "sales refunds buyers subscriptions coupons products commissions members pages modules".split()


@asynccontextmanager
async def client_for(kind: str, state_dir: str) -> AsyncIterator[Client]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOTMART_", "MEMBRANE_"))}
    settings = Settings(
        membrane_command=SANDBOX_COMMAND,
        sandbox=True,
        sandbox_dir=state_dir,
        child_env={**env, "HOTMART_SANDBOX_DIR": state_dir},
        backend="api" if kind == "api" else "cli",
        timeout_s=60,
    )
    with simulator_api(settings) if kind == "api" else nullcontext(settings) as ready:
        backend = make_backend(ready)
        async with Client(build_server(ready, backend), mode="legacy") as client:
            yield client
        close = getattr(backend, "aclose", None)
        if close is not None:
            await close()


async def timed(client: Client, name: str, arguments: dict[str, Any]) -> float:
    started = time.perf_counter()
    result = await client.call_tool(name, arguments)
    elapsed = time.perf_counter() - started
    assert not result.is_error, result.content
    return elapsed


async def measure(kind: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as state_dir:
        async with client_for(kind, state_dir) as client:
            await timed(client, "ensure_connection", {})
            proxy = {"path": PATH, "query": {"max_results": 5}}
            await timed(client, "proxy_request", proxy)  # warm-up
            proxy_s = [await timed(client, "proxy_request", proxy) for _ in range(CALLS)]
            search_s = [
                await timed(client, "search_actions", {"intent": f"list {WORDS[i % 10]} {i}", "limit": 5})
                for i in range(CALLS)
            ]
            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for _ in range(CONCURRENT):
                    group.start_soon(timed, client, "proxy_request", proxy)
            concurrent_s = time.perf_counter() - started
    return {
        "proxy_ms": statistics.median(proxy_s) * 1000,
        "search_ms": statistics.median(search_s) * 1000,
        "concurrent_s": concurrent_s,
    }


async def main() -> None:
    cli = await measure("cli")
    api = await measure("api")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians of {CALLS} calls")
    print("| measure | cli backend | api backend | cli / api |")
    print("|---|---|---|---|")
    for key, label, unit in (
        ("proxy_ms", "`proxy_request` GET, 5 sales (median)", "ms"),
        ("search_ms", "`search_actions` (median)", "ms"),
        ("concurrent_s", f"{CONCURRENT} concurrent `proxy_request` (wall time)", "s"),
    ):
        fmt = "{:.0f} ms" if unit == "ms" else "{:.2f} s"
        print(f"| {label} | {fmt.format(cli[key])} | {fmt.format(api[key])} | {cli[key] / api[key]:.1f}x |")


if __name__ == "__main__":
    anyio.run(main)
