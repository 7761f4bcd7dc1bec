"""The tools that find and run Membrane actions on the Hotmart connection."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ..errors import HotmartMcpError
from ..membrane.models import Action
from ..membrane.validate import check_id
from .guards import check_phrase
from .input_check import check_action_input
from .models import ActionSummary, RunActionOutput, SearchActionsOutput
from .resolution import resolve_connection_id
from .results import failure, ok
from .state import ServerState

SEARCH_DESCRIPTION = (
    "Find Membrane actions for a task on Hotmart, described in plain words; call it before run_action to "
    "get an action id and the JSON Schema of its input. Results are ranked by relevance and cached for "
    "5 minutes."
)
RUN_DESCRIPTION = (
    "Run one Membrane action on the Hotmart connection with the given input; use an id from "
    "search_actions. The input is checked against the action's input schema first, and an error names "
    "the failing field. Actions can change data in Hotmart (refunds, cancellations, coupons): run those "
    "only when the user asked for it."
)

IntentArg = Annotated[
    str,
    Field(
        description="What you want to do, in plain words, e.g. 'list sales of the last month' or "
        "'cancel a subscription'.",
        min_length=1,
        max_length=200,
    ),
]
LimitArg = Annotated[int, Field(description="Maximum number of actions to return (1-50).", ge=1, le=50)]
IncludeOutputSchemaArg = Annotated[
    bool, Field(description="Also return each action's output JSON Schema (longer answer).")
]
ConnectionIdArg = Annotated[
    str | None,
    Field(
        description="Membrane connection id to use, e.g. '65f0c2a1b3d4e5f601234567'. Omit to use the "
        "connection ensure_connection reported READY.",
        max_length=128,
    ),
]
ActionIdArg = Annotated[
    str,
    Field(
        description="Id (or key) of the action, from search_actions, e.g. '65f0c2a1b3d4e5f6a1b2c3d4' or "
        "'list-sales'.",
        min_length=1,
        max_length=128,
    ),
]
ActionInputArg = Annotated[
    dict[str, Any],
    Field(
        default_factory=dict,
        description="The action's input, a JSON object matching the input_schema search_actions returned, "
        'e.g. {"max_results": 10}. Dates and amounts use the formats that schema describes.',
    ),
]


def register(server: MCPServer, state: ServerState) -> None:
    """Add search_actions and run_action to ``server``."""

    async def search_actions(
        intent: IntentArg,
        limit: LimitArg = 10,
        include_output_schema: IncludeOutputSchemaArg = False,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, SearchActionsOutput]:
        try:
            intent = check_phrase(intent, "intent", max_chars=200)
            connection = await resolve_connection_id(state, connection_id)
            key = (connection, intent, limit)
            actions = state.search_cache.get(key)
            cached = actions is not None
            if actions is None:
                actions = await state.backend.search_actions(connection, intent, limit)
                state.search_cache.put(key, actions)
                state.remember_actions(actions)
            summaries = [_summary(action, include_output_schema) for action in actions]
            return ok(
                SearchActionsOutput(connection_id=connection, intent=intent, actions=summaries, cached=cached)
            )
        except HotmartMcpError as exc:
            return failure(exc)

    async def run_action(
        action_id: ActionIdArg,
        input: ActionInputArg,
        connection_id: ConnectionIdArg = None,
    ) -> Annotated[CallToolResult, RunActionOutput]:
        try:
            action_id = check_id(action_id, "action_id")
            connection = await resolve_connection_id(state, connection_id)
            action = state.action_cache.get(action_id)
            if action is None:
                action = await state.backend.get_action(action_id)
                state.remember_actions([action])
            check_action_input(action.input_schema, input)
            run = await state.backend.run_action(action.id, connection, input)
            return ok(
                RunActionOutput(
                    status="ok", action_id=action.id, action_run_id=run.action_run_id, output=run.output
                )
            )
        except HotmartMcpError as exc:
            return failure(exc)

    server.add_tool(
        search_actions,
        name="search_actions",
        title="Search Hotmart actions",
        description=SEARCH_DESCRIPTION,
        annotations=ToolAnnotations(
            read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
    )
    server.add_tool(
        run_action,
        name="run_action",
        title="Run a Hotmart action",
        description=RUN_DESCRIPTION,
        # Issue #4 refines these per write mode; until then an action may write, so say so.
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
        ),
    )


def _summary(action: Action, include_output_schema: bool) -> ActionSummary:
    return ActionSummary(
        id=action.id,
        key=action.key,
        name=action.name,
        description=action.description,
        type=action.type,
        input_schema=action.input_schema,
        output_schema=action.output_schema if include_output_schema else None,
    )
