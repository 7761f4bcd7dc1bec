"""CliBackend + SubprocessRunner against the simulator executable, every output variant.

Each backend call spawns ``python -m hotmart_membrane_mcp.sandbox`` with a private state dir,
exactly as production spawns ``membrane``; nothing is patched. The tests play the human with
the simulator's own ``sandbox approve`` / ``sandbox login-code`` commands.

The output-variant matrix is about what the CLI prints, which is the same text in this process,
so it runs with ``InProcessRunner``; two of its variants (one per error style) also run spawned.
"""

from __future__ import annotations

import itertools
import sys

import anyio
import pytest

from hotmart_membrane_mcp.errors import (
    ActionNotFound,
    CliFailed,
    ConnectionNotReady,
    InvalidInput,
    MembraneCliMissing,
    NotLoggedIn,
    OperationTimeout,
    RateLimited,
    UpstreamError,
)
from hotmart_membrane_mcp.membrane import (
    CliBackend,
    MembraneBackend,
    ProxyRequest,
    SubprocessRunner,
    make_backend,
)
from in_process_runner import InProcessRunner

pytestmark = pytest.mark.anyio

SIMULATOR = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")
HOTMART = "https://hotmart.com/"
SALES_HISTORY = "/payments/api/v1/sales/history"
VARIANTS = list(
    itertools.product(("raw", "wrapped"), ("json-stdout", "text-stderr"), ("body", "full", "body-exit0"))
)
SPAWNED_VARIANTS = (("raw", "json-stdout", "body"), ("wrapped", "text-stderr", "full"))
VARIANT_CASES = [pytest.param(*variant, False, id="-".join(variant)) for variant in VARIANTS] + [
    pytest.param(*variant, True, id="-".join(variant) + "-spawned") for variant in SPAWNED_VARIANTS
]
ERROR_STYLES = ("json-stdout", "text-stderr")

# The production backend conforms to the Protocol the tools depend on (checked by pyright).
_CLI_BACKEND_IS_A_MEMBRANE_BACKEND: type[MembraneBackend] = CliBackend


def backend_for(
    sandbox, *, timeout_s: float = 30.0, spawned: bool = True, **switches: str
) -> MembraneBackend:
    """A production backend whose CLI is the simulator, with HOTMART_SANDBOX_* switches set.

    ``spawned=False`` runs the simulator in this process (same argv, environment and output).
    """
    env = sandbox.env(**{f"HOTMART_SANDBOX_{name.upper()}": value for name, value in switches.items()})
    if not spawned:
        return CliBackend(InProcessRunner(env), timeout_s=timeout_s)
    return CliBackend(SubprocessRunner(SIMULATOR, env=env, max_concurrency=4), timeout_s=timeout_s)


@pytest.mark.parametrize(("envelope", "errors", "request_output", "spawned"), VARIANT_CASES)
async def test_every_operation_works_in_every_output_variant(
    sandbox, envelope: str, errors: str, request_output: str, spawned: bool
) -> None:
    backend = backend_for(
        sandbox, spawned=spawned, envelope=envelope, errors=errors, request_output=request_output
    )

    assert (await backend.login_status()).logged_in is True
    connection = await backend.ensure_connection(HOTMART)
    assert connection.ready and connection.name == "Hotmart"
    assert [c.id for c in await backend.list_connections()] == [connection.id]
    assert (await backend.get_connection(connection.id)).state == "READY"

    actions = await backend.search_actions(connection.id, "list sales transactions", 3)
    assert 1 <= len(actions) <= 3 and actions[0].key == "list-sales"
    action = await backend.get_action("list-sales")
    assert action.id == actions[0].id and action.input_schema and action.output_schema

    run = await backend.run_action(action.id, connection.id, {"max_results": 2})
    assert len(run.output["items"]) == 2 and run.action_run_id

    response = await backend.request(
        connection.id, ProxyRequest(path=SALES_HISTORY, query=(("max_results", "3"),))
    )
    assert len(response.body["items"]) == 3
    assert response.status == (200 if request_output == "full" else None)


