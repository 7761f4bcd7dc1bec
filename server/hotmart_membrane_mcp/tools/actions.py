"""The tools that find and run Membrane actions on the Hotmart connection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import Field

from ..errors import HotmartMcpError, InvalidInput
from ..hotmart import club
from ..hotmart.action_reads import run_warnings, search_notes
from ..hotmart.readable_dates import with_iso_dates
from ..hotmart.write_checks import WriteChecks, checks_for_action
from ..membrane import request_guards
from ..membrane.models import Action, ActionRun
from ..membrane.validate import check_id
from ..safety.classify import WriteInfo, classify_action
from ..safety.confirm import check_confirm_token
from ..safety.gate import refuse_in_deny_mode
from ..safety.resolved import ResolvedWrite
from .arguments import ConfirmTokenArg, ConnectionIdArg
from .guards import check_optional_id, check_phrase
from .input_check import check_input_against_schema
from .input_summary import input_summary
from .models import ActionSummary, RunActionOutput, SearchActionsOutput
from .resolution import resolve_connection_id
from .results import ok
from .state import ServerState
from .write_gate import hold_write, summary_reader, write_tool_annotations, writes_policy

RUN_TOOL = "run_action"
SEARCH_DESCRIPTION = (
    "Find Membrane actions for a Hotmart task, best first, with inputs (name*:type, * required) and warnings."
)
RUN_DESCRIPTION = (
    "Run a Membrane action (id from search_actions). Actions that change data are writes. Read `warnings`. "
)

IntentArg = Annotated[str | None, Field(description="e.g. 'list sales of last month'.", max_length=200)]
LimitArg = Annotated[int, Field(description="Most actions.", ge=1, le=50)]
IncludeSchemaArg = Annotated[bool, Field(description="Add full JSON Schemas.")]
SchemaOfArg = Annotated[str | None, Field(description="Only this action, with full schemas.", max_length=128)]
ActionIdArg = Annotated[
    str, Field(description="From search_actions, e.g. 'list-sales'.", min_length=1, max_length=128)
]
ActionInputArg = Annotated[
    dict[str, Any],
    Field(default_factory=dict, description='e.g. {"max_results": 10}; at most 128,000 bytes.'),
]


@dataclass(frozen=True)
class ActionCall:
    """One run_action call, checked and resolved up to the point of sending."""

    action: Action
    input: dict[str, Any]  # as it will be sent: the club subdomain filled in
    info: WriteInfo
    connection: str
    confirm_token: str | None
    subdomain: tuple[str, bool] | None  # (subdomain, taken from the default), when the action takes one
    checks: WriteChecks  # the Hotmart rules a write falls under (none for a read)


def register(server: MCPServer, state: ServerState) -> None:
    """Add search_actions and run_action to ``server``."""

    async def search_actions(
        intent: IntentArg = None,
        limit: LimitArg = 10,
        include_schema: IncludeSchemaArg = False,
        action_id: SchemaOfArg = None,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, SearchActionsOutput]:
        if action_id is not None:
            action = await _action(state, check_id(action_id, "action_id"))
            return ok(SearchActionsOutput(actions=[_summary(action, full=True)], cached=False))
        return await search(state, intent, limit, include_schema, connection_id)

    async def run_action(
        ctx: Context,
        action_id: ActionIdArg,
        input: ActionInputArg,
        connection_id: ConnectionIdArg = None,
        confirm_token: ConfirmTokenArg = None,
    ) -> Annotated[CallToolResult, RunActionOutput] | InputRequiredResult:
        call = await prepare_run(state, action_id, input, connection_id, confirm_token)
        # An action may change what cached pages say (even one not known as a write): forget them.
        state.page_cache.clear()
        if call.info.is_write:
            return await run_write(ctx, state, call)
        return await run_read(state, call)

    server.add_tool(
        search_actions,
        name="search_actions",
        title="Search Hotmart actions",
        description=SEARCH_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
    )
    mode = state.settings.writes
    server.add_tool(
        run_action,
        name=RUN_TOOL,
        title="Run a Hotmart action",
        description=RUN_DESCRIPTION + writes_policy(mode, RUN_TOOL),
        annotations=write_tool_annotations(mode),
    )


async def search(
    state: ServerState, intent: str | None, limit: int, include_schema: bool, connection_id: str | None
) -> CallToolResult:
    """The actions Membrane finds for ``intent``, best first (cached per connection, intent and limit)."""
    if intent is None:
        raise InvalidInput("Give intent (the task in plain words) or action_id.", field="intent")
    intent = check_phrase(intent, "intent", max_chars=200)
    connection = await resolve_connection_id(state, connection_id)
    key = (connection, intent, limit)
    actions = state.search_cache.get(key)
    cached = actions is not None
    if actions is None:
        actions = await state.backend.search_actions(connection, intent, limit)
        state.search_cache.put(key, actions)
        state.remember_actions(actions)
    summaries = [_summary(action, full=include_schema) for action in actions]
    return ok(SearchActionsOutput(connection_id=connection, actions=summaries, cached=cached))


async def prepare_run(
    state: ServerState,
    action_id: str,
    input: dict[str, Any],
    connection_id: str | None,
    confirm_token: str | None,
) -> ActionCall:
    """Every argument checked, the action found and classified, the input completed and checked.

    A write is refused on a read-only server, and one Hotmart would refuse (a coupon with
    ``discount: 20``) is refused, before the input schema is checked or a connection looked up.

    Raises:
        InvalidInput: a malformed argument, an input the action's schema refuses, or a write
            Hotmart would refuse.
        WritesDisabled: a write in deny mode.
    """
    action_id = check_id(action_id, "action_id")
    input = request_guards.check_input_size(input)
    explicit_connection = check_optional_id(connection_id, "connection_id")
    token = check_confirm_token(confirm_token)
    action = await _action(state, action_id)
    info = classify_action(action, input)
    checks = WriteChecks()
    if info.is_write:
        refuse_in_deny_mode(state.settings.writes, info)
        # The subdomain filled in below is never a coupon or refund field, so checks hold for it too.
        checks = checks_for_action(action.key, action.name, input)
        checks.check()  # Hotmart's rule, worded better than a schema bound
    input, subdomain = _with_club_subdomain(action, input, state.settings.club_subdomain)
    check_input_against_schema(action.input_schema, input)
    connection = await resolve_connection_id(state, explicit_connection)
    return ActionCall(action, input, info, connection, token, subdomain, checks)


async def run_write(
    ctx: Context, state: ServerState, call: ActionCall
) -> CallToolResult | InputRequiredResult:
    """Hold the write for the user (hold_write); send it, exactly as resolved, once they agree.

    The summary carries what the Hotmart checks found (a refunded sale's amount, looked up in
    confirm mode; a refund of a sale with nothing left to refund is refused here).
    """
    facts = await call.checks.facts(summary_reader(state, call.connection))
    write = ResolvedWrite(
        tool=RUN_TOOL,
        connection_id=call.connection,
        info=call.info,
        action=call.action,
        input=call.input,
        facts=facts,
    )
    shown_id = call.action.key or call.action.id
    held = await hold_write(
        ctx,
        state,
        write,
        confirm_token=call.confirm_token,
        held=lambda **fields: RunActionOutput(action_id=shown_id, **fields),
    )
    if held is not None:
        return held
    # Sent from the resolved write: the action and input the human approved.
    assert write.action is not None and write.input is not None
    run = await state.backend.run_action(write.action.id, write.connection_id, write.input)
    return _run_result(state, call, run, [])


async def run_read(state: ServerState, call: ActionCall) -> CallToolResult:
    """Run a reading action; a failure of a members-area action says which subdomain it used."""
    try:
        run = await state.backend.run_action(call.action.id, call.connection, call.input)
    except HotmartMcpError as exc:
        if call.subdomain is None:
            raise
        raise club.explain(exc, call.subdomain[0], from_default=call.subdomain[1]) from None
    return _run_result(state, call, run, run_warnings(call.action, call.input))


def _run_result(state: ServerState, call: ActionCall, run: ActionRun, warnings: list[str]) -> CallToolResult:
    if call.subdomain is not None and call.subdomain[1]:
        warnings = [f"subdomain={call.subdomain[0]} (HOTMART_MCP_CLUB_SUBDOMAIN).", *warnings]
    return ok(
        RunActionOutput(
            status="ok",
            action_id=call.action.key or call.action.id,
            action_run_id=run.action_run_id,
            # Readable *_iso dates in the server's zone next to Hotmart's epoch ms.
            output=with_iso_dates(run.output, state.settings.timezone.info),
            warnings=warnings or None,
        )
    )


async def _action(state: ServerState, action_id: str) -> Action:
    """The action by id or key, from the cache search_actions filled or from Membrane."""
    action = state.action_cache.get(action_id)
    if action is None:
        action = await state.backend.get_action(action_id)
        state.remember_actions([action])
    return action


def _with_club_subdomain(
    action: Action, input: dict[str, Any], default: str | None
) -> tuple[dict[str, Any], tuple[str, bool] | None]:
    """The input with the configured members-area subdomain when the action takes one and none is given.

    Returns the input and (subdomain, taken from the default), or None when the action takes none.
    """
    properties = (action.input_schema or {}).get("properties")
    if not isinstance(properties, dict) or club.PARAM not in properties:
        return input, None
    given = input.get(club.PARAM)
    if isinstance(given, str) and given.strip():
        return input, (given, False)
    if default is None:
        raise club.missing(f"input.{club.PARAM}")
    return {**input, club.PARAM: default}, (default, True)


def _summary(action: Action, *, full: bool) -> ActionSummary:
    """One search result: a one-line input summary, or with ``full`` the JSON Schemas themselves."""
    reads = not classify_action(action, {}).is_write
    return ActionSummary(
        # run_action takes the key too, and a key says what the action does; catalogue actions have none.
        id=action.key or action.id,
        name=action.name,
        description=action.description,
        type=action.type if full else None,
        inputs=None if full else input_summary(action.input_schema),
        input_schema=action.input_schema if full else None,
        output_schema=action.output_schema if full else None,
        warnings=(search_notes(action) or None) if reads else None,
    )
