"""ApiBackend against the simulator's HTTP face over a real loopback socket, with minted tokens.

The face runs as ``python -m hotmart_membrane_mcp.sandbox serve`` (the same child ``--sandbox``
starts) and verifies every token with the workspace secret, independently of the server's
minting code. Nothing is faked: this is the path httpx2/httpcore2 take in production.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from hotmart_membrane_mcp.config import SANDBOX_COMMAND
from hotmart_membrane_mcp.errors import NotLoggedIn
from hotmart_membrane_mcp.membrane import ApiBackend, ProxyRequest
from hotmart_membrane_mcp.membrane.tokens import MintedToken
from sandbox_harness import Sandbox

pytestmark = pytest.mark.anyio

WORKSPACE = "bench-workspace"
SECRET = "a-workspace-secret-only-this-test-knows"
SALES = "/payments/api/v1/sales/history"


@contextmanager
def http_face(sandbox: Sandbox) -> Iterator[str]:
    env = sandbox.env(HOTMART_SANDBOX_WORKSPACE_KEY=WORKSPACE, HOTMART_SANDBOX_WORKSPACE_SECRET=SECRET)
    process = subprocess.Popen(
        [*SANDBOX_COMMAND, "serve", "--stop-on-stdin-close"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(20)
        process.stdout.close()


def api(url: str, tokens: MintedToken, **options: Any) -> ApiBackend:
    return ApiBackend(url, tokens, timeout_s=20, **options)


async def test_minted_tokens_are_accepted_and_every_operation_works_over_a_socket(sandbox: Sandbox) -> None:
    with http_face(sandbox) as url:
        backend = api(url, MintedToken(WORKSPACE, SECRET, "tenant"))
        try:
            connection = await backend.ensure_connection("https://hotmart.com/")
            actions = await backend.search_actions(connection.id, "list sales", 3)
            action = await backend.get_action(actions[0].id)
            run = await backend.run_action(action.id, connection.id, {"max_results": 1})
            two_sales = ProxyRequest(path=SALES, query=(("max_results", "2"),))
            page = await backend.request(connection.id, two_sales)
            listed = await backend.list_connections()
        finally:
            await backend.aclose()

    assert connection.ready
    assert action.key == "list-sales"
    assert len(run.output["items"]) == 1
    assert page.status == 200 and len(page.body["items"]) == 2
    assert page.headers is not None and page.headers["ratelimit-limit"] == "500"
    assert [item.id for item in listed] == [connection.id]


async def test_a_token_minted_with_the_wrong_secret_is_renewed_once_then_names_the_variables(
    sandbox: Sandbox,
) -> None:
    tokens = MintedToken(WORKSPACE, SECRET + "-wrong", "tenant")
    with http_face(sandbox) as url:
        backend = api(url, tokens)
        try:
            with pytest.raises(NotLoggedIn) as raised:
                await backend.list_connections()
        finally:
            await backend.aclose()

    assert tokens.minted == 2  # the first, and one renewal after the 401
    assert "MEMBRANE_WORKSPACE_SECRET" in raised.value.next_step
    assert "Invalid token signature" in raised.value.message


async def test_an_expired_token_is_refused_and_a_fresh_one_accepted(sandbox: Sandbox) -> None:
    clock = [time.time() - 7200]  # minting as if two hours ago: the token expired an hour ago

    def now() -> float:
        moment = clock[0]
        clock[0] = time.time()  # the renewal after the 401 mints with the real time
        return moment

    tokens = MintedToken(WORKSPACE, SECRET, "tenant", clock=now)
    with http_face(sandbox) as url:
        backend = api(url, tokens)
        try:
            connections = await backend.list_connections()
        finally:
            await backend.aclose()

    assert connections == []
    assert tokens.minted == 2


async def test_no_token_or_secret_reaches_the_logs_of_a_real_http_exchange_at_debug(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = MintedToken(WORKSPACE, SECRET, "tenant")
    with http_face(sandbox) as url, caplog.at_level(logging.DEBUG):
        backend = api(url, tokens)
        try:
            connection = await backend.ensure_connection("https://hotmart.com/")
            await backend.request(connection.id, ProxyRequest(path=SALES))
            token = tokens.token()
        finally:
            await backend.aclose()

    logged = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert "httpcore2" in logged  # the transport's own DEBUG lines were captured too
    assert SECRET not in logged
    assert token not in logged and token.split(".")[2] not in logged
