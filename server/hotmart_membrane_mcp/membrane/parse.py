"""Tolerant reading of what Membrane answers (CLI output, api bodies), into the shapes of ``models.py``.

Pure functions, no I/O. The CLI's output format is not documented (membrane-cli-contract.md §10:
exit codes, stderr and the ``--json`` envelope are UNKNOWN), so every reader accepts the
variants membrane-cli-contract.md §10 lists: the REST object as is or inside ``{"data": ...}``, lists as
``{items}`` or a bare array, errors as ``{type, key, message, data}`` or ``{error, message}``, JSON on stdout
or text on stderr. JSON and envelope reading live in ``output.py``; ``raise_for_failure`` (the
mapping to the errors.py family) in ``failure.py``; both are re-exported here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import CliFailed, RateLimited, UpstreamError, shorten
from .failure import classify, raise_for_failure
from .models import Action, ActionRun, ClientAction, Connection, LoginStart, LoginStatus, ProxyResponse
from .output import ENVELOPE_META_KEYS, NOT_JSON, Unreadable, load_json, unreadable, unwrap_envelope
from .runner import REDACTED, CliResult

__all__ = [
    "ENVELOPE_META_KEYS",
    "NOT_JSON",
    "json_payload",
    "load_json",
    "parse_action",
    "parse_action_run",
    "parse_actions",
    "parse_connection",
    "parse_connections",
    "parse_login_complete",
    "parse_login_start",
    "parse_login_status",
    "parse_request_output",
    "raise_for_failure",
    "unwrap_envelope",
]

FULL_RESPONSE_KEYS = frozenset({"status", "headers", "body"})
_URL = re.compile(r"https://[^\s\"'<>`]+")
_LOGIN_COMPLETE_ARG = re.compile(r"(login\s+complete\s+)(?!<code>)([A-Za-z0-9][A-Za-z0-9-]*)")


def json_payload(result: CliResult, *, command: str) -> Any:
    """The JSON a successful ``--json`` command printed, envelope removed.

    Raises:
        CliFailed: stdout is not JSON (the CLI printed something this server cannot read).
    """
    value, found = _parsed(result.stdout)
    if found is not None:
        raise _unreadable(result, command, f"printed {found.kind} instead of JSON")
    return unwrap_envelope(value)


def parse_connection(value: Any, *, command: str = "connection") -> Connection:
    """A Connection (membrane-cli-contract.md §12) from the API object.

    ``state`` is optional in the SDK schema; when it is missing it is inferred from
    ``clientAction`` / ``connected`` (INFERRED), else kept as ``"UNKNOWN"``.
    """
    if not isinstance(value, dict) or not _text(value.get("id")):
        raise CliFailed(
            f"`membrane {command}` did not return a connection object.",
            output=_preview(value),
        )
    client_action = _client_action(value.get("clientAction"))
    state = _text(value.get("state"))
    if state is None:
        if client_action is not None:
            state = "CLIENT_ACTION_REQUIRED"
        elif value.get("connected") is True:
            state = "READY"
        else:
            state = "UNKNOWN"
    integration = value.get("integration")
    name = _text(value.get("name")) or (
        _text(integration.get("name")) if isinstance(integration, dict) else None
    )
    return Connection(
        id=value["id"],
        name=name,
        state=state.upper(),
        client_action=client_action,
        error=_error_text(value),
        raw=value,
    )


def parse_connections(value: Any, *, command: str = "connection list") -> list[Connection]:
    """Connections from ``{items: [...]}`` or a bare array; items without an id are skipped."""
    return [parse_connection(item, command=command) for item in _items(value, command) if _has_id(item)]


def parse_action(value: Any, *, command: str = "action get") -> Action:
    """An Action (id, key, name, description, type, input/output JSON Schemas)."""
    if not isinstance(value, dict) or not (_text(value.get("id")) or _text(value.get("key"))):
        raise CliFailed(f"`membrane {command}` did not return an action object.", output=_preview(value))
    return Action(
        # The CLI accepts an id or a key wherever an action is named (membrane-cli-contract.md §2).
        id=_text(value.get("id")) or value["key"],
        key=_text(value.get("key")),
        name=_text(value.get("name")),
        description=_text(value.get("description")),
        type=_text(value.get("type")),
        input_schema=_schema(value, "inputSchema", "input_schema"),
        output_schema=_schema(value, "outputSchema", "output_schema"),
        raw=value,
    )


def parse_actions(value: Any, *, command: str = "action list") -> list[Action]:
    """Actions from ``{items: [...], cursor?}`` or a bare array; items without an id are skipped."""
    items = _items(value, command)
    return [
        parse_action(item, command=command)
        for item in items
        if isinstance(item, dict) and (_text(item.get("id")) or _text(item.get("key")))
    ]


def parse_action_run(value: Any) -> ActionRun:
    """``{output, actionRunId?}`` (SDK ActionRunResponse, membrane-cli-contract.md §8).

    A second ``{output, actionRunId}`` layer inside ``output`` is unwrapped only when it is
    unambiguous: the outer object has no ``actionRunId`` and the inner one has exactly those
    two keys. An object without ``output`` is taken as the output itself (older CLIs may print
    it bare; INFERRED tolerance, membrane-cli-contract.md §10).
    """
    if not isinstance(value, dict) or "output" not in value:
        return ActionRun(output=value, action_run_id=None)
    output = value["output"]
    run_id = _text(value.get("actionRunId"))
    if run_id is None and isinstance(output, dict) and set(output) == {"output", "actionRunId"}:
        return ActionRun(output=output["output"], action_run_id=_text(output["actionRunId"]))
    return ActionRun(output=output, action_run_id=run_id)


def parse_request_output(result: CliResult, *, method: str = "GET", path: str = "") -> ProxyResponse:
    """What ``membrane request`` printed on exit 0, as a ProxyResponse.

    membrane-cli-contract.md §9: the output is UNKNOWN. Two forms are read: the response body alone
    (JSON, text, or nothing; status then unknown, ``None``) and the whole response
    ``{status, headers, body}``, recognised by exactly those keys. Hotmart bodies are never
    unwrapped from ``{"data": ...}`` (that could be Hotmart's own field); only a wrapped full
    response is. A full response with a non-2xx status raises like a failed request does.
    A read (GET) must yield JSON: nothing, an HTML page, text or cut-off JSON is an
    ``UpstreamError`` (hotmart-api-traps.md §2: that is how Hotmart's CDN answers a wrong path or
    Club subdomain), never an empty result. A write's empty body is its success
    (hotmart-api-traps.md §11: "look only at the status code"), so writes keep nothing or text as is.
    Call ``raise_for_failure`` first for a non-zero exit.
    """
    read = method.upper() == "GET"
    value, found = _parsed(result.stdout)
    if found is not None:
        if read:
            raise unreadable_read(found, path)
        return ProxyResponse(status=None, headers=None, body=result.stdout.strip() or None)
    full = _full_response(value)
    if full is None:
        if _is_hotmart_error(value):
            # membrane-cli-contract.md §9/§10: a CLI that prints the external body may exit 0 on a failed
            # request; an answer in Hotmart's error shape (hotmart-api-traps.md §12) is a failure whatever the
            # exit code.
            if value["error"] == "too_many_requests":
                raise RateLimited(f"Hotmart's rate limit was reached: {value.get('error_description')}")
            raise UpstreamError(
                f"Hotmart answered with an error (status not reported): {value['error']}: "
                f"{shorten(str(value.get('error_description') or ''), 500)}",
                body=value,
            )
        return ProxyResponse(status=None, headers=None, body=value)
    status, headers, body = full
    if not 200 <= status < 300:
        raise classify(
            None,
            {"status": status, "headers": headers or {}, "body": body},
            text="",
            exit_code=0,
            command="request",
        )
    if read and (body is None or isinstance(body, str)):
        body, found = _parsed(body or "")
        if found is not None:
            raise unreadable_read(found, path, status=status)
    return ProxyResponse(status=status, headers=headers, body=body)


def _parsed(text: str) -> tuple[Any, Unreadable | None]:
    """``text`` parsed once: (its JSON, None), or (NOT_JSON, what it is instead of JSON)."""
    value = load_json(text)
    if value is NOT_JSON:
        return value, unreadable(text) or Unreadable("plain text", "")
    return value, None


def unreadable_read(found: Unreadable, path: str, *, status: int | None = None) -> UpstreamError:
    """The error for a GET whose answer held no JSON (see ``parse_request_output``)."""
    said = f": {found.excerpt!r}" if found.excerpt else ""
    where = f"GET {path}" if path else "the GET"
    message = (
        f"Hotmart's answer to {where} held {found.kind}, not JSON data{said}. It is reported as an error, "
        "not an empty result: Hotmart's CDN answers unknown paths and wrong Club subdomains with an HTML "
        "page or an empty 200."
    )
    if found.kind == "nothing":
        # Community clients report empty bodies for a product without offers, plans or coupons too.
        message += (
            " Hotmart also answers offers, plans and coupons of a product that has none with nothing: "
            "if the path and ids are right, that product has none."
        )
    return UpstreamError(
        message,
        next_step="Check the path and its parameters (Club subdomain, product ucode or id) against the "
        "resource hotmart://api/catalogue, then retry.",
        status=status,
        answer=found.kind,
        excerpt=found.excerpt or None,
    )


def parse_login_start(result: CliResult) -> LoginStart:
    """The URL the user must open and the CLI's message (any login code redacted)."""
    found = unreadable(result.stdout)
    if found is not None and found.kind != "plain text" and not _URL.search(result.stderr):
        raise _unreadable(result, "login", f"printed {found.kind} instead of a sign-in link")
    value = unwrap_envelope(load_json(result.stdout))
    url = None
    message = ""
    if isinstance(value, dict):
        url = _text(value.get("url")) or _text(value.get("uiUrl")) or _text(value.get("loginUrl"))
        message = _text(value.get("message")) or ""
    text = result.stdout if value is NOT_JSON else message
    if url is None:
        found = _URL.search(text) or _URL.search(result.stderr)
        url = found.group(0).rstrip(".,;)") if found else None
    if not message:
        message = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
    return LoginStart(url=url, message=redact_login_code(message))


def parse_login_complete(result: CliResult) -> LoginStatus:
    """The outcome of ``login complete`` on exit 0: logged in unless the output says otherwise."""
    status = parse_login_status(result)
    if status.raw or "not logged in" in status.message.lower():
        return status
    return LoginStatus(logged_in=True, message=status.message or "Logged in.", raw={})


def parse_login_status(result: CliResult) -> LoginStatus:
    """``status``: ``{loggedIn, ...}`` JSON or a "Logged in" / "Not logged in" line."""
    value = unwrap_envelope(load_json(result.stdout))
    if isinstance(value, dict):
        flag = next((value[key] for key in ("loggedIn", "logged_in", "authenticated") if key in value), None)
        message = _text(value.get("message")) or _status_message(value, bool(flag))
        return LoginStatus(logged_in=bool(flag), message=redact_login_code(message), raw=value)
    text = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
    lowered = text.lower()
    logged_in = "logged in" in lowered and not re.search(r"\bnot\s+logged\s+in\b", lowered)
    return LoginStatus(logged_in=logged_in, message=redact_login_code(text) or "No status output.", raw={})


def redact_login_code(text: str) -> str:
    """Hide the code in any ``login complete <code>`` the CLI printed (placeholders kept)."""
    return _LOGIN_COMPLETE_ARG.sub(rf"\g<1>{REDACTED}", text)


def _full_response(value: Any) -> tuple[int, dict[str, str] | None, Any] | None:
    for candidate in (
        value,
        unwrap_envelope(value) if isinstance(value, dict) and set(value) == {"data"} else None,
    ):
        if isinstance(candidate, dict) and set(candidate) == FULL_RESPONSE_KEYS:
            status = candidate["status"]
            if isinstance(status, int) and not isinstance(status, bool):
                headers = candidate["headers"]
                headers = {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else None
                return status, headers, candidate["body"]
    return None


def _status_message(value: dict[str, Any], logged_in: bool) -> str:
    if not logged_in:
        return "Not logged in."
    names = [
        f"{label} {_text(part.get('name')) or _text(part.get('key'))}"
        for label, part in (("workspace", value.get("workspace")), ("tenant", value.get("tenant")))
        if isinstance(part, dict) and (_text(part.get("name")) or _text(part.get("key")))
    ]
    return "Logged in" + (f" ({', '.join(names)})." if names else ".")


def _client_action(value: Any) -> ClientAction | None:
    if not isinstance(value, dict):
        return None
    return ClientAction(
        type=_text(value.get("type")) or "unknown",
        description=_text(value.get("description")),
        ui_url=_text(value.get("uiUrl")) or _text(value.get("ui_url")),
        agent_instructions=_text(value.get("agentInstructions")) or _text(value.get("agent_instructions")),
    )


def _error_text(connection: dict[str, Any]) -> str | None:
    messages: list[str] = []
    for field in ("error", "errors", "requestError"):
        entries = connection.get(field)
        for entry in entries if isinstance(entries, list) else [entries]:
            text = _text(entry.get("message")) if isinstance(entry, dict) else _text(entry)
            if text and text not in messages:
                messages.append(text)
    return "; ".join(messages) or None


def _items(value: Any, command: str) -> list[Any]:
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return value["items"]
    if isinstance(value, list):
        return value
    raise CliFailed(f"`membrane {command}` did not return a list.", output=_preview(value))


def _has_id(item: Any) -> bool:
    return isinstance(item, dict) and _text(item.get("id")) is not None


def _schema(value: dict[str, Any], *names: str) -> dict[str, Any] | None:
    return next((value[name] for name in names if isinstance(value.get(name), dict)), None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _preview(value: Any) -> str:
    return shorten(value if isinstance(value, str) else json.dumps(value, default=str), 500)


def _unreadable(result: CliResult, command: str, why: str) -> CliFailed:
    return CliFailed(
        f"`membrane {command}` succeeded but {why}.",
        exit_code=result.exit_code,
        output=shorten(result.stdout.strip(), 500) or None,
    )


def _is_hotmart_error(value: Any) -> bool:
    """Hotmart's error body: ``{error, error_description[, error_uri]}`` and no data beside it."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("error"), str)
        and "error_description" in value
        and set(value) <= {"error", "error_description", "error_uri"}
    )
