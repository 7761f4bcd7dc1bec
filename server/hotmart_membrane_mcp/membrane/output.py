"""Reading what the CLI printed: JSON (after any stray text lines), envelopes, error bodies.

membrane-cli-contract.md §10: the ``--json`` envelope and the error JSON of the CLI are UNKNOWN, so
both the REST object as is and ``{"data": <object>}`` are accepted, and an error body may be
``{type, key?, message, data?}`` (membrane-cli-contract.md §13) or ``{error, message}``
(membrane-cli-contract.md §10).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NOT_JSON: Any = type("NotJson", (), {"__repr__": lambda self: "NOT_JSON"})()
# Keys that may sit next to "data" in an envelope. An object with any other key is a real
# payload (a Membrane error body has type/message next to its own "data"), so it stays whole.
ENVELOPE_META_KEYS = frozenset({"success", "ok", "meta"})
# membrane-cli-contract.md §13 ErrorType values: how an error body on exit 0 is told from a payload.
MEMBRANE_ERROR_TYPES = frozenset(
    {
        "bad_request", "connection", "configuration", "dependency_error", "flow_run", "flow_instance_setup",
        "concurrency", "internal", "action_run", "action_instance_setup", "unit_run", "custom_code",
        "insufficient_credit", "openrouter_not_configured",
    }
)  # fmt: skip


def load_json(text: str) -> Any:
    """Parse the JSON in ``text``, or return ``NOT_JSON``.

    Tolerates lines of text before the JSON (a deprecation warning, a progress line): the
    first line that starts with ``{`` or ``[`` and parses to the end of the output wins.
    """
    stripped = text.strip()
    if not stripped:
        return NOT_JSON
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    offset = 0
    for line in stripped.splitlines(keepends=True):
        if line.lstrip().startswith(("{", "[")):
            try:
                return json.loads(stripped[offset:])
            except ValueError:
                pass
        offset += len(line)
    return NOT_JSON


def unwrap_envelope(value: Any) -> Any:
    """Remove a ``{"data": X}`` envelope: only when every other key is envelope metadata."""
    if isinstance(value, dict) and "data" in value and set(value) - {"data"} <= ENVELOPE_META_KEYS:
        return value["data"]
    return value


@dataclass(frozen=True)
class ErrorBody:
    """A Membrane error as printed by the CLI, whichever of the known shapes it came in."""

    type: str | None
    key: str | None
    message: str | None
    data: Mapping[str, Any]


def find_error_body(value: Any, *, strict: bool = False) -> ErrorBody | None:
    """The error in a parsed output, or None.

    ``strict`` (used on exit 0) only accepts a body whose ``type`` is a documented Membrane
    ErrorType, so that a payload with a ``message`` field is never mistaken for an error.
    """
    value = unwrap_envelope(value)
    if not isinstance(value, dict) or "id" in value:
        return None
    nested = value.get("error")
    if isinstance(nested, dict) and not strict:
        return find_error_body(nested) or find_error_body({k: v for k, v in value.items() if k != "error"})
    type_ = _str(value.get("type"))
    key = _str(value.get("key")) or _str(value.get("code"))
    message = _str(value.get("message"))
    raw_data = value.get("data")
    data: Mapping[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    if strict:
        return ErrorBody(type_, key, message, data) if type_ in MEMBRANE_ERROR_TYPES and message else None
    if message and (type_ or key):
        return ErrorBody(type_, key, message, data)
    error_text = _str(nested)
    if error_text:  # {"error": "<code or text>", "message"?: "..."}
        return ErrorBody(None, error_text if message else None, message or error_text, data)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


_EXCERPT_CHARS = 200
_HTML_START = ("<!doctype", "<html", "<head", "<body", "<?xml", "<title", "<h1", "<p", "<div")


@dataclass(frozen=True)
class Unreadable:
    """Output that holds no JSON: what it looks like, and a short excerpt to quote."""

    kind: str  # "nothing" | "an HTML page" | "incomplete JSON" | "plain text"
    excerpt: str


def unreadable(text: str) -> Unreadable | None:
    """None when ``text`` holds JSON (``load_json`` reads it); else what it is instead."""
    stripped = text.strip()
    if not stripped:
        return Unreadable("nothing", "")
    if load_json(stripped) is not NOT_JSON:
        return None
    lowered = stripped[:100].lower()
    if lowered.startswith(_HTML_START):
        kind = "an HTML page"
    elif stripped.startswith(("{", "[")):
        kind = "incomplete JSON"
    else:
        kind = "plain text"
    flat = " ".join(stripped.split())
    excerpt = flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 1] + "…"
    return Unreadable(kind, excerpt)
