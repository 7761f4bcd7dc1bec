"""Fingerprints follow the exact request; confirmation tokens are single use, expiring and bound."""

from __future__ import annotations

from typing import Any

import pytest

from hotmart_membrane_mcp.safety.confirm import ConfirmationStore, write_fingerprint


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


PROXY: dict[str, Any] = {
    "tool": "proxy_request",
    "connection_id": "con_1",
    "method": "POST",
    "path": "/payments/api/v1/subscriptions/cancel",
    "query": (("a", "1"), ("b", "2")),
    "headers": (("Accept-Language", "pt-BR"),),
    "path_params": (("x", "1"),),
    "body": {"subscriber_code": ["S1", "S2"], "send_mail": False},
}
ACTION: dict[str, Any] = {
    "tool": "run_action",
    "connection_id": "con_1",
    "action_id": "act_1",
    "input": {"transaction": "HP1", "options": {"notify": True}},
}


def test_the_same_request_always_has_the_same_fingerprint() -> None:
    assert write_fingerprint(**PROXY) == write_fingerprint(**PROXY)
    assert len(write_fingerprint(**PROXY)) == 64


def test_order_of_query_pairs_body_keys_and_header_case_do_not_matter() -> None:
    reordered = {
        **PROXY,
        "query": (("b", "2"), ("a", "1")),
        "headers": (("accept-language", "pt-BR"),),
        "body": {"send_mail": False, "subscriber_code": ["S1", "S2"]},
        "method": "post",
    }
    assert write_fingerprint(**reordered) == write_fingerprint(**PROXY)


@pytest.mark.parametrize(
    "change",
    [
        {"tool": "run_action"},
        {"connection_id": "con_2"},
        {"connection_id": None},
        {"method": "PUT"},
        {"path": "/payments/api/v1/subscriptions/reactivate"},
        {"query": (("a", "1"),)},
        {"query": (("a", "1"), ("b", "3"))},
        {"query": (("a", "1"), ("b", "2"), ("b", "2"))},
        {"headers": ()},
        {"headers": (("Accept-Language", "en"),)},
        {"path_params": (("x", "2"),)},
        {"body": {"subscriber_code": ["S1"], "send_mail": False}},
        {"body": {"subscriber_code": ["S2", "S1"], "send_mail": False}},
        {"body": {"subscriber_code": ["S1", "S2"], "send_mail": True}},
        {"body": None},
        {"body": {}},
        {"action_id": "act_1"},
    ],
    ids=repr,
)
def test_any_change_to_a_proxy_request_changes_its_fingerprint(change: dict[str, Any]) -> None:
    assert write_fingerprint(**{**PROXY, **change}) != write_fingerprint(**PROXY)


@pytest.mark.parametrize(
    "change",
    [
        {"action_id": "act_2"},
        {"connection_id": "con_2"},
        {"input": {"transaction": "HP2", "options": {"notify": True}}},
        {"input": {"transaction": "HP1", "options": {"notify": False}}},
        {"input": {"transaction": "HP1"}},
        {"input": {}},
        {"input": None},
        {"tool": "proxy_request"},
    ],
    ids=repr,
)
def test_any_change_to_an_action_run_changes_its_fingerprint(change: dict[str, Any]) -> None:
    assert write_fingerprint(**{**ACTION, **change}) != write_fingerprint(**ACTION)


def test_a_token_authorises_its_request_exactly_once() -> None:
    store = ConfirmationStore(FakeClock())
    token = store.issue("fp-1")
    assert store.redeem(token, "fp-1") is True
    assert store.redeem(token, "fp-1") is False


def test_a_token_expires_after_the_ttl() -> None:
    clock = FakeClock()
    store = ConfirmationStore(clock, ttl_s=600)
    early, late = store.issue("fp-1"), store.issue("fp-1")
    clock.now += 599.9
    assert store.redeem(early, "fp-1") is True
    clock.now += 0.1
    assert store.redeem(late, "fp-1") is False


def test_a_token_presented_for_another_request_fails_and_is_spent() -> None:
    store = ConfirmationStore(FakeClock())
    token = store.issue("fp-1")
    assert store.redeem(token, "fp-2") is False
    assert store.redeem(token, "fp-1") is False


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, None, 123], ids=repr)
def test_unknown_or_malformed_tokens_are_refused(token: Any) -> None:
    store = ConfirmationStore(FakeClock())
    store.issue("fp-1")
    assert store.redeem(token, "fp-1") is False


def test_tokens_are_distinct_url_safe_strings() -> None:
    store = ConfirmationStore(FakeClock())
    tokens = {store.issue("fp") for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) >= 32 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


def test_expired_tokens_are_forgotten_and_the_store_stays_bounded() -> None:
    clock = FakeClock()
    store = ConfirmationStore(clock, ttl_s=10, max_pending=3)
    first = store.issue("fp-1")
    for index in range(3):
        store.issue(f"fp-{index + 2}")
    assert len(store) == 3
    assert store.redeem(first, "fp-1") is False  # the oldest made room
    clock.now += 10
    assert len(store) == 0


def test_a_store_reports_its_ttl_and_refuses_a_non_positive_one() -> None:
    assert ConfirmationStore(ttl_s=42).ttl_s == 42
    with pytest.raises(ValueError):
        ConfirmationStore(ttl_s=0)
