"""sales_summary against the simulated Hotmart: totals per currency and status match the truth."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotmart_membrane_mcp.errors import InvalidInput, RateLimited
from hotmart_membrane_mcp.hotmart.catalogue import SALE_STATUSES
from hotmart_membrane_mcp.hotmart.sales_lanes import SUMMARY_FIELDS
from hotmart_membrane_mcp.hotmart.sales_summary import grouping, summarize_sales
from hotmart_membrane_mcp.membrane.models import ProxyRequest, ProxyResponse
from hotmart_membrane_mcp.sandbox.hotmart import sales_ground_truth, sales_in_window

from .simulated_hotmart import DAY_MS, NOW_MS, ProgressLog, RecordingSleep, SimulatedHotmart

pytestmark = pytest.mark.anyio

YEAR_START = NOW_MS - 365 * DAY_MS


@pytest.fixture
def hotmart(tmp_path: Path) -> SimulatedHotmart:
    return SimulatedHotmart.create(tmp_path / "state")


def money(truth_by_currency: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        cur: {"count": row["count"], "total": row["total"]} for cur, row in sorted(truth_by_currency.items())
    }


async def test_without_statuses_the_headline_counts_approved_and_complete_and_the_rest_stands_apart(
    hotmart: SimulatedHotmart,
) -> None:
    sales = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS)  # the API's default: APPROVED + COMPLETE
    others = [status for status in SALE_STATUSES if status not in ("APPROVED", "COMPLETE")]
    rest = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS, statuses=others)
    assert sales["count"] >= 3_000 and rest["count"] > 300

    summary = await summarize_sales(hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS)

    assert summary.complete and summary.incomplete_reason is None and summary.failures == []
    assert summary.statuses == ["APPROVED", "COMPLETE"]
    assert summary.count == sales["count"]
    assert summary.by_currency == money(sales["by_currency"])
    assert {s: row["count"] for s, row in summary.by_status.items()} == sales["by_status"]
    assert summary.not_counted is not None
    assert summary.not_counted["statuses"] == others and summary.not_counted["count"] == rest["count"]
    not_counted = summary.not_counted["by_status"]
    assert {s: row["count"] for s, row in not_counted.items()} == rest[
        "by_status"
    ]  # statuses without sales left out
    assert summary.duplicates_skipped == 0
    assert summary.period == {
        "start": "2025-05-28T20:26:40+00:00",
        "end": "2026-05-28T20:26:40+00:00",
        "start_ms": YEAR_START,
        "end_ms": NOW_MS,
    }
    assert summary.counted.startswith("Counted the APPROVED + COMPLETE sales")
    assert "from 2025-05-28T20:26:40+00:00 to 2026-05-28T20:26:40+00:00 in time zone UTC" in summary.counted
    assert "gross" in summary.amount


async def test_explicit_statuses_are_all_counted_and_nothing_is_set_apart(hotmart: SimulatedHotmart) -> None:
    truth = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS, statuses=SALE_STATUSES)

    summary = await summarize_sales(hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, statuses=SALE_STATUSES)

    assert summary.statuses == list(SALE_STATUSES) and summary.not_counted is None
    assert summary.count == truth["count"] and summary.by_currency == money(truth["by_currency"])
    assert "Counted the APPROVED + BLOCKED" in summary.counted and "not_counted" not in summary.counted


async def test_status_totals_per_currency_match_the_truth_for_each_status(hotmart: SimulatedHotmart) -> None:
    summary = await summarize_sales(
        hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, statuses=["refunded", "COMPLETE"]
    )

    for status in ("REFUNDED", "COMPLETE"):
        truth = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS, statuses=[status])
        assert summary.by_status[status]["count"] == truth["count"]
        assert summary.by_status[status]["by_currency"] == money(truth["by_currency"])
    assert summary.statuses == ["REFUNDED", "COMPLETE"]


async def test_a_product_filter_is_applied(hotmart: SimulatedHotmart) -> None:
    product_id = hotmart.dataset.products[0]["id"]
    truth = sales_ground_truth(
        hotmart.dataset, YEAR_START, NOW_MS, statuses=["APPROVED", "COMPLETE"], product_id=product_id
    )
    assert 0 < truth["count"]

    summary = await summarize_sales(
        hotmart.send,
        start_ms=YEAR_START,
        end_ms=NOW_MS,
        statuses=["APPROVED", "COMPLETE"],
        product_id=product_id,
    )

    assert summary.count == truth["count"] and summary.by_currency == money(truth["by_currency"])


async def test_each_request_asks_for_one_status_500_rows_and_only_the_needed_fields(
    hotmart: SimulatedHotmart,
) -> None:
    await summarize_sales(
        hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, statuses=["REFUNDED", "CHARGEBACK"]
    )

    for request in hotmart.requests:
        query = [(k, v) for k, v in request.query if k != "page_token"]
        assert request.path == "/payments/api/v1/sales/history" and request.method == "GET"
        assert ("max_results", "500") in query and ("start_date", str(YEAR_START)) in query
        assert [v for k, v in query if k == "transaction_status"] in (["REFUNDED"], ["CHARGEBACK"])
        assert dict(query)["select"] == ",".join(SUMMARY_FIELDS)


async def test_progress_is_reported_once_per_page_across_all_statuses(hotmart: SimulatedHotmart) -> None:
    progress = ProgressLog()

    summary = await summarize_sales(hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, on_page=progress)

    assert [report[0] for report in progress.reports] == list(range(1, summary.pages + 1))
    assert summary.pages == len(hotmart.requests) >= len(SALE_STATUSES)
    assert progress.reports[0][2].startswith("APPROVED: Page 1:")


async def test_a_page_that_cannot_be_read_makes_the_summary_incomplete_with_the_reason(
    hotmart: SimulatedHotmart,
) -> None:
    hotmart.corrupt_page_token_on = {3}  # COMPLETE has several pages; its 2nd page is call 3

    summary = await summarize_sales(
        hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, statuses=["APPROVED", "COMPLETE"]
    )

    truth = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS, statuses=["APPROVED", "COMPLETE"])
    assert not summary.complete
    assert summary.count == truth["by_status"]["APPROVED"] + 500  # APPROVED fully, COMPLETE's first page
    assert summary.failures[0]["status"] == "COMPLETE"
    reason = summary.incomplete_reason or ""
    assert "COMPLETE" in reason and "too low" in reason
    assert summary.by_status["APPROVED"]["complete"] and not summary.by_status["COMPLETE"]["complete"]


async def test_running_out_of_pages_makes_the_summary_incomplete_and_names_what_was_not_read(
    hotmart: SimulatedHotmart,
) -> None:
    summary = await summarize_sales(
        hotmart.send,
        start_ms=YEAR_START,
        end_ms=NOW_MS,
        statuses=["APPROVED", "COMPLETE", "REFUNDED"],
        max_pages=3,
    )

    assert not summary.complete and summary.pages == 3  # APPROVED: 1 page, COMPLETE: 2 of its 7
    assert summary.failures == [
        {"status": "COMPLETE", "reason": "max_pages=3 was reached while reading COMPLETE"},
        {"status": "REFUNDED", "reason": "not fetched: max_pages was used up"},
    ]
    assert summary.by_status["REFUNDED"]["count"] == 0
    assert [status for status, row in summary.by_status.items() if not row["complete"]] == [
        "COMPLETE",
        "REFUNDED",
    ]


async def test_rate_limits_are_waited_out_and_the_totals_stay_exact(tmp_path: Path) -> None:
    limited = SimulatedHotmart.create(tmp_path / "limited", rate_limit_every=4)
    sleep = RecordingSleep()
    truth = sales_ground_truth(limited.dataset, YEAR_START, NOW_MS)

    summary = await summarize_sales(
        limited.send, start_ms=YEAR_START, end_ms=NOW_MS, sleep=sleep, max_rate_limit_wait_s=60
    )

    assert summary.complete and summary.count == truth["count"]
    assert summary.by_currency == money(truth["by_currency"])
    assert len(summary.rate_limit_waits) == len(sleep.calls) > 0


async def test_when_the_very_first_page_fails_the_error_is_raised(tmp_path: Path) -> None:
    limited = SimulatedHotmart.create(tmp_path / "limited", rate_limit_every=1)

    with pytest.raises(RateLimited):
        await summarize_sales(
            limited.send, start_ms=YEAR_START, end_ms=NOW_MS, sleep=RecordingSleep(), max_rate_limit_wait_s=0
        )


@pytest.mark.parametrize("statuses", [["APROVED"], [], ["APPROVED", "CANCELED"]])
async def test_unknown_statuses_are_refused_before_any_call(
    hotmart: SimulatedHotmart, statuses: list[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await summarize_sales(hotmart.send, start_ms=YEAR_START, end_ms=NOW_MS, statuses=statuses)

    assert caught.value.details["field"] == "statuses" and hotmart.requests == []


async def test_a_period_that_ends_before_it_starts_is_refused(hotmart: SimulatedHotmart) -> None:
    with pytest.raises(InvalidInput):
        await summarize_sales(hotmart.send, start_ms=NOW_MS, end_ms=YEAR_START)


async def test_a_sale_returned_twice_is_counted_once() -> None:
    # A sale whose status changed between two walks, or a cursor that repeats an item.
    def sale(transaction: str, status: str, value: float) -> dict[str, object]:
        price = {"value": value, "currency_code": "BRL"}
        return {"purchase": {"transaction": transaction, "status": status, "price": price}}

    answers = {
        "APPROVED": [sale("HP1", "APPROVED", 10.0), sale("HP2", "APPROVED", 5.5)],
        "REFUNDED": [sale("HP2", "REFUNDED", 5.5), sale("HP3", "REFUNDED", 1.25)],
    }

    async def send(request: ProxyRequest) -> ProxyResponse:
        status = dict(request.query)["transaction_status"]
        return ProxyResponse(200, {}, {"items": answers[status], "page_info": {"results_per_page": 2}})

    summary = await summarize_sales(send, start_ms=0, end_ms=1, statuses=["APPROVED", "REFUNDED"])

    assert summary.count == 3 and summary.duplicates_skipped == 1
    assert summary.by_currency == {"BRL": {"count": 3, "total": 16.75}}
    assert summary.by_status["REFUNDED"] == {
        "count": 1,
        "by_currency": {"BRL": {"count": 1, "total": 1.25}},
        "complete": True,
    }


async def test_best_sellers_with_new_vs_renewal_match_the_truth_in_one_summary(
    hotmart: SimulatedHotmart,
) -> None:
    start = NOW_MS - 90 * DAY_MS
    sales = sales_in_window(hotmart.dataset, start, NOW_MS)
    per_product = Counter(sale["product"]["id"] for sale in sales)
    renewals = Counter(
        sale["product"]["id"] for sale in sales if (sale["purchase"].get("recurrency_number") or 1) > 1
    )
    (winner, winner_count), *_ = per_product.most_common()
    assert renewals[winner] > 0  # the simulator's best seller is a subscription

    summary = await summarize_sales(
        hotmart.send,
        start_ms=start,
        end_ms=NOW_MS,
        group=grouping(["product", "purchase_kind"], None, 3),
    )

    assert summary.groups is not None
    assert summary.groups["by"] == ["product", "purchase_kind"] and summary.groups["sort"] == "count"
    assert summary.groups["total_groups"] == len(per_product)
    rows = summary.groups["rows"]
    assert [(row["key"], row["count"]) for row in rows] == [
        (str(product), count) for product, count in per_product.most_common(3)
    ]
    best = rows[0]
    names = {sale["product"]["id"]: sale["product"]["name"] for sale in sales}
    assert best["name"] == names[winner] and best["count"] == winner_count
    split = {row["key"]: row["count"] for row in best["split"]}
    assert split == {"renewal": renewals[winner], "first_purchase": winner_count - renewals[winner]}
    best_sales = [sale for sale in sales if sale["product"]["id"] == winner]
    assert best["by_currency"] == money(
        sales_ground_truth(hotmart.dataset, start, NOW_MS, product_id=winner)["by_currency"]
    )
    assert sum(row["count"] for row in best["by_currency"].values()) == len(best_sales)


async def test_months_are_calendar_months_of_the_requested_zone(hotmart: SimulatedHotmart) -> None:
    zone = ZoneInfo("America/Sao_Paulo")
    start, end = YEAR_START, NOW_MS
    sales = sales_in_window(hotmart.dataset, start, end)
    local_months = Counter(
        datetime.fromtimestamp(sale["purchase"]["order_date"] / 1000, zone).strftime("%Y-%m")
        for sale in sales
    )
    utc_months = Counter(
        datetime.fromtimestamp(sale["purchase"]["order_date"] / 1000, timezone.utc).strftime("%Y-%m")
        for sale in sales
    )
    assert local_months != utc_months  # the zone matters for this data

    summary = await summarize_sales(
        hotmart.send, start_ms=start, end_ms=end, zone=zone, group=grouping(["month"], None, 50)
    )

    assert summary.groups is not None and summary.groups["sort"] == "key"  # calendar order for time
    assert [(row["key"], row["count"]) for row in summary.groups["rows"]] == sorted(local_months.items())
    assert summary.period["start"].endswith("-03:00") and "America/Sao_Paulo" in summary.counted