@pytest.mark.parametrize(("envelope", "errors", "request_output", "spawned"), VARIANT_CASES)
async def test_every_failure_maps_to_its_error_type_in_every_output_variant(
    sandbox, envelope: str, errors: str, request_output: str, spawned: bool
) -> None:
    backend = backend_for(
        sandbox, spawned=spawned, envelope=envelope, errors=errors, request_output=request_output
    )
    connection = await backend.ensure_connection(HOTMART)

    with pytest.raises(UpstreamError) as upstream:
        await backend.request(connection.id, ProxyRequest(path="/payments/api/v1/no-such-thing"))
    # body-exit0 reports no status: the failure is recognised by Hotmart's error body alone.
    assert upstream.value.details.get("status") == (None if request_output == "body-exit0" else 404)
    assert upstream.value.details["body"]["error"] == "not_found"

    with pytest.raises(ActionNotFound):
        await backend.get_action("no-such-action")
    with pytest.raises(ActionNotFound):
        await backend.run_action("no-such-action", connection.id, {})
    with pytest.raises(InvalidInput) as bad_input:
        await backend.run_action("list-sales", connection.id, {"max_results": "many"})
    assert "max_results" in bad_input.value.message
    with pytest.raises(InvalidInput) as unknown_connection:
        await backend.get_connection("000000000000000000000000")
    assert unknown_connection.value.details["field"] == "connection_id"
    with pytest.raises(InvalidInput):
        await backend.ensure_connection("hotmart")  # Membrane wants a dot in the hostname


@pytest.mark.parametrize("errors", ERROR_STYLES)
async def test_connect_scenario_needs_the_user_then_becomes_ready(sandbox, errors: str) -> None:
    backend = backend_for(sandbox, scenario="connect", errors=errors)
    connection = await backend.ensure_connection(HOTMART)
    assert connection.state == "CLIENT_ACTION_REQUIRED"
    action = connection.client_action
    assert action is not None and action.type == "connect"
    assert action.ui_url and action.ui_url.startswith("https://") and action.agent_instructions

    with pytest.raises(ConnectionNotReady) as not_ready:
        await backend.request(connection.id, ProxyRequest(path=SALES_HISTORY))
    if errors == "json-stdout":  # the text form carries only the message
        assert not_ready.value.details["ui_url"] == action.ui_url
        assert not_ready.value.details["state"] == "CLIENT_ACTION_REQUIRED"

    await sandbox.run("sandbox", "approve", connection.id)
    assert (await backend.get_connection(connection.id)).ready


async def test_provide_input_scenario_asks_for_input_with_instructions(sandbox) -> None:
    connection = await backend_for(sandbox, scenario="provide-input").ensure_connection(HOTMART)
    assert connection.state == "CLIENT_ACTION_REQUIRED" and connection.client_action is not None
    assert connection.client_action.type == "provide-input" and connection.client_action.agent_instructions


async def test_building_scenario_becomes_ready_while_long_polling(sandbox) -> None:
    backend = backend_for(sandbox, scenario="building", build_polls="2")
    connection = await backend.ensure_connection(HOTMART)
    assert connection.state == "BUILDING"
    with anyio.fail_after(60):
        assert (await backend.get_connection(connection.id, wait_s=10)).ready


async def test_disconnected_scenario_reconnects_with_a_fresh_link(sandbox) -> None:
    backend = backend_for(sandbox, scenario="disconnected")
    connection = await backend.ensure_connection(HOTMART)
    assert connection.state == "CLIENT_ACTION_REQUIRED" and connection.client_action is not None
    assert connection.client_action.ui_url is None
    reconnected = await backend.reconnect(connection.id)
    assert reconnected.id == connection.id and reconnected.client_action is not None
    assert (reconnected.client_action.ui_url or "").startswith("https://")
    await sandbox.run("sandbox", "approve", connection.id)
    assert (await backend.get_connection(connection.id)).ready


