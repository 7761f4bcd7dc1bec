"""What only the api backend does: HTTP retries, headers, the concurrency limit, 401 renewal, secrets.

The fake sits at the HTTP boundary (``httpx2.MockTransport``): it answers as Membrane's API
would and records every request. What both backends share (the tools' results in every
scenario) is tested once for both in tests/test_server_backends.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx2
import pytest

from hotmart_membrane_mcp.errors import (
    ActionNotFound,
    BackendUnavailable,
    ConnectionNotReady,
    HotmartMcpError,
    InvalidInput,
    MembraneFailed,
    NotLoggedIn,
    RateLimited,
    UpstreamError,
)
from hotmart_membrane_mcp.membrane import ApiBackend, ProxyRequest
from hotmart_membrane_mcp.membrane.api import API_VERSION
from hotmart_membrane_mcp.membrane.tokens import MintedToken, StaticToken

pytestmark = pytest.mark.anyio

SECRET = "workspace-secret-for-tests-0123456789"
CONNECTION = {"id": "con_1", "name": "Hotmart", "state": "READY"}
ACTIONS = {"items": [{"id": "act_1", "key": "list-sales", "name": "List Sales"}]}

Answer = Callable[[httpx2.Request], "httpx2.Response | Awaitable[httpx2.Response]"]


class FakeMembrane:
    """Answers requests in order (the last answer repeats) and records them."""

    def __init__(self, *answers: httpx2.Response | Exception | Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx2.Response):
            return answer
        outcome = answer(request)
        return outcome if isinstance(outcome, httpx2.Response) else await outcome

    def tokens_sent(self) -> list[str]:
        return [request.headers["authorization"].removeprefix("Bearer ") for request in self.requests]


def reply(status: int, body: Any = None, **headers: str) -> httpx2.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx2.Response(status, content=content, headers={"content-type": "application/json", **headers})


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def backend(
    fake: FakeMembrane, *, tokens: Any = None, sleeps: Sleeps | None = None, **options: Any
) -> ApiBackend:
    return ApiBackend(
        "http://membrane.test",
        tokens or StaticToken("static-token-value", "MEMBRANE_TOKEN"),
        timeout_s=5,
        transport=httpx2.MockTransport(fake),
        sleep=sleeps or Sleeps(),
        **options,
    )


async def test_every_request_carries_the_bearer_token_and_the_api_version_header() -> None:
    fake = FakeMembrane(reply(200, CONNECTION))
    await backend(fake).ensure_connection("https://hotmart.com/", "Hotmart")

    [request] = fake.requests
    assert request.method == "POST"
    assert request.url.path == "/connections/ensure"
    assert json.loads(request.content) == {"appUrl": "https://hotmart.com/", "name": "Hotmart"}
    assert request.headers["membrane-api-version"] == API_VERSION
    assert request.headers["authorization"] == "Bearer static-token-value"


async def test_a_get_is_retried_after_the_retry_after_of_a_429() -> None:
    fake = FakeMembrane(
        reply(
            429,
            {"type": "bad_request", "key": "rate_limit_exceeded", "message": "slow down"},
            **{"Retry-After": "2"},
        ),
        reply(200, ACTIONS),
    )
    sleeps = Sleeps()
    actions = await backend(fake, sleeps=sleeps).search_actions("con_1", "list sales", 5)

    assert [action.key for action in actions] == ["list-sales"]
    assert sleeps.waits == [2.0]
    assert len(fake.requests) == 2


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_retried_with_growing_backoff_then_reported(status: int) -> None:
    fake = FakeMembrane(reply(status))
    sleeps = Sleeps()
    with pytest.raises(MembraneFailed) as raised:
        await backend(fake, sleeps=sleeps, max_retries=3).get_action("act_1")

    assert len(fake.requests) == 4
    assert sleeps.waits == [0.25, 0.5, 1.0]
    assert raised.value.details["status"] == status


async def test_an_action_run_is_never_retried_since_it_may_have_acted() -> None:
    fake = FakeMembrane(reply(503))
    sleeps = Sleeps()
    with pytest.raises(MembraneFailed):
        await backend(fake, sleeps=sleeps).run_action("refund-sale", "con_1", {"transaction": "HP1"})

    assert len(fake.requests) == 1
    assert sleeps.waits == []


async def test_a_proxied_write_is_never_retried_but_a_proxied_get_is() -> None:
    fake = FakeMembrane(reply(503, {"error": "unavailable", "error_description": "try later"}))
    with pytest.raises(UpstreamError):
        await backend(fake).request(
            "con_1", ProxyRequest(path="/payments/api/v1/sales/HP1/refund", method="PUT")
        )
    assert len(fake.requests) == 1

    fake = FakeMembrane(
        reply(503, {"error": "unavailable", "error_description": "try later"}), reply(200, {"items": []})
    )
    response = await backend(fake).request("con_1", ProxyRequest(path="/payments/api/v1/sales/history"))
    assert response.status == 200
    assert len(fake.requests) == 2


async def test_a_retry_after_longer_than_the_cap_is_reported_instead_of_waited() -> None:
    fake = FakeMembrane(
        reply(429, {"error": "too_many_requests", "error_description": "wait"}, **{"Retry-After": "120"})
    )
    sleeps = Sleeps()
    with pytest.raises(RateLimited) as raised:
        await backend(fake, sleeps=sleeps).request(
            "con_1", ProxyRequest(path="/payments/api/v1/sales/history")
        )

    assert raised.value.details["retry_after_s"] == 120.0
    assert sleeps.waits == []
    assert len(fake.requests) == 1


async def test_network_errors_are_retried_then_say_membrane_is_unreachable() -> None:
    fake = FakeMembrane(httpx2.ConnectError("connection refused"))
    sleeps = Sleeps()
    with pytest.raises(BackendUnavailable) as raised:
        await backend(fake, sleeps=sleeps, max_retries=2).list_connections()

    assert raised.value.error_type == "membrane_unavailable"
    assert "http://membrane.test" in raised.value.message
    assert len(fake.requests) == 3
    assert sleeps.waits == [0.25, 0.5]


async def test_credentials_in_the_api_url_never_appear_in_an_error() -> None:
    api = ApiBackend(
        "http://user:hunter2@membrane.test:8443",
        StaticToken("t", "MEMBRANE_TOKEN"),
        timeout_s=5,
        max_retries=0,
        transport=httpx2.MockTransport(FakeMembrane(httpx2.ConnectError("refused"))),
    )
    with pytest.raises(BackendUnavailable) as raised:
        await api.list_connections()

    assert "hunter2" not in str(raised.value.payload())
    assert "http://membrane.test:8443" in raised.value.message


async def test_a_network_error_then_success_is_invisible_to_the_caller() -> None:
    fake = FakeMembrane(httpx2.ConnectError("reset"), reply(200, {"items": [CONNECTION]}))
    connections = await backend(fake).list_connections()

    assert [connection.id for connection in connections] == ["con_1"]


async def test_the_proxy_returns_hotmarts_status_and_headers_with_path_params_and_repeated_query_keys() -> (
    None
):
    fake = FakeMembrane(reply(201, {"ok": True}, **{"RateLimit-Remaining": "42"}))
    request = ProxyRequest(
        path="/products/api/v1/product/{product_id}/coupon",
        method="POST",
        query=(("tag", "a"), ("tag", "b")),
        headers=(("Accept-Language", "pt-BR"),),
        body={"code": "TEN", "discount": 0.1},
        path_params=(("product_id", "12/34"),),
    )
    response = await backend(fake).request("con_1", request)

    [sent] = fake.requests
    assert sent.url.raw_path == b"/connections/con_1/proxy/products/api/v1/product/12%2F34/coupon?tag=a&tag=b"
    assert sent.headers["accept-language"] == "pt-BR"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {"code": "TEN", "discount": 0.1}
    assert response.status == 201
    assert response.headers is not None and response.headers["ratelimit-remaining"] == "42"
    assert response.body == {"ok": True}


async def test_a_hotmart_401_through_the_proxy_is_hotmarts_error_not_a_membrane_login_problem() -> None:
    fake = FakeMembrane(reply(401, {"error": "invalid_token", "error_description": "expired"}))
    tokens = MintedToken("ws", SECRET, "tenant")
    with pytest.raises(UpstreamError) as raised:
        await backend(fake, tokens=tokens).request(
            "con_1", ProxyRequest(path="/payments/api/v1/sales/history")
        )

    assert raised.value.details["status"] == 401
    assert len(fake.requests) == 1
    assert tokens.minted == 1


NOT_FOUND = {"type": "bad_request", "key": "not_found"}
NOT_READY = {"connectionId": "c1", "state": "BUILDING"}
MEMBRANE_ERRORS = [
    (404, {**NOT_FOUND, "message": "Action with selector 'x' not found"}, "get_action", ActionNotFound),
    (404, {**NOT_FOUND, "message": "Connection with id 'x' not found"}, "get_connection", InvalidInput),
    (400, {"type": "bad_request", "message": "limit must be at most 1000"}, "search_actions", InvalidInput),
    (400, {"type": "connection", "message": "Unready", "data": NOT_READY}, "run_action", ConnectionNotReady),
    (500, {"type": "internal", "message": "Internal server error"}, "get_action", MembraneFailed),
]


@pytest.mark.parametrize(("status", "body", "call", "error"), MEMBRANE_ERRORS)
async def test_membrane_error_bodies_map_onto_the_same_typed_errors_as_the_cli(
    status: int, body: dict[str, Any], call: str, error: type[Exception]
) -> None:
    api = backend(FakeMembrane(reply(status, body)))
    arguments: dict[str, tuple[Any, ...]] = {
        "get_action": ("x",),
        "get_connection": ("x",),
        "search_actions": ("con_1", "sales", 5),
        "run_action": ("act_1", "con_1", {}),
    }
    with pytest.raises(error) as raised:
        await getattr(api, call)(*arguments[call])

    assert type(raised.value) is error
    assert isinstance(raised.value, HotmartMcpError)
    assert body["message"] in raised.value.message


async def test_a_minted_token_is_renewed_once_on_a_401_and_the_call_succeeds() -> None:
    unauthorized = reply(401, {"type": "bad_request", "key": "not_authenticated", "message": "Invalid token"})
    fake = FakeMembrane(unauthorized, reply(200, CONNECTION))
    tokens = MintedToken("ws", SECRET, "tenant", clock=iter(range(1000, 2000)).__next__)
    connection = await backend(fake, tokens=tokens).get_connection("con_1")

    assert connection.id == "con_1"
    first, second = fake.tokens_sent()
    assert first != second
    assert tokens.minted == 2


async def test_a_second_401_is_not_logged_in_naming_the_variables_to_fix() -> None:
    fake = FakeMembrane(
        reply(401, {"type": "bad_request", "key": "not_authenticated", "message": "Invalid token"})
    )
    with pytest.raises(NotLoggedIn) as raised:
        await backend(fake, tokens=MintedToken("ws", SECRET, "tenant")).list_connections()

    assert len(fake.requests) == 2
    assert "MEMBRANE_WORKSPACE_SECRET" in raised.value.next_step
    assert "MEMBRANE_WORKSPACE_KEY" in raised.value.next_step


async def test_a_given_token_cannot_be_renewed_so_one_401_names_membrane_token() -> None:
    fake = FakeMembrane(
        reply(401, {"type": "bad_request", "key": "not_authenticated", "message": "Invalid token"})
    )
    with pytest.raises(NotLoggedIn) as raised:
        await backend(fake, tokens=StaticToken("abc", "MEMBRANE_ACCESS_TOKEN")).list_connections()

    assert len(fake.requests) == 1
    assert "MEMBRANE_ACCESS_TOKEN" in raised.value.message
    assert "MEMBRANE_ACCESS_TOKEN" in raised.value.next_step


async def test_no_more_requests_than_the_concurrency_limit_are_in_flight() -> None:
    in_flight = 0
    highest = 0

    async def slow(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, highest
        in_flight += 1
        highest = max(highest, in_flight)
        await anyio.sleep(0.01)
        in_flight -= 1
        return reply(200, ACTIONS)

    api = backend(FakeMembrane(slow), max_concurrency=5)
    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(api.search_actions, "con_1", "sales", 5)

    assert highest == 5


async def test_login_in_api_mode_is_a_status_naming_the_token_source_not_a_browser_flow() -> None:
    api = backend(FakeMembrane(reply(200, {"items": []})))

    status = await api.login_status()
    with pytest.raises(NotLoggedIn) as raised:
        await api.login_start("claude")

    assert api.supports_browser_login is False
    assert status.logged_in is True
    assert "MEMBRANE_TOKEN" in status.message
    assert "MEMBRANE_TOKEN" in raised.value.next_step


async def test_no_token_or_secret_reaches_any_log_line_or_error_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unauthorized = reply(401, {"type": "bad_request", "key": "not_authenticated", "message": "Invalid token"})
    fake = FakeMembrane(unauthorized, reply(503), reply(200, CONNECTION), unauthorized)
    tokens = MintedToken("ws", SECRET, "tenant", clock=iter(range(1000, 2000)).__next__)
    api = backend(fake, tokens=tokens)
    with caplog.at_level(logging.DEBUG):
        await api.get_connection("con_1")
        with pytest.raises(NotLoggedIn) as raised:
            await api.list_connections()

    sent = set(fake.tokens_sent())
    logged = (
        "\n".join(record.getMessage() for record in caplog.records)
        + repr(tokens)
        + str(raised.value.payload())
    )
    assert caplog.records
    assert len(sent) >= 2
    assert SECRET not in logged
    assert not any(token in logged for token in sent)
    assert not any(token.split(".")[2] in logged for token in sent)
