"""proxy_request reads at agent scale: all pages, budget cuts that resume exactly, fields, save_to, dates."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from hotmart_membrane_mcp.hotmart.catalogue import SALES_STATUS_TRAP, SUMMARY_COMMISSION_TRAP
from hotmart_membrane_mcp.sandbox.hotmart import sales_ground_truth
from hotmart_membrane_mcp.sandbox.store import StateStore
from safety_harness import Rig
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000  # the simulator's fixed "now": 2026-05-28T20:26:40Z
DAY_MS = 86_400_000
YEAR = {"start_date": NOW_MS - 365 * DAY_MS, "end_date": NOW_MS}
HISTORY = "/payments/api/v1/sales/history"
UNLIMITED = 10_000_000  # the largest budget settings allow: nothing is cut


class ProgressLog:
    def __init__(self) -> None:
        self.reports: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.reports.append((progress, total, message))


def hotmart_calls(sandbox: Sandbox) -> int:
    """How many calls reached the simulated Hotmart API (its rate-limit counter)."""
    return int(StateStore(Path(sandbox.dir)).read("hotmart-ratelimit").get("calls", 0))


def totals(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_currency: dict[str, dict[str, Any]] = {}
    for item in items:
        price = item["purchase"]["price"]
        row = by_currency.setdefault(price["currency_code"], {"count": 0, "total": 0.0})
        row["count"] += 1
        row["total"] += price["value"]
    return {cur: {"count": row["count"], "total": round(row["total"], 2)} for cur, row in by_currency.items()}


def truth_totals(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cur: {"count": row["count"], "total": row["total"]} for cur, row in truth["by_currency"].items()}


def read_jsonl(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def read_csv(path: str) -> list[dict[str, str]]:
    with Path(path).open(newline="") as handle:
        return list(csv.DictReader(handle))


def transactions(items: list[dict[str, Any]]) -> list[str]:
    return [item["purchase"]["transaction"] for item in items]


async def test_a_3000_sale_year_with_all_pages_matches_the_ground_truth_with_progress_per_page(
    fixed: Sandbox, era: str
) -> None:
    progress = ProgressLog()
    async with Client(fixed.server(max_result_chars=UNLIMITED), mode=era) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": YEAR, "all_pages": True},
            progress_callback=progress,
        )

    truth = sales_ground_truth(fixed.dataset(), YEAR["start_date"], YEAR["end_date"])
    items = result["body"]["items"]
    assert truth["count"] >= 3_000
    assert result["complete"] is True and result["truncated"] is False and result["next_page_token"] is None
    assert len(items) == len(set(transactions(items))) == truth["count"] == result["total_items"]
    assert totals(items) == truth_totals(truth)
    # all_pages asks for the largest pages (500) when the agent gave no max_results.
    assert result["pages_fetched"] == math.ceil(truth["count"] / 500) == len(progress.reports)
    assert [report[0] for report in progress.reports] == [
        min(500 * page, truth["count"]) for page in range(1, result["pages_fetched"] + 1)
    ]
    assert progress.reports[-1][1] == truth["count"]
    assert result["warnings"] == [SALES_STATUS_TRAP]


async def test_a_cut_result_continues_with_its_token_exactly_where_it_stopped(fixed: Sandbox) -> None:
    arguments: dict[str, Any] = {
        "path": HISTORY,
        "query": {"start_date": NOW_MS - 30 * DAY_MS, "end_date": NOW_MS, "max_results": 100},
        "all_pages": True,
    }
    async with Client(fixed.server(max_result_chars=UNLIMITED)) as client:
        whole = (await call_ok(client, "proxy_request", arguments))["body"]["items"]
    pieces: list[dict[str, Any]] = []
    sizes: list[int] = []
    async with Client(fixed.server(max_result_chars=50_000)) as client:
        token = None
        while True:
            result = await client.call_tool("proxy_request", {**arguments, "resume_token": token})
            assert result.is_error is False, result.content
            piece = result.structured_content or {}
            sizes.append(len(result.content[0].text))  # type: ignore[union-attr]
            items = piece["body"]["items"]
            assert piece["returned_items"] == len(items) > 0
            assert piece["total_items"] == len(whole)
            pieces.extend(items)
            token = piece["next_page_token"]
            if token is None:
                assert piece["truncated"] is False
                break
            assert piece["truncated"] is True and "resume_token=next_page_token" in piece["how_to_get_rest"]

    assert len(sizes) > 3 and max(sizes) <= 50_000
    assert transactions(pieces) == transactions(whole)  # no duplicates, no gaps, same order
    assert pieces == whole


async def test_without_all_pages_one_page_comes_back_and_the_token_reads_the_next(fixed: Sandbox) -> None:
    query = {**YEAR, "max_results": 5}
    async with Client(fixed.server()) as client:
        first = await call_ok(client, "proxy_request", {"path": HISTORY, "query": query})
        second = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": query, "resume_token": first["next_page_token"]},
        )
        both = await call_ok(client, "proxy_request", {"path": HISTORY, "query": {**YEAR, "max_results": 10}})

    assert first["pages_fetched"] == 1 and first["complete"] is False and first["truncated"] is False
    assert "all_pages" in first["incomplete_reason"]
    assert transactions(first["body"]["items"]) + transactions(second["body"]["items"]) == transactions(
        both["body"]["items"]
    )


async def test_a_token_is_refused_for_a_different_request(fixed: Sandbox) -> None:
    async with Client(fixed.server()) as client:
        first = await call_ok(client, "proxy_request", {"path": HISTORY, "query": {**YEAR, "max_results": 5}})
        error = await call_error(
            client,
            "proxy_request",
            {"path": HISTORY, "query": {"max_results": 5}, "resume_token": first["next_page_token"]},
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "resume_token"
    assert "different request" in error["message"]


async def test_fields_keep_only_the_asked_attributes_and_name_the_ones_that_match_nothing(
    fixed: Sandbox,
) -> None:
    query = {**YEAR, "max_results": 50}
    fields = ["purchase.transaction", "purchase.price.value", "purchase.nope"]
    async with Client(fixed.server(max_result_chars=UNLIMITED)) as client:
        whole = await call_ok(client, "proxy_request", {"path": HISTORY, "query": query})
        slim = await call_ok(client, "proxy_request", {"path": HISTORY, "query": query, "fields": fields})
        comma = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": query, "fields": "buyer.email, purchase.status"},
        )

    expected = [
        {
            "purchase": {
                "transaction": item["purchase"]["transaction"],
                "price": {"value": item["purchase"]["price"]["value"]},
            }
        }
        for item in whole["body"]["items"]
    ]
    assert slim["body"]["items"] == expected
    assert any("purchase.nope" in warning for warning in slim["warnings"])
    assert all(set(item) == {"buyer", "purchase"} for item in comma["body"]["items"])
    assert all(set(item["purchase"]) == {"status"} for item in comma["body"]["items"])


async def test_save_to_writes_every_sale_of_the_year_and_returns_path_counts_and_a_preview(
    fixed: Sandbox, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    async with Client(fixed.server(export_dir=str(exports))) as client:
        lines = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": YEAR, "all_pages": True, "save_to": "year.jsonl"},
        )
        table = await call_ok(
            client,
            "proxy_request",
            {
                "path": HISTORY,
                "query": YEAR,
                "all_pages": True,
                "fields": ["purchase.transaction", "purchase.price"],
                "save_to": "reports/year.csv",
            },
        )

    truth = sales_ground_truth(fixed.dataset(), YEAR["start_date"], YEAR["end_date"])
    saved = lines["saved"]
    assert Path(saved["path"]) == (exports / "year.jsonl").resolve()
    rows = read_jsonl(saved["path"])
    assert saved["rows"] == len(rows) == truth["count"] and totals(rows) == truth_totals(truth)
    assert saved["format"] == "jsonl" and len(saved["preview"]) == 3 and lines["body"] is None
    assert lines["complete"] is True and lines["next_page_token"] is None
    assert os.stat(saved["path"]).st_mode & 0o077 == 0  # buyers' data: readable by the user only
    csv_rows = read_csv(table["saved"]["path"])
    assert table["saved"]["columns"] == [
        "purchase.transaction",
        "purchase.price.value",
        "purchase.price.currency_code",
    ]
    assert [row["purchase.transaction"] for row in csv_rows] == [
        row["purchase"]["transaction"] for row in rows
    ]


@pytest.mark.parametrize(
    "save_to", ["../outside.csv", "/etc/hotmart.csv", "sub/../../outside.jsonl", "x.txt"]
)
async def test_save_to_refuses_paths_outside_the_export_dir_before_calling_hotmart(
    fixed: Sandbox, tmp_path: Path, save_to: str
) -> None:
    exports = tmp_path / "exports"
    async with Client(fixed.server(export_dir=str(exports))) as client:
        await call_ok(client, "ensure_connection")
        calls_before = hotmart_calls(fixed)
        error = await call_error(
            client, "proxy_request", {"path": HISTORY, "query": YEAR, "all_pages": True, "save_to": save_to}
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "save_to"
    assert hotmart_calls(fixed) == calls_before
    assert not (tmp_path / "outside.csv").exists() and not (tmp_path / "outside.jsonl").exists()


async def test_save_to_refuses_a_symlink_that_leads_out_of_the_export_dir(
    fixed: Sandbox, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "escape").symlink_to(tmp_path)
    async with Client(fixed.server(export_dir=str(exports))) as client:
        error = await call_error(
            client, "proxy_request", {"path": HISTORY, "query": YEAR, "save_to": "escape/sales.csv"}
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "save_to"
    assert not (tmp_path / "sales.csv").exists()


@pytest.mark.parametrize(
    ("start", "end", "start_ms", "end_ms"),
    [
        ("2026-03-01T00:00:00-03:00", "2026-03-02T00:00:00+09:00", 1_772_334_000_000, 1_772_377_200_000),
        ("2026-03-01T03:00:00Z", "2026-03-01T15:00:00.000Z", 1_772_334_000_000, 1_772_377_200_000),
        ("2026-03-01", "2026-03-08", 1_772_323_200_000, 1_772_928_000_000),
    ],
)
async def test_iso_dates_in_any_zone_become_the_same_instants_in_epoch_ms(
    fixed: Sandbox, start: str, end: str, start_ms: int, end_ms: int
) -> None:
    query = {"start_date": start, "end_date": end, "transaction_status": "COMPLETE", "max_results": 500}
    async with Client(fixed.server(max_result_chars=UNLIMITED)) as client:
        result = await call_ok(client, "proxy_request", {"path": HISTORY, "query": query, "all_pages": True})

    conversions = {record["param"]: record for record in result["date_conversions"]}
    assert conversions["start_date"]["epoch_ms"] == start_ms and conversions["end_date"]["epoch_ms"] == end_ms
    assert conversions["start_date"]["given"] == start
    truth = sales_ground_truth(fixed.dataset(), start_ms, end_ms, statuses=["COMPLETE"])
    items = result["body"]["items"]
    assert len(items) == truth["count"] > 0
    assert all(start_ms <= item["purchase"]["order_date"] <= end_ms for item in items)
    assert result["warnings"] == []  # a status was given: the APPROVED/COMPLETE trap does not apply


async def test_a_date_time_without_a_zone_is_refused_naming_the_parameter(fixed: Sandbox) -> None:
    async with Client(fixed.server()) as client:
        error = await call_error(
            client, "proxy_request", {"path": HISTORY, "query": {"start_date": "2026-03-01T10:00:00"}}
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "start_date"


async def test_the_commission_trap_of_sales_summary_is_named(fixed: Sandbox) -> None:
    async with Client(fixed.server()) as client:
        result = await call_ok(client, "proxy_request", {"path": "/payments/api/v1/sales/summary"})

    assert SUMMARY_COMMISSION_TRAP in result["warnings"] and SALES_STATUS_TRAP in result["warnings"]


async def test_rate_limits_during_all_pages_are_waited_out_and_reported(fixed: Sandbox) -> None:
    fixed.variables["HOTMART_SANDBOX_RATE_LIMIT_EVERY"] = "4"
    async with Client(fixed.server(scenario="rate-limited", max_result_chars=UNLIMITED)) as client:
        result = await call_ok(client, "proxy_request", {"path": HISTORY, "query": YEAR, "all_pages": True})

    truth = sales_ground_truth(fixed.dataset(), YEAR["start_date"], YEAR["end_date"])
    assert result["complete"] is True and len(result["body"]["items"]) == truth["count"]
    assert len(result["rate_limit_waits"]) >= 2
    assert all(wait["waited_s"] > 0 for wait in result["rate_limit_waits"])
    assert [wait["waited_s"] for wait in result["rate_limit_waits"]] == fixed.naps


async def test_fields_go_to_hotmart_as_select_and_all_pages_asks_for_the_largest_pages(
    sandbox: Sandbox,
) -> None:
    rig = Rig(sandbox)
    async with Client(rig.server) as client:
        await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": YEAR, "all_pages": True, "fields": "purchase.transaction,buyer.email"},
        )

    requests = [call for call in rig.runner.calls if call[0] == "request"]
    assert requests and all("--query=select=purchase.transaction,buyer.email" in call for call in requests)
    assert all("--query=max_results=500" in call for call in requests)


@pytest.mark.parametrize(
    "option", [{"all_pages": True}, {"fields": ["code"]}, {"save_to": "c.csv"}, {"resume_token": "hmcp1.e30"}]
)
async def test_writes_never_page_and_refuse_the_reading_options_before_anything_runs(
    fixed: Sandbox, option: dict[str, Any]
) -> None:
    async with Client(fixed.server(writes="allow")) as client:
        products = await call_ok(client, "proxy_request", {"path": "/products/api/v1/products"})
        product_id = products["body"]["items"][0]["id"]
        calls_before = hotmart_calls(fixed)
        error = await call_error(
            client,
            "proxy_request",
            {
                "path": f"/products/api/v1/product/{product_id}/coupon",
                "method": "POST",
                "body": {"code": "NEVER10", "discount": 0.1},
                **option,
            },
        )

    assert error["error_type"] == "invalid_input" and error["field"] == next(iter(option))
    assert hotmart_calls(fixed) == calls_before
