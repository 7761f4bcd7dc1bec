"""The HOTMART_SANDBOX_* switches: defaults, accepted values, and exit 2 for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import call_cli, run_cli

from hotmart_membrane_mcp.sandbox.errors import UsageError
from hotmart_membrane_mcp.sandbox.settings import SCENARIOS, SandboxSettings


def test_defaults_match_the_documented_contract(tmp_path):
    settings = SandboxSettings.from_environ({"HOTMART_SANDBOX_DIR": str(tmp_path)})
    assert settings == SandboxSettings(
        state_dir=tmp_path,
        scenario="ready",
        envelope="raw",
        errors="json-stdout",
        request_output="body",
        seed=None,
        now_ms=None,
        delay_s=2.0,
        rate_limit_every=3,
        build_polls=2,
    )


def test_every_switch_is_read_and_empty_values_mean_unset(tmp_path):
    settings = SandboxSettings.from_environ(
        {
            "HOTMART_SANDBOX_DIR": str(tmp_path),
            "HOTMART_SANDBOX_SCENARIO": "flaky",
            "HOTMART_SANDBOX_ENVELOPE": "wrapped",
            "HOTMART_SANDBOX_ERRORS": "text-stderr",
            "HOTMART_SANDBOX_REQUEST_OUTPUT": "full",
            "HOTMART_SANDBOX_SEED": "42",
            "HOTMART_SANDBOX_NOW": "1767225600000",
            "HOTMART_SANDBOX_DELAY_S": "0.25",
            "HOTMART_SANDBOX_RATE_LIMIT_EVERY": "5",
            "HOTMART_SANDBOX_BUILD_POLLS": "0",
        }
    )
    assert (settings.scenario, settings.envelope, settings.errors, settings.request_output) == (
        "flaky",
        "wrapped",
        "text-stderr",
        "full",
    )
    assert (settings.seed, settings.now_ms, settings.delay_s) == (42, 1767225600000, 0.25)
    assert (settings.rate_limit_every, settings.build_polls) == (5, 0)
    blank = SandboxSettings.from_environ(
        {"HOTMART_SANDBOX_DIR": str(tmp_path), "HOTMART_SANDBOX_SCENARIO": " "}
    )
    assert blank.scenario == "ready"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01", 1767225600000),
        ("2026-01-01T12:00:00Z", 1767268800000),
        ("2026-01-01T12:00:00+02:00", 1767261600000),
    ],
)
def test_now_accepts_iso_dates_and_datetimes_as_utc(tmp_path, value, expected):
    environ = {"HOTMART_SANDBOX_DIR": str(tmp_path), "HOTMART_SANDBOX_NOW": value}
    assert SandboxSettings.from_environ(environ).now_ms == expected


def test_all_documented_scenarios_are_accepted(tmp_path):
    for scenario in SCENARIOS:
        environ = {"HOTMART_SANDBOX_DIR": str(tmp_path), "HOTMART_SANDBOX_SCENARIO": scenario}
        assert SandboxSettings.from_environ(environ).scenario == scenario


def test_without_a_state_dir_the_per_user_default_is_used(monkeypatch):
    monkeypatch.delenv("HOTMART_SANDBOX_DIR", raising=False)
    settings = SandboxSettings.from_environ({})
    assert settings.state_dir.name.startswith("hotmart-sandbox-")
    assert isinstance(settings.state_dir, Path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCENARIO", "sunny"),
        ("ENVELOPE", "json"),
        ("ERRORS", "stderr"),
        ("REQUEST_OUTPUT", "headers"),
        ("SEED", "seven"),
        ("NOW", "yesterday"),
        ("DELAY_S", "-1"),
        ("DELAY_S", "nan"),
        ("RATE_LIMIT_EVERY", "0"),
        ("BUILD_POLLS", "-2"),
        ("BUILD_POLLS", "two"),
    ],
)
def test_an_unknown_switch_value_is_a_usage_error_naming_the_variable(tmp_path, name, value):
    with pytest.raises(UsageError, match=f"HOTMART_SANDBOX_{name}"):
        SandboxSettings.from_environ({"HOTMART_SANDBOX_DIR": str(tmp_path), f"HOTMART_SANDBOX_{name}": value})
    result = call_cli(tmp_path, "status", "--json", **{name: value})
    assert (result.code, result.stdout) == (2, "")
    assert f"HOTMART_SANDBOX_{name}" in result.stderr


def test_a_bad_switch_fails_the_real_process_with_exit_2(tmp_path):
    result = run_cli(tmp_path, "connection", "list", "--json", SCENARIO="typo")
    assert result.code == 2
    assert result.stdout == ""
    assert "HOTMART_SANDBOX_SCENARIO='typo'" in result.stderr
