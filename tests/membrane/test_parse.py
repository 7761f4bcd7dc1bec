"""Tolerant parsing of Membrane CLI output (membrane-cli-contract.md §10) and the error mapping."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from hotmart_membrane_mcp.errors import (
    ActionNotFound,
    CliFailed,
    ConnectionNotReady,
    HotmartMcpError,
    InvalidInput,
    NotLoggedIn,
    RateLimited,
    UpstreamError,
)
from hotmart_membrane_mcp.membrane import parse
from hotmart_membrane_mcp.membrane.failure import raise_for_failure, retry_after_seconds
from hotmart_membrane_mcp.membrane.output import find_error_body
from hotmart_membrane_mcp.membrane.runner import CliResult

READY = {
    "id": "6650f0c1a2b3c4d5e6f70819",
    "name": "Hotmart",
    "userId": "usr_1",
    "state": "READY",
    "connected": True,
    "integration": {"id": "int_1", "key": "hotmart", "name": "Hotmart"},
    "createdAt": "2026-05-01T12:00:00.000Z",
    "updatedAt": "2026-05-01T12:03:00.000Z",
}
NEEDS_USER = {
    "id": "con_123",
    "name": "Hotmart",
    "state": "CLIENT_ACTION_REQUIRED",
    "connected": False,
    "clientAction": {
        "type": "connect",
        "description": "Authenticate with Hotmart to finish setting up the connection.",
        "uiUrl": "https://ui.getmembrane.com/screens/connections?connectionRequestId=abc",
        "agentInstructions": "Give the user the link.",
    },
}
ACTION = {
    "id": "act_1",
    "key": "list-sales",
    "name": "List sales",
    "description": "Sales history",
    "type": "list-data-records",
    "inputSchema": {"type": "object", "properties": {"max_results": {"type": "number"}}},
    "outputSchema": {"type": "object"},
}


def out(value: object, exit_code: int = 0) -> CliResult:
    return CliResult(exit_code, json.dumps(value, indent=2), "")


def failure(
    result: CliResult, command: str = "connection get", secrets: tuple[str, ...] = ()
) -> HotmartMcpError:
    with pytest.raises(HotmartMcpError) as caught:
        raise_for_failure(result, command=command, secrets=secrets)
    json.dumps(caught.value.payload())  # every error must render as the agent's JSON text
    return caught.value


# --- JSON and envelopes -------------------------------------------------------------------


def test_pretty_printed_json_is_read() -> None:
    assert parse.load_json(json.dumps(READY, indent=2)) == READY


def test_a_warning_line_before_the_json_is_skipped() -> None:
    text = "DEPRECATED: use `membrane workspace pull`\n" + json.dumps(READY, indent=2)
    assert parse.load_json(text) == READY


def test_text_and_empty_output_are_not_json() -> None:
    assert parse.load_json("Logged in as tenant x") is parse.NOT_JSON
    assert parse.load_json("  \n") is parse.NOT_JSON


def test_a_data_envelope_is_removed() -> None:
    assert parse.unwrap_envelope({"data": READY}) == READY
    assert parse.unwrap_envelope({"data": [1, 2], "meta": {"page": 1}}) == [1, 2]


def test_an_object_with_data_and_real_fields_is_kept_whole() -> None:
    error = {"type": "connection", "message": "Request failed", "data": {"status": 404}}
    assert parse.unwrap_envelope(error) == error
    page = {"data": [1], "items": [2]}
    assert parse.unwrap_envelope(page) == page


def test_json_payload_of_text_output_is_a_cli_failure() -> None:
    with pytest.raises(CliFailed) as caught:
        parse.json_payload(CliResult(0, "Connection created", ""), command="connection ensure")
    assert "connection ensure" in caught.value.message


# --- connections -------------------------------------------------------------------------


@pytest.mark.parametrize("printed", [READY, {"data": READY}], ids=["raw", "wrapped"])
def test_a_ready_connection_is_parsed_from_either_envelope(printed: object) -> None:
    connection = parse.parse_connection(parse.json_payload(out(printed), command="connection get"))
    assert (connection.id, connection.name, connection.state, connection.ready) == (
        READY["id"],
        "Hotmart",
        "READY",
        True,
    )
    assert connection.client_action is None and connection.error is None
    assert connection.raw == READY


def test_a_connection_needing_the_user_carries_its_client_action() -> None:
    connection = parse.parse_connection(NEEDS_USER)
    assert connection.state == "CLIENT_ACTION_REQUIRED"
    action = connection.client_action
    assert action is not None
    assert action.type == "connect"
    assert action.ui_url == NEEDS_USER["clientAction"]["uiUrl"]
    assert action.agent_instructions == "Give the user the link."
    assert (action.description or "").startswith("Authenticate")


def test_a_failed_connection_joins_its_error_messages_once() -> None:
    error = {"type": "configuration", "message": "Connector could not be built"}
    connection = parse.parse_connection(
        {
            "id": "c1",
            "name": "Hotmart",
            "state": "SETUP_FAILED",
            "error": error,
            "errors": [error, "Timed out"],
        }
    )
    assert connection.error == "Connector could not be built; Timed out"


def test_a_connection_without_state_gets_one_from_its_other_fields() -> None:
    assert parse.parse_connection({"id": "c1", "connected": True}).state == "READY"
    assert (
        parse.parse_connection({"id": "c1", "clientAction": {"type": "connect"}}).state
        == "CLIENT_ACTION_REQUIRED"
    )
    assert parse.parse_connection({"id": "c1"}).state == "UNKNOWN"


def test_a_connection_without_name_takes_the_integration_name() -> None:
    assert (
        parse.parse_connection({"id": "c1", "state": "READY", "integration": {"name": "Hotmart"}}).name
        == "Hotmart"
    )


@pytest.mark.parametrize("printed", [[1, 2], {"name": "x"}, "text"])
def test_something_that_is_not_a_connection_is_a_cli_failure(printed: object) -> None:
    with pytest.raises(CliFailed):
        parse.parse_connection(printed)


@pytest.mark.parametrize(
    "printed", [{"items": [READY, NEEDS_USER]}, [READY, NEEDS_USER]], ids=["items", "bare"]
)
def test_connection_lists_come_as_items_or_a_bare_array(printed: object) -> None:
    assert [c.id for c in parse.parse_connections(printed)] == [READY["id"], "con_123"]


def test_connection_list_items_without_id_are_skipped_and_a_non_list_fails() -> None:
    assert parse.parse_connections({"items": [{"name": "x"}, READY]})[0].id == READY["id"]
    with pytest.raises(CliFailed):
        parse.parse_connections({"cursor": "x"})


# --- actions -----------------------------------------------------------------------------


def test_an_action_keeps_its_schemas() -> None:
    action = parse.parse_action(ACTION)
    assert (action.id, action.key, action.name, action.type) == (
        "act_1",
        "list-sales",
        "List sales",
        "list-data-records",
    )
    assert action.input_schema == ACTION["inputSchema"]
    assert action.output_schema == {"type": "object"}


@pytest.mark.parametrize(
    "printed", [{"items": [ACTION], "cursor": "eyJ9"}, [ACTION], {"data": {"items": [ACTION]}}], ids=str
)
def test_action_lists_come_as_items_a_bare_array_or_wrapped(printed: object) -> None:
    actions = parse.parse_actions(parse.unwrap_envelope(printed))
    assert [a.key for a in actions] == ["list-sales"]


def test_an_action_known_only_by_key_uses_the_key_as_id() -> None:
    action = parse.parse_action({"key": "list-sales", "name": "List sales"})
    assert action.id == "list-sales" and action.input_schema is None


# --- action runs -------------------------------------------------------------------------


def test_a_run_result_has_output_and_run_id() -> None:
    run = parse.parse_action_run({"output": {"items": []}, "actionRunId": "run_1"})
    assert run.output == {"items": []} and run.action_run_id == "run_1"


def test_a_run_result_without_run_id_is_fine() -> None:
    assert parse.parse_action_run({"output": [1]}).action_run_id is None


def test_a_doubly_nested_run_result_is_unwrapped_when_unambiguous() -> None:
    run = parse.parse_action_run({"output": {"output": {"total": 3}, "actionRunId": "run_2"}})
    assert run.output == {"total": 3} and run.action_run_id == "run_2"


def test_an_output_that_merely_contains_output_is_left_alone() -> None:
    nested = {"output": {"output": "x", "actionRunId": "r"}, "actionRunId": "outer"}
    assert parse.parse_action_run(nested).output == {"output": "x", "actionRunId": "r"}
    assert parse.parse_action_run({"output": {"output": 1, "other": 2}}).output == {"output": 1, "other": 2}


def test_a_bare_result_is_taken_as_the_output() -> None:
    run = parse.parse_action_run({"items": [1]})
    assert run.output == {"items": [1]} and run.action_run_id is None


# --- request output ----------------------------------------------------------------------


def test_request_body_mode_gives_the_body_with_unknown_status() -> None:
    response = parse.parse_request_output(out({"items": [], "page_info": {}}))
    assert (response.status, response.headers, response.body) == (None, None, {"items": [], "page_info": {}})


def test_a_write_with_empty_output_has_no_body() -> None:
    assert parse.parse_request_output(CliResult(0, "\n", ""), method="PUT").body is None


def test_a_write_text_body_is_kept_as_text() -> None:
    assert parse.parse_request_output(CliResult(0, "plain text\n", ""), method="POST").body == "plain text"


@pytest.mark.parametrize(
    ("printed", "kind"),
    [
        ("\n", "nothing"),
        ("<!DOCTYPE html><html><body>Redirecting to /docs/</body></html>", "an HTML page"),
        ("plain text\n", "plain text"),
        ('{"items": [{"purchase": ', "incomplete JSON"),
    ],
)
def test_a_read_without_a_json_body_is_an_upstream_error_quoting_it(printed: str, kind: str) -> None:
    with pytest.raises(UpstreamError) as caught:
        parse.parse_request_output(CliResult(0, printed, ""), method="GET", path="/club/api/v1/users")
    error = caught.value
    assert error.details["answer"] == kind
    assert "GET /club/api/v1/users" in error.message and "not an empty result" in error.message
    assert "hotmart://api/catalogue" in error.next_step
    if printed.strip():
        assert error.details["excerpt"] == " ".join(printed.split())[:200]


def test_a_hotmart_body_inside_data_is_not_unwrapped() -> None:
    assert parse.parse_request_output(out({"data": [1]})).body == {"data": [1]}


@pytest.mark.parametrize("wrap", [False, True], ids=["raw", "wrapped"])
def test_request_full_mode_gives_status_headers_and_body(wrap: bool) -> None:
    full = {"status": 200, "headers": {"content-type": "application/json"}, "body": {"items": []}}
    response = parse.parse_request_output(out({"data": full} if wrap else full))
    assert (response.status, response.headers, response.body) == (200, full["headers"], {"items": []})


def test_request_full_mode_with_an_error_status_raises_upstream_error() -> None:
    body = {"error": "not_found", "error_description": "Sale not found"}
    with pytest.raises(UpstreamError) as caught:
        parse.parse_request_output(out({"status": 404, "headers": {}, "body": body}))
    assert caught.value.details["status"] == 404
    assert caught.value.details["body"] == body
    assert "Sale not found" in caught.value.message


def test_request_full_mode_429_is_rate_limited_with_retry_after() -> None:
    with pytest.raises(RateLimited) as caught:
        parse.parse_request_output(out({"status": 429, "headers": {"Retry-After": "7"}, "body": None}))
    assert caught.value.details["retry_after_s"] == 7


# --- login and status --------------------------------------------------------------------


def test_login_start_json_gives_url_and_message() -> None:
    started = parse.parse_login_start(
        out({"url": "https://console.getmembrane.com/cli-login?r=1", "message": "Open it"})
    )
    assert started.url == "https://console.getmembrane.com/cli-login?r=1" and started.message == "Open it"


def test_login_start_text_gives_the_url_and_hides_any_code() -> None:
    text = (
        "Open this URL to log in: https://console.getmembrane.com/cli-login?requestId=42.\n"
        "Then run `membrane login complete ABCD-EFGH`."
    )
    started = parse.parse_login_start(CliResult(0, text, ""))
    assert started.url == "https://console.getmembrane.com/cli-login?requestId=42"
    assert "ABCD-EFGH" not in started.message and "login complete [redacted]" in started.message


def test_login_start_keeps_the_code_placeholder() -> None:
    started = parse.parse_login_start(CliResult(0, "Run `membrane login complete <code>`", ""))
    assert "<code>" in started.message and started.url is None


@pytest.mark.parametrize(
    ("printed", "logged_in"),
    [
        (json.dumps({"loggedIn": True, "workspace": {"name": "W"}, "tenant": {"key": "t"}}), True),
        (json.dumps({"data": {"loggedIn": False}}), False),
        ("Logged in to workspace W (w), tenant t\nAPI: https://api.getmembrane.com", True),
        ("Not logged in. Run `membrane login --tenant` to log in.", False),
    ],
)
def test_status_is_read_from_json_or_text(printed: str, logged_in: bool) -> None:
    status = parse.parse_login_status(CliResult(0, printed, ""))
    assert status.logged_in is logged_in and status.message


def test_login_complete_without_json_means_logged_in() -> None:
    status = parse.parse_login_complete(CliResult(0, "Logged in to workspace W.", ""))
    assert status.logged_in is True


# --- failures ----------------------------------------------------------------------------

NOT_AUTHENTICATED = {"type": "bad_request", "key": "not_authenticated", "message": "Not authenticated."}


@pytest.mark.parametrize(
    "result",
    [
        out(NOT_AUTHENTICATED, 1),
        out({"data": NOT_AUTHENTICATED}, 1),
        CliResult(1, "", json.dumps(NOT_AUTHENTICATED)),
        out({"error": "not_authenticated", "message": "Please log in"}, 1),
        CliResult(1, "", "Error: Not authenticated. Run `membrane login --tenant` to log in."),
        CliResult(3, "", "You are not logged in"),
    ],
    ids=["json", "wrapped", "json-on-stderr", "error-message-shape", "text", "other-exit-code"],
)
def test_every_not_authenticated_form_is_not_logged_in(result: CliResult) -> None:
    assert isinstance(failure(result, "action list"), NotLoggedIn)


def test_an_unknown_action_is_action_not_found() -> None:
    body = {"type": "bad_request", "key": "not_found", "message": "Action with id 'nope' not found"}
    assert isinstance(failure(out(body, 1), "action run"), ActionNotFound)
    assert isinstance(
        failure(CliResult(1, "", "Error: Action with id 'nope' not found"), "action get"), ActionNotFound
    )


def test_an_unknown_connection_is_invalid_input_naming_connection_id() -> None:
    body = {"type": "bad_request", "key": "not_found", "message": "Connection with id 'c9' not found"}
    for command in ("action run", "connection get", "request"):
        error = failure(out(body, 1), command)
        assert isinstance(error, InvalidInput) and error.details["field"] == "connection_id", command


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "12"}, 12), ({"RateLimit-Reset": "30"}, 30), ({}, None)],
)
def test_a_rate_limit_error_carries_retry_after_from_headers(
    headers: dict[str, str], expected: float | None
) -> None:
    body = {
        "type": "connection",
        "key": "rate_limit_exceeded",
        "message": "Request failed with status code 429",
        "data": {"status": 429, "headers": headers, "response": {"error": "too_many_requests"}},
    }
    error = failure(out(body, 1), "request")
    assert isinstance(error, RateLimited)
    assert error.details.get("retry_after_s") == expected


def test_a_429_in_text_is_rate_limited() -> None:
    error = failure(CliResult(1, "", "Error: Request failed with status code 429: {}"), "request")
    assert isinstance(error, RateLimited) and "retry_after_s" not in error.details


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds({"retry-after": "Fri, 01 May 2026 12:00:09 GMT"}, now=now) == 9


def test_a_failed_request_is_upstream_error_with_status_and_body() -> None:
    body = {
        "type": "connection",
        "key": "request_failed",
        "message": "Request failed with status code 404",
        "data": {"status": 404, "headers": {}, "response": {"message": "Subscription not found"}},
    }
    error = failure(out(body, 1), "request")
    assert isinstance(error, UpstreamError)
    assert error.details["status"] == 404 and error.details["body"] == {"message": "Subscription not found"}
    assert "404" in error.message and "Subscription not found" in error.message


def test_a_failed_request_in_text_form_is_upstream_error_with_parsed_body() -> None:
    text = 'Error: Request failed with status code 403: {"error":"forbidden","error_description":"No access"}'
    error = failure(CliResult(1, "", text), "request")
    assert isinstance(error, UpstreamError)
    assert error.details["status"] == 403
    assert error.details["body"] == {"error": "forbidden", "error_description": "No access"}


def test_a_hotmart_error_inside_an_action_run_is_upstream_error() -> None:
    body = {"type": "action_run", "message": "Hotmart refused", "data": {"status": 400, "response": {"x": 1}}}
    error = failure(out(body, 1), "action run")
    assert isinstance(error, UpstreamError) and error.details["status"] == 400


def test_a_huge_upstream_body_is_shortened() -> None:
    body = {"type": "connection", "message": "failed", "data": {"status": 500, "response": "x" * 50_000}}
    error = failure(out(body, 1), "request")
    assert isinstance(error, UpstreamError) and len(error.details["body"]) <= 2000


def test_a_validation_error_is_invalid_input() -> None:
    body = {
        "type": "bad_request",
        "message": 'Must be a valid URL or domain (e.g. "https://slack.com" or "slack.com")',
    }
    error = failure(out(body, 1), "connection ensure")
    assert isinstance(error, InvalidInput) and "valid URL" in error.message


def test_a_connection_that_is_not_ready_carries_link_and_instructions() -> None:
    body = {
        "type": "connection",
        "message": "Connection con_123 is not ready: the user must act first",
        "data": {
            "connectionId": "con_123",
            "state": "CLIENT_ACTION_REQUIRED",
            "clientAction": NEEDS_USER["clientAction"],
        },
    }
    error = failure(out(body, 1), "request")
    assert isinstance(error, ConnectionNotReady)
    assert error.details["ui_url"] == NEEDS_USER["clientAction"]["uiUrl"]
    assert error.details["agent_instructions"] == "Give the user the link."
    assert error.details["state"] == "CLIENT_ACTION_REQUIRED" and error.details["connection_id"] == "con_123"


def test_a_failed_connection_error_carries_its_error_text() -> None:
    body = {
        "type": "connection",
        "message": "Connection c1 is not ready",
        "data": {"state": "SETUP_FAILED", "error": {"type": "configuration", "message": "Connector broke"}},
    }
    error = failure(out(body, 1), "action run")
    assert isinstance(error, ConnectionNotReady) and error.details["error"] == "Connector broke"


@pytest.mark.parametrize(
    "result",
    [
        CliResult(1, "", "Error: Connection c1 is not ready: it is still being built"),
        out({"type": "connection", "key": "access_token_expired", "message": "Token expired"}, 1),
        out({"code": "CONNECTION_DISCONNECTED", "message": "The connection is disconnected"}, 1),
        out({"id": "c1", "state": "SETUP_FAILED", "error": "broken"}, 1),
    ],
    ids=["text", "expired-key", "code-field", "connection-object"],
)
def test_other_not_ready_forms_are_connection_not_ready(result: CliResult) -> None:
    assert isinstance(failure(result, "request"), ConnectionNotReady)


def test_an_internal_error_is_cli_failed_with_exit_code() -> None:
    error = failure(out({"type": "internal", "message": "Internal server error"}, 1), "action list")
    assert isinstance(error, CliFailed)
    assert error.details["exit_code"] == 1 and "Internal server error" in error.message
    assert "action list" in error.message


def test_a_silent_non_zero_exit_is_cli_failed() -> None:
    error = failure(CliResult(137, "", ""), "connection list")
    assert isinstance(error, CliFailed) and error.details["exit_code"] == 137


def test_cli_failed_keeps_only_the_tail_of_a_long_stderr() -> None:
    error = failure(CliResult(1, "", "noise\n" * 5000 + "the real reason"), "connection list")
    assert isinstance(error, CliFailed)
    assert len(error.details["stderr"]) <= 1000 and error.details["stderr"].endswith("the real reason")


def test_an_error_body_on_exit_zero_is_still_a_failure() -> None:
    assert isinstance(failure(out(NOT_AUTHENTICATED, 0), "connection list"), NotLoggedIn)


def test_a_payload_with_a_message_on_exit_zero_is_not_an_error() -> None:
    raise_for_failure(
        out({"type": "list-data-records", "message": "hello", "output": 1}), command="action run"
    )
    raise_for_failure(out(READY), command="connection get")


def test_a_refused_login_code_is_invalid_input_on_code() -> None:
    text = "Error: Invalid login code. Check the code shown in the browser and try again."
    error = failure(CliResult(1, "", text), "login complete")
    assert isinstance(error, InvalidInput) and error.details["field"] == "code"


def test_secrets_never_reach_the_error_text() -> None:
    result = CliResult(1, "", "Error: internal failure while exchanging WXYZ-1234 (login complete WXYZ-1234)")
    error = failure(result, "status", secrets=("WXYZ-1234",))
    assert "WXYZ-1234" not in json.dumps(error.payload())


def test_a_login_code_in_cli_text_is_hidden_even_when_not_named_as_secret() -> None:
    error = failure(CliResult(1, "", "Error: boom; retry with membrane login complete QWER-TYUI"), "status")
    assert "QWER-TYUI" not in json.dumps(error.payload())


def test_error_bodies_are_found_in_both_shapes_and_not_in_payloads() -> None:
    keyed = find_error_body({"type": "bad_request", "key": "not_found", "message": "m"})
    assert keyed is not None and keyed.key == "not_found"
    named = find_error_body({"error": "bad_thing", "message": "m"})
    assert named is not None and named.key == "bad_thing"
    nested = find_error_body({"error": {"type": "internal", "message": "m"}})
    assert nested is not None and nested.type == "internal"
    assert find_error_body(READY) is None
    assert find_error_body({"message": "just a message"}) is None


def test_a_validation_message_in_text_is_invalid_input_naming_the_field() -> None:
    error = failure(
        CliResult(1, "", "Error: Invalid input: input.items[0].max_results must be an integer"), "action run"
    )
    assert isinstance(error, InvalidInput) and error.details["field"] == "input.items[0].max_results"
    error = failure(
        CliResult(1, "", 'Error: Must be a valid URL or domain (e.g. "slack.com")'), "connection ensure"
    )
    assert isinstance(error, InvalidInput) and "field" not in error.details


def test_a_validation_error_body_names_its_field() -> None:
    body = {"type": "bad_request", "message": "Invalid input", "data": {"field": "input.max_results"}}
    error = failure(out(body, 1), "action run")
    assert isinstance(error, InvalidInput) and error.details["field"] == "input.max_results"
