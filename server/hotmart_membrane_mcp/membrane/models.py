"""Backend-neutral shapes of what Membrane returns, already parsed and normalised.

Every backend (the CLI now, Membrane's REST API later) produces these; tools see nothing
else. ``raw`` keeps Membrane's own object for fields we do not model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .request_guards import check_api_path, check_body, check_headers, check_method, check_query

# membrane-cli-contract.md §5: the six states of a connection (SDK WorkspaceElementState).
READY = "READY"
BUILDING = "BUILDING"
CLIENT_ACTION_REQUIRED = "CLIENT_ACTION_REQUIRED"
CONFIGURATION_ERROR = "CONFIGURATION_ERROR"
SETUP_FAILED = "SETUP_FAILED"
DISCONNECTING = "DISCONNECTING"
FAILED_STATES = frozenset({CONFIGURATION_ERROR, SETUP_FAILED, DISCONNECTING})


@dataclass(frozen=True)
class ClientAction:
    """What a human (or the agent, following instructions) must do before a connection works."""

    type: str  # "connect" | "provide-input" (other values tolerated)
    description: str | None = None
    ui_url: str | None = None
    agent_instructions: str | None = None


@dataclass(frozen=True)
class Connection:
    id: str
    name: str | None
    state: str  # one of the constants above; an unknown value is kept as is
    client_action: ClientAction | None = None
    error: str | None = None  # text of `error` / `errors` for failed states
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.state == READY


@dataclass(frozen=True)
class Action:
    id: str
    key: str | None
    name: str | None
    description: str | None
    type: str | None
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionRun:
    output: Any
    action_run_id: str | None


@dataclass(frozen=True)
class ProxyRequest:
    """One call to the Hotmart API through Membrane's authenticated proxy, checked when it is made.

    Building one runs the request guards (membrane/request_guards.py) on the path, method, query,
    headers and body and keeps the values as checked (method upper-case, query and headers as
    ordered string pairs), so no backend checks them again: a hostile value raises
    ``InvalidInput`` where the request is made, also through ``dataclasses.replace``. Path
    parameters are the exception: only the CLI hands them to Membrane unfilled, so their
    single-segment rule is the CLI backend's (the api backend percent-encodes them).
    """

    path: str
    method: str = "GET"
    query: tuple[tuple[str, str], ...] = ()  # ordered pairs: a key may repeat
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None  # JSON object or array, or None for no body
    path_params: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        checked = {
            "path": check_api_path(self.path),
            "method": check_method(self.method),
            "query": check_query(self.query),
            "headers": check_headers(self.headers),
            "body": check_body(self.body),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class ProxyResponse:
    status: int | None  # None when the backend cannot tell (membrane-cli-contract.md §9: UNKNOWN)
    headers: dict[str, str] | None
    body: Any


@dataclass(frozen=True)
class LoginStart:
    url: str | None
    message: str  # what the CLI said, secrets removed


@dataclass(frozen=True)
class LoginStatus:
    logged_in: bool
    message: str
    raw: dict[str, Any] = field(default_factory=dict)
