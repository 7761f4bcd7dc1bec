"""Connections: find-or-create, the state machine, the scenarios, the human's approval.

A connection is born in the state the invocation's scenario asks for and then only moves on
when something happens to it: ``connection get`` polls (BUILDING -> READY after
``HOTMART_SANDBOX_BUILD_POLLS`` polls), ``sandbox approve`` (the human finished in the browser:
CLIENT_ACTION_REQUIRED -> READY) or ``connect --connectionId`` (a fresh sign-in link). The
scenario of a later invocation never rewrites an existing connection, so an agent that
re-runs ``connection ensure`` after the human approved sees the READY connection.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import MembraneError, bad_request, not_found
from .ids import iso_timestamp, object_id, stable_id
from .login import TENANT
from .scenarios import apply_scenario, connect_action, make_ready, require_sign_in
from .settings import SandboxSettings
from .store import StateStore

DOCUMENT = "membrane-connections"
POLL_INTERVAL_S = 0.1
WAITABLE_STATES = ("BUILDING", "CLIENT_ACTION_REQUIRED")
INVALID_APP_URL = 'Must be a valid URL or domain (e.g. "https://slack.com" or "slack.com")'
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class App:
    """An external app of Membrane's catalogue, as far as a connection needs it."""

    domain: str
    key: str
    name: str
    auth_type: str

    def integration(self) -> dict[str, Any]:
        """The ``integration`` object nested in a Connection (membrane-cli-contract.md §12)."""
        return {
            "id": stable_id(f"integration:{self.key}"),
            "key": self.key,
            "name": self.name,
            "logoUri": f"https://static.getmembrane.com/apps/{self.key}.png",
            "state": "READY",
            "connectorId": stable_id(f"connector:{self.key}"),
            "externalAppId": stable_id(f"app:{self.key}"),
            "authType": self.auth_type,
        }


# UNKNOWN (membrane-cli-contract.md §14): the Hotmart connector's auth type; Hotmart itself uses OAuth client
# credentials.
HOTMART = App("hotmart.com", "hotmart", "Hotmart", "client-credentials")


def app_for_url(app_url: str) -> App:
    """The app an ``ensure`` URL or bare domain names, validated as the SDK does.

    FACT (SDK EnsureConnectionRequest, membrane-cli-contract.md §4): 1..2000 characters, ``https://``
    prepended when missing, the hostname must contain a dot and must not be an IPv4 address.
    """
    if not 1 <= len(app_url) <= 2000:
        raise bad_request(INVALID_APP_URL)
    url = app_url if _SCHEME.match(app_url) else f"https://{app_url}"
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    if "." not in host or _is_ipv4(host):
        raise bad_request(INVALID_APP_URL)
    if host == HOTMART.domain or host.endswith(f".{HOTMART.domain}"):
        return HOTMART
    domain = host.removeprefix("www.")
    labels = domain.split(".")
    key = labels[-2] if len(labels) >= 2 and labels[-2] else labels[0]
    # INFERRED (membrane-cli-contract.md §4): an unknown app gets a connector built for it; the sandbox only
    # serves Hotmart's API, so such connections exist but cannot proxy anything.
    return App(domain, key, key.capitalize(), "oauth2")


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


