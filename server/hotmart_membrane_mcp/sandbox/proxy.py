"""Membrane's authenticated proxy in front of the simulated Hotmart API.

Used by ``membrane request``, ``act --api`` and the actions. FACT (membrane-cli-contract.md §9, api-proxy
docs): Membrane prepends the connector's base URL, drops hop-by-hop and credential headers the caller
sent, injects the connection's credentials and returns the app's status, headers and body
unchanged. UNKNOWN (membrane-cli-contract.md §14): the Hotmart connector's base URL; paths here are relative
to
``https://developers.hotmart.com`` (hotmart-api-traps.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .errors import bad_request
from .membrane import HOTMART
from .output import ProxiedResponse
from .settings import SandboxSettings
from .store import StateStore

# FACT (membrane-cli-contract.md §9): headers the proxy strips from the caller's request.
_STRIPPED_HEADERS = ("host", "authorization", "content-length", "connection", "x-request-id")
_STRIPPED_PREFIXES = ("x-forwarded-", "cf-")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class HotmartProxy:
    """Sends requests to the simulated Hotmart API on behalf of one READY connection."""

    def __init__(self, store: StateStore, settings: SandboxSettings, connection: dict[str, Any]) -> None:
        if connection["integration"]["key"] != HOTMART.key:
            raise bad_request(
                f"Connection {connection['id']} is for {connection['integration']['name']}; "
                "the sandbox simulates only the Hotmart API."
            )
        # Imported here so commands that never reach Hotmart do not pay for loading it.
        from .hotmart import HotmartApi

        limited = settings.scenario == "rate-limited"
        self._api = HotmartApi(
            store,
            seed=settings.seed,
            now_ms=settings.now_ms,
            rate_limit_every=settings.rate_limit_every if limited else None,
        )
        self._token = f"sandbox-token-{connection['id']}"

    def send(
        self,
        method: str,
        target: str,
        query: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> ProxiedResponse:
        """One proxied call; any status comes back as is."""
        forwarded = {
            name: value
            for name, value in (headers or {}).items()
            if name.lower() not in _STRIPPED_HEADERS and not name.lower().startswith(_STRIPPED_PREFIXES)
        }
        forwarded["Authorization"] = f"Bearer {self._token}"
        response = self._api.handle(method.upper(), api_path(target), query or {}, forwarded, body)
        return ProxiedResponse(response.status, dict(response.headers), response.body)


def api_path(target: str) -> str:
    """A path relative to the API root, or a full URL (FACT, membrane-cli-contract.md §9: it may replace the
    path).

    Full URLs go through unchanged: the simulated API serves only Hotmart's own hosts.
    """
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", target) or target.startswith("/"):
        return target
    return f"/{target}"


def fill_path_params(path: str, params: Mapping[str, str]) -> str:
    """Replace ``{name}`` and ``:name`` placeholders (``--pathParam name=value``)."""
    for name, value in params.items():
        encoded = quote(value, safe="")
        path = path.replace(f"{{{name}}}", encoded)
        # quote() leaves no backslash, so the value is safe as a re.sub replacement.
        path = re.sub(rf":{re.escape(name)}(?=/|\?|$)", encoded, path)
    return path


def service_unavailable() -> ProxiedResponse:
    """The flaky scenario's answer to a proxied call: Hotmart's 503 (hotmart-api-traps.md §12)."""
    body = {
        "error": "internal_server_error",
        "error_description": "The service is temporarily unavailable. Try again later.",
        "error_uri": "https://developers.hotmart.com/docs/en/start/http-response-codes/",
    }
    return ProxiedResponse(503, {"Content-Type": "application/json"}, body)
