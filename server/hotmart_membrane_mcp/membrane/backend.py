"""The Membrane boundary: one Protocol, one method per operation the tools need.

Tools depend on this Protocol only. ``CliBackend`` (membrane/cli.py) implements it over the
``membrane`` executable, ``ApiBackend`` (membrane/api.py) over Membrane's REST API. Every
method raises only classes from ``hotmart_membrane_mcp.errors``. Browser login is a capability
only the CLI has (``supports_browser_login``); the api backend authenticates with configured
tokens, and its ``login_status`` says which ones.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ..errors import InvalidInput
from .models import Action, ActionRun, Connection, LoginStart, LoginStatus, ProxyRequest, ProxyResponse

# How the server waits (a Retry-After, a retry's back-off); tests pass one that returns at once.
Sleep = Callable[[float], Awaitable[None]]

# membrane-cli-contract.md §5: one long-poll of a connection waits 1..60 seconds; callers loop for longer.
MAX_WAIT_S = 60
WAIT_MARGIN_S = 15.0  # time for Membrane to answer after its own long-poll ends


def long_poll_s(wait_s: object) -> int | None:
    """The seconds one ``get_connection`` long-polls: None (or 0) for a plain read, else capped at 60.

    Raises:
        InvalidInput: ``wait_s`` is not a whole, non-negative number of seconds.
    """
    if not wait_s:
        return None
    if isinstance(wait_s, bool) or not isinstance(wait_s, int) or wait_s < 0:
        raise InvalidInput("wait_s must be a whole number of seconds.", field="wait_s")
    return min(wait_s, MAX_WAIT_S)


class MembraneBackend(Protocol):
    # True when login_start/login_complete run a browser login (the CLI); False when the
    # backend authenticates with configured tokens and only login_status means something.
    supports_browser_login: bool

    async def login_start(self, client_name: str) -> LoginStart:
        """Begin a headless tenant login; returns the URL the user must open."""
        ...

    async def login_complete(self, code: str) -> LoginStatus:
        """Finish the login with the code the user saw in the browser."""
        ...

    async def login_status(self) -> LoginStatus: ...

    async def ensure_connection(self, app_url: str, name: str | None = None) -> Connection:
        """Find or create the tenant's connection to the app at ``app_url``."""
        ...

    async def get_connection(self, connection_id: str, *, wait_s: int | None = None) -> Connection:
        """Read a connection; with ``wait_s`` long-poll up to that many seconds (at most MAX_WAIT_S)."""
        ...

    async def reconnect(self, connection_id: str) -> Connection:
        """Start re-authentication of an existing (disconnected) connection."""
        ...

    async def list_connections(self) -> list[Connection]: ...

    async def search_actions(self, connection_id: str, intent: str, limit: int) -> list[Action]: ...

    async def get_action(self, action_id: str) -> Action: ...

    async def run_action(self, action_id: str, connection_id: str, input: dict[str, Any]) -> ActionRun: ...

    async def request(self, connection_id: str, request: ProxyRequest) -> ProxyResponse:
        """Send one request to the Hotmart API through Membrane, with Membrane's credentials.

        A non-2xx answer from Hotmart raises ``UpstreamError`` (or ``RateLimited`` for 429)
        carrying ``status`` and the shortened body in its details.
        """
        ...
