"""fetch_all on answers the simulator does not give: refused select, missing page_info, loops.

These answers come from a scripted `send` (the process boundary), one per situation that real
Hotmart is documented or observed to produce (hotmart-api-traps.md §2, §3, §7, §12).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import RateLimited, UpstreamError
from hotmart_membrane_mcp.hotmart.paging import STOP_NO_PAGE_INFO, STOP_REPEATED_TOKEN, fetch_all
from hotmart_membrane_mcp.membrane.models import ProxyRequest, ProxyResponse

from .simulated_hotmart import RecordingSleep

pytestmark = pytest.mark.anyio

REQUEST = ProxyRequest(
    "/payments/api/v1/sales/history", query=(("max_results", "2"), ("select", "purchase.x"))
)


class ScriptedSend:
    """Answers each call with the next scripted body (or raises it, when it is an exception)."""

    def __init__(self, answers: Sequence[Any], headers: dict[str, str] | None = None) -> None:
        self.answers = list(answers)
        self.headers = headers
        self.requests: list[ProxyRequest] = []

    async def __call__(self, request: ProxyRequest) -> ProxyResponse:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return ProxyResponse(200, self.headers, answer)


def page(items: list[Any], next_token: str | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"results_per_page": len(items)}
    if next_token:
        info["next_page_token"] = next_token
    return {"items": items, "page_info": info}


async def test_an_empty_answer_to_select_is_fetched_again_without_select() -> None:
    send = ScriptedSend([{}, page([1, 2], "t2"), page([3])])

    result = await fetch_all(send, REQUEST, max_pages=5)

    assert result.complete and result.items == [1, 2, 3] and result.select_dropped
    assert [dict(r.query).get("select") for r in send.requests] == ["purchase.x", None, None]


async def test_a_page_without_page_info_stops_the_walk_as_incomplete() -> None:
    send = ScriptedSend([page([1, 2], "t2"), {"items": [3, 4]}])
    request = ProxyRequest("/payments/api/v1/sales/history")

    result = await fetch_all(send, request, max_pages=5)

    assert not result.complete and result.stop_reason == STOP_NO_PAGE_INFO
    assert result.items == [1, 2] and result.resume_point is not None
    assert result.resume_point.page_token == "t2"


async def test_an_empty_first_page_is_a_complete_empty_result() -> None:
    result = await fetch_all(
        ScriptedSend([None]), ProxyRequest("/payments/api/v1/sales/history"), max_pages=5
    )

    assert result.complete and result.items == [] and result.known_total == 0


async def test_a_page_token_seen_before_stops_instead_of_looping() -> None:
    send = ScriptedSend([page([1], "t2"), page([2], "t3"), page([3], "t2")])

    result = await fetch_all(send, ProxyRequest("/payments/api/v1/sales/history"), max_pages=50)

    assert not result.complete and result.stop_reason == STOP_REPEATED_TOKEN
    assert result.items == [1, 2, 3] and len(send.requests) == 3


async def test_an_answer_that_is_not_a_list_is_an_upstream_error_quoting_it_on_the_first_page() -> None:
    with pytest.raises(UpstreamError) as caught:
        await fetch_all(ScriptedSend([{"name": "me"}]), ProxyRequest("/user/api/v1/me"), max_pages=5)
    assert '{"name": "me"}' in caught.value.message and "hotmart://api/catalogue" in caught.value.next_step


async def test_a_429_without_retry_after_backs_off_doubling_within_the_limit() -> None:
    limited = RateLimited("Rate limit reached.")
    send = ScriptedSend([limited, limited, limited, page([1])])
    sleep = RecordingSleep()

    result = await fetch_all(send, ProxyRequest("/p"), max_pages=5, sleep=sleep, max_rate_limit_wait_s=30)

    assert result.complete and sleep.calls == [2.0, 4.0, 8.0]


async def test_a_spent_quota_is_waited_out_before_the_next_page() -> None:
    send = ScriptedSend(
        [page([1], "t2"), page([2])], headers={"ratelimit-remaining": "0", "RateLimit-Reset": "7"}
    )
    sleep = RecordingSleep()

    result = await fetch_all(send, ProxyRequest("/p"), max_pages=5, sleep=sleep)

    assert result.complete and sleep.calls == [7.0]
    assert result.rate_limit_waits == [{"after_page": 1, "waited_s": 7.0}]


async def test_progress_has_no_total_when_hotmart_gives_none() -> None:
    reports: list[tuple[int, int | None, str]] = []

    async def on_page(progress: int, total: int | None, message: str) -> None:
        reports.append((progress, total, message))

    await fetch_all(
        ScriptedSend([page([1, 2], "t2"), page([3])]), ProxyRequest("/p"), max_pages=5, on_page=on_page
    )

    assert reports == [(2, None, "Page 1: 2 items so far."), (3, None, "Page 2: 3 items so far.")]
