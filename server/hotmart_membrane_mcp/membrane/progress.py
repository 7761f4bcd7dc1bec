"""Progress messages from deep inside the boundary (the runner) to the MCP call being served.

The runner does not know which MCP request it serves, and threading a reporter through every
backend method would change the Protocol for one message. The server sets a sink for the
duration of each tool call (a context variable, so concurrent calls keep their own); the runner
reports to whatever sink is set, and nothing happens outside a tool call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger(__name__)

ProgressSink = Callable[[str], Awaitable[None]]
_current: ContextVar[ProgressSink | None] = ContextVar("hotmart_mcp_progress_sink", default=None)


@contextmanager
def reporting_to(sink: ProgressSink | None) -> Iterator[None]:
    """Send :func:`report` messages to ``sink`` within the block."""
    token = _current.set(sink)
    try:
        yield
    finally:
        _current.reset(token)


async def report(message: str) -> None:
    """Tell the current tool call's client ``message``; a failing client never fails the call."""
    sink = _current.get()
    if sink is None:
        return
    try:
        await sink(message)
    except Exception:  # a progress message is best effort: the call's own result matters
        logger.debug("could not send a progress message", exc_info=True)
