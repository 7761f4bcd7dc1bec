"""proxy_request `where` and `count_only`: filter and count list reads across pages, on the simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from hotmart_membrane_mcp.hotmart.filters import matches, parse_where
from hotmart_membrane_mcp.sandbox.hotmart import Dataset
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000
HISTORY = "/payments/api/v1/sales/history"
STUDENTS = "/club/api/v1/users"
SUBDOMAIN = "sandbox-academy"
YEAR = {"start_date": NOW_MS - 365 * DAY_MS, "end_date": NOW_MS}


def students_under(data: Dataset, percent: float) -> list[dict[str, Any]]:
    return [user for user in data.club.users if user["progress"]["completed_percentage"] < percent]


async def test_count_only_counts_students_under_a_progress_threshold_over_every_page(fixed: Sandbox) -> None:
    where = [{"field": "progress.completed_percentage", "op": "lt", "value": 10}]
    async with Client(fixed.server(club_subdomain=SUBDOMAIN)) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {
                "path": STUDENTS,
                "all_pages": True,
                "where": where,
                "count_only": True,
                "query": {"max_results": 50},
            },
        )
    data = fixed.dataset()
    assert result["complete"] is True and result["pages_fetched"] > 1
    assert result["read_items"] == len(data.club.users)
    assert result["matched_items"] == result["total_items"] == len(students_under(data, 10)) > 0
    assert result["body"] is None
    assert len(json.dumps(result)) < 2_000  # counts, not 600 rows


async def test_where_with_fields_returns_only_the_matching_students_with_the_fields_asked(
    fixed: Sandbox,
) -> None:
    where = [
        {"field": "progress.completed_percentage", "op": "lt", "value": 10},
        {"field": "role", "op": "eq", "value": "student"},
    ]
    async with Client(fixed.server()) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {
                "path": STUDENTS,
                "query": {"subdomain": SUBDOMAIN},
                "all_pages": True,
                "where": where,
                "fields": ["email", "progress.completed_percentage"],
            },
        )
    expected = [u for u in students_under(fixed.dataset(), 10) if u["role"] == "STUDENT"]
    assert result["truncated"] is False and result["total_items"] == len(expected)
    assert [item["email"] for item in result["body"]["items"]] == [user["email"] for user in expected]
    assert all(set(item) == {"email", "progress"} for item in result["body"]["items"])


async def test_a_status_condition_is_pushed_down_so_refunds_hidden_by_default_are_found(
    fixed: Sandbox,
) -> None:
    where = [{"field": "purchase.status", "op": "eq", "value": "REFUNDED"}]
    async with Client(fixed.server()) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": YEAR, "all_pages": True, "where": where, "count_only": True},
        )
    truth = [
        sale
        for sale in fixed.dataset().sales
        if sale["purchase"]["status"] == "REFUNDED"
        and YEAR["start_date"] <= sale["purchase"]["order_date"] < YEAR["end_date"]
    ]
    assert result["pushed_down"] == [{"condition": 0, "param": "transaction_status", "values": ["REFUNDED"]}]
    assert result["matched_items"] == result["read_items"] == len(truth) > 0
    assert not any("APPROVED and COMPLETE" in warning for warning in result["warnings"])


async def test_a_cut_filtered_list_resumes_exactly_at_the_next_matching_item(fixed: Sandbox) -> None:
    where = [{"field": "purchase.price.value", "op": "gt", "value": 100}]
    arguments: dict[str, Any] = {"path": HISTORY, "query": YEAR, "all_pages": True, "where": where}
    async with Client(fixed.server()) as client:
        whole = await call_ok(client, "proxy_request", arguments)
    async with Client(fixed.server(max_result_chars=6_000)) as client:
        first = await call_ok(client, "proxy_request", arguments)
        assert first["truncated"] is True and first["next_page_token"]
        rest = await call_ok(client, "proxy_request", {**arguments, "resume_token": first["next_page_token"]})
        other = await call_error(
            client,
            "proxy_request",
            {
                **arguments,
                "where": [{"field": "purchase.price.value", "op": "gt", "value": 1}],
                "resume_token": first["next_page_token"],
            },
        )
    codes = [item["purchase"]["transaction"] for item in whole["body"]["items"]]
    resumed = [item["purchase"]["transaction"] for item in first["body"]["items"] + rest["body"]["items"]]
    assert resumed == codes[: len(resumed)] and len(resumed) > len(first["body"]["items"])
    assert all(matches(item, parse_where(where)) for item in whole["body"]["items"])
    assert other["error_type"] == "invalid_input" and other["field"] == "resume_token"


async def test_save_to_with_where_writes_only_the_matching_items(fixed: Sandbox, tmp_path: Path) -> None:
    where = [
        {"field": "purchase.payment.type", "op": "in", "value": ["PIX", "BILLET"]},
        {"field": "purchase.price.value", "op": "gte", "value": 100},
    ]
    async with Client(fixed.server(export_dir=str(tmp_path))) as client:
        result = await call_ok(
            client,
            "proxy_request",
            {"path": HISTORY, "query": YEAR, "all_pages": True, "where": where, "save_to": "pix.jsonl"},
        )
    text = await anyio.Path(result["saved"]["path"]).read_text()
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows and all(row["purchase"]["payment"]["type"] in ("PIX", "BILLET") for row in rows)
    assert all(row["purchase"]["price"]["value"] >= 100 for row in rows)
    assert [item["param"] for item in result["pushed_down"]] == ["payment_type"]
    assert result["matched_items"] == len(rows) < result["read_items"]


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        (
            {
                "where": [
                    {"field": "x", "op": "eq", "value": 1},
                    {"field": "progress", "op": "between", "value": 1},
                ]
            },
            "where[1].op",
            "field 'progress'",
        ),
        ({"path": "/user/api/v1/me", "count_only": True}, "where", "list reads"),
        (
            {
                "method": "DELETE",
                "path": "/products/api/v1/coupon/1",
                "where": [{"field": "a", "op": "exists"}],
            },
            "where",
            "GET",
        ),
        ({"count_only": True, "save_to": "x.csv"}, "count_only", ""),
    ],
)
async def test_bad_where_or_count_only_is_invalid_input_and_nothing_is_read(
    sandbox: Sandbox, arguments: dict[str, Any], field: str, fragment: str
) -> None:
    async with Client(sandbox.server()) as client:
        error = await call_error(client, "proxy_request", {"path": HISTORY, **arguments})
    assert error["error_type"] == "invalid_input" and error["field"] == field
    assert fragment in error["message"]


async def test_counts_stopped_early_say_so_and_the_rest_can_be_counted_from_the_token(fixed: Sandbox) -> None:
    where = [{"field": "progress.completed_percentage", "op": "lt", "value": 10}]
    arguments: dict[str, Any] = {
        "path": STUDENTS,
        "query": {"subdomain": SUBDOMAIN, "max_results": 200},
        "all_pages": True,
        "max_pages": 1,
        "where": where,
        "count_only": True,
    }
    async with Client(fixed.server()) as client:
        first = await call_ok(client, "proxy_request", arguments)
        rest = await call_ok(
            client, "proxy_request", {**arguments, "max_pages": 50, "resume_token": first["next_page_token"]}
        )
    data = fixed.dataset()
    assert first["complete"] is False and first["total_items"] is None
    assert "add the counts up" in first["how_to_get_rest"]
    assert first["read_items"] + rest["read_items"] == len(data.club.users)
    assert first["matched_items"] + rest["matched_items"] == len(students_under(data, 10))
    assert rest["complete"] is True and rest["next_page_token"] is None
