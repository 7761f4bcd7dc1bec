"""Rate-limit headers on every response and the deterministic 429 mode (§4)."""

from __future__ import annotations

from pathlib import Path

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.hotmart.ratelimit import count_call
from hotmart_membrane_mcp.sandbox.store import StateStore

NOW_MS = 1_780_000_000_000
HEADERS = {
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-RateLimit-Limit-Minute",
    "X-RateLimit-Remaining-Minute",
}


def test_every_response_carries_the_rate_limit_headers(tmp_path: Path) -> None:
    api = HotmartApi(StateStore(tmp_path), seed=7, now_ms=NOW_MS)
    for method, path in (
        ("GET", "/payments/api/v1/sales/history"),
        ("GET", "/nowhere"),
        ("PUT", "/payments/api/v1/sales/HP0000000000/refund"),
    ):
        response = api.handle(method, path)
        assert HEADERS <= set(response.headers)
        assert response.headers["RateLimit-Limit"] == "500"


def test_remaining_calls_count_down_within_a_minute_and_reset_in_the_next(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    moments = iter([600.0, 630.5, 659.9, 660.0])
    decisions = [count_call(store, None, clock=lambda: next(moments)) for _ in range(4)]
    assert [d.headers["RateLimit-Remaining"] for d in decisions] == ["499", "498", "497", "499"]
    assert [d.headers["RateLimit-Reset"] for d in decisions] == ["60", "30", "1", "60"]
    assert not any(d.limited for d in decisions)


def test_every_nth_call_is_429_and_the_count_is_shared_between_instances(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    statuses = []
    for _ in range(3):
        # A new instance per call, as a new CLI process would be.
        api = HotmartApi(store, seed=7, now_ms=NOW_MS, rate_limit_every=3)
        statuses += [api.handle("GET", "/user/api/v1/me").status for _ in range(2)]
    assert statuses == [200, 200, 429, 200, 200, 429]


def test_a_429_carries_retry_after_and_the_error_body(tmp_path: Path) -> None:
    api = HotmartApi(StateStore(tmp_path), seed=7, now_ms=NOW_MS, rate_limit_every=1)
    response = api.handle("GET", "/payments/api/v1/sales/history")
    assert response.status == 429
    assert response.headers["Retry-After"] == "1" and response.headers["RateLimit-Reset"] == "1"
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.body["error"] == "too_many_requests"


def test_a_rate_limited_write_is_not_executed(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    data = load_dataset(store, seed=7, now_ms=NOW_MS)
    sale = next(
        s
        for s in data.sales
        if s["purchase"]["status"] == "APPROVED"
        and s["purchase"]["price"]["value"] > 0
        and s["purchase"]["payment"]["type"] != "DIRECT_DEBIT"
    )
    path = f"/payments/api/v1/sales/{sale['purchase']['transaction']}/refund"
    limited = HotmartApi(store, seed=7, now_ms=NOW_MS, rate_limit_every=1).handle("PUT", path)
    assert limited.status == 429
    unchanged = load_dataset(store, seed=7, now_ms=NOW_MS).sale(sale["purchase"]["transaction"])
    assert unchanged is not None and unchanged["purchase"]["status"] == "APPROVED"
    assert HotmartApi(store, seed=7, now_ms=NOW_MS).handle("PUT", path).status == 200
