"""The Claude Desktop bundle's manifest (bundle/manifest.json) agrees with the package.

`mcpb validate` and `mcpb pack` run in CI (scripts/build_mcpb.sh); these checks keep the manifest
from drifting from the version, the tools and the variables config/ reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hotmart_membrane_mcp import __version__
from hotmart_membrane_mcp.config import KNOWN_VARIABLES, WRITES_MODES
from hotmart_membrane_mcp.tools import TOOL_NAMES

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "bundle" / "manifest.json").read_text())
# Issue #10 adds HOTMART_MCP_TIMEZONE to config/; until then the server ignores it.
NOT_YET_IN_CONFIG = {"HOTMART_MCP_TIMEZONE"}


def test_the_bundle_version_is_the_package_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^version = "(.+)"', pyproject, re.MULTILINE)
    assert match is not None
    assert MANIFEST["version"] == match[1] == __version__


def test_the_bundle_lists_exactly_the_servers_tools() -> None:
    assert sorted(tool["name"] for tool in MANIFEST["tools"]) == sorted(TOOL_NAMES)


def test_every_user_setting_reaches_a_variable_config_reads() -> None:
    env = MANIFEST["server"]["mcp_config"]["env"]
    assert set(env) - NOT_YET_IN_CONFIG <= set(KNOWN_VARIABLES)
    used = {match for value in env.values() for match in re.findall(r"\$\{user_config\.(\w+)\}", value)}
    assert used == set(MANIFEST["user_config"])
    assert {"writes", "timeout_s", "connection_id", "export_dir", "timezone"} <= used


def test_the_user_setting_defaults_are_values_the_server_accepts() -> None:
    settings = MANIFEST["user_config"]
    assert settings["writes"]["default"] == "confirm" and "confirm" in WRITES_MODES
    assert all(mode in settings["writes"]["description"] for mode in WRITES_MODES)
    assert settings["timeout_s"]["type"] == "number" and 0 < settings["timeout_s"]["default"] <= 3600
    # An empty value means "not set" to config/, so the optional ones default to empty strings.
    for name in ("connection_id", "export_dir", "timezone", "membrane_command"):
        assert settings[name]["default"] == "" and settings[name]["required"] is False
