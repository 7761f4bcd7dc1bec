"""The simulated account: headless login, status, logout (membrane-cli-contract.md §3).

A fresh state dir starts logged in (so ``connection ensure`` works out of the box); the
``logged-out`` scenario ignores that implicit login, so tenant commands fail until a
``login complete`` succeeds. ``logout`` ends either kind of login.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from .errors import bad_request
from .ids import iso_timestamp, object_id, stable_id
from .output import Result
from .store import StateStore

DOCUMENT = "membrane-auth"
DEFAULT_API_URI = "https://api.getmembrane.com"  # FACT: SDK DEFAULT_API_URI (membrane-cli-contract.md §11)
# UNKNOWN: the page the CLI opens for a headless login; this host is the console
# (membrane-cli-contract.md §11).
LOGIN_PAGE = "https://console.getmembrane.com/cli-login"
WORKSPACE = {"id": stable_id("workspace"), "key": "hotmart-sandbox", "name": "Hotmart Sandbox Workspace"}
TENANT = {"id": stable_id("tenant"), "key": "sandbox-tenant", "name": "Sandbox Tenant"}
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def is_logged_in(store: StateStore, scenario: str) -> bool:
    """Whether tenant commands may run in this invocation."""
    session = store.read(DOCUMENT).get("session")
    if session is None:
        return scenario != "logged-out"
    return session == "completed"


def start_login(store: StateStore, *, client_name: str | None, tenant: bool, api_uri: str | None) -> Result:
    """Step 1 of the headless flow: remember a pending login and show where to approve it."""
    code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(2))
    request_id = object_id()
    # INFERRED from MCP-oss oauth scopes (membrane-cli-contract.md §3)
    scope = "tenant" if tenant else "platform-user"
    with store.transaction(DOCUMENT) as auth:
        auth["pending"] = {
            "code": code,
            "requestId": request_id,
            "clientName": client_name,
            "scope": scope,
            "apiUri": api_uri or auth.get("apiUri") or DEFAULT_API_URI,
            "createdAt": iso_timestamp(),
        }
    query = {"requestId": request_id, "scope": scope}
    if client_name:
        query["clientName"] = client_name
    url = f"{LOGIN_PAGE}?{urlencode(query)}"
    message = (
        "Open the URL in a browser and approve access. The page then shows a code; "
        "finish with: membrane login complete <code>"
    )
    text = (
        f"Open this URL to log in: {url}\nThen run `membrane login complete <code>` with the code it shows."
    )
    return Result({"url": url, "message": message}, text)


def complete_login(store: StateStore, code: str) -> Result:
    """Step 2: exchange the code the browser page showed for a session."""
    with store.transaction(DOCUMENT) as auth:
        pending = auth.get("pending")
        if not pending:
            raise bad_request("No login is in progress. Run `membrane login --tenant` first.")
        if not secrets.compare_digest(code.strip().upper().encode(), pending["code"].encode()):
            raise bad_request("Invalid login code. Check the code shown in the browser and try again.")
        auth.pop("pending")
        auth["session"] = "completed"
        auth["apiUri"] = pending["apiUri"]
        auth["clientName"] = pending["clientName"]
    payload = {"loggedIn": True, "workspace": WORKSPACE, "tenant": TENANT}
    return Result(payload, f"Logged in to workspace {WORKSPACE['name']} as tenant {TENANT['name']}.")


def status(store: StateStore, scenario: str) -> Result:
    """``membrane status``: login state, API URI and the defaults in use."""
    auth = store.read(DOCUMENT)
    logged_in = is_logged_in(store, scenario)
    payload: dict[str, Any] = {
        "loggedIn": logged_in,
        "apiUri": auth.get("apiUri", DEFAULT_API_URI),
        "workspace": WORKSPACE if logged_in else None,
        "tenant": TENANT if logged_in else None,
    }
    if logged_in:
        text = f"Logged in to workspace {WORKSPACE['name']} ({WORKSPACE['key']}), tenant {TENANT['key']}"
        text += f"\nAPI: {payload['apiUri']}"
    else:
        text = "Not logged in. Run `membrane login --tenant` to log in."
    return Result(payload, text)


def logout(store: StateStore) -> Result:
    """Forget the session (and any login in progress)."""
    with store.transaction(DOCUMENT) as auth:
        auth["session"] = "none"
        auth.pop("pending", None)
    return Result({"loggedIn": False}, "Logged out.")


def pending_login_code(store: StateStore) -> Result:
    """``sandbox login-code``: the code the simulated browser page shows the human."""
    pending = store.read(DOCUMENT).get("pending")
    if not pending:
        raise bad_request("No login is in progress. Run `membrane login --tenant` first.")
    return Result({"code": pending["code"]}, pending["code"])
