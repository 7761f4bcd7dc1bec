"""The server entry to paste into an MCP client's configuration, with absolute paths."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from ..config import NPX_FALLBACK, Settings

CLIENTS = ("claude", "codex", "cursor", "windsurf")
# Variables the user set that the pasted entry keeps (clients start servers with their own env).
CARRIED_VARIABLES = (
    "HOTMART_MCP_WRITES",
    "HOTMART_MCP_TIMEOUT_S",
    "HOTMART_MCP_CONNECTION_ID",
    "HOTMART_MCP_EXPORT_DIR",
)
WHERE = {
    "claude": "claude_desktop_config.json (Settings > Developer > Edit Config)",
    "cursor": "~/.cursor/mcp.json",
    "windsurf": "~/.codeium/windsurf/mcp_config.json",
}


def known_client(name: str | None) -> str | None:
    return name if name in CLIENTS else None


def client_config(client: str, settings: Settings, environ: Mapping[str, str]) -> str:
    """The server entry for ``client``, with absolute paths (clients often start servers without PATH)."""
    command = _own_command(environ)
    args = ["--sandbox"] if settings.sandbox else []
    env = {"HOTMART_MCP_CLIENT_NAME": client}
    if not settings.sandbox and settings.membrane_command != NPX_FALLBACK:
        found = shutil.which(settings.membrane_command[0], path=environ.get("PATH"))
        if found and os.path.isabs(found) and len(settings.membrane_command) == 1:
            env["HOTMART_MCP_MEMBRANE_CMD"] = found
    for name in CARRIED_VARIABLES:
        if environ.get(name, "").strip():
            env[name] = environ[name].strip()
    if client == "codex":
        pairs = ", ".join(f"{key} = {json.dumps(value)}" for key, value in env.items())
        return (
            "# ~/.codex/config.toml\n[mcp_servers.hotmart]\n"
            f"command = {json.dumps(command)}\nargs = {json.dumps(args)}\nenv = {{ {pairs} }}\n"
        )
    entry = {"mcpServers": {"hotmart": {"command": command, "args": args, "env": env}}}
    return f"// {WHERE[client]}\n{json.dumps(entry, indent=2)}\n"


def _own_command(environ: Mapping[str, str]) -> str:
    found = shutil.which("hotmart-membrane-mcp", path=environ.get("PATH"))
    if found:
        return found
    beside = Path(sys.executable).with_name("hotmart-membrane-mcp")
    return str(beside) if beside.exists() else "hotmart-membrane-mcp"
