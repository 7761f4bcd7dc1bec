"""fetch_all against the simulated Hotmart: complete walks, honest stops, exact resumes."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import RateLimited, UpstreamError
from hotmart_membrane_mcp.hotmart.cursor import Cursor
from hotmart_membrane_mcp.hotmart.paging import (
    STOP_BUDGET,
    STOP_ERROR,
    STOP_MAX_ITEMS,
    STOP_MAX_PAGES,
    STOP_RATE_LIMITED,
    fetch_all,
)
from hotmart_membrane_mcp.hotmart.projection import project_items, with_select
from hotmart_membrane_mcp.hotmart.resume import ResumePoint, decode_token, query_fingerprint
from hotmart_membrane_mcp.hotmart.sizes import json_size
from hotmart_membrane_mcp.membrane.models import ProxyRequest
from hotmart_membrane_mcp.sandbox.hotmart import sales_ground_truth
from hotmart_membrane_mcp.tools.budget.lists import cut_list

from .simulated_hotmart import DAY_MS, NOW_MS, ProgressLog, RecordingSleep, SimulatedHotmart

pytestmark = pytest.mark.anyio

HISTORY = "/payments/api/v1/sales/history"
YEAR_START = NOW_MS - 365 * DAY_MS


@pytest.fixture
def hotmart(tmp_path: Path) -> SimulatedHotmart:
    return SimulatedHotmart.create(tmp_path / "state")


def history(start: int, end: int, page_size: int = 500, *extra: tuple[str, str]) -> ProxyRequest:
    query = (("start_date", str(start)), ("end_date", str(end)), ("max_results", str(page_size)), *extra)
    return ProxyRequest(HISTORY, query=query)


def transactions(items: list[Any]) -> list[str]:
    return [item["purchase"]["transaction"] for item in items]


def totals_by_currency(items: list[Any]) -> dict[str, dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for item in items:
        price = item["purchase"]["price"]
        row = totals.setdefault(price["currency_code"], {"count": 0, "total": 0.0})
        row["count"] += 1
        row["total"] += price["value"]
    return {
        currency: {"count": row["count"], "total": round(row["total"], 2)} for currency, row in totals.items()
    }


async def test_all_pages_of_a_3000_sale_year_match_the_ground_truth_with_one_progress_report_per_page(
    hotmart: SimulatedHotmart,
) -> None:
    truth = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS)
    assert truth["count"] >= 3_000  # the scenario this test is about
    progress = ProgressLog()

    result = await fetch_all(hotmart.send, history(YEAR_START, NOW_MS), max_pages=100, on_page=progress)

    assert result.complete and result.resume_point is None and result.incomplete_reason is None
    assert len(result.items) == truth["count"] == result.total_results == result.known_total
    assert len(set(transactions(result.items))) == truth["count"]
    expected_truth = {
        cur: {"count": row["count"], "total": row["total"]} for cur, row in truth["by_currency"].items()
    }
    assert totals_by_currency(result.items) == expected_truth
    assert (
        result.pages_fetched
        == math.ceil(truth["count"] / 500)
        == len(hotmart.requests)
        == len(progress.reports)
    )
    pages = result.pages_fetched
    assert [report[0] for report in progress.reports] == [
        min(500 * n, truth["count"]) for n in range(1, pages + 1)
    ]
    assert all(report[1] == truth["count"] for report in progress.reports)
    assert progress.reports[-1][2] == f"Page {pages}: {truth['count']:,} of {truth['count']:,} items so far."


async def test_the_page_token_of_the_request_is_replaced_not_repeated(hotmart: SimulatedHotmart) -> None:
    first = await fetch_all(hotmart.send, history(YEAR_START, NOW_MS, 100), max_pages=1)
    assert first.resume_point is not None and first.resume_point.page_token is not None
    token = first.resume_point.page_token
    request = history(YEAR_START, NOW_MS, 100, ("page_token", token))

    await fetch_all(hotmart.send, request, max_pages=2)

    sent = [[v for k, v in r.query if k == "page_token"] for r in hotmart.requests[1:]]
    assert sent[0] == [token] and len(sent[1]) == 1 and sent[1] != [token]


async def test_max_pages_stops_with_a_point_that_resumes_exactly_where_it_stopped(
    hotmart: SimulatedHotmart,
) -> None:
    request = history(YEAR_START, NOW_MS, 300)
    whole = await fetch_all(hotmart.send, request, max_pages=100)

    first = await fetch_all(hotmart.send, request, max_pages=2)
    assert not first.complete and first.stop_reason == STOP_MAX_PAGES
    assert len(first.items) == 600 and first.resume_point is not None and first.resume_point.skip == 0
    assert first.incomplete_reason and "max_pages=2" in first.incomplete_reason
    rest = await fetch_all(hotmart.send, request, max_pages=100, resume=first.resume_point)

    assert rest.complete and not rest.started_at_beginning and rest.known_total == whole.total_results
    assert transactions(first.items) + transactions(rest.items) == transactions(whole.items)


async def test_max_items_stops_inside_a_page_and_the_resume_skips_exactly_what_was_returned(
    hotmart: SimulatedHotmart,
) -> None:
    request = history(YEAR_START, NOW_MS, 100)
    whole = await fetch_all(hotmart.send, request, max_pages=100)
    pieces: list[str] = []
    point: ResumePoint | None = ResumePoint(None)
    while point is not None:
        part = await fetch_all(hotmart.send, request, max_pages=100, max_items=137, resume=point)
        assert len(part.items) <= 137
        assert part.stop_reason == (STOP_MAX_ITEMS if part.resume_point else "complete")
        pieces.extend(transactions(part.items))
        point = part.resume_point

    assert pieces == transactions(whole.items)


async def test_a_character_limit_stops_after_the_page_that_crosses_it_and_resumes_at_the_next(
    hotmart: SimulatedHotmart,
) -> None:
    request = history(YEAR_START, NOW_MS, 100)
    whole = await fetch_all(hotmart.send, request, max_pages=100)
    one_page_chars = sum(json_size(item) for item in whole.items[:100])

    first = await fetch_all(hotmart.send, request, max_pages=100, stop_after_chars=one_page_chars + 1)
    rest = await fetch_all(hotmart.send, request, max_pages=100, resume=first.resume_point)

    assert first.stop_reason == STOP_BUDGET and not first.complete and first.pages_fetched == 2
    assert len(first.items) == 200 and first.resume_point is not None and first.resume_point.skip == 0
    assert transactions(first.items) + transactions(rest.items) == transactions(whole.items)
    assert rest.complete


async def test_budget_cuts_and_page_caps_chained_by_continuation_tokens_give_every_sale_once(
    hotmart: SimulatedHotmart,
) -> None:
    start = NOW_MS - 60 * DAY_MS
    request = ProxyRequest(
        HISTORY,
        query=with_select(
            (("start_date", str(start)), ("end_date", str(NOW_MS)), ("max_results", "100")),
            ["purchase.transaction", "purchase.price"],
        ),
    )
    fingerprint = query_fingerprint("GET", HISTORY, request.query, scope="conn-1")
    truth = sales_ground_truth(hotmart.dataset, start, NOW_MS)
    collected: list[str] = []
    point: ResumePoint | None = ResumePoint(None)
    calls = 0
    cut_inside_a_page = False
    while point is not None:
        calls += 1
        assert calls < 50
        walk = await fetch_all(hotmart.send, request, max_pages=2, resume=point)
        items, _ = project_items(walk.items, ["purchase.transaction", "purchase.price"])
        cursor = Cursor(fingerprint, tuple(walk.spans), walk.resume_point)
        payload, info = cut_list(
            {"status": "ok", "items": items}, "items", 4_000, cursor=cursor, total_items=walk.known_total
        )
        assert len(payload["status"]) and info.chars <= 4_000
        collected.extend(item["purchase"]["transaction"] for item in payload["items"])
        token = payload["next_page_token"]
        point = decode_token(token, fingerprint) if token else None
        cut_inside_a_page |= point is not None and point.skip > 0

    assert cut_inside_a_page  # the budget, not only the page cap, did cut
    assert len(collected) == len(set(collected)) == truth["count"]
    whole = await fetch_all(hotmart.send, request, max_pages=100)
    assert collected == transactions(whole.items)


async def test_429_answers_are_waited_out_with_the_injected_sleep_and_reported(tmp_path: Path) -> None:
    plain = SimulatedHotmart.create(tmp_path / "plain")
    limited = SimulatedHotmart.create(tmp_path / "limited", rate_limit_every=3)
    sleep = RecordingSleep()
    request = history(NOW_MS - 120 * DAY_MS, NOW_MS, 200)

    expected = await fetch_all(plain.send, request, max_pages=100)
    result = await fetch_all(limited.send, request, max_pages=100, sleep=sleep, max_rate_limit_wait_s=30)

    assert result.complete
    assert transactions(result.items) == transactions(expected.items)
    assert sleep.calls and set(sleep.calls) == {1.0}  # the simulator's Retry-After, in seconds
    assert [wait["waited_s"] for wait in result.rate_limit_waits] == sleep.calls
    # every third call is refused: after pages 2, 4, 6, ...
    assert [wait["after_page"] for wait in result.rate_limit_waits] == [
        2 * n for n in range(1, len(sleep.calls) + 1)
    ]
    assert len(limited.requests) == result.pages_fetched + len(sleep.calls)


async def test_when_429s_outlast_the_wait_limit_the_walk_stops_incomplete_with_a_resume_point(
    tmp_path: Path,
) -> None:
    plain = SimulatedHotmart.create(tmp_path / "plain")
    limited = SimulatedHotmart.create(tmp_path / "limited", rate_limit_every=2)
    sleep = RecordingSleep()
    request = history(NOW_MS - 120 * DAY_MS, NOW_MS, 50)
    first_page = await fetch_all(plain.send, request, max_pages=1)

    result = await fetch_all(limited.send, request, max_pages=100, sleep=sleep, max_rate_limit_wait_s=0.5)

    assert not result.complete and result.stop_reason == STOP_RATE_LIMITED
    assert transactions(result.items) == transactions(first_page.items) and result.pages_fetched == 1
    assert sleep.calls == []  # the 1 s Retry-After is over the 0.5 s limit: no wait at all
    assert result.incomplete_reason and "429" in result.incomplete_reason
    assert result.resume_point == first_page.resume_point


async def test_a_429_on_the_first_page_beyond_the_wait_limit_is_raised(tmp_path: Path) -> None:
    limited = SimulatedHotmart.create(tmp_path / "limited", rate_limit_every=1)

    with pytest.raises(RateLimited) as caught:
        await fetch_all(
            limited.send,
            history(YEAR_START, NOW_MS),
            max_pages=5,
            sleep=RecordingSleep(),
            max_rate_limit_wait_s=2.5,
        )

    assert caught.value.details["retry_after_s"] == 1.0
    assert len(limited.requests) == 3  # waited 1 s twice, a third wait would pass the 2.5 s limit


async def test_a_failure_on_a_later_page_keeps_the_items_and_says_complete_false(
    hotmart: SimulatedHotmart,
) -> None:
    request = history(YEAR_START, NOW_MS, 500)
    whole = await fetch_all(hotmart.send, request, max_pages=100)
    hotmart.requests.clear()
    hotmart.corrupt_page_token_on = {3}

    result = await fetch_all(hotmart.send, request, max_pages=100)

    assert not result.complete and result.stop_reason == STOP_ERROR
    assert transactions(result.items) == transactions(whole.items)[:1000]
    assert result.error is not None
    assert result.error["error_type"] == "upstream_error" and result.error["status"] == 400
    assert result.incomplete_reason and "Page 3 failed" in result.incomplete_reason
    assert result.known_total == whole.total_results  # Hotmart's total is still known
    rest = await fetch_all(hotmart.send, request, max_pages=100, resume=result.resume_point)
    assert transactions(result.items) + transactions(rest.items) == transactions(whole.items)


async def test_a_failure_on_the_first_page_is_raised(hotmart: SimulatedHotmart) -> None:
    with pytest.raises(UpstreamError) as caught:
        await fetch_all(hotmart.send, ProxyRequest("/payments/api/v1/sales/histories"), max_pages=3)

    assert caught.value.details["status"] == 404


async def test_a_bare_array_endpoint_is_one_complete_page(hotmart: SimulatedHotmart) -> None:
    request = ProxyRequest("/club/api/v1/modules", query=(("subdomain", hotmart.dataset.club.subdomain),))

    result = await fetch_all(hotmart.send, request, max_pages=3)

    assert result.complete and result.pages_fetched == 1 and len(result.items) > 0
    assert result.known_total == len(result.items)
