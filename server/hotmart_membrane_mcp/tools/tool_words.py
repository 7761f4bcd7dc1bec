"""Membrane's texts say "run `membrane ...`"; through this server a tool does it, so say the tool.

The CLI's login message ("Then run `membrane login complete <code>`") and Membrane's agent
instructions ("Reconnect with `membrane connect --connectionId X`") were relayed as they were,
so agents told users to open a terminal for what the `login` and `ensure_connection` tools do
(issue #10). Only the commands a tool performs are rewritten; any other text is left alone.
"""

from __future__ import annotations

import re

_VERB = r"(?:(?P<verb>run|execute|use|type|poll|check with|reconnect with|finish with:?)\s+)?"
_OPTIONS = r"(?:\s+--?[\w-]+(?:[= ][^`\s-][^`\s]*)?)*"
_LOGIN_COMPLETE = _VERB + r"`?membrane\s+login\s+complete(?:\s+[^`\s]+)?`?"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Then run `membrane login complete <code>` with the code it shows": the sentence names the code.
    (re.compile(_LOGIN_COMPLETE + r"(?=\s+with\b)", re.IGNORECASE), "call the `login` tool"),
    (re.compile(_LOGIN_COMPLETE, re.IGNORECASE), "call the `login` tool with the code"),
    (re.compile(_VERB + r"`?membrane\s+login" + _OPTIONS + "`?", re.IGNORECASE), "call the `login` tool"),
    (
        re.compile(
            _VERB + r"`?membrane\s+(?:connection\s+(?:get|ensure)(?:\s+(?P<pid>[A-Za-z0-9_.-]+))?|connect)"
            r"(?:\s+--connectionId[= ](?P<id>[A-Za-z0-9_.-]+))?" + _OPTIONS + "`?",
            re.IGNORECASE,
        ),
        "call `ensure_connection`{with_id}",
    ),
)


def as_tool_steps(text: str | None) -> str | None:
    """``text`` with every Membrane CLI command a tool performs replaced by that tool's name."""
    if not text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(lambda match, template=replacement: _replace(match, template), text)
    return text


def _replace(match: re.Match[str], template: str) -> str:
    groups = match.groupdict()
    found = groups.get("id") or groups.get("pid")
    words = template.format(with_id=f" with connection_id={found!r}" if found else "")
    verb = match.group("verb")
    return words[0].upper() + words[1:] if verb and verb[0].isupper() else words
