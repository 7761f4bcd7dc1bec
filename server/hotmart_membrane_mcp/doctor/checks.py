"""The doctor's checks, in the order a tool call needs them; each problem with its fix.

Python and the package, the configuration (every bad value named, the rest still checked with
those at their defaults), the backend, the Membrane CLI (where, which version, or the ``npx``
fallback and whether npm reaches the registry), the login, the default connection and the export
folder. Every external command has a short time limit; nothing is changed.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import anyio

from .. import __version__
from ..config import NPX_FALLBACK, SANDBOX_COMMAND, Settings
from ..errors import HotmartMcpError, MembraneCliMissing
from ..membrane import make_backend
from ..membrane.backend import MembraneBackend
from ..membrane.models import Connection
from .client_config import client_config, known_client

Status = Literal["ok", "note", "problem"]

CLI_TIMEOUT_S = 15.0  # one Membrane CLI call of the doctor
PROBE_TIMEOUT_S = 10.0  # `membrane --version`, `npm view`
INSTALL_CLI = "npm install -g @membranehq/cli"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, what was found and, for a problem, the fix."""

    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class Report:
    """Every check in order, the configuration the server would use and the entry to paste."""

    checks: list[Check]
    effective_config: dict[str, Any]
    client: str
    client_config: str

    @property
    def ok(self) -> bool:
        return not any(check.status == "problem" for check in self.checks)


async def diagnose(environ: Mapping[str, str], sandbox: bool = False, client: str | None = None) -> Report:
    """Every check, in order (``sandbox``: against the simulator; ``client``: whose entry to print)."""
    checks = [
        Check("python", "ok", f"{platform.python_version()} ({sys.executable})"),
        Check("package", "ok", f"hotmart-membrane-mcp {__version__}"),
    ]
    settings, config_checks = check_config(environ, sandbox)
    checks += config_checks
    checks.append(Check("backend", "ok", "cli: the tools drive the Membrane CLI as a subprocess"))
    cli_check = await check_cli(settings, environ)
    checks.append(cli_check)
    with tempfile.TemporaryDirectory(prefix="hotmart-doctor-") as private_dir:
        if settings.sandbox and not settings.sandbox_dir:
            settings = settings.with_sandbox_dir(private_dir)
        if cli_check.status == "problem":
            skipped = "not checked: the Membrane CLI cannot be started"
            checks += [Check("login", "note", skipped), Check("connection", "note", skipped)]
        else:
            checks += await check_membrane_state(settings)
    checks.append(check_export_dir(Path(settings.export_dir)))
    chosen = client or known_client(settings.client_name) or "claude"
    return Report(checks, effective_config(settings), chosen, client_config(chosen, settings, environ))


# --- configuration ---------------------------------------------------------------------------


def check_config(environ: Mapping[str, str], sandbox: bool) -> tuple[Settings, list[Check]]:
    """The settings the server would use, each bad variable at its default; one problem per bad one."""
    settings, problems = Settings.read(environ, ["--sandbox"] if sandbox else [])
    if not problems:
        return settings, [Check("config", "ok", "every HOTMART_MCP_* value is valid")]
    return settings, [
        Check(
            "config",
            "problem",
            f"{problem} (checked the rest with it unset)",
            fix=f"Correct or unset {problem.variable} in your MCP client's configuration (see README, "
            "Configuration), then restart the client.",
        )
        for problem in problems
    ]


def effective_config(settings: Settings) -> dict[str, Any]:
    return {
        "membrane_command": list(settings.membrane_command),
        "app_url": settings.app_url,
        "connection_id": settings.connection_id,
        "client_name": settings.client_name,
        "timeout_s": settings.timeout_s,
        "max_concurrency": settings.max_concurrency,
        "sandbox": settings.sandbox,
        "log_level": settings.log_level,
        "writes": settings.writes,
        "max_result_chars": settings.max_result_chars,
        "export_dir": settings.export_dir,
    }


# --- the Membrane CLI ------------------------------------------------------------------------


async def check_cli(settings: Settings, environ: Mapping[str, str]) -> Check:
    command = settings.membrane_command
    if settings.sandbox:
        return Check("membrane_cli", "ok", f"the offline simulator: {' '.join(SANDBOX_COMMAND)}")
    path = environ.get("PATH")
    if command == NPX_FALLBACK:
        npx = shutil.which("npx", path=path)
        if npx is None:
            return Check(
                "membrane_cli",
                "problem",
                "`membrane` is not on PATH and neither is `npx` (the fallback), so no CLI can start.",
                fix=f"Install Node.js, then `{INSTALL_CLI}`; or set HOTMART_MCP_MEMBRANE_CMD to the "
                "absolute path of `membrane`.",
            )
        npm = shutil.which("npm", path=path)
        reachable, answer = (
            await _probe([npm, "view", "@membranehq/cli", "version"]) if npm else (False, "npm not found")
        )
        if not reachable:
            return Check(
                "membrane_cli",
                "problem",
                f"`membrane` is not on PATH; the fallback `{' '.join(NPX_FALLBACK)}` needs the npm registry, "
                f"which npm could not reach ({answer}).",
                fix=f"Run `{INSTALL_CLI}` once while online, or set HOTMART_MCP_MEMBRANE_CMD to `membrane`'s "
                "absolute path.",
            )
        return Check(
            "membrane_cli",
            "note",
            f"`membrane` is not on PATH: using `{' '.join(NPX_FALLBACK)}` ({npx}); npm reaches the registry "
            f"(@membranehq/cli {answer}). Each call pays for npx; `{INSTALL_CLI}` is faster.",
        )
    found = shutil.which(command[0], path=path)
    if found is None:
        return Check(
            "membrane_cli",
            "problem",
            f"The Membrane command {command[0]!r} was not found or is not executable.",
            fix=f"Install it with `{INSTALL_CLI}`, or set HOTMART_MCP_MEMBRANE_CMD to its absolute path "
            "(MCP clients often start servers with a minimal PATH).",
        )
    ran, version = await _probe([found, *command[1:], "--version"])
    shown = version if ran else f"version unknown: {version}"
    return Check("membrane_cli", "ok", f"{found} ({shown})")


