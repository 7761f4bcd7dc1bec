"""Overhead of the MCP server, measured by hand (not in CI): ``python bench/bench_server.py``.

1. One tool call through the server (in-memory MCP client, CLI backend spawning the simulator)
   vs the same simulator command spawned directly: ratio of medians.
2. Server start-up to an answered ``initialize`` over stdio vs a bare MCPServer with one tool.
3. The size of ``tools/list`` in tokens (characters / 4).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import make_backend
from hotmart_membrane_mcp.server import build_server

CALLS = 20
STARTS = 10
PATH = "/payments/api/v1/sales/history"

BARE_SERVER = textwrap.dedent(
    """
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("bare")

    @server.tool()
    def echo(text: str) -> str:
        \"\"\"Echo the text.\"\"\"
        return text

    server.run()
    """
)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def tool_call_vs_direct_spawn(state_dir: str) -> tuple[float, float]:
    env = {**os.environ, "HOTMART_SANDBOX_DIR": state_dir}
    backend = make_backend(SANDBOX_COMMAND, env=env, timeout_s=30, max_concurrency=4)
    server = build_server(
        Settings(membrane_command=SANDBOX_COMMAND, sandbox=True, sandbox_dir=state_dir), backend
    )
    through_server: list[float] = []
    direct: list[float] = []
    async with Client(server, mode="legacy") as client:
        connection = (await client.call_tool("ensure_connection", {})).structured_content or {}
        argv = [*SANDBOX_COMMAND, "request", connection["connection_id"], PATH, "--query=max_results=5"]
        for _ in range(CALLS):
            started = time.perf_counter()
            result = await client.call_tool("proxy_request", {"path": PATH, "query": {"max_results": 5}})
            through_server.append(time.perf_counter() - started)
            assert not result.is_error, result.content
            started = time.perf_counter()
            await anyio.run_process(argv, env=env, check=True)
            direct.append(time.perf_counter() - started)
    return median_ms(through_server), median_ms(direct)


async def time_to_initialize(params: StdioServerParameters) -> float:
    samples = []
    for _ in range(STARTS):
        started = time.perf_counter()
        async with Client(params, mode="legacy"):
            samples.append(time.perf_counter() - started)
    return median_ms(samples)


async def tools_list_tokens(state_dir: str) -> tuple[int, int]:
    settings = Settings(membrane_command=SANDBOX_COMMAND, sandbox=True, sandbox_dir=state_dir)
    # Listing tools never touches Membrane, so no backend is needed.
    server = build_server(settings, None)  # type: ignore[arg-type]
    async with Client(server, mode="legacy") as client:
        tools = (await client.list_tools()).tools
    text = json.dumps([tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools])
    return len(text), len(text) // 4


async def figures() -> dict[str, float]:
    """Measure everything this bench prints; bench/run_all.py reads the same figures."""
    with tempfile.TemporaryDirectory() as state_dir:
        server_ms, direct_ms = await tool_call_vs_direct_spawn(state_dir)
        ours = StdioServerParameters(
            command=sys.executable,
            args=["-m", "hotmart_membrane_mcp", "--sandbox"],
            env={"HOTMART_SANDBOX_DIR": state_dir, "HOTMART_MCP_LOG_LEVEL": "WARNING"},
        )
        bare_script = Path(state_dir) / "bare_server.py"
        bare_script.write_text(BARE_SERVER)
        bare = StdioServerParameters(command=sys.executable, args=[str(bare_script)])
        ours_ms = await time_to_initialize(ours)
        bare_ms = await time_to_initialize(bare)
        chars, tokens = await tools_list_tokens(state_dir)
    return {
        "server_ms": server_ms,
        "direct_ms": direct_ms,
        "ours_ms": ours_ms,
        "bare_ms": bare_ms,
        "chars": chars,
        "tokens": tokens,
    }


async def main() -> None:
    f = await figures()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, medians of {CALLS} calls / {STARTS} starts"
    )
    print("| measure | hotmart-membrane-mcp | baseline | ratio |")
    print("|---|---|---|---|")
    print(
        f"| proxy_request (sales history, 5 rows) vs the simulator command spawned directly "
        f"| {f['server_ms']:.0f} ms | {f['direct_ms']:.0f} ms | {f['server_ms'] / f['direct_ms']:.2f} |"
    )
    print(
        f"| start-up to answered initialize (stdio) vs a bare MCPServer with one tool "
        f"| {f['ours_ms']:.0f} ms | {f['bare_ms']:.0f} ms | {f['ours_ms'] / f['bare_ms']:.2f} |"
    )
    print(f"| tools/list size | {f['chars']:.0f} chars ≈ {f['tokens']:.0f} tokens | | |")


if __name__ == "__main__":
    anyio.run(main)
