"""The tools that get Membrane ready: ``ensure_connection`` and ``login``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import Field

from ..formats import check_app_url
from ..membrane.models import BUILDING, CLIENT_ACTION_REQUIRED, Connection
from ..membrane.validate import check_id, check_login_code
from . import url_elicitation
from .client_identity import agent_type
from .guards import check_not_option, check_phrase
from .models import ElicitationAnswer, EnsureConnectionOutput, LoginOutput
from .next_steps import connection_output
from .results import ok
from .state import ServerState
from .tool_words import as_tool_steps

MAX_ENSURE_WAIT_S = 120  # how long one ensure_connection call may wait for BUILDING to end
POLL_CHUNK_S = 30  # membrane-cli-contract.md §5: `connection get --wait` waits at most 60 s per call

ENSURE_DESCRIPTION = (
    "Find or create the Hotmart connection: call it first, and when a tool says it is not ready. Gives "
    "the sign-in link when the user must act. Follow next_step."
)
LOGIN_DESCRIPTION = (
    "Log Membrane in (on not_logged_in). Without code: a link for the user to approve; then call with "
    "the code shown."
)
TOKEN_LOGIN_DESCRIPTION = (
    "Check Membrane's authentication; call it when a tool answers with error_type not_logged_in. This "
    "server uses a configured Membrane token (no browser login): it says which variables hold the token "
    "and whether Membrane accepts it."
)

AppUrlArg = Annotated[str | None, Field(description="Omit for Hotmart.", max_length=2000)]
ConnectionIdArg = Annotated[str | None, Field(description="Check this connection instead.", max_length=128)]
NameArg = Annotated[str | None, Field(description="For a new connection.", max_length=200)]
WaitArg = Annotated[int, Field(description="Wait while it builds.", ge=0, le=MAX_ENSURE_WAIT_S)]
CodeArg = Annotated[str | None, Field(description="Shown after approving, e.g. 'ABCD-EF23'.", max_length=128)]


def register(server: MCPServer, state: ServerState) -> None:
    """Add ensure_connection and login to ``server``."""
    server.add_tool(
        _ensure_connection_tool(state),
        name="ensure_connection",
        title="Ensure the Hotmart connection",
        description=ENSURE_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
    )
    server.add_tool(
        _login_tool(state),
        name="login",
        title="Log in to Membrane",
        description=LOGIN_DESCRIPTION if _browser_login(state) else TOKEN_LOGIN_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
        ),
    )


def _ensure_connection_tool(state: ServerState) -> Callable[..., Awaitable[object]]:
    """The ensure_connection tool function over ``state`` (its signature is the tool's input schema)."""

    async def ensure_connection(
        ctx: Context,
        app_url: AppUrlArg = None,
        connection_id: ConnectionIdArg = None,
        name: NameArg = None,
        wait_seconds: WaitArg = 30,
    ) -> Annotated[CallToolResult, EnsureConnectionOutput] | InputRequiredResult:
        answer = url_elicitation.answer_from_retry(ctx)
        if answer is not None:
            return await _after_link_offered(state, answer.connection_id, answer.action, wait_seconds)
        connection = await _find(state, app_url, connection_id, name)
        connection = await _wait_while_building(state, ctx, connection, wait_seconds)
        offer = _link_to_offer(ctx, connection)
        if offer is None:
            return _report(state, connection)
        if url_elicitation.is_modern(ctx):
            return url_elicitation.ask_in_next_round(connection.id, *offer)
        action = await url_elicitation.offer_now(ctx, *offer)
        if action is None:
            return _report(state, connection)
        return await _after_link_offered(state, connection.id, action, wait_seconds, connection)

    return ensure_connection


def _login_tool(state: ServerState) -> Callable[..., Awaitable[object]]:
    """The login tool function over ``state``: browser login (CLI) or token status (api)."""

    async def login(ctx: Context, code: CodeArg = None) -> Annotated[CallToolResult, LoginOutput]:
        if not _browser_login(state):
            return ok(await _token_login_status(state))
        if code is None:
            started = await state.backend.login_start(agent_type(ctx, state.settings.client_name))
            return ok(
                LoginOutput(
                    logged_in=False,
                    login_url=started.url,
                    message=as_tool_steps(started.message) or "",
                    next_step="Show login_url to the user: they open it, approve access, and tell you "
                    "the code the page shows; then call login with code set to that code.",
                )
            )
        status = await state.backend.login_complete(check_login_code(code))
        step = (
            "Logged in: call ensure_connection to get the Hotmart connection."
            if status.logged_in
            else "The login did not complete: call login without a code to get a fresh link."
        )
        return ok(
            LoginOutput(
                logged_in=status.logged_in,
                login_url=None,
                message=as_tool_steps(status.message) or "",
                next_step=step,
            )
        )

    return login


def _browser_login(state: ServerState) -> bool:
    # A backend that does not say (an older fake, a schema-only server) is taken as the CLI's.
    return getattr(state.backend, "supports_browser_login", True)


async def _token_login_status(state: ServerState) -> LoginOutput:
    """The api backend has no browser login: say how it authenticates and whether Membrane accepts it."""
    status = await state.backend.login_status()
    step = (
        "Already authenticated: call ensure_connection to get the Hotmart connection."
        if status.logged_in
        else "Show the message to the user: they set the named variable(s) in the MCP server's "
        "configuration and restart it; there is no link to open."
    )
    return LoginOutput(logged_in=status.logged_in, login_url=None, message=status.message, next_step=step)


async def _find(
    state: ServerState, app_url: str | None, connection_id: str | None, name: str | None
) -> Connection:
    """``connection ensure`` for the app, or ``connection get`` for a given id; then its sign-in link."""
    if connection_id is not None:
        connection = await state.backend.get_connection(check_id(connection_id, "connection_id"))
    else:
        url = check_not_option(
            check_app_url(app_url if app_url is not None else state.settings.app_url), "app_url"
        )
        checked_name = check_phrase(name, "name", max_chars=200) if name is not None else None
        connection = await state.backend.ensure_connection(url, checked_name)
    return await _with_sign_in_link(state, connection)


async def _with_sign_in_link(state: ServerState, connection: Connection) -> Connection:
    """The connection with the link to show: the one already handed out while fresh, else a new one.

    membrane-cli-contract.md §5: a connection whose sign-in expired is reconnected, not replaced; a
    reconnect mints a new link, so it happens only when there is no fresh link to give
    (tools/sign_in_links.py).
    """
    action = connection.client_action
    if connection.state != CLIENT_ACTION_REQUIRED or action is None:
        state.sign_in_links.forget(connection.id)
        return connection
    link = state.sign_in_links.fresh(connection.id, action.ui_url)
    if link is None and action.type == "connect":
        connection = await state.backend.reconnect(connection.id)
        action = connection.client_action
        state.sign_in_links.keep(connection.id, action.ui_url if action else None)
        return connection
    if link is None or link == action.ui_url:
        return connection
    return replace(connection, client_action=replace(action, ui_url=link))


async def _wait_while_building(
    state: ServerState, ctx: Context, connection: Connection, wait_s: int
) -> Connection:
    """Long-poll ``connection get --wait`` while BUILDING, reporting progress, for at most ``wait_s``."""
    started = state.clock()
    while connection.state == BUILDING:
        remaining = wait_s - (state.clock() - started)
        if remaining < 1:
            break
        await ctx.report_progress(
            state.clock() - started, wait_s, "Membrane is building the Hotmart connection; waiting."
        )
        connection = await state.backend.get_connection(
            connection.id, wait_s=int(min(remaining, POLL_CHUNK_S))
        )
    return connection


def _link_to_offer(ctx: Context, connection: Connection) -> tuple[str, str] | None:
    """(message, url) to offer through the client, when it can show links and a sign-in is needed."""
    action = connection.client_action
    if connection.state != CLIENT_ACTION_REQUIRED or action is None or not action.ui_url:
        return None
    if not url_elicitation.client_accepts_url_links(ctx):
        return None
    message = action.description or "Sign in to Hotmart so the assistant can use it through Membrane."
    return message, action.ui_url


async def _after_link_offered(
    state: ServerState,
    connection_id: str,
    answer: ElicitationAnswer,
    wait_s: int,
    before: Connection | None = None,
) -> CallToolResult:
    """Report the connection after the user answered the offered link, re-checking if they accepted.

    The re-check long-polls briefly (never longer than the caller's wait_seconds) because Membrane
    may need a moment to see the sign-in the user just finished.
    """
    if answer == "accept":
        recheck_s = min(state.recheck_wait_s, wait_s)
        connection = await state.backend.get_connection(connection_id, wait_s=recheck_s or None)
    else:
        connection = before or await state.backend.get_connection(connection_id)
    return _report(state, connection, elicitation=answer)


def _report(
    state: ServerState, connection: Connection, elicitation: ElicitationAnswer | None = None
) -> CallToolResult:
    if connection.ready:
        state.default_connection_id = connection.id
    if connection.state != CLIENT_ACTION_REQUIRED:
        state.sign_in_links.forget(connection.id)
    return ok(connection_output(connection, elicitation))
