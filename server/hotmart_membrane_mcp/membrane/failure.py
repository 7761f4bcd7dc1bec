"""Turn a failed Membrane call (a CLI run or an api request) into exactly one class of the error family.

membrane-cli-contract.md §10: the CLI's exit codes, stderr text and error JSON are UNKNOWN, so a
failure is recognised from whatever is there (membrane-cli-contract.md §10): a Membrane error body ``{type,
key?, message, data?}`` or ``{error, message}`` on stdout or stderr, possibly inside ``{"data": ...}``;
plain text such as ``Error: Request failed with status code 404: {...}``; or just a non-zero
exit. The mapping, first match wins:

    npm failing under the npx fallback (npm error
      code E404, ENOTFOUND, ETIMEDOUT, ...)        -> MembraneCliMissing (install command)
    login complete refused (not internal)          -> InvalidInput (field "code")
    key not_authenticated                          -> NotLoggedIn
    key rate_limit_exceeded, status 429            -> RateLimited (retry_after_s from headers)
    connection not usable (state, clientAction,
      defunct/expired keys, "is not ready" text)   -> ConnectionNotReady
    an HTTP status from the external app           -> UpstreamError (status, shortened body)
    text "not authenticated" / "not logged in" /
      "membrane login"                             -> NotLoggedIn
    key not_found naming an action                 -> ActionNotFound
    key not_found naming a connection              -> InvalidInput (field "connection_id")
    type bad_request (validation), or text such as
      "invalid" / "must be" / "is required"        -> InvalidInput
    anything else non-zero                         -> CliFailed (exit code, stderr tail)

A missing connection id is InvalidInput, not ConnectionNotReady: nothing is waiting for a
human, the agent passed a wrong id and fixes it by calling ``ensure_connection``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import (
    MAX_DETAIL_CHARS,
    ActionNotFound,
    CliFailed,
    ConnectionNotReady,
    HotmartMcpError,
    InvalidInput,
    MembraneCliMissing,
    NotLoggedIn,
    RateLimited,
    UpstreamError,
    shorten,
)
from .npx import INSTALL_COMMAND, npm_failure, npm_failure_message
from .output import NOT_JSON, ErrorBody, find_error_body, load_json, unwrap_envelope
from .runner import REDACTED, CliResult

NOT_READY_KEYS = frozenset({"connection_is_defunct", "access_token_expired", "connection_disconnected"})
CONNECTION_STATES = (
    "CLIENT_ACTION_REQUIRED",
    "CONFIGURATION_ERROR",
    "SETUP_FAILED",
    "DISCONNECTING",
    "BUILDING",
)
ACTION_COMMANDS = frozenset({"action get", "action run"})
_STATUS_IN_TEXT = re.compile(r"status(?:\s+code)?\s*:?\s*([1-5]\d\d)\b", re.IGNORECASE)
_AUTH_TEXT = re.compile(
    r"not\s+authenticated|unauthenticated|not\s+logged\s+in|membrane\s+login\b", re.IGNORECASE
)
_NOT_READY_TEXT = re.compile(
    r"\bis\s+not\s+ready\b|\bdisconnected\b|\bCLIENT_ACTION_REQUIRED\b", re.IGNORECASE
)
_VALIDATION_TEXT = re.compile(r"\binvalid\b|\bmust\s+be\b|\bis\s+required\b", re.IGNORECASE)
_FIELD_IN_TEXT = re.compile(r"\b(input(?:\.[A-Za-z0-9_]+|\[\d+\])+)")
_URL = re.compile(r"https://[^\s\"'<>`]+")
_LOGIN_CODE_IN_TEXT = re.compile(r"(login\s+complete\s+)(?!<code>)[A-Za-z0-9][A-Za-z0-9-]*")


def raise_for_failure(result: CliResult, *, command: str, secrets: Sequence[str] = ()) -> None:
    """Raise the error-family class for a failed call; return quietly when it succeeded.

    A call failed when it exited non-zero, or when it exited 0 but printed a Membrane error
    body (membrane-cli-contract.md §10 practical rule). ``command`` names the subcommand only
    (``"action run"``), never user values; every string in ``secrets`` is removed from any
    text that ends up in the error.
    """
    if result.exit_code != 0 and (code := npm_failure(f"{result.stderr}\n{result.stdout}")):
        # Never the agent's input and never the connection: there is no CLI to run at all.
        raise MembraneCliMissing(
            npm_failure_message(code, f"{result.stderr}\n{result.stdout}"),
            npm_error=code,
            install_command=INSTALL_COMMAND,
            exit_code=result.exit_code,
        )
    stdout_value = load_json(result.stdout)
    value = stdout_value if stdout_value is not NOT_JSON else load_json(result.stderr)
    if result.exit_code == 0:
        body = find_error_body(value, strict=True)
        if body is None:
            return
    else:
        body = find_error_body(value)
    text = _scrub(_plain_text(result, stdout_is_json=stdout_value is not NOT_JSON), secrets)
    raise classify(
        body, unwrap_envelope(value), text=text, exit_code=result.exit_code, command=command, secrets=secrets
    )


def classify(
    body: ErrorBody | None,
    value: Any,
    *,
    text: str,
    exit_code: int | None,
    command: str,
    secrets: Sequence[str] = (),
) -> HotmartMcpError:
    """The error-family instance for one failure (see the table in the module docstring)."""
    failure = _read_failure(body, value, text=text, command=command, secrets=secrets)
    # First match wins: the order of the rules is the order of the table.
    return (
        _account_or_connection_error(failure)
        or _request_error(failure)
        or CliFailed(
            f"`membrane {command}` failed"
            + (f" with exit code {exit_code}" if exit_code else "")
            + f": {failure.message}"
            if failure.message
            else f"`membrane {command}` failed with exit code {exit_code} and no message.",
            exit_code=exit_code,
            stderr=shorten(text, 1000) or None,
        )
    )


@dataclass(frozen=True)
class _Failure:
    """What one failure said, read once from its error body, its printed value and its text."""

    body: ErrorBody | None
    text: str
    command: str
    message: str
    data: Mapping[str, Any]
    key: str
    type_: str
    status: int | None
    headers: Mapping[str, Any]
    response: Any


def _read_failure(
    body: ErrorBody | None,
    value: Any,
    *,
    text: str,
    command: str,
    secrets: Sequence[str],
) -> _Failure:
    message = _scrub(body.message if body and body.message else _first_line(text), secrets)
    data: Mapping[str, Any] = body.data if body else _connection_as_data(value)
    type_ = (body.type or "").lower() if body else ""
    full = value if isinstance(value, dict) and {"status", "headers", "body"} <= set(value) else {}
    status = _status(data.get("status"), data.get("statusCode"), full.get("status"))
    if status is None and type_ != "bad_request":
        found = _STATUS_IN_TEXT.search(message) or _STATUS_IN_TEXT.search(text)
        status = int(found.group(1)) if found else None
    return _Failure(
        body=body,
        text=text,
        command=command,
        message=message,
        data=data,
        key=(body.key or "").lower() if body else "",
        type_=type_,
        status=status,
        headers=next((h for h in (data.get("headers"), full.get("headers")) if isinstance(h, dict)), {}),
        response=_response_body(data, full, text),
    )


def _account_or_connection_error(f: _Failure) -> HotmartMcpError | None:
    """The rules down to the upstream status: login, authentication, rate limit, connection, Hotmart."""
    message, status, text = f.message, f.status, f.text
    if f.command == "login complete" and f.type_ != "internal":
        return InvalidInput(
            f"The login code was not accepted: {message or 'Membrane refused it.'}",
            field="code",
            next_step="Call `login` without a code to start a new login, then pass the new code.",
        )
    if f.key == "not_authenticated":
        return NotLoggedIn(message or "Membrane is not logged in.")
    if (
        f.key == "rate_limit_exceeded"
        or status == 429
        or (f.body is None and re.search(r"rate.?limit", text, re.I))
    ):
        return RateLimited(
            f"Rate limit reached ({message})" if message else "Rate limit reached.",
            retry_after_s=retry_after_seconds(f.headers),
            status=status,
        )
    if _connection_not_usable(f.type_, f.key, f.data, f.body, text):
        return _not_ready(message, f.data, text)
    if status is not None and status >= 400 and f.type_ != "bad_request":
        said = _upstream_message(f.response)
        return UpstreamError(
            f"Hotmart answered with status {status}" + (f": {said}" if said else "."),
            status=status,
            body=_short_body(f.response),
        )
    return None


def _request_error(f: _Failure) -> HotmartMcpError | None:
    """The rules after the upstream status: not logged in (text), unknown id, invalid input."""
    message, text = f.message, f.text
    if f.body is None and _AUTH_TEXT.search(text):
        return NotLoggedIn(message or "Membrane is not logged in.")
    if f.key == "not_found" or (f.body is None and re.search(r"\bnot\s+found\b", text, re.IGNORECASE)):
        names_action = re.search(r"\baction\b", message, re.IGNORECASE)
        if f.command in ACTION_COMMANDS and (names_action or not re.search(r"connection", message, re.I)):
            return ActionNotFound(message or "Membrane does not know that action.")
        return InvalidInput(
            message or "Membrane does not know that connection.",
            field="connection_id",
            next_step="Call `ensure_connection` to get the id of the Hotmart connection, then retry with it.",
        )
    if f.body is None and _VALIDATION_TEXT.search(text):
        # Text-only errors carry no type; Membrane's validation messages read like these.
        field = _FIELD_IN_TEXT.search(text)
        return InvalidInput(message, field=field.group(1) if field else None)
    if f.type_ == "bad_request" and f.key != "access_denied":
        return InvalidInput(
            message or "Membrane refused the request as invalid.", field=_str(f.data.get("field"))
        )
    return None


def retry_after_seconds(headers: Mapping[str, Any], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``RateLimit-Reset`` (seconds)."""
    lowered = {str(name).lower(): str(value).strip() for name, value in headers.items()}
    for name in ("retry-after", "ratelimit-reset"):
        raw = lowered.get(name)
        if not raw:
            continue
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            continue
        current = now or datetime.now(timezone.utc)
        return max(0.0, (when - current).total_seconds())
    return None


