"""``--sandbox`` with the api backend: the simulator's HTTP face as a child process of the server.

The face is started on a free loopback port with a workspace secret generated for this run, the
server's api backend mints its tokens from that secret (so token minting is exercised end to
end), and the child is stopped when the server stops. The user's own MEMBRANE_* token variables
are never sent to the simulator.
"""

from __future__ import annotations

import logging
import secrets
import select
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from .config import (
    SANDBOX_COMMAND,
    TENANT_KEY,
    TOKEN_VARIABLES,
    WORKSPACE_KEY,
    WORKSPACE_SECRET,
    ConfigError,
    Settings,
)

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
SANDBOX_WORKSPACE = "hotmart-sandbox"
SANDBOX_TENANT = "sandbox-tenant"


@contextmanager
def simulator_api(settings: Settings) -> Iterator[Settings]:
    """Run ``python -m hotmart_membrane_mcp.sandbox serve``; yield settings pointing at it."""
    secret = secrets.token_urlsafe(32)
    private = {*TOKEN_VARIABLES, WORKSPACE_KEY, WORKSPACE_SECRET, TENANT_KEY, "HOTMART_SANDBOX_API_TOKEN"}
    child_env = {key: value for key, value in settings.child_env.items() if key not in private}
    child_env.update(
        HOTMART_SANDBOX_WORKSPACE_KEY=SANDBOX_WORKSPACE,
        HOTMART_SANDBOX_WORKSPACE_SECRET=secret,
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
        [*SANDBOX_COMMAND, "serve", "--host", "127.0.0.1", "--port", "0", "--stop-on-stdin-close"],
        # The child stops when this pipe closes: on a clean exit below, and also if the server dies.
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_env,
    )
    try:
        url = _read_url(process)
        logger.info("sandbox: Membrane's REST API simulated at %s (pid %d)", url, process.pid)
        server_env = {**child_env, WORKSPACE_KEY: SANDBOX_WORKSPACE, WORKSPACE_SECRET: secret}
        server_env[TENANT_KEY] = SANDBOX_TENANT
        yield replace(settings, api_url=url, child_env=server_env)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _read_url(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line.startswith("http://"):
        raise ConfigError("--sandbox", f"the simulator's HTTP face did not start (exit {process.poll()})")
    return line
