"""``hotmart-membrane-mcp doctor``: one test per problem it reports, and a healthy run.

The doctor runs the real checks: it spawns the simulator executable (``--sandbox``, or a
``membrane`` script that is the simulator), reads the real configuration code and probes the
real export folder. Only the environment it is given differs per test.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp import __version__
from hotmart_membrane_mcp.doctor import main
from hotmart_membrane_mcp.sandbox.app import main as simulator_main


def base_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """Our environment without HOTMART_* settings, a private simulator state and export folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOTMART_")}
    env["HOTMART_SANDBOX_DIR"] = str(tmp_path / "sandbox")
    env["HOTMART_MCP_EXPORT_DIR"] = str(tmp_path / "exports")
    env.update(variables)
    return env


def doctor(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(["--json", *args], env, out)
    return code, json.loads(out.getvalue())


def checks_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    named: dict[str, dict[str, Any]] = {}
    for check in report["checks"]:
        named.setdefault(check["name"], check)  # the first of each name (config may repeat)
    return named


def problems(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [check for check in report["checks"] if check["status"] == "problem"]


def simulator_as_membrane(tmp_path: Path) -> Path:
    """A `membrane` executable that is the simulator, answering --version like a real CLI would."""
    script = tmp_path / "bin" / "membrane"
    script.parent.mkdir()
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "9.9.9-sim"; exit 0; fi\n'
        f'exec "{sys.executable}" -m hotmart_membrane_mcp.sandbox "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_healthy_sandbox_set_up_exits_0_through_the_real_command(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "hotmart_membrane_mcp", "doctor", "--sandbox"],
        env=base_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "No problems found." in finished.stdout and "PROBLEM" not in finished.stdout
    assert f"hotmart-membrane-mcp {__version__}" in finished.stdout
    assert '"mcpServers"' in finished.stdout and '"--sandbox"' in finished.stdout


def test_the_json_report_lists_every_check_and_the_effective_configuration(tmp_path: Path) -> None:
    code, report = doctor(base_env(tmp_path, HOTMART_MCP_WRITES="deny"), "--sandbox")

    assert code == 0 and report["ok"] is True
    assert list(checks_of(report)) == [
        "python",
        "package",
        "config",
        "backend",
        "membrane_cli",
        "login",
        "connection",
        "export_dir",
    ]
    assert checks_of(report)["login"]["status"] == "ok"
    assert checks_of(report)["connection"]["status"] == "note"  # no connection yet is not a problem
    assert report["effective_config"]["writes"] == "deny" and report["effective_config"]["sandbox"] is True
    # Nothing was created by looking: no export folder, no connection.
    assert not (tmp_path / "exports").exists()


def test_a_membrane_cli_that_is_found_is_reported_with_its_path_and_version(tmp_path: Path) -> None:
    membrane = simulator_as_membrane(tmp_path)
    env = base_env(tmp_path, HOTMART_MCP_MEMBRANE_CMD=str(membrane))
    simulator_main(
        ["connection", "ensure", "https://hotmart.com/", "--json"], env, io.StringIO(), io.StringIO()
    )

    code, report = doctor(env)

    assert code == 0, problems(report)
    assert checks_of(report)["membrane_cli"] == {
        "name": "membrane_cli",
        "status": "ok",
        "detail": f"{membrane} (9.9.9-sim)",
        "fix": None,
    }
    assert (
        checks_of(report)["connection"]["status"] == "ok"
        and "READY" in checks_of(report)["connection"]["detail"]
    )
    assert f'"HOTMART_MCP_MEMBRANE_CMD": "{membrane}"' in report["client_config"]


def test_a_missing_membrane_cli_is_a_problem_with_the_install_command_and_exit_1(tmp_path: Path) -> None:
    env = base_env(tmp_path, HOTMART_MCP_MEMBRANE_CMD=str(tmp_path / "no-such-membrane"))

    code, report = doctor(env)

    assert code == 1 and report["ok"] is False
    (problem,) = problems(report)
    assert problem["name"] == "membrane_cli" and "not found" in problem["detail"]
    assert "npm install -g @membranehq/cli" in problem["fix"]
    assert checks_of(report)["login"]["status"] == "note"  # not checked, and not a second problem


def test_no_membrane_and_no_npx_on_path_is_a_problem_naming_the_fallback(tmp_path: Path) -> None:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()

    code, report = doctor(base_env(tmp_path, PATH=str(empty_bin)))

    assert code == 1
    (problem,) = problems(report)
    assert problem["name"] == "membrane_cli" and "npx" in problem["detail"]
    assert "Node.js" in problem["fix"] and "HOTMART_MCP_MEMBRANE_CMD" in problem["fix"]


def test_a_logged_out_membrane_is_a_problem_whose_fix_is_the_login_tool(tmp_path: Path) -> None:
    code, report = doctor(base_env(tmp_path, HOTMART_SANDBOX_SCENARIO="logged-out"), "--sandbox")

    assert code == 1
    (problem,) = problems(report)
    assert problem["name"] == "login" and "no login" in problem["detail"]
    assert "`login` tool" in problem["fix"] and "membrane login --tenant" in problem["fix"]


def test_a_connection_that_needs_the_user_is_a_problem_with_its_sign_in_link(tmp_path: Path) -> None:
    env = base_env(tmp_path, HOTMART_SANDBOX_SCENARIO="connect")
    created = io.StringIO()
    simulator_main(["connection", "ensure", "https://hotmart.com/", "--json"], env, created, io.StringIO())
    link = json.loads(created.getvalue())["clientAction"]["uiUrl"]

    code, report = doctor(env, "--sandbox")

    assert code == 1
    (problem,) = problems(report)
    assert problem["name"] == "connection" and "CLIENT_ACTION_REQUIRED" in problem["detail"]
    assert "ensure_connection" in problem["fix"] and link in problem["fix"]


def test_every_bad_configuration_value_is_named_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    env = base_env(tmp_path, HOTMART_MCP_TIMEOUT_S="soon", HOTMART_MCP_WRITES="maybe")

    code, report = doctor(env, "--sandbox")

    assert code == 1
    named = sorted(problem["detail"].split(":")[0] for problem in problems(report))
    assert named == ["HOTMART_MCP_TIMEOUT_S", "HOTMART_MCP_WRITES"]
    assert all("Correct or unset" in problem["fix"] for problem in problems(report))
    assert checks_of(report)["login"]["status"] == "ok"  # checked with the defaults


def test_an_export_folder_that_cannot_be_created_is_a_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = base_env(tmp_path, HOTMART_MCP_EXPORT_DIR=str(blocker / "exports"))

    code, report = doctor(env, "--sandbox")

    assert code == 1
    (problem,) = problems(report)
    assert problem["name"] == "export_dir" and "is not a folder" in problem["detail"]
    assert "HOTMART_MCP_EXPORT_DIR" in problem["fix"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes anywhere")
def test_an_existing_export_folder_without_write_permission_is_a_problem(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)

    code, report = doctor(base_env(tmp_path, HOTMART_MCP_EXPORT_DIR=str(locked)), "--sandbox")

    assert code == 1 and problems(report)[0]["name"] == "export_dir"


def test_the_table_shows_each_problem_with_its_fix(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(["--sandbox"], base_env(tmp_path, HOTMART_SANDBOX_SCENARIO="logged-out"), out)

    lines = out.getvalue().splitlines()
    assert code == 1
    login = next(index for index, line in enumerate(lines) if "PROBLEM" in line and "login" in line)
    assert lines[login + 1].strip().startswith("fix: Ask your agent to call the `login` tool")
    assert lines[-1] == "1 problem(s) found; each has its fix above."


@pytest.mark.parametrize("client", ["codex", "cursor"])
def test_the_client_snippet_follows_the_chosen_client(tmp_path: Path, client: str) -> None:
    code, report = doctor(base_env(tmp_path), "--sandbox", "--client", client)

    assert code == 0 and report["client"] == client
    if client == "codex":
        assert report["client_config"].startswith("# ~/.codex/config.toml\n[mcp_servers.hotmart]")
    else:
        body = report["client_config"].split("\n", 1)[1]
        assert json.loads(body)["mcpServers"]["hotmart"]["env"]["HOTMART_MCP_CLIENT_NAME"] == "cursor"


def test_an_unknown_argument_exits_2_with_the_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--frobnicate"], base_env(tmp_path), io.StringIO()) == 2
    assert "unknown argument '--frobnicate'" in capsys.readouterr().err


def test_bad_values_and_half_a_workspace_pair_are_each_named_and_the_secret_never_printed(
    tmp_path: Path,
) -> None:
    env = base_env(
        tmp_path,
        HOTMART_MCP_MAX_CONCURRENCY="many",
        HOTMART_MCP_CLUB_SUBDOMAIN="a.b",
        MEMBRANE_WORKSPACE_SECRET="s3cret-value",
    )
    for other_source in ("MEMBRANE_TOKEN", "MEMBRANE_ACCESS_TOKEN", "MEMBRANE_WORKSPACE_KEY"):
        env.pop(other_source, None)
    out = io.StringIO()

    code = main(["--sandbox"], env, out)
    json_code, report = doctor(env, "--sandbox")

    assert code == json_code == 1
    named = [problem["detail"].split(":")[0] for problem in problems(report)]
    assert named == ["HOTMART_MCP_MAX_CONCURRENCY", "HOTMART_MCP_CLUB_SUBDOMAIN", "MEMBRANE_WORKSPACE_KEY"]
    assert report["effective_config"]["max_concurrency"] == 4  # checked the rest with the default
    assert "s3cret-value" not in out.getvalue() + json.dumps(report)
    assert out.getvalue().splitlines()[-1] == "3 problem(s) found; each has its fix above."
