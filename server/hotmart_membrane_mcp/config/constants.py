"""The names, kinds and default values of the configuration: what can be set and what it is unset."""

from __future__ import annotations

import sys
from typing import Literal, get_args

Command = Literal["serve", "demo", "help", "version"]
Backend = Literal["cli", "api"]
WritesMode = Literal["confirm", "allow", "deny"]
WRITES_MODES: tuple[WritesMode, ...] = ("confirm", "allow", "deny")
BackendChoice = Literal["auto", "cli", "api"]
BACKEND_CHOICES: tuple[BackendChoice, ...] = get_args(BackendChoice)

DEFAULT_APP_URL = "https://hotmart.com/"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_CONCURRENCY = 4
DEFAULT_MAX_RESULT_CHARS = 25_000
# The smallest budget at which every tool keeps its output contract with room for at least one
# Hotmart item next to the paging metadata (a sale is about 900 characters, proxy_request's
# metadata about 800): below it a list came back with 0 items and a token that never advanced.
MIN_MAX_RESULT_CHARS = 4_000
MAX_MAX_RESULT_CHARS = 10_000_000
NPX_FALLBACK = ("npx", "-y", "@membranehq/cli@latest")
SANDBOX_COMMAND = (sys.executable, "-m", "hotmart_membrane_mcp.sandbox")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)
APP_DIR_NAME = "hotmart-membrane-mcp"
DEFAULT_API_URL = "https://api.getmembrane.com"  # FACT (membrane-cli-contract.md §11, SDK DEFAULT_API_URI)
DEFAULT_API_MAX_CONCURRENCY = 16
# Where the api backend's token comes from, first match wins (membrane/tokens.py).
TOKEN_VARIABLES = ("MEMBRANE_TOKEN", "MEMBRANE_ACCESS_TOKEN")
WORKSPACE_KEY = "MEMBRANE_WORKSPACE_KEY"
WORKSPACE_SECRET = "MEMBRANE_WORKSPACE_SECRET"
TENANT_KEY = "MEMBRANE_TENANT_KEY"
# Values of these are never shown in a message, whatever is wrong around them.
SECRET_VARIABLES = frozenset({*TOKEN_VARIABLES, WORKSPACE_SECRET})

APP_URL = "HOTMART_MCP_APP_URL"
TIMEZONE = "HOTMART_MCP_TIMEZONE"
MEMBRANE_CMD = "HOTMART_MCP_MEMBRANE_CMD"

# Every variable the server reads; the README table and mcp.json.example must use these names.
KNOWN_VARIABLES = (
    "HOTMART_MCP_MEMBRANE_CMD",
    "HOTMART_MCP_APP_URL",
    "HOTMART_MCP_CONNECTION_ID",
    "HOTMART_MCP_CLIENT_NAME",
    "HOTMART_MCP_TIMEOUT_S",
    "HOTMART_MCP_MAX_CONCURRENCY",
    "HOTMART_MCP_SANDBOX",
    "HOTMART_MCP_LOG_LEVEL",
    "HOTMART_MCP_WRITES",
    "HOTMART_MCP_MAX_RESULT_CHARS",
    "HOTMART_MCP_EXPORT_DIR",
    "HOTMART_MCP_TIMEZONE",
    "HOTMART_MCP_CLUB_SUBDOMAIN",
    "HOTMART_SANDBOX_DIR",
    "HOTMART_MCP_BACKEND",
    "HOTMART_MCP_API_MAX_CONCURRENCY",
    "MEMBRANE_API_URL",
    "MEMBRANE_TOKEN",
    "MEMBRANE_ACCESS_TOKEN",
    "MEMBRANE_WORKSPACE_KEY",
    "MEMBRANE_WORKSPACE_SECRET",
    "MEMBRANE_TENANT_KEY",
)
