"""One contract, two backends: every tool x the main scenarios x the write modes, through the SDK Client.

Each row runs the same tool calls twice, once with the CLI backend spawning the simulator and once
with the api backend over the simulator's HTTP face (same core, same seed, separate state dirs),
and asserts the two give the same typed results: the same JSON, with only ids, links and
confirm tokens masked. Where the backends differ on purpose the row says so and asserts both
sides: the api backend reports the real ``http_status`` (the CLI's ``request`` output has none),
retries idempotent calls on 429/503 (the CLI reports them), and names its own failures
``membrane_failed`` / its token variables instead of ``cli_failed`` / the ``login`` tool.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from safety_harness import Rig, accept, refund_path
from sandbox_harness import Sandbox
from tool_calls import payload

pytestmark = pytest.mark.anyio

BACKENDS = ("cli", "api")
NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000
SALES = "/payments/api/v1/sales/history"
_ID = re.compile(r"\b[0-9a-f]{24}\b")

Steps = Callable[[Client, Rig], Awaitable[list[dict[str, Any]]]]


def result(call: CallToolResult) -> dict[str, Any]:
    """A tool result as comparable JSON: is_error kept, ids and tokens masked.

    Continuation tokens carry a fingerprint of the connection id, which differs per simulator.
    """
    data = payload(call)
    for key in ("confirm_token", "next_page_token"):
        if data.get(key) is not None:
            data[key] = "<token>"
    return {"is_error": call.is_error, **json.loads(_ID.sub("<id>", json.dumps(data)))}


async def run_both(
    tmp_path: Path,
    scenario: str | None,
    steps: Steps,
    switches: dict[str, str] | None = None,
    **settings: Any,
) -> dict[str, list[Any]]:
    """The same steps against each backend, each on its own fresh simulator (with these switches)."""
    elicit = settings.pop("_elicit", None)
    outcomes: dict[str, list[Any]] = {}
    for kind in BACKENDS:
        sandbox = Sandbox(dir=tmp_path / kind)
        rig = Rig(sandbox)  # fixes the simulator's seed and "now"; its data finds records to write to
        sandbox.variables.update(switches or {})
        server = sandbox.server(scenario=scenario, backend=kind, **settings)
        async with Client(server, elicitation_callback=elicit) as client:
            outcomes[kind] = await steps(client, rig)
    return outcomes


async def calls(client: Client, *steps: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [result(await client.call_tool(name, arguments)) for name, arguments in steps]


def without(outcome: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in outcome.items() if key not in keys}


async def read_tools(client: Client, rig: Rig) -> list[dict[str, Any]]:
    return await calls(
        client,
        ("ensure_connection", {}),
        ("search_actions", {"intent": "list sales", "limit": 3}),
        ("run_action", {"action_id": "list-sales", "input": {"max_results": 2}}),
        ("proxy_request", {"path": SALES, "query": {"max_results": 3}}),
        ("proxy_request", {"path": SALES, "query": {"max_results": 50}, "all_pages": True, "max_pages": 3}),
        ("sales_summary", {"start_date": NOW_MS - 30 * DAY_MS, "end_date": NOW_MS}),
        ("run_action", {"action_id": "no-such-action", "input": {}}),
        ("search_actions", {"intent": "list sales", "connection_id": "no-such-connection"}),
        ("proxy_request", {"path": "/payments/api/v1/sales/HP0000000000/refund-status"}),
    )


async def test_every_read_tool_gives_the_same_results_on_both_backends(tmp_path: Path) -> None:
    outcomes = await run_both(tmp_path, None, read_tools)

    cli, api = outcomes["cli"], outcomes["api"]
    # The CLI's `request` prints only the body, so its http_status is null; the api backend's is real.
    assert [o.get("http_status") for o in cli[3:5]] == [None, None]
    assert [o.get("http_status") for o in api[3:5]] == [200, 200]
    assert [without(o, "http_status") for o in cli] == [without(o, "http_status") for o in api]
    assert cli[0]["state"] == "READY"
    assert cli[2]["status"] == "ok"
    assert len(cli[3]["body"]["items"]) == 3
    assert cli[5]["complete"] is True and cli[5]["count"] > 0
    assert [o.get("error_type") for o in cli[6:]] == ["action_not_found", "invalid_input", "upstream_error"]
    assert cli[8]["status"] == 404


@pytest.mark.parametrize(
    ("scenario", "state", "action"),
    [
        ("ready", "READY", None),
        ("building", "READY", None),
        ("connect", "CLIENT_ACTION_REQUIRED", "connect"),
        ("provide-input", "CLIENT_ACTION_REQUIRED", "provide-input"),
        ("disconnected", "CLIENT_ACTION_REQUIRED", "connect"),
        ("setup-failed", "SETUP_FAILED", None),
        ("configuration-error", "CONFIGURATION_ERROR", None),
        ("slow", "READY", None),
    ],
)
async def test_ensure_connection_and_a_search_give_the_same_results_in_every_scenario(
    tmp_path: Path, scenario: str, state: str, action: str | None
) -> None:
    async def steps(client: Client, rig: Rig) -> list[dict[str, Any]]:
        return await calls(
            client,
            ("ensure_connection", {"wait_seconds": 10}),
            ("search_actions", {"intent": "refund a sale", "limit": 2}),
        )

    outcomes = await run_both(tmp_path, scenario, steps, {"HOTMART_SANDBOX_DELAY_S": "0.05"})

    assert outcomes["cli"] == outcomes["api"]
    connection, search = outcomes["cli"]
    assert connection["state"] == state
    assert (connection["client_action"] or {}).get("type") == action
    if state == "READY":
        assert search["actions"]
    else:
        assert search["error_type"] == "connection_not_ready"


async def test_logged_out_is_not_logged_in_on_both_backends_each_naming_its_own_fix(tmp_path: Path) -> None:
    async def steps(client: Client, rig: Rig) -> list[dict[str, Any]]:
        return await calls(client, ("ensure_connection", {}), ("search_actions", {"intent": "sales"}))

    outcomes = await run_both(tmp_path, "logged-out", steps)

    for kind in BACKENDS:
        assert [o["error_type"] for o in outcomes[kind]] == ["not_logged_in", "not_logged_in"]
    assert "login" in outcomes["cli"][0]["next_step"]
    assert "MEMBRANE_TOKEN" in outcomes["api"][0]["next_step"]


async def test_rate_limits_are_reported_by_the_cli_and_retried_by_the_api_backend(tmp_path: Path) -> None:
    async def steps(client: Client, rig: Rig) -> list[dict[str, Any]]:
        query = {"path": SALES, "query": {"max_results": 1}}
        return await calls(
            client, ("ensure_connection", {}), ("proxy_request", query), ("proxy_request", query)
        )

    outcomes = await run_both(tmp_path, "rate-limited", steps, {"HOTMART_SANDBOX_RATE_LIMIT_EVERY": "2"})

    assert outcomes["cli"][2]["error_type"] == "rate_limited"
    assert outcomes["cli"][2]["retry_after_s"] == 1.0
    assert outcomes["api"][2]["status"] == "ok"
    assert outcomes["api"][2]["http_status"] == 200


async def test_a_flaky_membrane_fails_the_same_call_on_both_backends_under_each_name(tmp_path: Path) -> None:
    async def steps(client: Client, rig: Rig) -> list[dict[str, Any]]:
        # Tenant calls 1 (ensure) and 2 (search) pass, 3 (the run) fails: action runs are never retried.
        return await calls(
            client,
            ("ensure_connection", {}),
            ("search_actions", {"intent": "list sales", "limit": 1}),
            ("run_action", {"action_id": "list-sales", "input": {"max_results": 1}}),
        )

    outcomes = await run_both(tmp_path, "flaky", steps)

    assert outcomes["cli"][:2] == outcomes["api"][:2]
    assert outcomes["cli"][2]["error_type"] == "cli_failed"
    assert outcomes["api"][2]["error_type"] == "membrane_failed"
    assert outcomes["api"][2]["status"] == 500


def refund_steps(tool: str) -> Steps:
    async def steps(client: Client, rig: Rig) -> list[dict[str, Any]]:
        transaction = rig.refundable_sale()["purchase"]["transaction"]
        if tool == "proxy_request":
            arguments: dict[str, Any] = {"path": refund_path(transaction), "method": "PUT"}
        else:
            arguments = {"action_id": "refund-sale", "input": {"transaction": transaction}}
        first = await client.call_tool(tool, arguments)
        outcomes = [result(first)]
        token = payload(first).get("confirm_token")
        if token is not None:
            outcomes.append(result(await client.call_tool(tool, {**arguments, "confirm_token": token})))
        outcomes.append({"sale_status": rig.sale_status(transaction)})
        return outcomes

    return steps


@pytest.mark.parametrize("tool", ["proxy_request", "run_action"])
@pytest.mark.parametrize(
    ("writes", "statuses", "final"),
    [
        ("deny", ["writes_disabled"], "APPROVED"),
        ("confirm", ["confirmation_required", "ok"], "REFUNDED"),
        ("allow", ["ok"], "REFUNDED"),
    ],
)
async def test_a_refund_behaves_the_same_on_both_backends_in_every_write_mode(
    tmp_path: Path, tool: str, writes: str, statuses: list[str], final: str
) -> None:
    outcomes = await run_both(tmp_path, None, refund_steps(tool), writes=writes)

    cli, api = outcomes["cli"], outcomes["api"]
    assert [without(o, "http_status") for o in cli] == [without(o, "http_status") for o in api]
    assert [o.get("status", o.get("error_type")) for o in cli[:-1]] == statuses
    assert cli[-1] == {"sale_status": final}
    if tool == "proxy_request" and final == "REFUNDED":
        assert api[-2]["http_status"] in (200, 204)


async def test_a_refund_confirmed_by_elicitation_is_done_once_on_both_backends(tmp_path: Path) -> None:
    outcomes = await run_both(tmp_path, None, refund_steps("proxy_request"), _elicit=accept().callback)

    for kind in BACKENDS:
        assert outcomes[kind][0]["status"] == "ok"
        assert outcomes[kind][-1] == {"sale_status": "REFUNDED"}


async def test_tools_list_is_the_same_on_both_backends_but_logins_description(tmp_path: Path) -> None:
    listed: dict[str, dict[str, Any]] = {}
    for kind in BACKENDS:
        async with Client(Sandbox(dir=tmp_path / kind).server(backend=kind)) as client:
            listed[kind] = {tool.name: tool.model_dump() for tool in (await client.list_tools()).tools}
    cli_login, api_login = listed["cli"].pop("login"), listed["api"].pop("login")

    assert listed["cli"] == listed["api"]
    assert without(cli_login, "description") == without(api_login, "description")
    assert "token" in api_login["description"] and "browser" in api_login["description"]
