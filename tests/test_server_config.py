"""Settings.from_env: defaults, every variable, and the one-line failure for a bad value."""

from __future__ import annotations

import importlib.metadata
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hotmart_membrane_mcp import __version__
from hotmart_membrane_mcp.app import main
from hotmart_membrane_mcp.config import (
    DEFAULT_APP_URL,
    NPX_FALLBACK,
    SANDBOX_COMMAND,
    ConfigError,
    Settings,
)
from hotmart_membrane_mcp.zones import Zone


def test_defaults_use_membrane_from_path_when_it_is_installed(tmp_path: Path) -> None:
    executable = tmp_path / "membrane"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)

    settings = Settings.from_env({"PATH": str(tmp_path)})

    assert settings.membrane_command == (str(executable),)
    assert settings.app_url == DEFAULT_APP_URL
    assert settings.connection_id is None
    assert settings.client_name is None
    assert settings.timeout_s == 60
    assert settings.max_concurrency == 4
    assert settings.sandbox is False
    assert settings.log_level == "INFO"
    assert settings.command == "serve"


def test_without_membrane_on_path_the_command_falls_back_to_npx(tmp_path: Path) -> None:
    assert Settings.from_env({"PATH": str(tmp_path)}).membrane_command == NPX_FALLBACK


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "HOTMART_MCP_MEMBRANE_CMD": "/opt/node/bin/node '/opt/my tools/membrane.js'",
            "HOTMART_MCP_APP_URL": "https://app.hotmart.com/",
            "HOTMART_MCP_CONNECTION_ID": "65f0c2a1b3d4e5f601234567",
            "HOTMART_MCP_CLIENT_NAME": "codex",
            "HOTMART_MCP_TIMEOUT_S": "12.5",
            "HOTMART_MCP_MAX_CONCURRENCY": "2",
            "HOTMART_MCP_LOG_LEVEL": "debug",
        }
    )

    # Split like a shell would (quotes keep the space), never run through one.
    assert settings.membrane_command == ("/opt/node/bin/node", "/opt/my tools/membrane.js")
    assert settings.app_url == "https://app.hotmart.com/"
    assert settings.connection_id == "65f0c2a1b3d4e5f601234567"
    assert settings.client_name == "codex"
    assert settings.timeout_s == 12.5
    assert settings.max_concurrency == 2
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOTMART_MCP_MEMBRANE_CMD", "membrane 'unclosed"),
        ("HOTMART_MCP_APP_URL", "-evil"),
        ("HOTMART_MCP_APP_URL", "not a url"),
        ("HOTMART_MCP_CONNECTION_ID", "--help"),
        ("HOTMART_MCP_CLIENT_NAME", "-x"),
        ("HOTMART_MCP_TIMEOUT_S", "abc"),
        ("HOTMART_MCP_TIMEOUT_S", "0"),
        ("HOTMART_MCP_MAX_CONCURRENCY", "0"),
        ("HOTMART_MCP_MAX_CONCURRENCY", "many"),
        ("HOTMART_MCP_SANDBOX", "maybe"),
        ("HOTMART_MCP_LOG_LEVEL", "LOUD"),
        ("HOTMART_MCP_TIMEZONE", "Brasilia"),
        ("HOTMART_MCP_TIMEZONE", "-03:00"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})

    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert "\n" not in str(caught.value)


def test_sandbox_flag_and_variable_point_the_command_at_the_simulator() -> None:
    by_flag = Settings.from_env({}, ["--sandbox"])
    by_variable = Settings.from_env({"HOTMART_MCP_SANDBOX": "true", "HOTMART_MCP_MEMBRANE_CMD": "membrane"})

    assert by_flag.sandbox and by_variable.sandbox
    assert (
        by_flag.membrane_command
        == by_variable.membrane_command
        == SANDBOX_COMMAND
        == (
            sys.executable,
            "-m",
            "hotmart_membrane_mcp.sandbox",
        )
    )


def test_sandbox_dir_from_the_environment_is_kept_and_with_sandbox_dir_sets_it_for_the_child() -> None:
    settings = Settings.from_env({"HOTMART_SANDBOX_DIR": "/tmp/given", "KEEP": "1"}, ["--sandbox"])
    assert settings.sandbox_dir == "/tmp/given"

    private = settings.with_sandbox_dir("/tmp/private")

    assert private.sandbox_dir == "/tmp/private"
    assert private.child_env["HOTMART_SANDBOX_DIR"] == "/tmp/private"
    assert private.child_env["KEEP"] == "1"


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], "serve"),
        (["demo"], "demo"),
        (["--help"], "help"),
        (["--version"], "version"),
        (["-V"], "version"),
    ],
)
def test_arguments_choose_what_the_command_does(argv: list[str], command: str) -> None:
    assert Settings.from_env({}, argv).command == command


