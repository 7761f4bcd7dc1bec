"""Command-line parsing: both flag spellings, repeatable and short flags, usage errors."""

from __future__ import annotations

import pytest
from cli_run import call_cli, run_cli

from hotmart_membrane_mcp.sandbox.cli import parse_command_line
from hotmart_membrane_mcp.sandbox.commands import SPECS
from hotmart_membrane_mcp.sandbox.errors import UsageError


def parse(*argv: str):
    return parse_command_line(list(argv), SPECS)


def test_equals_and_space_spellings_of_a_value_flag_parse_the_same():
    joined = parse("action", "list", "--connectionId=abc", "--intent=list sales", "--limit=5", "--json")
    spaced = parse(
        "action", "list", "--connectionId", "abc", "--intent", "list sales", "--limit", "5", "--json"
    )
    assert (
        joined.options
        == spaced.options
        == {
            "connectionId": "abc",
            "intent": "list sales",
            "limit": "5",
            "json": True,
        }
    )
    assert joined.spec.words == ("action", "list")


def test_flags_may_come_before_the_subcommand_and_its_arguments():
    parsed = parse("login", "--apiUri", "http://localhost:9000", "start", "--tenant")
    assert parsed.spec.words == ("login", "start")
    assert parsed.options == {"apiUri": "http://localhost:9000", "tenant": True}


def test_a_value_flag_before_the_subcommand_does_not_swallow_the_command_word():
    parsed = parse("connection", "--name", "Shop", "ensure", "hotmart.com", "--json")
    assert parsed.spec.words == ("connection", "ensure")
    assert parsed.arguments == {"url-or-domain": "hotmart.com"}
    assert parsed.options == {"name": "Shop", "json": True}


def test_repeatable_flags_collect_every_value_in_order_with_short_and_long_forms():
    parsed = parse(
        "request",
        "c1",
        "/x",
        "-H",
        "A: 1",
        "--header=B: 2",
        "--header",
        "C: 3",
        "--query",
        "a=1",
        "--query=b=2",
    )
    assert parsed.values("header") == ["A: 1", "B: 2", "C: 3"]
    assert parsed.values("query") == ["a=1", "b=2"]


def test_short_flags_take_a_separate_or_attached_value():
    assert parse("request", "c1", "/x", "-X", "POST").value("method") == "POST"
    assert parse("request", "c1", "/x", "-XPUT").value("method") == "PUT"
    assert parse("request", "c1", "/x", "-d", '{"a":1}').value("data") == '{"a":1}'


def test_json_is_a_body_value_in_request_and_a_switch_elsewhere():
    assert parse("request", "c1", "/x", "--json", '{"a":1}').value("json") == '{"a":1}'
    assert parse("status", "--json").switch("json")


def test_switches_accept_explicit_true_and_false():
    assert parse("status", "--json=false").switch("json") is False
    assert parse("status", "--json=true").switch("json") is True
    with pytest.raises(UsageError, match="switch"):
        parse("status", "--json=yes")


def test_double_dash_ends_the_options():
    parsed = parse("connection", "get", "--json", "--", "--weird-id")
    assert parsed.arguments == {"id-or-key": "--weird-id"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "Missing command"),
        (("frobnicate",), "Unknown command 'frobnicate'"),
        (("connection",), "Unknown connection subcommand"),
        (("connection", "explode"), "Unknown connection subcommand 'explode'"),
        (("connection", "get"), "Missing argument <id-or-key>"),
        (("connection", "get", "a", "b"), "Unexpected argument 'b'"),
        (("connection", "get", "a", "--bogus"), "Unknown option --bogus"),
        (("connection", "get", "a", "--timeout"), "Option --timeout requires a value"),
        (("connection", "get", "a", "--timeout", "--json"), "Option --timeout requires a value"),
        (("request", "c1", "/x", "-Z", "1"), "Unknown option -Z"),
        (("login", "complete"), "Missing argument <code>"),
    ],
)
def test_malformed_command_lines_are_usage_errors(argv, message):
    with pytest.raises(UsageError, match=message):
        parse(*argv)


def test_usage_errors_exit_2_with_the_message_on_stderr_and_nothing_on_stdout(tmp_path):
    result = run_cli(tmp_path, "connection", "get", "abc", "--frobnicate")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: Unknown option --frobnicate")


@pytest.mark.parametrize("errors", ["json-stdout", "text-stderr"])
def test_usage_errors_are_text_on_stderr_whatever_the_error_variant(tmp_path, errors):
    result = call_cli(tmp_path, "nonsense", ERRORS=errors)
    assert (result.code, result.stdout) == (2, "")
    assert "Unknown command 'nonsense'" in result.stderr


def test_help_lists_every_command_and_exits_0(tmp_path):
    result = call_cli(tmp_path, "--help")
    assert result.code == 0
    for spec in SPECS:
        assert " ".join(spec.words) in result.stdout


def test_a_non_integer_limit_is_a_usage_error_and_an_out_of_range_one_a_bad_request(tmp_path):
    assert call_cli(tmp_path, "connection", "list", "--limit", "many").code == 2
    out_of_range = call_cli(tmp_path, "connection", "list", "--limit", "0", "--json")
    assert out_of_range.code == 1
    assert out_of_range.json()["type"] == "bad_request"


def test_malformed_json_in_a_flag_is_a_usage_error(tmp_path):
    result = call_cli(tmp_path, "action", "run", "list-sales", "--input", "{not json", "--json")
    assert result.code == 2
    assert "--input must be valid JSON" in result.stderr
