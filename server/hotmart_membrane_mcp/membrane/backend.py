"""The Membrane boundary: one Protocol, one method per operation the tools need.

Tools depend on this Protocol only. ``CliBackend`` (membrane/cli.py) implements it over the
``membrane`` executable; a REST backend can implement it later without any tool changing.
Every method raises only classes from ``hotmart_membrane_mcp.errors``.
"""

from __future__ import annotations

from typing import Any, Protocol

from .models import Action, ActionRun, Connection, LoginStart, LoginStatus, ProxyRequest, ProxyResponse


class MembraneBackend(Protocol):
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
        """Read a connection; with ``wait_s`` long-poll up to that many seconds for a state change."""
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
