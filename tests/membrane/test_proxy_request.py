"""A ProxyRequest is checked when it is made, so no backend has to check its values again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.membrane.models import ProxyRequest

from .test_api_backend import FakeMembrane, backend, reply

pytestmark = pytest.mark.anyio

SALES = "/payments/api/v1/sales/history"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"path": "https://evil.example/x"}, "path"),
        ({"path": "/a/%2e%2e/b"}, "path"),
        ({"path": SALES, "method": "TRACE"}, "method"),
        ({"path": SALES, "query": (("a", "c\nd"),)}, "query.a"),
        ({"path": SALES, "query": (("transaction", "--help"),)}, "query.transaction"),
        ({"path": SALES, "headers": (("Authorization", "Bearer x"),)}, "headers.Authorization"),
        ({"path": SALES, "body": 5}, "body"),
    ],
)
def test_a_hostile_value_cannot_be_put_in_a_proxy_request(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ProxyRequest(**fields)
    assert caught.value.details["field"] == field


def test_replacing_a_value_checks_the_new_one_too() -> None:
    request = ProxyRequest(SALES, query=(("max_results", "5"),))
    with pytest.raises(InvalidInput) as caught:
        replace(request, query=(*request.query, ("page_token", "x\r\nInjected: 1")))
    assert caught.value.details["field"] == "query.page_token"


def test_a_proxy_request_keeps_its_values_as_checked() -> None:
    request = ProxyRequest(
        SALES,
        method="get",
        query={"max_results": 5, "transaction": ["HP1", "HP2"], "product_id": None, "trial": True},  # type: ignore[arg-type]
        headers={"Accept-Language": "pt-BR"},  # type: ignore[arg-type]
    )
    assert request.method == "GET"
    assert request.query == (
        ("max_results", "5"),
        ("transaction", "HP1"),
        ("transaction", "HP2"),
        ("trial", "true"),
    )
    assert request.headers == (("Accept-Language", "pt-BR"),)
    assert request == ProxyRequest(SALES, query=request.query, headers=request.headers)


async def test_the_api_backend_sends_a_checked_request_as_it_was_checked() -> None:
    fake = FakeMembrane(reply(200, {"items": []}))
    request = ProxyRequest(SALES, method="get", query={"max_results": 5})  # type: ignore[arg-type]
    await backend(fake).request("con_1", request)
    [sent] = fake.requests
    assert sent.method == "GET"
    assert sent.url.params.get_list("max_results") == ["5"]
