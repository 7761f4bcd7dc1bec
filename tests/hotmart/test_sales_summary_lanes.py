"""sales_summary walks its statuses side by side, yet its answer never depends on which came first."""

from __future__ import annotations

from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

from hotmart_membrane_mcp.errors import UpstreamError
from hotmart_membrane_mcp.hotmart.catalogue import SALE_STATUSES
from hotmart_membrane_mcp.hotmart.sales_lanes import CONCURRENT_WALKS
from hotmart_membrane_mcp.hotmart.sales_summary import summarize_sales
from hotmart_membrane_mcp.membrane.models import ProxyRequest, ProxyResponse
from hotmart_membrane_mcp.sandbox.hotmart import sales_ground_truth

from .simulated_hotmart import DAY_MS, NOW_MS, RecordingSleep, SimulatedHotmart

pytestmark = pytest.mark.anyio

YEAR_START = NOW_MS - 365 * DAY_MS


class InFlight:
    """A send that counts the requests under way and lets later statuses answer first."""

    def __init__(self, hotmart: SimulatedHotmart, *, later_first: bool) -> None:
        self.hotmart, self.later_first = hotmart, later_first
        self.now = self.most = self.calls = 0

    async def send(self, request: ProxyRequest) -> ProxyResponse:
        self.now, self.calls = self.now + 1, self.calls + 1
        self.most = max(self.most, self.now)
        try:
            status = dict(request.query)["transaction_status"]
            rank = SALE_STATUSES.index(status)
            # Yield to the other walks, more often the earlier the status: later statuses answer first.
            for _ in range(len(SALE_STATUSES) - rank if self.later_first else rank + 1):
                await anyio.lowlevel.checkpoint()
            return await self.hotmart.send(request)
        finally:
            self.now -= 1


async def test_statuses_are_walked_several_at_a_time_within_the_limit(tmp_path: Path) -> None:
    send = InFlight(SimulatedHotmart.create(tmp_path / "state"), later_first=True)

    summary = await summarize_sales(send.send, start_ms=YEAR_START, end_ms=NOW_MS)

    assert summary.complete
    assert 1 < send.most <= CONCURRENT_WALKS


async def test_the_answer_is_the_same_whichever_status_answers_first(tmp_path: Path) -> None:
    hotmart = SimulatedHotmart.create(tmp_path / "state")
    answers = []
    for later_first in (True, False):
        send = InFlight(hotmart, later_first=later_first)
        summary = await summarize_sales(
            send.send, start_ms=YEAR_START, end_ms=NOW_MS, group=None, statuses=list(SALE_STATUSES)
        )
        answers.append(summary.to_dict())

    assert answers[0] == answers[1]
    assert answers[0]["complete"] and answers[0]["count"] > 0


async def test_a_page_limit_is_shared_out_in_status_order_whichever_walk_took_the_pages(
    tmp_path: Path,
) -> None:
    # Later statuses answer first, so they take the allowance; the result is still the one of
    # walking APPROVED, COMPLETE, REFUNDED one after another (tests/hotmart/test_sales_summary.py).
    send = InFlight(SimulatedHotmart.create(tmp_path / "state"), later_first=True)

    summary = await summarize_sales(
        send.send,
        start_ms=YEAR_START,
        end_ms=NOW_MS,
        statuses=["APPROVED", "COMPLETE", "REFUNDED"],
        max_pages=3,
    )

    assert summary.pages == 3
    assert summary.failures == [
        {"status": "COMPLETE", "reason": "max_pages=3 was reached while reading COMPLETE"},
        {"status": "REFUNDED", "reason": "not fetched: max_pages was used up"},
    ]
    assert summary.by_status["COMPLETE"]["count"] == 1000  # two 500-item pages, as if walked in order


class FailsEveryThird(InFlight):
    """Every third request answers 503, counted across all walks; notes who else was under way
    when a failed request was sent again."""

    def __init__(self, hotmart: SimulatedHotmart) -> None:
        super().__init__(hotmart, later_first=True)
        self.failed: set[ProxyRequest] = set()
        self.beside_retries: list[int] = []

    async def send(self, request: ProxyRequest) -> ProxyResponse:
        if request in self.failed:
            self.beside_retries.append(self.now)
        if (self.calls + 1) % 3 == 0:
            self.calls += 1
            self.failed.add(request)
            await anyio.lowlevel.checkpoint()
            raise UpstreamError("Hotmart answered with status 503.", status=503)
        return await super().send(request)


async def test_a_read_sent_again_after_a_failure_goes_alone_and_the_totals_stay_exact(tmp_path: Path) -> None:
    hotmart = SimulatedHotmart.create(tmp_path / "state")
    send = FailsEveryThird(hotmart)
    sleep = RecordingSleep()

    summary = await summarize_sales(send.send, start_ms=YEAR_START, end_ms=NOW_MS, sleep=sleep)

    truth = sales_ground_truth(hotmart.dataset, YEAR_START, NOW_MS)
    assert summary.complete and summary.count == truth["count"]
    assert send.beside_retries and set(send.beside_retries) == {0}  # nothing else under way
    assert send.most > 1  # and side by side otherwise
    assert set(sleep.calls) == {1.0}  # every retry succeeded at once, as when walked one by one
