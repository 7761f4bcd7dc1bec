"""Helpers for calling the server's tools in tests and reading their JSON results."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
from mcp import Client
from mcp.types import CallToolResult


def payload(result: CallToolResult) -> dict[str, Any]:
    """The JSON object in a tool result's text (success or error)."""
    assert result.content, "tool result has no content"
    return json.loads(result.content[0].text)  # type: ignore[union-attr]


async def call_ok(
    client: Client, name: str, arguments: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    """Call a tool that must succeed; return its structured content (checked equal to the text)."""
    result = await client.call_tool(name, arguments or {}, **kw)
    assert result.is_error is False, f"{name} failed: {result.content}"
    assert result.structured_content == payload(result)
    return result.structured_content


async def call_error(client: Client, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call a tool that must fail with our JSON error; return the error payload."""
    result = await client.call_tool(name, arguments or {})
    assert result.is_error is True, f"{name} unexpectedly succeeded: {result.content}"
    error = payload(result)
    assert {"error_type", "message", "next_step"} <= error.keys()
    return error


async def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait (bounded) until an outside condition holds, such as a child process appearing or going."""
    with anyio.fail_after(timeout_s):
        # The condition lives outside this process (a child's /proc entry): there is no event to
        # await, so poll it, bounded by fail_after.
        while not condition():  # noqa: ASYNC110
            await anyio.sleep(0.02)
