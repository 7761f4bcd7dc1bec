"""The tools that find and run Membrane actions on the Hotmart connection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import Field

from ..errors import HotmartMcpError, InvalidInput
from ..hotmart import club
from ..hotmart.action_reads import run_warnings, search_notes
from ..hotmart.readable_dates import with_iso_dates
from ..hotmart.write_checks import action_creates_coupon, check_coupon
from ..membrane import request_guards
from ..membrane.models import Action
from ..membrane.validate import check_id
from ..safety.classify import WriteInfo, classify_action
from ..safety.confirm import check_confirm_token
from ..safety.gate import refuse_in_deny_mode
from ..safety.resolved import ResolvedWrite
from .arguments import ConfirmTokenArg, ConnectionIdArg
from .guards import check_optional_id, check_phrase
from .input_check import check_action_input as check_input_schema
from .input_summary import input_summary
from .models import ActionSummary, RunActionOutput, SearchActionsOutput
from .resolution import resolve_connection_id
from .results import ok
from .state import ServerState
from .write_gate import hold_write, write_facts, write_tool_annotations, writes_policy

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

    async def run_action(
        ctx: Context,
        action_id: ActionIdArg,
        input: ActionInputArg,
        connection_id: ConnectionIdArg = None,
        confirm_token: ConfirmTokenArg = None,
    ) -> Annotated[CallToolResult, RunActionOutput] | InputRequiredResult:
        action_id = check_id(action_id, "action_id")
        input = request_guards.check_action_input(input)
        explicit_connection = check_optional_id(connection_id, "connection_id")
        token = check_confirm_token(confirm_token)
        action = await _action(state, action_id)
        info = classify_action(action, input)
        if info.is_write:
            refuse_in_deny_mode(state.settings.writes, info)
            if action_creates_coupon(action.key, action.name):
                check_coupon(input, "input")  # Hotmart's rule, worded better than a schema bound
        input, subdomain = _with_club_subdomain(action, input, state.settings.club_subdomain)
        check_input_schema(action.input_schema, input)
        connection = await resolve_connection_id(state, explicit_connection)
        # An action may change what cached pages say (even one not known as a write): forget them.
        state.page_cache.clear()
        if info.is_write:
            write = await resolve_write(state, action, input, info, connection)
            held = await hold_write(
                ctx,
                state,
                write,
                confirm_token=token,
                held=lambda **fields: RunActionOutput(action_id=action.key or action.id, **fields),
            )
            if held is not None:
                return held
            # Sent from the resolved write: the action and input the human approved.
            assert write.action is not None and write.input is not None
            run = await state.backend.run_action(write.action.id, write.connection_id, write.input)
        else:
            try:
                run = await state.backend.run_action(action.id, connection, input)
            except HotmartMcpError as exc:
                if subdomain is None:
                    raise
                raise club.explain(exc, subdomain[0], from_default=subdomain[1]) from None
        warnings = [] if info.is_write else run_warnings(action, input)
        if subdomain is not None and subdomain[1]:
            warnings.insert(0, f"subdomain={subdomain[0]} (HOTMART_MCP_CLUB_SUBDOMAIN).")
        return ok(
            RunActionOutput(
                status="ok",
                action_id=action.key or action.id,
                action_run_id=run.action_run_id,
                # Readable *_iso dates in the server's zone next to Hotmart's epoch ms.
                output=with_iso_dates(run.output, state.settings.timezone.info),
                warnings=warnings or None,
            )
        )

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


async def _action(state: ServerState, action_id: str) -> Action:
    """The action by id or key, from the cache search_actions filled or from Membrane."""
    action = state.action_cache.get(action_id)
    if action is None:
        action = await state.backend.get_action(action_id)
        state.remember_actions([action])
    return action


async def resolve_write(
    state: ServerState, action: Action, input: dict[str, Any], info: WriteInfo, connection: str
) -> ResolvedWrite:
    """The action run as it will be sent, checked against what Hotmart would refuse.

    A coupon-creating action's input is checked like the coupon endpoint's body; a refunding
    action's sale is looked up (confirm mode) for its summary, or refused when it has nothing
    left to refund (hotmart.write_checks).

    Raises:
        InvalidInput: a coupon Hotmart would refuse, or a refund of a refunded, cancelled or
            charged-back sale.
    """
    refunded, refund_field = _refunded_transaction(action, input)
    coupon = input if action_creates_coupon(action.key, action.name) else None
    facts = await write_facts(
        state, connection, refunded=refunded, refund_field=refund_field, coupon=coupon, coupon_field="input"
    )
    return ResolvedWrite(
        tool=RUN_TOOL, connection_id=connection, info=info, action=action, input=input, facts=facts
    )


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


def _refunded_transaction(action: Action, input: Mapping[str, Any]) -> tuple[str | None, str]:
    """The transaction code (and its input field) when the action refunds a sale, else None."""
    words = re.split(r"[^a-z0-9]+", f"{action.key or ''} {action.name or ''}".lower())
    if not any(word.startswith("refund") for word in words):
        return None, "input"
    for name in ("transaction", "transaction_code"):
        if isinstance(input.get(name), str):
            return input[name], f"input.{name}"
    return None, "input"


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