def test_an_unknown_argument_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown argument '--verbose'"):
        Settings.from_env({}, ["--verbose"])


@pytest.mark.parametrize("argv", [["--sandbox", "demo"], ["demo", "--sandbox"]])
def test_sandbox_flag_and_demo_word_go_in_either_order(argv: list[str]) -> None:
    settings = Settings.from_env({}, argv)

    assert (settings.command, settings.sandbox) == ("demo", True)


@pytest.mark.parametrize("argv", [["serve"], ["--sand"], ["demo", "extra"], ["--sandbox=1"]])
def test_a_stray_word_an_abbreviated_flag_or_a_flag_value_is_refused_naming_the_arguments(
    argv: list[str],
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({}, argv)

    assert caught.value.variable == "arguments"
    assert str(caught.value).endswith("(try --help)")


def test_main_exits_2_with_one_line_on_stderr_for_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTMART_MCP_TIMEOUT_S", "soon")

    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "HOTMART_MCP_TIMEOUT_S" in captured.err


def test_help_prints_usage_and_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hotmart_membrane_mcp", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HOTMART_MCP_TIMEOUT_S": ""},
    )

    assert result.returncode == 0
    assert "usage: hotmart-membrane-mcp" in result.stdout
    assert "--sandbox" in result.stdout and "demo" in result.stdout


@pytest.mark.parametrize(
    "value",
    ["notaurl", "hotmart.com", "http://hotmart.com/", "ftp://hotmart.com/", "https://localhost/", "https://"],
)
def test_app_url_that_is_not_an_https_url_with_a_dotted_host_is_refused(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HOTMART_MCP_APP_URL": value})

    assert str(caught.value) == (
        "HOTMART_MCP_APP_URL: must be an https URL with a host name such as https://hotmart.com/, "
        f"got {value!r}"
    )


@pytest.mark.parametrize("value", ["0", "-1", "3600.5", "nan", "soon"])
def test_timeout_message_states_the_exact_bounds(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HOTMART_MCP_TIMEOUT_S": value})

    assert str(caught.value) == (
        f"HOTMART_MCP_TIMEOUT_S: must be a number of seconds greater than 0 and at most 3600, got {value!r}"
    )
    assert "between 0" not in str(caught.value)


def test_timeout_bounds_are_what_the_message_says() -> None:
    assert Settings.from_env({"HOTMART_MCP_TIMEOUT_S": "3600"}).timeout_s == 3600
    assert Settings.from_env({"HOTMART_MCP_TIMEOUT_S": "0.5"}).timeout_s == 0.5


def test_version_prints_the_package_version_and_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hotmart_membrane_mcp", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HOTMART_MCP_TIMEOUT_S": ""},
    )

    assert result.returncode == 0
    assert result.stdout == f"hotmart-membrane-mcp {__version__}\n"
    assert __version__ == importlib.metadata.version("hotmart-membrane-mcp")


def test_the_timezone_comes_from_its_variable_else_from_the_machine() -> None:
    named = Settings.from_env({"HOTMART_MCP_TIMEZONE": "America/Sao_Paulo", "TZ": "Asia/Tokyo"})
    machine = Settings.from_env({"TZ": "Asia/Tokyo"})

    assert named.timezone == Zone("America/Sao_Paulo", "HOTMART_MCP_TIMEZONE")
    assert machine.timezone == Zone("Asia/Tokyo", "the machine's TZ variable")


@pytest.mark.parametrize(
    "bad",
    [
        {"HOTMART_MCP_TIMEOUT_S": "soon", "HOTMART_MCP_WRITES": "maybe"},
        {
            "HOTMART_MCP_MAX_CONCURRENCY": "0",
            "HOTMART_MCP_LOG_LEVEL": "LOUD",
            "HOTMART_MCP_TIMEZONE": "Brasilia",
        },
    ],
)
def test_every_bad_variable_is_reported_at_once_one_line_each(bad: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**bad, "HOTMART_MCP_CLIENT_NAME": "codex"})

    lines = str(caught.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == list(bad)
    assert [problem.variable for problem in caught.value.problems] == list(bad)
    for line, value in zip(lines, bad.values(), strict=True):
        assert line.endswith(f", got {value!r}") and "must be" in line
    assert caught.value.variable == next(iter(bad))


def test_a_bad_argument_and_bad_variables_are_reported_together() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {"HOTMART_MCP_SANDBOX": "maybe", "HOTMART_MCP_BACKEND": "api", "HOTMART_MCP_APP_URL": "x"},
            ["--verbose"],
        )

    assert [problem.variable for problem in caught.value.problems] == [
        "arguments",
        "HOTMART_MCP_SANDBOX",
        "HOTMART_MCP_APP_URL",
        "HOTMART_MCP_BACKEND",
    ]
    assert "is api but no token is set" in str(caught.value).splitlines()[-1]


