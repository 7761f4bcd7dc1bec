"""Login, status and logout, and the logged-out scenario."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from cli_run import call_cli, run_cli


def start_login(state_dir, **switches):
    result = call_cli(
        state_dir, "login", "--tenant", "--clientName=claude", "--non-interactive", "--json", **switches
    )
    assert result.code == 0, result
    return result.json()


def test_login_prints_an_https_authorization_url_and_how_to_complete_it(tmp_path):
    result = run_cli(tmp_path, "login", "--tenant", "--clientName", "codex", "--non-interactive")
    assert result.code == 0
    url_line, complete_line = result.stdout.strip().splitlines()
    url = url_line.split(": ", 1)[1]
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.hostname == "console.getmembrane.com"
    assert parse_qs(parts.query)["clientName"] == ["codex"]
    assert parse_qs(parts.query)["scope"] == ["tenant"]
    assert "membrane login complete <code>" in complete_line


def test_login_with_json_prints_url_and_message_without_giving_away_the_code(tmp_path):
    started = start_login(tmp_path)
    assert set(started) == {"url", "message"}
    assert started["url"].startswith("https://")
    code = call_cli(tmp_path, "sandbox", "login-code").stdout.strip()
    assert code not in started["url"] and code not in started["message"]


def test_login_start_is_the_same_first_step(tmp_path):
    result = call_cli(tmp_path, "login", "start", "--tenant", "--json")
    assert result.code == 0
    assert result.json()["url"].startswith("https://console.getmembrane.com/cli-login?")
    assert call_cli(tmp_path, "sandbox", "login-code").code == 0


def test_login_complete_with_the_code_the_page_shows_logs_in(tmp_path):
    start_login(tmp_path, SCENARIO="logged-out")
    code = call_cli(tmp_path, "sandbox", "login-code", "--json").json()["code"]
    completed = run_cli(tmp_path, "login", "complete", code, "--json", SCENARIO="logged-out")
    assert completed.code == 0
    assert completed.json()["loggedIn"] is True
    status = call_cli(tmp_path, "status", "--json", SCENARIO="logged-out").json()
    assert status["loggedIn"] is True
    assert status["tenant"]["key"] == "sandbox-tenant"


def test_login_complete_with_a_wrong_code_is_a_membrane_error_and_keeps_the_pending_login(tmp_path):
    start_login(tmp_path)
    wrong = call_cli(tmp_path, "login", "complete", "WRONG-CODE", "--json")
    assert wrong.code == 1
    assert wrong.json()["type"] == "bad_request"
    assert "Invalid login code" in wrong.json()["message"]
    assert call_cli(tmp_path, "sandbox", "login-code").code == 0


def test_login_complete_without_a_login_in_progress_fails(tmp_path):
    result = call_cli(tmp_path, "login", "complete", "ABCD-EFGH", ERRORS="text-stderr")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: No login is in progress")


def test_login_code_is_an_error_when_no_login_is_pending(tmp_path):
    result = call_cli(tmp_path, "sandbox", "login-code", "--json")
    assert result.code == 1
    assert "No login is in progress" in result.json()["message"]


def test_a_fresh_state_dir_is_logged_in(tmp_path):
    status = run_cli(tmp_path, "status", "--json")
    assert status.code == 0
    body = status.json()
    assert body["loggedIn"] is True
    assert body["apiUri"] == "https://api.getmembrane.com"
    assert set(body["workspace"]) == {"id", "key", "name"}
    assert "Logged in" in call_cli(tmp_path, "status").stdout


def test_logout_then_status_says_not_logged_in_and_tenant_commands_fail(tmp_path):
    assert call_cli(tmp_path, "logout").stdout.strip() == "Logged out."
    assert call_cli(tmp_path, "status", "--json").json() == {
        "loggedIn": False,
        "apiUri": "https://api.getmembrane.com",
        "workspace": None,
        "tenant": None,
    }
    assert call_cli(tmp_path, "status").stdout.startswith("Not logged in")
    failed = call_cli(tmp_path, "connection", "list", "--json")
    assert failed.code == 1
    assert failed.json()["key"] == "not_authenticated"


def test_logged_out_scenario_fails_every_tenant_command_as_not_authenticated(tmp_path):
    commands = [
        ("connection", "ensure", "https://hotmart.com/", "--json"),
        ("connection", "get", "abc", "--json"),
        ("connection", "list", "--json"),
        ("connect", "--connectionId", "abc", "--json"),
        ("action", "list", "--intent", "sales", "--json"),
        ("action", "get", "list-sales", "--json"),
        ("action", "run", "list-sales", "--json"),
        ("act", "--key", "list-sales", "--json"),
        ("request", "abc", "/payments/api/v1/sales/history"),
    ]
    for command in commands:
        result = call_cli(tmp_path, *command, SCENARIO="logged-out")
        assert result.code == 1, command
        body = result.json()
        assert (body["type"], body["key"]) == ("bad_request", "not_authenticated"), command
        assert "membrane login --tenant" in body["message"]


def test_logged_out_scenario_still_answers_status_and_the_login_flow(tmp_path):
    assert call_cli(tmp_path, "status", "--json", SCENARIO="logged-out").json()["loggedIn"] is False
    start_login(tmp_path, SCENARIO="logged-out")
    code = call_cli(tmp_path, "sandbox", "login-code", SCENARIO="logged-out").stdout.strip()
    assert call_cli(tmp_path, "login", "complete", code, SCENARIO="logged-out").code == 0
    ensured = run_cli(tmp_path, "connection", "ensure", "hotmart.com", "--json", SCENARIO="logged-out")
    assert ensured.code == 0
    assert ensured.json()["state"] == "READY"


def test_not_authenticated_in_text_mode_is_one_error_line_on_stderr(tmp_path):
    result = call_cli(tmp_path, "connection", "list", SCENARIO="logged-out", ERRORS="text-stderr")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: Not authenticated. Run `membrane login --tenant`")
    assert result.stderr.count("\n") == 1
