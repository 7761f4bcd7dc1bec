"""Reads retry what fails on the way (issue #8 point 14): Hotmart's 5xx and the CLI failing.

A read changes nothing, so repeating it is safe; 4xx and odd answers are not repeated (they
would fail the same way). Waits go through an injected sleep, so nothing here waits for real.
"""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import CliFailed, InvalidInput, OperationTimeout, UpstreamError
from hotmart_membrane_mcp.hotmart.paging import STOP_ERROR, fetch_all, send_read
from hotmart_membrane_mcp.hotmart.sales_summary import summarize_sales
from hotmart_membrane_mcp.membrane.models import ProxyRequest

from .simulated_hotmart import RecordingSleep
from .test_paging_edges import ScriptedSend, page

pytestmark = pytest.mark.anyio

REQUEST = ProxyRequest("/payments/api/v1/sales/history")


def status_error(status: int) -> UpstreamError:
    return UpstreamError(f"Hotmart answered with status {status}.", status=status)


CLI_TRANSPORT_FAILURE = CliFailed("`membrane request` failed with exit code 1: socket hang up", exit_code=1)


@pytest.mark.parametrize(
    "failure",
    [status_error(500), status_error(502), status_error(503), CLI_TRANSPORT_FAILURE],
    ids=["500", "502", "503", "cli-exit-1"],
)
async def test_a_page_that_fails_on_the_way_is_retried_and_the_read_completes(failure: Exception) -> None:
    send = ScriptedSend([page([1], "t2"), failure, failure, page([2])])
    sleep = RecordingSleep()

    result = await fetch_all(send, REQUEST, max_pages=5, sleep=sleep)

    assert result.complete and result.items == [1, 2]
    assert sleep.calls == [1.0, 2.0]
    assert [r.query for r in send.requests[1:]] == [(("page_token", "t2"),)] * 3


async def test_a_first_page_failing_every_retry_raises_after_three_bounded_retries() -> None:
    send = ScriptedSend([status_error(503)] * 5)
    sleep = RecordingSleep()

    with pytest.raises(UpstreamError) as caught:
        await fetch_all(send, REQUEST, max_pages=5, sleep=sleep)

    assert caught.value.details["status"] == 503
    assert sleep.calls == [1.0, 2.0, 4.0] and len(send.requests) == 4


async def test_a_later_page_failing_every_retry_stops_the_walk_as_incomplete_with_the_reason() -> None:
    send = ScriptedSend([page([1], "t2"), *[status_error(500)] * 4])

    result = await fetch_all(send, REQUEST, max_pages=5, sleep=RecordingSleep())

    assert not result.complete and result.stop_reason == STOP_ERROR and result.items == [1]
    assert "status 500" in (result.incomplete_reason or "")


@pytest.mark.parametrize(
    "failure",
    [
        status_error(400),
        status_error(404),
        InvalidInput("bad", field="query"),
        OperationTimeout("slow", timeout_s=1),
        CliFailed("output too large", exit_code=None),
    ],
    ids=["400", "404", "invalid", "timeout", "overflow"],
)
async def test_failures_that_would_recur_are_not_retried(failure: Exception) -> None:
    sleep = RecordingSleep()
    with pytest.raises(type(failure)):
        await fetch_all(ScriptedSend([failure, page([1])]), REQUEST, max_pages=5, sleep=sleep)
    assert sleep.calls == []


async def test_retries_of_one_walk_stay_within_the_total_retry_budget() -> None:
    # Every page fails three times before it answers: 7 s of waiting per page; the budget is 15 s.
    answers = []
    for number in range(1, 6):
        answers += [status_error(503)] * 3 + [page([number], f"t{number + 1}")]
    sleep = RecordingSleep()

    result = await fetch_all(ScriptedSend(answers), REQUEST, max_pages=10, sleep=sleep)

    assert sum(sleep.calls) <= 15.0
    assert not result.complete and result.stop_reason == STOP_ERROR and result.items == [1, 2]


async def test_a_single_read_is_retried_after_a_5xx() -> None:
    send = ScriptedSend([status_error(502), {"name": "me"}])
    sleep = RecordingSleep()

    response = await send_read(send, ProxyRequest("/user/api/v1/me"), sleep=sleep)

    assert response.body == {"name": "me"} and sleep.calls == [1.0]


async def test_sales_summary_retries_a_5xx_and_gives_complete_totals() -> None:
    sale = {
        "purchase": {
            "transaction": "HP1",
            "status": "APPROVED",
            "price": {"value": 10, "currency_code": "BRL"},
        }
    }
    send = ScriptedSend([status_error(503), page([sale])])

    summary = await summarize_sales(send, start_ms=0, end_ms=1, statuses=["APPROVED"], sleep=RecordingSleep())

    assert summary.complete and summary.count == 1 and summary.by_currency["BRL"]["total"] == 10
