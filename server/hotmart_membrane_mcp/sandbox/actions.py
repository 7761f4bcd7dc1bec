"""``action list|get|run`` and ``act --id|--key``: find an action and run it on a connection."""

from __future__ import annotations

import re
from typing import Any

from .action_catalog import ACTIONS, ActionDef, HotmartCall
from .errors import MembraneError, bad_request, not_found
from .ids import object_id, stable_id
from .membrane import HOTMART
from .schema_check import SchemaViolation, validate

# Fixed, so the same action has the same timestamps in every state dir.
_CATALOGUE_DATE = "2026-01-15T00:00:00.000Z"
_STOPWORDS = frozenset(
    "a all an and any are by do for from get give i in is it me my of on show the to what with".split()
)


def action_object(action: ActionDef, connection_id: str | None) -> dict[str, Any]:
    """The Action object as the API lists it (FACT: SDK ActionApiResponse, membrane-cli-contract.md §7)."""
    item: dict[str, Any] = {
        "id": stable_id(f"action:{action.key}"),
        "key": action.key,
        "name": action.name,
        "description": action.description,
        "type": action.type,
        "state": "READY",
        "integrationId": HOTMART.integration()["id"],
        "integrationKey": HOTMART.key,
        "isUniversal": False,
        "inputSchema": action.input_schema,
        "outputSchema": action.output_schema,
        "createdAt": _CATALOGUE_DATE,
        "updatedAt": _CATALOGUE_DATE,
    }
    if connection_id is not None:
        item["connectionId"] = connection_id
    return item


def find_action(selector: str) -> ActionDef:
    """The action with this id or key, else Membrane's not_found error."""
    for action in ACTIONS:
        if selector in (action.key, stable_id(f"action:{action.key}")):
            return action
    raise not_found(f"Action with selector '{selector}' not found")


def search_actions(
    intent: str | None, *, limit: int, cursor: int, connection_id: str | None, integration_key: str
) -> dict[str, Any]:
    """``{items, cursor?}``: actions ranked by how many intent words they share.

    FACT (membrane-cli-contract.md §7): results are ranked by semantic match with the intent, and without a
    connection the intent is ignored. Here relevance is word overlap (name and key count triple the
    description), ties keep catalogue order, and actions sharing no word are left out.
    """
    if integration_key != HOTMART.key:
        return {"items": []}
    ranked = list(ACTIONS)
    if intent and connection_id is not None:
        wanted = _words(intent)
        scored = [(_score(action, wanted), position, action) for position, action in enumerate(ACTIONS)]
        ranked = [
            action for score, _, action in sorted(scored, key=lambda row: (-row[0], row[1])) if score > 0
        ]
    page: dict[str, Any] = {
        "items": [action_object(action, connection_id) for action in ranked[cursor : cursor + limit]]
    }
    if cursor + limit < len(ranked):
        page["cursor"] = str(cursor + limit)
    return page


def run_action(action: ActionDef, raw_input: Any, call: HotmartCall) -> dict[str, Any]:
    """Validate the input, run the action, return ``{output, actionRunId}`` (FACT, membrane-cli-contract.md
    §8).

    Raises:
        MembraneError: ``bad_request`` naming the field for bad input; the Hotmart failure otherwise.
    """
    values = {} if raw_input is None else raw_input
    try:
        validate(values, action.input_schema)
    except SchemaViolation as violation:
        raise bad_request(
            f"Invalid input: {violation}", data={"field": violation.path, "problem": violation.problem}
        ) from None
    known = action.input_schema.get("properties", {})
    output = action.run(call, {name: value for name, value in values.items() if name in known})
    return {"output": output, "actionRunId": object_id()}


def action_failure(
    status: int, headers: dict[str, str], body: Any, *, run_id: str | None = None
) -> MembraneError:
    """A Hotmart error inside an action run.

    The external app's rate limit is the ``connection``/``rate_limit_exceeded`` error of
    membrane-cli-contract.md §13; anything else is an ``action_run`` error carrying the status and Hotmart's
    body (INFERRED).
    """
    data: dict[str, Any] = {"status": status, "headers": headers, "response": body}
    if run_id is not None:
        data["actionRunId"] = run_id
    if status == 429:
        return MembraneError(
            "connection", "Hotmart rate limit exceeded", key="rate_limit_exceeded", data=data
        )
    described = body.get("error_description") if isinstance(body, dict) else None
    message = f"Hotmart answered {status}" + (f": {described}" if described else "")
    return MembraneError("action_run", message, data=data)


def list_text(page: dict[str, Any]) -> str:
    if not page["items"]:
        return "No actions found."
    return "\n".join(f"{item['id']}  {item['key']:<24} {item['name']}" for item in page["items"])


def action_text(item: dict[str, Any]) -> str:
    return f"{item['name']} ({item['key']}, {item['type']})\nid: {item['id']}\n{item['description']}"


def _words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in _STOPWORDS:
            continue
        # Plural and singular count the same: "sales"/"sale", "coupons"/"coupon".
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return words


def _score(action: ActionDef, wanted: set[str]) -> int:
    title = _words(f"{action.name} {action.key}")
    description = _words(action.description)
    return sum(3 if word in title else 1 if word in description else 0 for word in wanted)