@pytest.mark.parametrize("scenario", ["setup-failed", "configuration-error"])
@pytest.mark.parametrize("errors", ERROR_STYLES)
async def test_failed_scenarios_report_their_error_and_refuse_calls(
    sandbox, scenario: str, errors: str
) -> None:
    backend = backend_for(sandbox, scenario=scenario, errors=errors)
    connection = await backend.ensure_connection(HOTMART)
    assert connection.state == scenario.upper().replace("-", "_") and connection.error
    with pytest.raises(ConnectionNotReady):
        await backend.request(connection.id, ProxyRequest(path=SALES_HISTORY))


@pytest.mark.parametrize("errors", ERROR_STYLES)
async def test_logged_out_scenario_needs_login_and_the_login_flow_fixes_it(sandbox, errors: str) -> None:
    backend = backend_for(sandbox, scenario="logged-out", errors=errors)
    assert (await backend.login_status()).logged_in is False
    with pytest.raises(NotLoggedIn):
        await backend.ensure_connection(HOTMART)

    started = await backend.login_start("claude")
    assert started.url and started.url.startswith("https://") and "clientName=claude" in started.url
    with pytest.raises(InvalidInput):
        await backend.login_complete("WRONG-CODE")
    code = (await sandbox.run("sandbox", "login-code")).strip()
    assert (await backend.login_complete(code)).logged_in is True

    assert (await backend.login_status()).logged_in is True
    assert (await backend.ensure_connection(HOTMART)).ready


@pytest.mark.parametrize(
    ("errors", "request_output"),
    [*itertools.product(ERROR_STYLES, ("body",)), ("json-stdout", "full"), ("json-stdout", "body-exit0")],
)
async def test_rate_limited_scenario_is_rate_limited_with_retry_after_when_known(
    sandbox, errors: str, request_output: str
) -> None:
    connection = await backend_for(sandbox).ensure_connection(HOTMART)
    backend = backend_for(
        sandbox, scenario="rate-limited", rate_limit_every="1", errors=errors, request_output=request_output
    )
    with pytest.raises(RateLimited) as caught:
        await backend.request(connection.id, ProxyRequest(path=SALES_HISTORY))
    if errors == "json-stdout" and request_output != "body-exit0":  # text and bare bodies carry no headers
        assert caught.value.details["retry_after_s"] == 1
    with pytest.raises(RateLimited):
        await backend.run_action("list-sales", connection.id, {})


async def test_flaky_scenario_failures_are_cli_failed(sandbox) -> None:
    backend = backend_for(sandbox, scenario="flaky")
    outcomes = []
    for _ in range(3):
        try:
            await backend.list_connections()
            outcomes.append("ok")
        except CliFailed as exc:
            outcomes.append(exc.details["exit_code"])
    assert outcomes.count(1) == 1 and outcomes.count("ok") == 2


@pytest.mark.needs_proc
async def test_a_slow_cli_times_out_and_leaves_no_simulator_running(sandbox) -> None:
    backend = backend_for(sandbox, scenario="slow", delay_s="60", timeout_s=3)
    with anyio.fail_after(60), pytest.raises(OperationTimeout):
        await backend.list_connections()
    assert sandbox.live_processes() == []


async def test_a_missing_cli_is_membrane_cli_missing(sandbox, tmp_path) -> None:
    backend = make_backend([str(tmp_path / "membrane")], env=sandbox.env(), timeout_s=10, max_concurrency=1)
    with pytest.raises(MembraneCliMissing):
        await backend.login_status()


async def test_values_starting_with_dashes_reach_the_simulator_as_plain_values(sandbox) -> None:
    backend = backend_for(sandbox)
    connection = await backend.ensure_connection(HOTMART, "--help")
    assert connection.name == "--help"
    actions = await backend.search_actions(connection.id, "--json list sales", 2)
    assert actions and actions[0].key == "list-sales"
    response = await backend.request(
        connection.id,
        ProxyRequest(path=SALES_HISTORY, query=(("max_results", "1"),), body={"note": "-X --help"}),
    )
    assert len(response.body["items"]) == 1
    # An option-like query value never reaches `membrane request`: the ProxyRequest refuses it when made.
    with pytest.raises(InvalidInput):
        await backend.request(connection.id, ProxyRequest(path=SALES_HISTORY, query=(("transaction", "-X"),)))
