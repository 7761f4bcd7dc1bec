"""``membrane request`` and ``act --api``: raw calls to the Hotmart API through the proxy."""

from __future__ import annotations

import json
from typing import Any

from .actions import action_failure
from .cli import ParsedCommand
from .errors import UsageError, bad_request
from .ids import object_id
from .output import ProxiedResponse, Result
from .proxy import METHODS, HotmartProxy, fill_path_params


def proxied_request(proxy: HotmartProxy, command: ParsedCommand) -> ProxiedResponse:
    """Build the call from ``request``'s flags (FACT flag table, membrane-cli-contract.md §9) and send it.

    Raises:
        UsageError: a malformed flag value (method, header, query, path parameter, JSON body).
    """
    method = (command.value("method") or "GET").upper()
    if method not in METHODS:
        raise UsageError(f"Unsupported method {method!r}; use one of {', '.join(METHODS)}")
    headers = dict(_pair(text, ":", "--header", "'Name: value'") for text in command.values("header"))
    query: dict[str, list[str]] = {}
    for text in command.values("query"):
        name, value = _pair(text, "=", "--query", "name=value")
        query.setdefault(name, []).append(value)
    path_params = dict(_pair(text, "=", "--pathParam", "name=value") for text in command.values("pathParam"))
    path = fill_path_params(command.arguments["path"], path_params)
    return proxy.send(method, path, query, headers, _body(command, headers))


def _body(command: ParsedCommand, headers: dict[str, str]) -> Any:
    json_body, data = command.value("json"), command.value("data")
    if json_body is not None and data is not None:
        raise UsageError("Use either --json or -d/--data for the body, not both")
    if json_body is not None:
        try:
            parsed = json.loads(json_body)
        except json.JSONDecodeError as problem:
            raise UsageError(f"Option --json must be valid JSON: {problem}") from None
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        return parsed
    if data is None or command.switch("rawData"):
        return data  # --rawData: the body goes out exactly as written
    # INFERRED (membrane-cli-contract.md §9: "--rawData: send the body as-is, no processing"): without it a
    # JSON body is parsed before sending; anything else is sent as text.
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        return data


def _pair(text: str, separator: str, flag: str, shape: str) -> tuple[str, str]:
    name, found, value = text.partition(separator)
    if not found or not name.strip():
        raise UsageError(f"Option {flag} takes {shape}, not {text!r}")
    return name.strip(), value.strip() if separator == ":" else value


_API_KEYS = frozenset({"method", "path", "url", "body", "data", "headers", "query"})


def act_api(proxy: HotmartProxy, api: Any) -> Result:
    """``act --api``: one raw call; the output is the response body (INFERRED, membrane-cli-contract.md §9).

    FACT (membrane-cli-contract.md §8): ``api`` is ``{method, path, body?, headers?, query?}`` with the
    aliases
    ``url`` -> ``path`` and ``data`` -> ``body``; the request object is strict.
    """
    if not isinstance(api, dict):
        raise bad_request("api must be an object {method, path, query?, body?, headers?}")
    unknown = sorted(set(api) - _API_KEYS)
    if unknown:
        raise bad_request(f"api has unknown properties: {', '.join(unknown)}")
    method = str(api.get("method", "GET")).upper()
    path = api.get("path", api.get("url"))
    if method not in METHODS:
        raise bad_request(f"api.method must be one of {', '.join(METHODS)}")
    if not isinstance(path, str) or not path:
        raise bad_request("api.path is required")
    headers = {} if api.get("headers") is None else api["headers"]
    raw_query = {} if api.get("query") is None else api["query"]
    if not isinstance(headers, dict) or not isinstance(raw_query, dict):
        raise bad_request("api.headers and api.query must be objects")
    query = {name: [_query_text(value)] for name, value in raw_query.items()}
    body = api.get("body", api.get("data"))
    response = proxy.send(method, path, query, {str(k): str(v) for k, v in headers.items()}, body)
    run_id = object_id()
    if not 200 <= response.status < 300:
        # FACT (membrane-cli-contract.md §8): actionRunId is present on 4xx errors too.
        raise action_failure(response.status, response.headers, response.body, run_id=run_id)
    return Result({"output": response.body, "actionRunId": run_id})


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
