"""The short text a human reads before allowing a write.

It goes into the elicitation form and into the ``confirmation_required`` result the agent must
show, so it leads with what happens, then names the records, then says whether it can be undone.
Values the agent supplied are shown as compact JSON (quotes and escapes intact), so they cannot
pose as lines of the summary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from ..membrane.models import Action
from .classify import WriteInfo

MAX_SUMMARY_CHARS = 1_500
MAX_PAYLOAD_CHARS = 300
MAX_LINE_CHARS = 400
# Each line must stay one line: json.dumps leaves C1 controls and U+2028/9 raw, and the
# amount or an action name could carry any of them.
_LINE_BREAKERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def describe_write(
    info: WriteInfo,
    *,
    tool: str,
    method: str | None = None,
    path: str | None = None,
    action: Action | None = None,
    input: Any = None,
    body: Any = None,
    query: Sequence[tuple[str, str]] = (),
    headers: Sequence[tuple[str, str]] = (),
    facts: Sequence[str] = (),
) -> str:
    """Summarise one write: operation, target records, irreversible or not.

    Args:
        info: The classification of the call.
        tool: The MCP tool making the call (``proxy_request``, ``run_action``).
        method: HTTP method of a proxy request.
        path: Concrete path of a proxy request (placeholders already filled): the one sent.
        action: The Membrane action being run.
        input: The action's input.
        body: The proxy request's body.
        query: The proxy request's query pairs, shown after the path as they are sent.
        headers: The proxy request's extra headers.
        facts: Readable lines the server looked up or worked out, e.g. "Amount: BRL 197.00 to Ana".
    """
    lines = [info.operation]
    if info.targets:
        records = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in info.targets.items())
        lines.append(f"Records: {records}")
    lines.extend(facts)
    if method or path:
        target = (path or "") + (f"?{urlencode(list(query))}" if query else "")
        lines.append(f"Request ({tool}): {(method or '').upper()} {target}".rstrip())
    if headers:
        lines.append(f"Headers: {_compact(dict(headers))}")
    if body is not None:
        lines.append(f"Body: {_compact(body)}")
    if action is not None:
        lines.append(f"Action ({tool}): {action.id}")
    if input:
        lines.append(f"Input: {_compact(input)}")
    # The verdict closes the summary and is never clipped away, whatever the agent put above it.
    verdict = (
        "Irreversible: yes. This cannot be undone."
        if info.irreversible
        else "Irreversible: no, but it changes data in Hotmart."
    )
    head = "\n".join(_clip(_LINE_BREAKERS.sub(_escape, line), MAX_LINE_CHARS) for line in lines)
    room = MAX_SUMMARY_CHARS - len(verdict) - 1
    return f"{_clip(head, room)}\n{verdict}"


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if len(text) <= MAX_PAYLOAD_CHARS:
        return text
    # The human must know they are not seeing all of what is sent.
    return f"{_clip(text, MAX_PAYLOAD_CHARS)} (shortened here; {len(text)} characters are sent)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
