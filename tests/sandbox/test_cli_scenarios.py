"""The slow and flaky scenarios (rate-limited and flaky requests are in test_cli_request.py)."""

from __future__ import annotations

from cli_run import FakeTime, call_cli, ensure_hotmart, run_cli


def test_slow_sleeps_the_configured_delay_before_every_command(tmp_path):
    fake = FakeTime()
    for command in (("status", "--json"), ("connection", "list", "--json"), ("login", "--tenant", "--json")):
        assert call_cli(tmp_path, *command, time=fake, SCENARIO="slow", DELAY_S="7.5").code == 0
    assert fake.naps == [7.5, 7.5, 7.5]


def test_slow_uses_two_seconds_by_default_and_never_delays_the_sandbox_controls(tmp_path):
    fake = FakeTime()
    connection = ensure_hotmart(tmp_path, SCENARIO="connect")
    call_cli(tmp_path, "status", time=fake, SCENARIO="slow")
    call_cli(tmp_path, "sandbox", "approve", connection["id"], time=fake, SCENARIO="slow")
    assert fake.naps == [2.0]


def test_slow_really_sleeps_in_a_real_process(tmp_path):
    result = run_cli(
        tmp_path, "connection", "ensure", "hotmart.com", "--json", SCENARIO="slow", DELAY_S="0.05"
    )
    assert result.code == 0 and result.json()["state"] == "READY"


def test_flaky_fails_every_third_tenant_command_with_an_internal_error(tmp_path):
    outcomes = []
    for _ in range(6):
        result = call_cli(tmp_path, "connection", "list", "--json", SCENARIO="flaky")
        outcomes.append(result.code)
        if result.code == 1:
            assert result.json() == {"type": "internal", "message": "Internal server error"}
    assert outcomes == [0, 0, 1, 0, 0, 1]


def test_flaky_counts_across_processes_and_ignores_account_and_sandbox_commands(tmp_path):
    codes = []
    for _ in range(3):
        assert call_cli(tmp_path, "status", SCENARIO="flaky").code == 0
        assert call_cli(tmp_path, "login", "--tenant", SCENARIO="flaky").code == 0
        assert call_cli(tmp_path, "sandbox", "login-code", SCENARIO="flaky").code == 0
        codes.append(run_cli(tmp_path, "connection", "list", "--json", SCENARIO="flaky").code)
    assert codes == [0, 0, 1]


def test_flaky_text_stderr_error_is_one_line(tmp_path):
    for _ in range(2):
        call_cli(tmp_path, "connection", "list", SCENARIO="flaky")
    result = call_cli(tmp_path, "connection", "list", SCENARIO="flaky", ERRORS="text-stderr")
    assert (result.code, result.stdout, result.stderr) == (1, "", "Error: Internal server error\n")
