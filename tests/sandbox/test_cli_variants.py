"""The output variants: envelope x error style for --json commands and errors."""

from __future__ import annotations

import pytest
from cli_run import call_cli, ensure_hotmart, run_cli


@pytest.mark.parametrize("errors", ["json-stdout", "text-stderr"])
def test_raw_envelope_prints_the_api_object_as_is(tmp_path, errors):
    result = run_cli(tmp_path, "connection", "ensure", "hotmart.com", "--json", ENVELOPE="raw", ERRORS=errors)
    assert result.code == 0 and result.stderr == ""
    assert result.json()["state"] == "READY"


@pytest.mark.parametrize("errors", ["json-stdout", "text-stderr"])
def test_wrapped_envelope_puts_the_api_object_under_data(tmp_path, errors):
    result = run_cli(
        tmp_path, "connection", "ensure", "hotmart.com", "--json", ENVELOPE="wrapped", ERRORS=errors
    )
    assert result.code == 0
    body = result.json()
    assert list(body) == ["data"]
    assert body["data"]["state"] == "READY"
    listed = call_cli(tmp_path, "connection", "list", "--json", ENVELOPE="wrapped").json()
    assert listed == {"data": {"items": [body["data"]]}}


@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_text_output_ignores_the_envelope(tmp_path, envelope):
    result = call_cli(tmp_path, "status", ENVELOPE=envelope)
    assert result.stdout.startswith("Logged in")


@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_json_stdout_errors_are_the_bare_error_body_on_stdout_with_exit_1(tmp_path, envelope):
    result = run_cli(tmp_path, "connection", "get", "nope", "--json", ENVELOPE=envelope, ERRORS="json-stdout")
    assert result.code == 1
    assert result.json() == {
        "type": "bad_request",
        "key": "not_found",
        "message": "Connection with id 'nope' not found",
    }
    assert result.stderr == ""


@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_text_stderr_errors_are_one_line_on_stderr_and_nothing_on_stdout(tmp_path, envelope):
    result = run_cli(tmp_path, "connection", "get", "nope", "--json", ENVELOPE=envelope, ERRORS="text-stderr")
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: Connection with id 'nope' not found\n"


def test_errors_use_the_error_style_even_without_json(tmp_path):
    result = call_cli(tmp_path, "connection", "get", "nope")
    assert result.code == 1 and result.json()["key"] == "not_found"


def test_a_validation_error_carries_no_key(tmp_path):
    result = call_cli(tmp_path, "connection", "ensure", "localhost", "--json")
    assert result.code == 1
    assert set(result.json()) == {"type", "message"}


def test_calls_on_a_connection_that_is_not_ready_fail_with_its_state_and_client_action(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="connect")
    for command in (
        ("request", connection["id"], "/payments/api/v1/sales/history"),
        ("action", "run", "list-sales", "--connectionId", connection["id"], "--json"),
        ("act", "--key", "list-sales", "--connectionId", connection["id"], "--json"),
        ("act", "--api", '{"method":"GET","path":"/user/api/v1/me"}', "--json"),
    ):
        result = call_cli(tmp_path, *command)
        assert result.code == 1, command
        body = result.json()
        assert body["type"] == "connection"
        assert body["data"]["state"] == "CLIENT_ACTION_REQUIRED"
        assert body["data"]["clientAction"] == connection["clientAction"]
    text = call_cli(tmp_path, "request", connection["id"], "/x", ERRORS="text-stderr")
    assert text.stderr.startswith(f"Error: Connection {connection['id']} is not ready")


def test_calls_on_a_failed_connection_carry_its_error(tmp_path):
    connection = ensure_hotmart(tmp_path, SCENARIO="setup-failed")
    body = call_cli(tmp_path, "act", "--key", "list-sales", "--json").json()
    assert body["data"] == {
        "connectionId": connection["id"],
        "state": "SETUP_FAILED",
        "error": connection["error"],
    }


def test_calls_without_any_hotmart_connection_are_not_found(tmp_path):
    result = call_cli(tmp_path, "act", "--key", "list-products", "--json")
    assert result.code == 1 and result.json()["key"] == "not_found"
    assert "connection ensure" in result.json()["message"]