class Connections:
    """The tenant's connections, kept in one state document."""

    def __init__(self, store: StateStore, settings: SandboxSettings) -> None:
        self._store = store
        self._settings = settings

    def ensure(self, app_url: str, name: str | None) -> dict[str, Any]:
        """``connection ensure``: the tenant's connection to the app, created if there is none."""
        app = app_for_url(app_url.strip())
        with self._store.transaction(DOCUMENT) as document:
            records = document.setdefault("items", [])
            for record in records:
                if record["sim"]["domain"] == app.domain:
                    return public(record)
            record = self._new_record(app, name)
            records.append(record)
        return public(record)

    def lookup(self, selector: str) -> dict[str, Any]:
        """The connection as it is, without counting as a poll."""
        return public(self._find(self._store.read(DOCUMENT), selector))

    def get(self, selector: str) -> dict[str, Any]:
        """``connection get``: the connection; a poll of a BUILDING one moves its build on."""
        record = self._find(self._store.read(DOCUMENT), selector)
        if record["state"] != "BUILDING":
            return public(record)
        with self._store.transaction(DOCUMENT) as document:
            record = self._find(document, selector)
            if record["state"] == "BUILDING":
                if record["sim"]["pollsLeft"] > 0:
                    record["sim"]["pollsLeft"] -= 1
                else:
                    make_ready(record)
        return public(record)

    def wait(
        self,
        selector: str,
        timeout_s: float,
        *,
        sleep: Callable[[float], None],
        notify: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> dict[str, Any]:
        """``connection get --wait``: block until the state changes or the timeout passes.

        INFERRED (membrane-cli-contract.md §5): when the timeout passes the connection is returned as it is.
        While it waits on a BUILDING connection every tick is one more poll, so the build finishes
        during the wait as it would on the real service.
        """
        before = self.lookup(selector)["state"]
        current = self.get(selector)
        if current["state"] != before or current["state"] not in WAITABLE_STATES:
            return current
        notify(f"Waiting up to {timeout_s:g}s for connection {current['id']} to leave {before}...")
        deadline = clock() + timeout_s
        while (remaining := deadline - clock()) > 0:
            sleep(min(POLL_INTERVAL_S, remaining))
            current = self.get(selector)
            if current["state"] != before:
                break
        return current

    def list(
        self, *, integration_key: str | None, search: str | None, limit: int, cursor: int
    ) -> dict[str, Any]:
        """``connection list``: ``{items, cursor?}`` in creation order (FACT, OAPI listConnections)."""
        records = self._store.read(DOCUMENT).get("items", [])
        # INFERRED (membrane-cli-contract.md §4): the integrationKey of a connection is its nested
        # integration.key.
        if integration_key:
            records = [record for record in records if record["integration"]["key"] == integration_key]
        if search:
            records = [record for record in records if search.lower() in record["name"].lower()]
        page: dict[str, Any] = {"items": [public(record) for record in records[cursor : cursor + limit]]}
        if cursor + limit < len(records):
            page["cursor"] = str(cursor + limit)
        return page

    def reconnect(self, selector: str) -> dict[str, Any]:
        """``connect --connectionId``: a fresh sign-in link for a connection that needs the user.

        UNKNOWN (membrane-cli-contract.md §6): whether the CLI calls ``POST /connections/:id/reconnect`` or
        ``POST /connect``; either way it returns the Connection with a new ``clientAction.uiUrl``.
        INFERRED: a READY or BUILDING connection is returned unchanged.
        """
        with self._store.transaction(DOCUMENT) as document:
            record = self._find(document, selector)
            if record["state"] not in ("READY", "BUILDING"):
                require_sign_in(record, connect_action(record["integration"]["name"]))
        return public(record)

    def approve(self, selector: str) -> dict[str, Any]:
        """``sandbox approve``: the human finished signing in or providing input."""
        with self._store.transaction(DOCUMENT) as document:
            record = self._find(document, selector)
            if record["state"] == "CLIENT_ACTION_REQUIRED":
                make_ready(record)
            elif record["state"] != "READY":
                raise bad_request(
                    f"Connection {record['id']} is {record['state']}: nothing for the user to approve."
                )
        return public(record)

    def require_ready(self, selector: str | None) -> dict[str, Any]:
        """The connection a tenant call runs on; it must be READY.

        Without a selector the Hotmart connection is used (FACT, membrane-cli-contract.md §8: connection
        resolution falls back to the integration's default connection).
        """
        document = self._store.read(DOCUMENT)
        if selector is None:
            hotmart = [
                record for record in document.get("items", []) if record["sim"]["domain"] == HOTMART.domain
            ]
            if not hotmart:
                raise not_found(
                    "No Hotmart connection found. Run `membrane connection ensure https://hotmart.com/`."
                )
            record = hotmart[0]
        else:
            record = self._find(document, selector)
        if record["state"] != "READY":
            raise not_ready(public(record))
        return public(record)

    def _find(self, document: dict[str, Any], selector: str) -> dict[str, Any]:
        records = document.get("items", [])
        for record in records:
            if selector in (record["id"], record.get("key")):
                return record
        by_integration = [record for record in records if record["integration"]["key"] == selector]
        # FACT (membrane-cli-contract.md §9, api-proxy docs): an integration key selects its connection when
        # it has one.
        if len(by_integration) == 1:
            return by_integration[0]
        raise not_found(f"Connection with id '{selector}' not found")

    def _new_record(self, app: App, name: str | None) -> dict[str, Any]:
        now = iso_timestamp()
        integration = app.integration()
        record: dict[str, Any] = {
            "id": object_id(),
            "name": name or app.name,
            "userId": TENANT["id"],
            "tenantId": TENANT["id"],
            "isTest": False,
            "state": "READY",
            "connected": True,
            "disconnected": False,
            "integrationId": integration["id"],
            "connectorId": integration["connectorId"],
            "externalAppId": integration["externalAppId"],
            "integration": integration,
            "createdAt": now,
            "updatedAt": now,
            "sim": {"domain": app.domain, "pollsLeft": 0},
        }
        apply_scenario(record, self._settings.scenario, self._settings.build_polls)
        return record


def public(record: dict[str, Any]) -> dict[str, Any]:
    """The Connection object as the API returns it (membrane-cli-contract.md §12)."""
    return {key: value for key, value in record.items() if key != "sim"}


def not_ready(connection: dict[str, Any]) -> MembraneError:
    """The failure of a call that needs a READY connection (INFERRED shape, membrane-cli-contract.md §13)."""
    data: dict[str, Any] = {"connectionId": connection["id"], "state": connection["state"]}
    for field in ("clientAction", "error"):
        if field in connection:
            data[field] = connection[field]
    hint = {
        "BUILDING": "it is still being built; poll `membrane connection get <id> --wait`",
        "CLIENT_ACTION_REQUIRED": "the user must act first (see data.clientAction)",
    }.get(connection["state"], "it failed to set up (see data.error); do not retry blindly")
    return MembraneError("connection", f"Connection {connection['id']} is not ready: {hint}", data=data)