def _connection_not_usable(
    type_: str, key: str, data: Mapping[str, Any], body: ErrorBody | None, text: str
) -> bool:
    if key in NOT_READY_KEYS:
        return True
    if type_ in ("connection", "") and ("state" in data or "clientAction" in data):
        return True
    return body is None and _STATUS_IN_TEXT.search(text) is None and _NOT_READY_TEXT.search(text) is not None


def _not_ready(message: str, data: Mapping[str, Any], text: str) -> ConnectionNotReady:
    raw_action = data.get("clientAction")
    action: Mapping[str, Any] = raw_action if isinstance(raw_action, dict) else {}
    state = _str(data.get("state"))
    if state is None:
        state = next((name for name in CONNECTION_STATES if name in text), None)
    ui_url = _str(action.get("uiUrl"))
    if ui_url is None and (found := _URL.search(text)):
        ui_url = found.group(0).rstrip(".,;)")
    error = data.get("error")
    return ConnectionNotReady(
        message or "The connection cannot be used yet.",
        state=state,
        connection_id=_str(data.get("connectionId")),
        ui_url=ui_url,
        agent_instructions=_str(action.get("agentInstructions")),
        error=_str(error.get("message")) if isinstance(error, dict) else _str(error),
    )


def _connection_as_data(value: Any) -> Mapping[str, Any]:
    # A connection object printed by a failing command speaks for itself (its state).
    if isinstance(value, dict) and _str(value.get("id")) and value.get("state") in CONNECTION_STATES:
        return {
            "connectionId": value["id"],
            **{k: value[k] for k in ("state", "clientAction", "error") if k in value},
        }
    return {}


