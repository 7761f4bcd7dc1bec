"""proxy_request in the user's zone: bare dates, readable *_iso dates (also in CSV); empty-lookup hints."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from mcp import Client

from hotmart_membrane_mcp.sandbox.hotmart import sales_in_window
from hotmart_membrane_mcp.zones import Zone, iso_in_zone, load_zone
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000
HISTORY = "/payments/api/v1/sales/history"
SAO_PAULO = "America/Sao_Paulo"


def latest_sale(sandbox: Sandbox) -> dict:
    data = sandbox.dataset()
    return max(sales_in_window(data, 0, NOW_MS), key=lambda sale: sale["purchase"]["order_date"])


async def test_bare_dates_are_midnight_in_the_named_zone_and_dates_come_back_readable_in_it(
    fixed: Sandbox,
) -> None:
    async with Client(fixed.server()) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {
                "path": HISTORY,
                "query": {"start_date": "2026-05-01", "end_date": "2026-05-02", "max_results": 3},
                "fields": ["purchase.transaction", "purchase.order_date"],
                "timezone": SAO_PAULO,
            },
        )

    start, end = result["date_conversions"]
    assert start["local"] == "2026-05-01T00:00:00-03:00" and start["utc"] == "2026-05-01T03:00:00Z"
    assert end["epoch_ms"] - start["epoch_ms"] == DAY_MS
    zone = load_zone(SAO_PAULO)
    purchases = [item["purchase"] for item in result["body"]["items"]]
    assert purchases
    for purchase in purchases:
        assert purchase["order_date_iso"] == iso_in_zone(purchase["order_date"], zone)
        assert purchase["order_date_iso"].startswith("2026-05-01T") and purchase["order_date_iso"].endswith(
            "-03:00"
        )


async def test_the_server_default_zone_applies_when_a_call_names_none(fixed: Sandbox) -> None:
    async with Client(fixed.server(timezone=Zone("Asia/Tokyo", "test"))) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": {"start_date": "2026-05-01", "max_results": 1}},
        )

    assert result["date_conversions"][0]["local"] == "2026-05-01T00:00:00+09:00"


async def test_a_csv_export_carries_the_readable_dates_as_columns(fixed: Sandbox, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    async with Client(fixed.server(export_dir=str(exports))) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {
                "path": HISTORY,
                "query": {"start_date": "2026-05-01", "end_date": "2026-05-08"},
                "all_pages": True,
                "fields": ["purchase.transaction", "purchase.order_date"],
                "save_to": "week.csv",
                "timezone": SAO_PAULO,
            },
        )

    text = Path(result["saved"]["path"]).read_text(encoding="utf-8")  # noqa: ASYNC240 - a small test file
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and "purchase.order_date_iso" in result["saved"]["columns"]
    zone = load_zone(SAO_PAULO)
    assert all(
        row["purchase.order_date_iso"] == iso_in_zone(int(row["purchase.order_date"]), zone) for row in rows
    )


async def test_a_bad_zone_is_invalid_input_before_anything_is_sent(fixed: Sandbox) -> None:
    async with Client(fixed.server()) as client:
        error = await call_error(client, "proxy_request", {"path": HISTORY, "timezone": "GMT-3 Brasilia"})

    assert error["error_type"] == "invalid_input" and error["field"] == "timezone"


async def test_a_lower_case_transaction_code_that_finds_nothing_says_how_codes_look(fixed: Sandbox) -> None:
    code = latest_sale(fixed)["purchase"]["transaction"]
    async with Client(fixed.server()) as client:
        found = await call_ok(client, "proxy_request", {"path": HISTORY, "query": {"transaction": code}})
        lower = await call_ok(
            client, "proxy_request", {"path": HISTORY, "query": {"transaction": code.lower()}}
        )
        bare = await call_ok(client, "proxy_request", {"path": HISTORY, "query": {"transaction": code[2:]}})

    assert len(found["body"]["items"]) == 1 and not any("HP" in w for w in found["warnings"])
    assert lower["body"]["items"] == [] and any(f"try '{code}'" in w for w in lower["warnings"])
    assert bare["body"]["items"] == [] and any(f"try '{code}'" in w for w in bare["warnings"])


async def test_a_window_that_excludes_the_record_is_named_as_a_possible_cause(fixed: Sandbox) -> None:
    code = latest_sale(fixed)["purchase"]["transaction"]
    async with Client(fixed.server()) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {
                "path": HISTORY,
                "query": {"transaction": code, "start_date": "2020-01-01", "end_date": "2020-02-01"},
            },
        )

    assert result["body"]["items"] == []
    assert any("may leave the record out" in w and "without the dates" in w for w in result["warnings"])


async def test_an_empty_subscription_read_points_at_the_30_day_default(fixed: Sandbox) -> None:
    async with Client(fixed.server()) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {"path": "/payments/api/v1/subscriptions", "query": {"subscriber_email": "nobody@example.com"}},
        )

    assert result["body"]["items"] == []
    assert any("pass an older accession_date" in w for w in result["warnings"])


async def test_run_action_output_carries_readable_dates_in_the_server_zone(fixed: Sandbox) -> None:
    async with Client(fixed.server(timezone=Zone(SAO_PAULO, "HOTMART_MCP_TIMEZONE"))) as client:
        result = await call_ok(client, "run_action", {"action_id": "list-sales", "input": {"max_results": 2}})

    purchases = [item["purchase"] for item in result["output"]["items"]]
    zone = load_zone(SAO_PAULO)
    assert purchases and all(
        purchase["order_date_iso"] == iso_in_zone(purchase["order_date"], zone) for purchase in purchases
    )
