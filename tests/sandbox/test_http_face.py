"""The simulator's HTTP face (``sandbox serve``): Membrane's REST endpoints over the same core and state.

Most tests mount the ASGI app in process (httpx2's ASGITransport); the last ones start the real
``serve`` command and talk to it over a socket.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cli_run import SANDBOX_COMMAND, FakeTime, call_cli, sandbox_env

from hotmart_membrane_mcp.membrane.tokens import mint_token
from hotmart_membrane_mcp.sandbox.bearer import DEFAULT_TOKEN, BearerPolicy
from hotmart_membrane_mcp.sandbox.http_face import build_app
from hotmart_membrane_mcp.sandbox.settings import SandboxSettings

pytestmark = pytest.mark.anyio

TOKEN = "face-test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
SALES = "/payments/api/v1/sales/history"


def face(
    state_dir: Path, time: FakeTime | None = None, bearer: BearerPolicy | None = None, **switches: str
) -> httpx2.AsyncClient:
    settings = SandboxSettings.from_environ(sandbox_env(state_dir, **switches))
    time = time or FakeTime()
    app = build_app(settings, bearer or BearerPolicy(TOKEN, None, None), sleep=time.sleep, clock=time.clock)
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sandbox.test")


async def ensure(client: httpx2.AsyncClient) -> dict[str, Any]:
    response = await client.post("/connections/ensure", json={"appUrl": "https://hotmart.com/"}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


async def test_ensure_returns_the_connection_object_and_a_second_ensure_finds_the_same_one(
    tmp_path: Path,
) -> None:
    async with face(tmp_path) as client:
        first = await ensure(client)
        again = await ensure(client)
        listed = (await client.get("/connections", headers=AUTH)).json()

    assert first["state"] == "READY" and first["integration"]["key"] == "hotmart"
    assert again["id"] == first["id"]
    assert [item["id"] for item in listed["items"]] == [first["id"]]


async def test_a_missing_or_wrong_token_is_a_401_not_authenticated(tmp_path: Path) -> None:
    async with face(tmp_path) as client:
        missing = await client.get("/connections")
        wrong = await client.get("/connections", headers={"authorization": "Bearer nope"})

    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json()["type"] == "bad_request"
        assert response.json()["key"] == "not_authenticated"


async def test_a_token_minted_with_the_workspace_secret_is_accepted_and_the_default_token_otherwise(
    tmp_path: Path,
) -> None:
    time = FakeTime()
    token = mint_token("ws", "secret", "tenant", expires_at=2_000_000_000, issued_at=1_700_000_000)
    bearer = BearerPolicy(None, "ws", "secret")
    async with face(tmp_path, bearer=bearer) as client:
        minted = await client.get("/connections", headers={"authorization": f"Bearer {token}"})
    async with face(tmp_path, time, bearer=BearerPolicy.from_environ({})) as client:
        default = await client.get("/connections", headers={"authorization": f"Bearer {DEFAULT_TOKEN}"})

    assert minted.status_code == 200
    assert default.status_code == 200


async def test_an_invalid_app_url_is_the_apis_400(tmp_path: Path) -> None:
    async with face(tmp_path) as client:
        response = await client.post("/connections/ensure", json={"appUrl": "hotmart"}, headers=AUTH)

    assert response.status_code == 400
    assert response.json()["type"] == "bad_request"


async def test_a_building_connection_is_ready_after_a_long_poll(tmp_path: Path) -> None:
    async with face(tmp_path, SCENARIO="building") as client:
        built = await ensure(client)
        waited = await client.get(
            f"/connections/{built['id']}", params={"wait": "true", "timeout": 5}, headers=AUTH
        )

    assert built["state"] == "BUILDING"
    assert waited.json()["state"] == "READY"


async def test_one_core_two_faces_the_cli_approves_what_the_http_face_then_sees_ready(tmp_path: Path) -> None:
    async with face(tmp_path, SCENARIO="connect") as client:
        pending = await ensure(client)
        blocked = await client.get(f"/connections/{pending['id']}/proxy{SALES}", headers=AUTH)
        approved = call_cli(tmp_path, "sandbox", "approve", pending["id"], "--json")
        after = await client.get(f"/connections/{pending['id']}", headers=AUTH)

    assert pending["state"] == "CLIENT_ACTION_REQUIRED"
    assert pending["clientAction"]["type"] == "connect" and pending["clientAction"]["uiUrl"]
    assert blocked.status_code == 400
    assert blocked.json()["type"] == "connection"
    assert blocked.json()["data"]["state"] == "CLIENT_ACTION_REQUIRED"
    assert approved.code == 0
    assert after.json()["state"] == "READY"


async def test_logged_out_is_a_401_until_a_login_completes_through_the_cli(tmp_path: Path) -> None:
    async with face(tmp_path, SCENARIO="logged-out") as client:
        refused = await client.get("/connections", headers=AUTH)
        call_cli(tmp_path, "login", "--tenant", "--json", SCENARIO="logged-out")
        code = call_cli(tmp_path, "sandbox", "login-code", "--json").json()["code"]
        call_cli(tmp_path, "login", "complete", code, "--json", SCENARIO="logged-out")
        accepted = await client.get("/connections", headers=AUTH)

    assert refused.status_code == 401
    assert refused.json()["key"] == "not_authenticated"
    assert accepted.status_code == 200


async def test_the_proxy_passes_hotmarts_status_headers_and_body_through(tmp_path: Path) -> None:
    async with face(tmp_path, SEED="7") as client:
        connection = await ensure(client)
        base = f"/connections/{connection['id']}/proxy"
        page = await client.get(f"{base}{SALES}", params={"max_results": 2}, headers=AUTH)
        missing = await client.get(f"{base}/payments/api/v1/nothing-here", headers=AUTH)
        unknown = await client.get(f"/connections/nope/proxy{SALES}", headers=AUTH)

    assert page.status_code == 200
    assert len(page.json()["items"]) == 2
    assert page.headers["ratelimit-limit"] == "500"
    assert missing.status_code == 404
    assert "type" not in missing.json()  # Hotmart's own error body, not Membrane's
    assert unknown.status_code == 404
    assert unknown.json()["key"] == "not_found"


async def test_rate_limited_makes_every_nth_hotmart_call_a_429_with_retry_after(tmp_path: Path) -> None:
    async with face(tmp_path, SCENARIO="rate-limited", RATE_LIMIT_EVERY="2") as client:
        connection = await ensure(client)
        url = f"/connections/{connection['id']}/proxy{SALES}"
        statuses = [(await client.get(url, headers=AUTH)) for _ in range(4)]

    assert [response.status_code for response in statuses] == [200, 429, 200, 429]
    assert statuses[1].headers["retry-after"] == "1"


async def test_flaky_fails_every_third_request_a_500_or_a_hotmart_503_through_the_proxy(
    tmp_path: Path,
) -> None:
    async with face(tmp_path, SCENARIO="flaky") as client:
        connection = await ensure(client)  # 1
        await client.get("/connections", headers=AUTH)  # 2
        internal = await client.get("/connections", headers=AUTH)  # 3
        await client.get("/connections", headers=AUTH)  # 4
        await client.get("/connections", headers=AUTH)  # 5
        proxied = await client.get(f"/connections/{connection['id']}/proxy{SALES}", headers=AUTH)  # 6

    assert internal.status_code == 500
    assert internal.json() == {"type": "internal", "message": "Internal server error"}
    assert proxied.status_code == 503
    assert proxied.json()["error"] == "internal_server_error"


async def test_slow_delays_every_request_by_the_configured_seconds(tmp_path: Path) -> None:
    time = FakeTime()
    async with face(tmp_path, time, SCENARIO="slow", DELAY_S="1.5") as client:
        await ensure(client)
        await client.get("/connections", headers=AUTH)

    assert time.naps == [1.5, 1.5]


async def test_actions_are_searched_read_and_run_with_the_same_errors_as_the_cli(tmp_path: Path) -> None:
    async with face(tmp_path, SEED="7") as client:
        connection = await ensure(client)
        params = {"connectionId": connection["id"]}
        found = await client.get(
            "/actions", params={**params, "intent": "list sales", "limit": 2}, headers=AUTH
        )
        action = await client.get("/actions/list-sales", headers=AUTH)
        missing = await client.get("/actions/no-such-action", headers=AUTH)
        run = await client.post(
            "/actions/list-sales/run", params=params, json={"input": {"max_results": 1}}, headers=AUTH
        )
        bad = await client.post(
            "/actions/list-sales/run", params=params, json={"input": {"max_results": "many"}}, headers=AUTH
        )

    assert found.json()["items"][0]["key"] == "list-sales"
    assert action.json()["inputSchema"]["type"] == "object"
    assert missing.status_code == 404 and missing.json()["key"] == "not_found"
    assert len(run.json()["output"]["items"]) == 1 and run.json()["actionRunId"]
    assert bad.status_code == 400 and bad.json()["type"] == "bad_request"


def test_serve_prints_its_loopback_url_on_one_line_and_answers_over_a_socket(tmp_path: Path) -> None:
    env = {**sandbox_env(tmp_path), "HOTMART_SANDBOX_API_TOKEN": TOKEN}
    process = subprocess.Popen([*SANDBOX_COMMAND, "serve"], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        with httpx2.Client(base_url=url, timeout=10) as client:
            response = client.post("/connections/ensure", json={"appUrl": "hotmart.com"}, headers=AUTH)
    finally:
        process.terminate()
        process.wait(10)
        assert process.stdout is not None
        process.stdout.close()

    assert url.startswith("http://127.0.0.1:")
    assert response.status_code == 200
    assert json.loads(response.text)["state"] == "READY"


def test_serve_refuses_a_non_loopback_host_unless_allowed(tmp_path: Path) -> None:
    finished = subprocess.run(
        [*SANDBOX_COMMAND, "serve", "--host", "0.0.0.0"],
        env=sandbox_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 2
    assert "not a loopback address" in finished.stderr
    assert finished.stdout == ""


def test_serve_stops_by_itself_when_its_parents_pipe_closes(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*SANDBOX_COMMAND, "serve", "--stop-on-stdin-close"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=sandbox_env(tmp_path),
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    url = process.stdout.readline().strip()
    process.stdin.close()  # what a parent's death does to the pipe
    try:
        code = process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()

    assert url.startswith("http://127.0.0.1:")
    assert code == 0
