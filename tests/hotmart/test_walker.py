"""PageWalker: pages one at a time, a typed stop reason, and the page cache it reads through."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest

from hotmart_membrane_mcp.hotmart.page_cache import PageCache
from hotmart_membrane_mcp.hotmart.page_reads import WaitBudget, Waits
from hotmart_membrane_mcp.hotmart.resume import ResumePoint
from hotmart_membrane_mcp.hotmart.walker import PageWalker, StopReason, WalkLimits
from hotmart_membrane_mcp.membrane.models import ProxyRequest, ProxyResponse

from .simulated_hotmart import DAY_MS, NOW_MS, SimulatedHotmart

pytestmark = pytest.mark.anyio

REQUEST = ProxyRequest(
    "/payments/api/v1/sales/history",
    query=(("start_date", str(NOW_MS - 365 * DAY_MS)), ("end_date", str(NOW_MS)), ("max_results", "100")),
)


def waits() -> Waits:
    return Waits(WaitBudget(30, anyio.sleep), WaitBudget(15, anyio.sleep))


async def test_pages_come_one_at_a_time_and_the_walk_ends_with_a_typed_reason(tmp_path: Path) -> None:
    hotmart = SimulatedHotmart.create(tmp_path / "state")
    walker = PageWalker(hotmart.send, REQUEST, WalkLimits(max_pages=3), waits())
    sizes = []

    async for page in walker.pages():
        sizes.append(len(page.items))
        assert walker.facts.items_taken == sum(sizes)  # counted as each page arrives

    assert sizes == [100, 100, 100] and walker.facts.pages_fetched == 3
    assert walker.stop.reason is StopReason.MAX_PAGES and not walker.complete
    assert walker.stop.resume_point is not None and walker.stop.resume_point.skip == 0
    # Results keep showing the plain string.
    assert json.dumps({"stop_reason": walker.stop.reason.value}) == '{"stop_reason": "max_pages"}'
    assert walker.stop.reason == "max_pages"


async def test_a_resumed_walk_skips_the_items_already_returned_on_its_first_page(tmp_path: Path) -> None:
    hotmart = SimulatedHotmart.create(tmp_path / "state")
    first = PageWalker(hotmart.send, REQUEST, WalkLimits(max_pages=1), waits())
    whole = [item async for page in first.pages() for item in page.items]
    assert first.stop.resume_point is not None
    resume = ResumePoint(None, 40)

    walker = PageWalker(hotmart.send, REQUEST, WalkLimits(max_pages=1), waits(), resume=resume)
    pages = [page async for page in walker.pages()]

    assert pages[0].items == whole[40:] and pages[0].span.skip == 40 and pages[0].span.count == 60
    assert not walker.facts.started_at_beginning


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingSend:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, request: ProxyRequest) -> ProxyResponse:
        self.calls += 1
        return ProxyResponse(200, {}, {"items": [self.calls], "page_info": {}})


def page(token: str) -> ProxyRequest:
    return ProxyRequest("/p", query=(("page_token", token),))


async def test_the_page_cache_answers_only_reused_reads_within_its_age_and_size() -> None:
    clock, inner = Clock(), CountingSend()
    cache = PageCache(clock, max_pages=2, max_age_s=60)
    fresh, reused = cache.sender(inner, "conn", reuse=False), cache.sender(inner, "conn", reuse=True)

    await fresh(page("a"))
    await fresh(page("a"))  # a fresh read always asks Hotmart
    assert inner.calls == 2
    assert (await reused(page("a"))).body["items"] == [2] and inner.calls == 2
    assert (await cache.sender(inner, "other", reuse=True)(page("a"))).body["items"] == [3]  # per connection

    await fresh(page("b"))  # the cache holds two pages: "a" of conn is the oldest and goes
    await reused(page("a"))
    assert inner.calls == 5
    clock.now += 61
    await reused(page("a"))
    assert inner.calls == 6  # older than a minute: fetched again
    cache.clear()
    await reused(page("a"))
    assert inner.calls == 7


async def test_a_hostile_page_token_from_hotmart_stops_the_walk_with_the_pages_read_so_far() -> None:
    # ProxyRequest refuses a page_token that could smuggle a flag or a path into the request; one
    # coming back from Hotmart on a later page must end the walk honestly, not lose the pages read.
    calls: list[ProxyRequest] = []

    async def send(request: ProxyRequest) -> ProxyResponse:
        calls.append(request)
        body = {"items": [{"n": len(calls)}], "page_info": {"next_page_token": "--output=/etc/passwd"}}
        return ProxyResponse(status=200, body=body, headers={})

    walker = PageWalker(send, REQUEST, WalkLimits(max_pages=5), waits())
    pages = [page async for page in walker.pages()]

    assert [page.items for page in pages] == [[{"n": 1}]]
    assert len(calls) == 1  # the hostile token was never sent
    assert walker.stop.reason is StopReason.ERROR and not walker.complete
    assert walker.facts.error is not None and walker.facts.error["error_type"] == "invalid_input"
