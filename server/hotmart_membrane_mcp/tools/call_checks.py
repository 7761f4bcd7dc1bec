"""What every tool call is checked for before it runs, and the one answer to a crash.

The SDK answers an unknown tool with plain text and drops arguments a tool does not have;
an agent that misspelt ``path_param`` would then send a request without them. Both are
``invalid_input`` naming what was wrong and listing what exists (issue #8).
"""

from __future__ import annotations

import errno
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..errors import CliFailed, InvalidInput, shorten

MAX_EXCEPTION_TEXT = 300


class ToolLike(Protocol):
    name: str
    parameters: dict[str, Any]


def check_tool_call(name: str, arguments: Mapping[str, Any], tools: Sequence[ToolLike]) -> None:
    """Refuse a call to a tool that does not exist, or with arguments the tool does not take.

    Raises:
        InvalidInput: naming the unknown tool (field ``name``) or the first unknown argument.
    """
    tool = next((tool for tool in tools if tool.name == name), None)
    if tool is None:
        known = sorted(tool.name for tool in tools)
        raise InvalidInput(
            f"Unknown tool {shorten(name, 100)!r}. The tools are: {', '.join(known)}.",
            next_step="Call one of the listed tools (tools/list describes each).",
            field="name",
            tools=known,
        )
    accepted = list(tool.parameters.get("properties", {}))
    unknown = sorted(key for key in arguments if key not in accepted)
    if unknown:
        shown = ", ".join(repr(shorten(key, 100)) for key in unknown[:10])
        raise InvalidInput(
            f"{name} has no argument(s) {shown}. Its arguments are: {', '.join(accepted)}.",
            next_step="Remove or rename the named argument(s) and call again; nothing was run.",
            field=shorten(unknown[0], 100),
            unknown_arguments=[shorten(key, 100) for key in unknown[:10]],
            accepted_arguments=accepted,
        )


def unexpected_failure(tool: str, exc: BaseException) -> CliFailed:
    """The typed error for an exception no layer mapped: its class and a short message.

    Whether a write reached Hotmart before the failure cannot be known here, so the next step
    says to check before retrying one.
    """
    kind = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno is not None:
        kind = f"{kind} {errno.errorcode.get(exc.errno, exc.errno)}"
    text = shorten(str(exc).replace("\n", " "), MAX_EXCEPTION_TEXT) or "no message"
    return CliFailed(
        f"{tool} failed unexpectedly ({kind}: {text}).",
        next_step=(
            "Retry once. If it fails again, show the message to the user (the server's log on stderr has "
            "the details). If the call was a write (refund, cancellation, coupon), first check in Hotmart "
            "whether it happened."
        ),
        exception=type(exc).__name__,
    )