def _upstream_message(response: Any) -> str | None:
    if isinstance(response, dict):
        for name in ("message", "error_description", "error"):
            if said := _str(response.get(name)):
                return shorten(said, 300)
    text = _str(response)
    return shorten(text, 300) if text else None


def _response_body(data: Mapping[str, Any], full: Mapping[str, Any], text: str) -> Any:
    for source, name in ((data, "response"), (data, "body"), (full, "body")):
        if name in source:
            return source[name]
    # Text form: "Request failed with status code 404: {compact body}".
    found = re.search(r"status\s+code\s+\d{3}:\s*(.+)", text, re.IGNORECASE | re.DOTALL)
    if not found:
        return None
    rest = found.group(1).strip()
    parsed = load_json(rest)
    return rest if parsed is NOT_JSON else parsed


def _short_body(body: Any) -> Any:
    if body is None or isinstance(body, (int, float, bool)):
        return body
    rendered = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if len(rendered) <= MAX_DETAIL_CHARS:
        return body
    return rendered[: MAX_DETAIL_CHARS - 1] + "…"


def _status(*candidates: Any) -> int | None:
    for candidate in candidates:
        if isinstance(candidate, bool):
            continue
        if isinstance(candidate, int) and 100 <= candidate <= 599:
            return candidate
        if isinstance(candidate, str) and candidate.isdigit() and 100 <= int(candidate) <= 599:
            return int(candidate)
    return None


def _plain_text(result: CliResult, *, stdout_is_json: bool) -> str:
    parts = [result.stderr.strip()] + ([] if stdout_is_json else [result.stdout.strip()])
    return "\n".join(part for part in parts if part)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("Error:").strip()
    return ""


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _LOGIN_CODE_IN_TEXT.sub(rf"\g<1>{REDACTED}", text)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