async def _probe(argv: list[str]) -> tuple[bool, str]:
    """Run a short command: (exit 0, first line of its output) or (False, why not)."""
    try:
        with anyio.fail_after(PROBE_TIMEOUT_S):
            result = await anyio.run_process(argv, check=False, stdin=subprocess.DEVNULL)
    except TimeoutError:
        return False, f"no answer within {PROBE_TIMEOUT_S:g} s"
    except OSError as exc:
        return False, exc.strerror or str(exc)
    output = (result.stdout or result.stderr).decode("utf-8", "replace").strip().splitlines()
    first = output[0][:200] if output else "(no output)"
    return result.returncode == 0, first if result.returncode == 0 else f"exit {result.returncode}: {first}"


# --- login and connection --------------------------------------------------------------------


async def check_membrane_state(settings: Settings) -> list[Check]:
    backend = make_backend(
        settings.membrane_command,
        env=settings.child_env,
        timeout_s=min(settings.timeout_s, CLI_TIMEOUT_S),
        max_concurrency=1,
    )
    try:
        status = await backend.login_status()
    except HotmartMcpError as exc:
        return [
            _error_check("login", exc),
            Check("connection", "note", "not checked: the login check failed"),
        ]
    if not status.logged_in:
        return [
            Check(
                "login",
                "problem",
                "Membrane has no login on this machine.",
                fix="Ask your agent to call the `login` tool (it shows a link, then asks for the code), "
                "or run `membrane login --tenant` in a terminal once.",
            ),
            Check("connection", "note", "not checked: log in first"),
        ]
    return [Check("login", "ok", "logged in to Membrane"), await check_connection(backend, settings)]


async def check_connection(backend: MembraneBackend, settings: Settings) -> Check:
    try:
        if settings.connection_id:
            connections = [await backend.get_connection(settings.connection_id)]
        else:
            connections = await backend.list_connections()
    except HotmartMcpError as exc:
        return _error_check("connection", exc)
    if not connections:
        return Check(
            "connection",
            "note",
            "no connection yet: the agent's first `ensure_connection` creates the Hotmart one (and gives "
            "the user a sign-in link when Hotmart needs one).",
        )
    ready = [connection for connection in connections if connection.ready]
    if ready:
        return Check("connection", "ok", f"{_describe(ready[0])} is READY")
    first = connections[0]
    action = first.client_action
    link = f" Open {action.ui_url} and sign in to Hotmart." if action and action.ui_url else ""
    return Check(
        "connection",
        "problem",
        f"{_describe(first)} is {first.state}{': ' + first.error if first.error else ''}; tools would answer "
        "connection_not_ready.",
        fix=f"Ask your agent to call `ensure_connection`, which says what is missing.{link}",
    )


def _describe(connection: Connection) -> str:
    return f"connection {connection.id} ({connection.name or 'unnamed'})"


def _error_check(name: str, error: HotmartMcpError) -> Check:
    status: Status = "problem"
    fix = error.payload().get("next_step")
    if isinstance(error, MembraneCliMissing):
        fix = f"Install the CLI with `{INSTALL_CLI}`, or set HOTMART_MCP_MEMBRANE_CMD to its absolute path."
    return Check(
        name, status, f"{error.error_type}: {error.message}", fix=fix if isinstance(fix, str) else None
    )


# --- export folder ---------------------------------------------------------------------------


def check_export_dir(folder: Path) -> Check:
    """An existing folder must take a new file; a missing one must be creatable (save_to creates it)."""
    fix = (
        "Set HOTMART_MCP_EXPORT_DIR to the absolute path of a folder you can write to, or fix the "
        "folder's permissions."
    )
    if folder.is_dir():
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            why = exc.strerror or str(exc)
            return Check("export_dir", "problem", f"{folder} is not writable: {why}. {_SAVE_FAILS}", fix)
        return Check("export_dir", "ok", f"{folder} is writable")
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return Check(
            "export_dir",
            "problem",
            f"{folder} cannot be created: {ancestor} is not a folder. {_SAVE_FAILS}",
            fix,
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return Check(
            "export_dir",
            "problem",
            f"{folder} cannot be created: {ancestor} is not writable. {_SAVE_FAILS}",
            fix,
        )
    return Check("export_dir", "ok", f"{folder} does not exist yet; the first save_to creates it")


_SAVE_FAILS = "proxy_request(save_to=...) would fail."
