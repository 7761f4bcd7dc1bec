"""Which Hotmart connection a tool call uses when the agent does not name one."""

from __future__ import annotations

from ..errors import ConnectionNotReady
from ..membrane.models import Connection
from ..membrane.validate import check_id
from .state import ServerState


async def resolve_connection_id(state: ServerState, explicit: str | None) -> str:
    """Pick the connection for search_actions, run_action and proxy_request.

    Order: the ``connection_id`` argument > the last READY connection ensure_connection saw in
    this process > HOTMART_MCP_CONNECTION_ID > a fresh ``connection ensure`` of the app URL,
    used only if it is READY.

    Raises:
        InvalidInput: the explicit id is malformed.
        ConnectionNotReady: no usable connection; next_step says to call ensure_connection.
    """
    if explicit is not None:
        return check_id(explicit, "connection_id")
    if state.default_connection_id:
        return state.default_connection_id
    if state.settings.connection_id:
        return state.settings.connection_id
    connection = await state.backend.ensure_connection(state.settings.app_url)
    if connection.ready:
        state.default_connection_id = connection.id
        return connection.id
    raise not_ready(connection)


def not_ready(connection: Connection) -> ConnectionNotReady:
    """The error for a tool that needed a READY connection and found this one."""
    action = connection.client_action
    ui_url = action.ui_url if action else None
    step = "Call `ensure_connection` and follow its next_step"
    if ui_url:
        step += f" (the user will have to open {ui_url} to sign in to Hotmart)"
    return ConnectionNotReady(
        f"The Hotmart connection {connection.id} is {connection.state}, not READY.",
        next_step=step + ".",
        connection_id=connection.id,
        state=connection.state,
        ui_url=ui_url,
        agent_instructions=action.agent_instructions if action else None,
        error=connection.error,
    )