@pytest.mark.parametrize(
    ("environ", "refused"),
    [
        (
            {"MEMBRANE_WORKSPACE_SECRET": "s3cret-value", "HOTMART_MCP_TIMEOUT_S": "x"},
            ["HOTMART_MCP_TIMEOUT_S", "MEMBRANE_WORKSPACE_KEY"],
        ),
        (
            {"MEMBRANE_TOKEN": "s3cret-value", "MEMBRANE_API_URL": "ftp://me:s3cret-value@membrane.example"},
            ["MEMBRANE_API_URL"],
        ),
        (
            {"MEMBRANE_ACCESS_TOKEN": "s3cret-value", "HOTMART_MCP_APP_URL": "http://me:s3cret-value@x.com/"},
            ["HOTMART_MCP_APP_URL"],
        ),
        (
            {"MEMBRANE_TOKEN": "t", "MEMBRANE_API_URI": "https://me:s3cret-value@membrane example"},
            ["MEMBRANE_API_URI"],
        ),
        (
            {"MEMBRANE_TOKEN": "t", "MEMBRANE_API_URL": "ftp://me:s3cret-value@x/y@membrane.example"},
            ["MEMBRANE_API_URL"],
        ),
        ({"HOTMART_MCP_APP_URL": "me:s3cret-value @hotmart.com"}, ["HOTMART_MCP_APP_URL"]),
    ],
)
def test_no_secret_value_and_no_password_in_a_url_is_ever_shown(
    environ: dict[str, str], refused: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(environ)

    assert [problem.variable for problem in caught.value.problems] == refused
    assert "s3cret-value" not in str(caught.value) + repr(caught.value.problems)


def test_a_password_written_into_a_refused_url_is_masked_and_the_rest_is_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"MEMBRANE_TOKEN": "t", "MEMBRANE_API_URL": "ftp://me:hunter2@membrane.example/v1"})

    assert str(caught.value) == (
        "MEMBRANE_API_URL: must be an http(s) URL such as https://api.getmembrane.com, "
        "got 'ftp://***@membrane.example/v1'"
    )


def test_read_leaves_each_bad_value_at_its_default_keeps_the_good_ones_and_lists_the_bad() -> None:
    settings, problems = Settings.read(
        {
            "HOTMART_MCP_TIMEOUT_S": "soon",
            "HOTMART_MCP_MAX_CONCURRENCY": "2",
            "HOTMART_MCP_WRITES": "maybe",
            "HOTMART_MCP_LOG_LEVEL": "debug",
        },
        ["--sandbox"],
    )

    assert [problem.variable for problem in problems] == ["HOTMART_MCP_TIMEOUT_S", "HOTMART_MCP_WRITES"]
    assert (settings.timeout_s, settings.writes) == (60, "confirm")
    assert (settings.max_concurrency, settings.log_level, settings.sandbox) == (2, "DEBUG", True)
    assert Settings.read({}, ["--sandbox"])[1] == ()


def test_the_sandbox_flag_wins_so_the_sandbox_variable_and_membrane_command_are_not_read() -> None:
    settings = Settings.from_env(
        {"HOTMART_MCP_SANDBOX": "maybe", "HOTMART_MCP_MEMBRANE_CMD": "membrane 'unclosed"}, ["--sandbox"]
    )

    assert settings.sandbox and settings.membrane_command == SANDBOX_COMMAND
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HOTMART_MCP_SANDBOX": "maybe", "HOTMART_MCP_MEMBRANE_CMD": "membrane 'unclosed"})
    assert [problem.variable for problem in caught.value.problems] == [
        "HOTMART_MCP_SANDBOX",
        "HOTMART_MCP_MEMBRANE_CMD",
    ]


def test_main_exits_2_with_one_stderr_line_per_bad_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTMART_MCP_TIMEOUT_S", "soon")
    monkeypatch.setenv("HOTMART_MCP_WRITES", "maybe")
    monkeypatch.setenv("HOTMART_MCP_CLUB_SUBDOMAIN", "a.b")

    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "HOTMART_MCP_TIMEOUT_S",
        "HOTMART_MCP_WRITES",
        "HOTMART_MCP_CLUB_SUBDOMAIN",
    ]
    assert all(line.startswith("hotmart-membrane-mcp: ") for line in lines)
