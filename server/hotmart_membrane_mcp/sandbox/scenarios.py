"""What each scenario makes of a new connection, and the state changes a connection goes through.

The clientAction texts follow the SDK's field descriptions (membrane-cli-contract.md §12):
``connect`` = the user must (re)authenticate, ``provide-input`` = more information is needed.
"""

from __future__ import annotations

import time
from typing import Any

from .ids import iso_timestamp, object_id
from .store import StateStore

# UNKNOWN (membrane-cli-contract.md §12): the host/path of clientAction.uiUrl; this is the connection-request
# screen the SDK builds ({base}/screens/connections?connectionRequestId=<id>), INFERRED.
CONNECT_PAGE = "https://ui.getmembrane.com/screens/connections?connectionRequestId="


def apply_scenario(record: dict[str, Any], scenario: str, build_polls: int) -> None:
    """Put a new connection in the state the scenario starts it in (READY for the others)."""
    app_name = record["integration"]["name"]
    if scenario == "building":
        record.update(
            state="BUILDING", connected=False, disconnected=False, buildingAgentSessionId=object_id()
        )
        record["sim"]["pollsLeft"] = build_polls
    elif scenario == "connect":
        require_sign_in(record, connect_action(app_name))
    elif scenario == "provide-input":
        require_sign_in(record, _provide_input_action(app_name))
    elif scenario == "disconnected":
        # An older connection whose credentials stopped working (membrane-cli-contract.md §5: reconnect, don't
        # replace).
        now = time.time()
        record.update(createdAt=iso_timestamp(now - 30 * 86400), lastActiveAt=iso_timestamp(now - 2 * 86400))
        require_sign_in(record, _reconnect_action(app_name, record["id"]))
    elif scenario in ("setup-failed", "configuration-error"):
        state, message = {
            "setup-failed": ("SETUP_FAILED", f"The {app_name} connector could not be built"),
            "configuration-error": (
                "CONFIGURATION_ERROR",
                f"{app_name} rejected the connection parameters: invalid client credentials",
            ),
        }[scenario]
        error = {"type": "configuration", "message": message}
        record.update(state=state, connected=False, disconnected=True, error=error, errors=[error])
    else:
        record["lastActiveAt"] = record["createdAt"]


def make_ready(record: dict[str, Any]) -> None:
    """The build finished or the user acted: READY, with nothing left pending."""
    for field in ("clientAction", "buildingAgentSessionId", "error", "errors"):
        record.pop(field, None)
    now = iso_timestamp()
    record.update(state="READY", connected=True, disconnected=False, updatedAt=now, lastActiveAt=now)


def require_sign_in(record: dict[str, Any], client_action: dict[str, str]) -> None:
    """CLIENT_ACTION_REQUIRED with this clientAction (present iff that state, membrane-cli-contract.md §5)."""
    for field in ("buildingAgentSessionId", "error", "errors"):
        record.pop(field, None)
    record.update(
        state="CLIENT_ACTION_REQUIRED",
        connected=False,
        disconnected=True,
        clientAction=client_action,
        updatedAt=iso_timestamp(),
    )


def connect_action(app_name: str) -> dict[str, str]:
    """A ``connect`` clientAction with a fresh sign-in link."""
    action = {
        "type": "connect",
        "description": f"Authenticate with {app_name} to finish setting up the connection.",
    }
    action["uiUrl"] = CONNECT_PAGE + object_id()
    action["agentInstructions"] = (
        f"Give the user the link (uiUrl) to sign in to {app_name} and approve access; "
        "when they say they are done, check the connection again."
    )
    return action


def _provide_input_action(app_name: str) -> dict[str, str]:
    return {
        "type": "provide-input",
        "description": f"{app_name} needs the client id and client secret of an API credential "
        "(Hotmart: Tools > Developer credentials) to finish the connection.",
        "agentInstructions": "Ask the user to enter the credential in Membrane's connection screen; "
        "never ask them to paste secrets into the chat. Then check the connection again.",
    }


def _reconnect_action(app_name: str, connection_id: str) -> dict[str, str]:
    # No uiUrl here: the link comes from reconnecting (membrane-cli-contract.md §6 `connect --connectionId`).
    return {
        "type": "connect",
        "description": f"The {app_name} connection was disconnected: its credentials expired or were "
        "revoked.",
        "agentInstructions": f"Reconnect with `membrane connect --connectionId {connection_id}` to get a "
        "sign-in link, give it to the user, then check the connection again.",
    }


FLAKY_EVERY = 3
_COUNTERS = "membrane-counters"


def flaky_turn(store: StateStore) -> bool:
    """The ``flaky`` scenario: every third tenant call fails, counted across processes (and both
    faces, CLI and HTTP) in the state dir."""
    with store.transaction(_COUNTERS) as counters:
        counters["tenantCommands"] = counters.get("tenantCommands", 0) + 1
        return counters["tenantCommands"] % FLAKY_EVERY == 0
