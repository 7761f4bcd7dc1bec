"""CliBackend over a FakeRunner: the argv it builds, what it refuses, how it reads answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakes import FakeRunner, failed_json, failed_text, ok_json
from hotmart_membrane_mcp.errors import (
    ActionNotFound,
    CliFailed,
    ConnectionNotReady,
    InvalidInput,
    MembraneCliMissing,
    NotLoggedIn,
    OperationTimeout,
    UpstreamError,
)
from hotmart_membrane_mcp.membrane import CliBackend, MembraneBackend, ProxyRequest
from hotmart_membrane_mcp.membrane.cli import ALLOWED_SUBCOMMANDS
from hotmart_membrane_mcp.membrane.runner import CliResult

pytestmark = pytest.mark.anyio

CONNECTION = {"id": "6650f0c1a2b3c4d5e6f70819", "name": "Hotmart", "state": "READY"}
ACTION = {"id": "act_1", "key": "list-sales", "name": "List sales", "inputSchema": {"type": "object"}}
HOSTILE = ["-", "--help", "-X", "--json", "a\r\nb", "a\nb", "a\x00b", "", " x", "a b", "../x"]


def backend_with(runner: FakeRunner, timeout_s: float = 20.0) -> CliBackend:
    return CliBackend(runner, timeout_s=timeout_s)


def test_cli_backend_satisfies_the_backend_protocol() -> None:
    backend: MembraneBackend = backend_with(FakeRunner())
    assert isinstance(backend, CliBackend)


# --- argv building -----------------------------------------------------------------------


async def test_ensure_connection_puts_name_as_flag_url_positional_and_json_last() -> None:
    runner = FakeRunner().script(["connection", "ensure"], ok_json(CONNECTION))
    connection = await backend_with(runner).ensure_connection("https://hotmart.com/", "My Hotmart")
    assert runner.last_args == ("connection", "ensure", "--name=My Hotmart", "https://hotmart.com/", "--json")
    assert connection.ready and connection.id == CONNECTION["id"]


async def test_ensure_connection_without_name_sends_no_name_flag() -> None:
    runner = FakeRunner().script(["connection", "ensure"], ok_json(CONNECTION))
    await backend_with(runner).ensure_connection("hotmart.com")
    assert runner.last_args == ("connection", "ensure", "hotmart.com", "--json")


async def test_get_connection_without_wait_uses_the_plain_timeout() -> None:
    runner = FakeRunner().script(["connection", "get"], ok_json(CONNECTION))
    await backend_with(runner, timeout_s=20).get_connection("con_1")
    assert runner.calls[-1].args == ("connection", "get", "con_1", "--json")
    assert runner.calls[-1].timeout_s == 20


async def test_get_connection_with_wait_long_polls_and_extends_the_runner_timeout() -> None:
    runner = FakeRunner().script(["connection", "get"], ok_json(CONNECTION))
    await backend_with(runner, timeout_s=20).get_connection("con_1", wait_s=30)
    assert runner.calls[-1].args == ("connection", "get", "con_1", "--wait", "--timeout=30", "--json")
    assert runner.calls[-1].timeout_s > 30


async def test_a_wait_beyond_the_api_limit_is_capped_at_sixty_seconds() -> None:
    runner = FakeRunner().script(["connection", "get"], ok_json(CONNECTION))
    await backend_with(runner).get_connection("con_1", wait_s=600)
    assert "--timeout=60" in runner.last_args


async def test_reconnect_runs_connect_with_the_connection_id_flag() -> None:
    runner = FakeRunner().script(["connect"], ok_json(CONNECTION))
    await backend_with(runner).reconnect("con_1")
    assert runner.last_args == ("connect", "--connectionId=con_1", "--non-interactive", "--json")


async def test_list_connections_reads_items() -> None:
    runner = FakeRunner().script(["connection", "list"], ok_json({"items": [CONNECTION]}))
    connections = await backend_with(runner).list_connections()
    assert runner.last_args == ("connection", "list", "--json")
    assert [c.id for c in connections] == [CONNECTION["id"]]


async def test_search_actions_sends_every_value_as_flag_equals_value() -> None:
    runner = FakeRunner().script(["action", "list"], ok_json({"items": [ACTION]}))
    actions = await backend_with(runner).search_actions("con_1", "--help me list sales", 5)
    assert runner.last_args == (
        "action",
        "list",
        "--connectionId=con_1",
        "--intent=--help me list sales",
        "--limit=5",
        "--json",
    )
    assert actions[0].key == "list-sales"


async def test_get_action_puts_the_validated_id_positional() -> None:
    runner = FakeRunner().script(["action", "get"], ok_json(ACTION))
    action = await backend_with(runner).get_action("list-sales")
    assert runner.last_args == ("action", "get", "list-sales", "--json")
    assert action.input_schema == {"type": "object"}


async def test_run_action_sends_input_as_one_json_flag() -> None:
    runner = FakeRunner().script(["action", "run"], ok_json({"output": {"items": []}, "actionRunId": "r1"}))
    tricky = {"note": "line\nbreak --json \x00", "n": 1}
    run = await backend_with(runner).run_action("act_1", "con_1", tricky)
    args = runner.last_args
    assert args[:4] == ("action", "run", "act_1", "--connectionId=con_1")
    assert args[4].startswith("--input=") and json.loads(args[4].removeprefix("--input=")) == tricky
    assert "\n" not in args[4] and "\x00" not in args[4]
    assert args[-1] == "--json"
    assert (run.output, run.action_run_id) == ({"items": []}, "r1")


async def test_request_builds_long_form_flags_and_no_output_json_flag() -> None:
    runner = FakeRunner().script(["request"], ok_json({"items": []}))
    request = ProxyRequest(
        path="/payments/api/v1/sales/{kind}",
        method="post",
        query=(("max_results", "10"), ("status", "APPROVED"), ("status", "COMPLETE")),
        headers=(("Accept", "application/json"),),
        body={"a": "--b"},
        path_params=(("kind", "history"),),
    )
    response = await backend_with(runner).request("con_1", request)
    assert runner.last_args == (
        "request",
        "con_1",
        "/payments/api/v1/sales/{kind}",
        "--method=POST",
        "--header=Accept: application/json",
        "--query=max_results=10",
        "--query=status=APPROVED",
        "--query=status=COMPLETE",
        "--pathParam=kind=history",
        '--json={"a":"--b"}',
    )
    assert response.body == {"items": []} and response.status is None


async def test_request_without_body_sends_no_json_flag() -> None:
    runner = FakeRunner().script(["request"], ok_json({"items": []}))
    response = await backend_with(runner).request("con_1", ProxyRequest(path="/club/api/v1/users"))
    assert runner.last_args == ("request", "con_1", "/club/api/v1/users", "--method=GET")
    assert response.body == {"items": []}


async def test_a_request_body_that_looks_like_a_membrane_error_is_still_the_body() -> None:
    lookalike = {"type": "bad_request", "message": "this is Hotmart's body"}
    runner = FakeRunner().script(["request"], ok_json(lookalike))
    response = await backend_with(runner).request("con_1", ProxyRequest(path="/x"))
    assert response.body == lookalike


async def test_login_start_uses_tenant_client_name_and_non_interactive() -> None:
    text = "Open this URL to log in: https://console.getmembrane.com/cli-login?requestId=1\n"
    runner = FakeRunner().script(["login"], CliResult(0, text, ""))
    started = await backend_with(runner).login_start("claude")
    assert runner.last_args == ("login", "--tenant", "--clientName=claude", "--non-interactive")
    assert started.url == "https://console.getmembrane.com/cli-login?requestId=1"


async def test_login_complete_passes_the_code_and_reports_logged_in() -> None:
    runner = FakeRunner().script(["login", "complete"], CliResult(0, "Logged in to workspace W.", ""))
    status = await backend_with(runner).login_complete("ABCD-2345")
    assert runner.last_args == ("login", "complete", "ABCD-2345")
    assert status.logged_in is True


async def test_a_refused_login_code_is_invalid_input_without_the_code() -> None:
    runner = FakeRunner().script(["login", "complete"], failed_text("Error: Invalid login code ABCD-2345"))
    with pytest.raises(InvalidInput) as caught:
        await backend_with(runner).login_complete("ABCD-2345")
    assert "ABCD-2345" not in json.dumps(caught.value.payload())


async def test_login_status_reads_status_json() -> None:
    runner = FakeRunner().script(["status"], ok_json({"loggedIn": True, "workspace": {"name": "W"}}))
    status = await backend_with(runner).login_status()
    assert runner.last_args == ("status", "--json") and status.logged_in


@pytest.mark.parametrize(
    "result",
    [
        failed_json({"type": "bad_request", "key": "not_authenticated", "message": "Not authenticated."}),
        failed_text("Not logged in. Run `membrane login --tenant` to log in."),
        CliResult(0, "Not logged in. Run `membrane login --tenant` to log in.", ""),
    ],
    ids=["json-error", "text-error", "text-exit-0"],
)
async def test_login_status_answers_logged_out_instead_of_raising(result: CliResult) -> None:
    status = await backend_with(FakeRunner().script(["status"], result)).login_status()
    assert status.logged_in is False


async def test_login_status_still_raises_on_other_failures() -> None:
    runner = FakeRunner().script(
        ["status"], failed_json({"type": "internal", "message": "Internal server error"})
    )
    with pytest.raises(CliFailed):
        await backend_with(runner).login_status()


# --- hostile values: refused before anything runs ----------------------------------------


def every_positional_slot(value: str) -> list[tuple[str, Any]]:
    return [
        ("connection_id/get", lambda b: b.get_connection(value)),
        ("connection_id/reconnect", lambda b: b.reconnect(value)),
        ("connection_id/search", lambda b: b.search_actions(value, "sales", 10)),
        ("action_id/get", lambda b: b.get_action(value)),
        ("action_id/run", lambda b: b.run_action(value, "con_1", {})),
        ("connection_id/run", lambda b: b.run_action("act_1", value, {})),
        ("connection_id/request", lambda b: b.request(value, ProxyRequest(path="/x"))),
        ("path/request", lambda b: b.request("con_1", ProxyRequest(path=value))),
        ("app_url/ensure", lambda b: b.ensure_connection(value)),
        ("code/login", lambda b: b.login_complete(value)),
        ("client_name/login", lambda b: b.login_start(value)),
    ]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
async def test_a_hostile_value_in_any_positional_slot_is_refused_and_nothing_runs(value: str) -> None:
    for slot, call in every_positional_slot(value):
        runner = FakeRunner()
        with pytest.raises(InvalidInput):
            await call(backend_with(runner))
        assert runner.calls == [], slot


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.ensure_connection("https://hotmart.com/", "a\r\nb"),
        lambda b: b.ensure_connection("https://hotmart.com/", "a\x00b"),
        lambda b: b.search_actions("con_1", "sales\n--json", 10),
        lambda b: b.search_actions("con_1", "", 10),
        lambda b: b.search_actions("con_1", "x" * 201, 10),
        lambda b: b.search_actions("con_1", "sales", 0),
        lambda b: b.search_actions("con_1", "sales", True),
        lambda b: b.run_action("act_1", "con_1", ["not", "an", "object"]),
        lambda b: b.run_action("act_1", "con_1", {"x": float("nan")}),
        lambda b: b.get_connection("con_1", wait_s=-1),
        lambda b: b.request("con_1", ProxyRequest(path="/x", method="TRACE")),
        lambda b: b.request("con_1", ProxyRequest(path="https://evil.example/x")),
        lambda b: b.request("con_1", ProxyRequest(path="//evil.example/x")),
        lambda b: b.request("con_1", ProxyRequest(path="/x?y=1")),
        lambda b: b.request("con_1", ProxyRequest(path="/a/../b")),
        lambda b: b.request("con_1", ProxyRequest(path="/a/%2e%2E/b")),
        lambda b: b.request("con_1", ProxyRequest(path="/%2fevil.example/x")),
        lambda b: b.request("con_1", ProxyRequest(path="/a/%2e%2e%5cb")),
        lambda b: b.request("con_1", ProxyRequest(path="/x", headers=(("X-A", "v\r\nInjected: 1"),))),
        lambda b: b.request("con_1", ProxyRequest(path="/x", headers=(("Bad Name", "v"),))),
        lambda b: b.request("con_1", ProxyRequest(path="/x", query=(("a=b", "c"),))),
        lambda b: b.request("con_1", ProxyRequest(path="/x", query=(("a", "c\nd"),))),
        lambda b: b.request("con_1", ProxyRequest(path="/x", path_params=(("", "c"),))),
        lambda b: b.request("con_1", ProxyRequest(path="/x", body={1, 2})),
        lambda b: b.ensure_connection("ftp://hotmart.com"),
        lambda b: b.ensure_connection("x" * 2001),
    ],
)
async def test_a_bad_flag_value_is_refused_and_nothing_runs(call: Any) -> None:
    runner = FakeRunner()
    with pytest.raises(InvalidInput):
        await call(backend_with(runner))
    assert runner.calls == []


async def test_a_value_starting_with_dash_is_harmless_in_a_flag_slot() -> None:
    runner = FakeRunner().script(["connection", "ensure"], ok_json(CONNECTION))
    await backend_with(runner).ensure_connection("hotmart.com", "--help")
    assert "--name=--help" in runner.last_args and "--help" not in runner.last_args


def test_only_allow_listed_subcommands_can_be_built() -> None:
    with pytest.raises(ValueError):
        CliBackend._argv(("logout",), [], json_output=True)
    assert ("logout",) not in ALLOWED_SUBCOMMANDS


# --- answers and failures ----------------------------------------------------------------


async def test_a_wrapped_answer_is_unwrapped() -> None:
    runner = FakeRunner().script(["connection", "get"], ok_json({"data": CONNECTION}))
    assert (await backend_with(runner).get_connection("con_1")).id == CONNECTION["id"]


async def test_polling_sees_each_scripted_state_in_turn() -> None:
    building = {**CONNECTION, "state": "BUILDING"}
    runner = FakeRunner().script(["connection", "get"], ok_json(building), ok_json(CONNECTION))
    backend = backend_with(runner)
    assert (await backend.get_connection("con_1", wait_s=5)).state == "BUILDING"
    assert (await backend.get_connection("con_1", wait_s=5)).state == "READY"


async def test_logged_out_is_not_logged_in() -> None:
    body = {"type": "bad_request", "key": "not_authenticated", "message": "Not authenticated."}
    runner = FakeRunner().script(["action", "list"], failed_json(body))
    with pytest.raises(NotLoggedIn):
        await backend_with(runner).search_actions("con_1", "sales", 10)


async def test_an_unknown_action_is_action_not_found() -> None:
    body = {"type": "bad_request", "key": "not_found", "message": "Action with id 'act_9' not found"}
    runner = FakeRunner().script(["action", "run"], failed_json(body))
    with pytest.raises(ActionNotFound):
        await backend_with(runner).run_action("act_9", "con_1", {})


async def test_a_failed_request_is_upstream_error() -> None:
    runner = FakeRunner().script(
        ["request"], failed_text('Error: Request failed with status code 404: {"x":1}')
    )
    with pytest.raises(UpstreamError) as caught:
        await backend_with(runner).request("con_1", ProxyRequest(path="/x"))
    assert caught.value.details == {"status": 404, "body": {"x": 1}}


async def test_a_request_on_a_connection_that_needs_the_user_is_connection_not_ready() -> None:
    body = {
        "type": "connection",
        "message": "Connection con_1 is not ready",
        "data": {
            "state": "CLIENT_ACTION_REQUIRED",
            "clientAction": {"type": "connect", "uiUrl": "https://u.example/x"},
        },
    }
    runner = FakeRunner().script(["request"], failed_json(body))
    with pytest.raises(ConnectionNotReady) as caught:
        await backend_with(runner).request("con_1", ProxyRequest(path="/x"))
    assert caught.value.details["ui_url"] == "https://u.example/x"


async def test_text_where_json_was_expected_is_cli_failed() -> None:
    runner = FakeRunner().script(["connection", "list"], CliResult(0, "2 connections\n", ""))
    with pytest.raises(CliFailed):
        await backend_with(runner).list_connections()


@pytest.mark.parametrize(
    "raised",
    [MembraneCliMissing("membrane not found"), OperationTimeout("too slow")],
    ids=["missing", "timeout"],
)
async def test_runner_errors_pass_through_unchanged(raised: Exception) -> None:
    runner = FakeRunner().script(["connection", "list"], raised)
    with pytest.raises(type(raised)):
        await backend_with(runner).list_connections()
