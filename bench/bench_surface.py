"""How much of an agent's context the server's surface costs, run by hand: ``python bench/bench_surface.py``.

Prints, in characters of compact JSON (about 4 characters per token):

1. tools/list as the model sees it: name + description + inputSchema of every tool (target <= 6,000);
2. the whole tools/list answer: also titles, annotations and output schemas (target <= 12,000);
3. one search_actions answer for 5 actions, as the model reads it (target <= 2,500).

Numbers, not timed tests: the CI checks schema portability (tests/test_server_schema_portable.py),
these figures are for the README.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any

import anyio
from mcp import Client

from hotmart_membrane_mcp.config import SANDBOX_COMMAND, Settings
from hotmart_membrane_mcp.membrane import make_backend
from hotmart_membrane_mcp.server import build_server

TARGETS = {"model_visible": 6_000, "tools_list": 12_000, "search_5": 2_500}


def compact(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


async def measure(state_dir: str, writes: str) -> dict[str, int]:
    env = {"HOTMART_SANDBOX_DIR": state_dir, "PATH": "/usr/bin:/bin"}
    backend = make_backend(SANDBOX_COMMAND, env=env, timeout_s=30, max_concurrency=2)
    settings = Settings(membrane_command=SANDBOX_COMMAND, sandbox=True, sandbox_dir=state_dir, writes=writes)
    server = build_server(settings, backend)
    async with Client(server, mode="legacy") as client:
        tools = (await client.list_tools()).tools
        listed = [tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in tools]
        visible = [
            {"name": t["name"], "description": t.get("description"), "inputSchema": t["inputSchema"]}
            for t in listed
        ]
        await client.call_tool("ensure_connection", {})
        search = await client.call_tool("search_actions", {"intent": "list sales subscriptions", "limit": 5})
        text = search.content[0].text  # type: ignore[union-attr]
    per_tool = {t["name"]: compact(v) for t, v in zip(listed, visible, strict=True)}
    return {
        "model_visible": compact(visible),
        "tools_list": compact({"tools": listed}),
        "search_5": len(text),
        "actions_returned": len(json.loads(text)["actions"]),
        **{f"  {name}": size for name, size in per_tool.items()},
    }


async def main() -> None:
    for writes in ("confirm", "allow", "deny"):
        with tempfile.TemporaryDirectory(prefix="bench-surface-") as state_dir:
            figures = await measure(state_dir, writes)
        print(f"HOTMART_MCP_WRITES={writes}")
        for name, value in figures.items():
            target = TARGETS.get(name)
            verdict = (
                ""
                if target is None
                else f"  (target <= {target:,}: {'met' if value <= target else 'MISSED'})"
            )
            print(f"  {name:<16} {value:>7,}{verdict}")


if __name__ == "__main__":
    anyio.run(main)
