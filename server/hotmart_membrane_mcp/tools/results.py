"""The two shapes every tool returns: a structured success, or an ``is_error`` failure.

Tools are annotated ``Annotated[CallToolResult, OutputModel]`` so they advertise an
outputSchema yet keep full control of ``is_error``; these helpers build those results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, ValidationError

from ..errors import HotmartMcpError, InvalidInput
from .tool_words import as_tool_steps


def ok(model: BaseModel) -> CallToolResult:
    """A success: the text is the compact JSON of ``model``; structured_content is the same object."""
    return ok_data(model.model_dump(mode="json", by_alias=True))


def ok_data(data: dict[str, Any]) -> CallToolResult:
    """A success from an already built JSON object, sent as built (explicit nulls kept)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def failure(exc: HotmartMcpError) -> CallToolResult:
    """A failure the agent can act on: ``is_error`` with the error's JSON payload as text.

    Membrane's words for a CLI command a tool performs become that tool's name (tool_words.py).
    """
    payload = {
        key: as_tool_steps(value) if isinstance(value, str) else value for key, value in exc.payload().items()
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def field_path(location: Iterable[Any], prefix: Sequence[str] = ()) -> str:
    """Render a validation location such as ``("input", "items", 0)`` as ``input.items[0]``."""
    path = ""
    for part in (*prefix, *location):
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "arguments"


def invalid_arguments(exc: ValidationError) -> InvalidInput:
    """Turn the SDK's pydantic argument validation error into our ``invalid_input`` error."""
    problems = [f"{field_path(err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)]
    fields = [field_path(err["loc"]) for err in exc.errors(include_url=False)]
    return InvalidInput(
        "Invalid arguments: " + "; ".join(problems),
        next_step="Fix the named field(s) as the tool's input schema describes and call again.",
        field=fields[0] if fields else None,
    )
