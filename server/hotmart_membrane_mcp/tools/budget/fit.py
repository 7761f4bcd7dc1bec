"""The result budget's one entry: a tool call's result, as sent, within HOTMART_MCP_MAX_RESULT_CHARS."""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent

from .calls import described_list
from .shapes import SUMMARY_TOOL, TOOL_LISTS, ListShape
from .success import fit_described_list, fit_success
from .summary import drop_summary_detail
from .values import cut_value, shorten_texts

_ERROR_HEAD = ("error_type", "message", "next_step")


def fit_result(result: CallToolResult, max_chars: int, *, tool: str | None = None) -> CallToolResult:
    """``result`` with its JSON text no longer than ``max_chars``, saying so whenever anything was cut.

    ``tool`` names the tool that answered (its list and what may go, shapes.py); a list the tool
    described in this call (calls.describe_list) is cut with its cursor, so the token is exact.
    A result with a list always says ``truncated`` (false when nothing was cut). Errors keep
    error_type, message and next_step first and gain ``truncated: true`` when shortened.
    """
    if result.is_error:
        return _fit_error(result, max_chars)
    data = result.structured_content
    if data is None:
        return result
    fitted = _fit_data(data, max_chars, tool)
    if fitted is data:
        return result
    return result.model_copy(update={"content": [_text(fitted)], "structured_content": fitted})


def _fit_data(data: dict[str, Any], max_chars: int, tool: str | None) -> dict[str, Any]:
    note = described_list()
    if note is not None:
        return fit_described_list(data, max_chars, note)
    if tool == SUMMARY_TOOL:
        data = drop_summary_detail(data, max_chars)
    return fit_success(data, max_chars, TOOL_LISTS.get(tool or "", ListShape()))


def _text(data: Any) -> TextContent:
    # Sizes are measured on ASCII-escaped JSON, never shorter than this text (hotmart/sizes.py).
    return TextContent(type="text", text=json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _fit_error(result: CallToolResult, max_chars: int) -> CallToolResult:
    content = result.content[0] if result.content else None
    if not isinstance(content, TextContent) or len(content.text) <= max_chars:
        return result
    try:
        payload = json.loads(content.text)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        text, _ = cut_value(content.text, max_chars)  # its JSON fits, so the bare text does too
        return result.model_copy(update={"content": [TextContent(type="text", text=text)]})
    # What the agent needs to act comes first and gets at most half of the budget.
    head = {key: payload[key] for key in _ERROR_HEAD if key in payload}
    head, _ = shorten_texts(head, max_chars // 2)
    ordered = {**head, "truncated": True, **{k: v for k, v in payload.items() if k not in head}}
    cut, _ = cut_value(ordered, max_chars)
    return result.model_copy(update={"content": [_text(cut)]})
