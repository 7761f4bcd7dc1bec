"""The README, mcp.json.example and .ci/run agree with each other and with config/."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hotmart_membrane_mcp.config import KNOWN_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
EXAMPLE = ROOT / "mcp.json.example"
CODE_BLOCK = re.compile(r"^ *```(\w*)\n(.*?)^ *```", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    """The README text under a level-2 heading, up to the next one."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def code_blocks(text: str, language: str) -> list[str]:
    return [body for lang, body in CODE_BLOCK.findall(text) if lang == language]


def env_keys(server: dict[str, object]) -> set[str]:
    env = server.get("env", {})
    assert isinstance(env, dict)
    return set(env)


def test_quick_start_has_exactly_two_commands_install_and_demo_then_tests() -> None:
    commands = [block.strip() for block in code_blocks(section("Quick start"), "bash")]

    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    # A virtual environment first: Debian's system Python refuses `pip install` outside one.
    assert commands[0].startswith("python3 -m venv .venv && . .venv/bin/activate && pip install .")
    assert commands[0].endswith("hotmart-membrane-mcp demo")
    assert commands[1].startswith("pip install -e") and commands[1].endswith("pytest")


def test_ci_runs_quick_start_command_2_verbatim_then_ruff() -> None:
    command = code_blocks(section("Quick start"), "bash")[1].strip()
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()

    assert any(line.startswith(command + " ") or line == command for line in ci_lines)
    assert "set -euo pipefail" in ci_lines
    assert any(line.startswith("python3 -m venv") for line in ci_lines)
    assert "ruff check ." in ci_lines and "ruff format --check ." in ci_lines


def test_mcp_json_example_parses_and_only_uses_variables_config_knows() -> None:
    example = json.loads(EXAMPLE.read_text())

    (server,) = example["mcpServers"].values()
    assert server["command"] == "hotmart-membrane-mcp"
    assert env_keys(server) <= set(KNOWN_VARIABLES)


def test_the_readme_shows_mcp_json_example_verbatim_and_every_json_client_config_is_valid() -> None:
    blocks = [json.loads(block) for block in code_blocks(section("Client configuration"), "json")]

    assert json.loads(EXAMPLE.read_text()) in blocks
    assert len(blocks) == 3  # Claude Desktop, Windsurf, Cursor
    for block in blocks:
        for server in block["mcpServers"].values():
            assert server["command"] == "hotmart-membrane-mcp"
            assert env_keys(server) <= set(KNOWN_VARIABLES)


def test_the_codex_toml_uses_the_same_command_and_known_variables() -> None:
    (toml,) = code_blocks(section("Client configuration"), "toml")

    assert '[mcp_servers.hotmart]\ncommand = "hotmart-membrane-mcp"' in toml
    env_line = next(line for line in toml.splitlines() if line.startswith("env = {"))
    assert set(re.findall(r"(\w+) = ", env_line.removeprefix("env = "))) <= set(KNOWN_VARIABLES)


def test_the_configuration_table_lists_exactly_the_variables_config_reads() -> None:
    table = section("Configuration")
    listed = set(re.findall(r"^\| `((?:HOTMART|MEMBRANE)_[A-Z_]+)`", table, re.MULTILINE))
    listed |= set(re.findall(r"^\| `(?:HOTMART|MEMBRANE)_[A-Z_]+` [/+] `([A-Z_]+)`", table, re.MULTILINE))

    assert listed == set(KNOWN_VARIABLES)


def test_every_tool_has_a_readme_section_with_an_example_call() -> None:
    tools = section("Tools")
    for name in ("ensure_connection", "search_actions", "run_action", "proxy_request", "login"):
        assert f"### `{name}(" in tools
        assert f"> {name} {{" in tools


def test_errors_and_limits_lists_every_error_type_and_the_argument_limits_of_the_code() -> None:
    from hotmart_membrane_mcp.errors import ALL_ERROR_CLASSES
    from hotmart_membrane_mcp.membrane.cli import MAX_COMMAND_LINE_BYTES
    from hotmart_membrane_mcp.membrane.request_guards import MAX_ACTION_INPUT_BYTES, MAX_BODY_BYTES

    text = section("Errors and limits")
    error_table = text[text.index("| `error_type` |") : text.index("**Reads retry**")]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", error_table, re.MULTILINE)) - {"error_type"}

    assert listed == {cls.error_type for cls in ALL_ERROR_CLASSES}
    assert MAX_BODY_BYTES == MAX_ACTION_INPUT_BYTES and f"{MAX_BODY_BYTES:,} bytes" in text
    assert f"{MAX_COMMAND_LINE_BYTES:,} bytes" in text
