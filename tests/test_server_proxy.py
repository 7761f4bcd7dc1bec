"""proxy_request through the MCP client against the simulated Hotmart API."""

from __future__ import annotations

import json

import pytest
from mcp import Client

from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

SALES_HISTORY = "/payments/api/v1/sales/history"


async def test_get_returns_hotmarts_parsed_body(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        result = await call_ok(client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 3}})

    assert list(result)[0] == "status"
    assert result["status"] == "ok"
    # membrane-cli-contract.md §9: the CLI's request output is UNKNOWN; body mode prints no status.
    assert result["http_status"] is None
    assert len(result["body"]["items"]) == 3
    # Hotmart's page_info is replaced by the paging fields, with our own continuation token.
    assert "page_info" not in result["body"]
    assert result["pages_fetched"] == 1 and result["truncated"] is False
    assert result["next_page_token"].startswith("hmcp1.") and result["total_items"] > 3


async def test_full_output_mode_reports_the_http_status(sandbox: Sandbox) -> None:
    sandbox.variables["HOTMART_SANDBOX_REQUEST_OUTPUT"] = "full"
    async with Client(sandbox.server()) as client:
        result = await call_ok(client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 1}})

    assert result["http_status"] == 200
    assert len(result["body"]["items"]) == 1


async def test_query_lists_repeat_the_parameter_and_path_params_fill_the_template(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        products = await call_ok(client, "proxy_request", {"path": "/products/api/v1/products"})
        product_id = products["body"]["items"][0]["id"]
        statuses = await call_ok(
            client,
            "proxy_request",
            {
                "path": SALES_HISTORY,
                "query": {"transaction_status": ["REFUNDED", "CANCELLED"], "max_results": 50},
            },
        )
        coupons = await call_ok(
            client,
            "proxy_request",
            {
                "path": "/products/api/v1/coupon/product/{product_id}",
                "path_params": {"product_id": product_id},
            },
        )

    assert {item["purchase"]["status"] for item in statuses["body"]["items"]} <= {"REFUNDED", "CANCELLED"}
    assert isinstance(coupons["body"]["items"], list)


async def test_post_creates_a_coupon_with_a_json_body(sandbox: Sandbox) -> None:
    # allow mode: this test is about the body reaching Hotmart; confirmation is tested in test_server_safety*.
    async with Client(sandbox.server(writes="allow")) as client:
        products = await call_ok(client, "proxy_request", {"path": "/products/api/v1/products"})
        product_id = products["body"]["items"][0]["id"]
        await call_ok(
            client,
            "proxy_request",
            {
                "path": f"/products/api/v1/product/{product_id}/coupon",
                "method": "POST",
                "body": {"code": "MCPTEST10", "discount": 0.1},
            },
        )
        listed = await call_ok(
            client, "proxy_request", {"path": f"/products/api/v1/coupon/product/{product_id}"}
        )

    assert "MCPTEST10" in json.dumps(listed["body"])


async def test_an_error_status_is_an_upstream_error_with_status_and_body(sandbox: Sandbox, era: str) -> None:
    async with Client(sandbox.server(), mode=era) as client:
        error = await call_error(client, "proxy_request", {"path": "/payments/api/v1/no-such-endpoint"})

    assert error["error_type"] == "upstream_error"
    assert error["status"] == 404
    assert "body" in error


async def test_hotmart_rate_limit_is_rate_limited_with_retry_after(sandbox: Sandbox) -> None:
    sandbox.variables["HOTMART_SANDBOX_RATE_LIMIT_EVERY"] = "2"
    async with Client(sandbox.server(scenario="rate-limited")) as client:
        await call_ok(client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 1}})
        error = await call_error(
            client, "proxy_request", {"path": SALES_HISTORY, "query": {"max_results": 1}}
        )

    assert error["error_type"] == "rate_limited"
    assert error["retry_after_s"] > 0
