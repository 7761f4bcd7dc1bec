"""Continuation tokens: opaque, tied to the request that issued them, refused when tampered."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.resume import (
    PageSpan,
    ResumePoint,
    decode_token,
    encode_token,
    is_resume_token,
    point_after,
    query_fingerprint,
)

PATH = "/payments/api/v1/sales/history"


def test_a_token_round_trips_to_the_same_resume_point() -> None:
    fp = query_fingerprint("GET", PATH, [("start_date", "1")])
    for point in (ResumePoint(None, 0), ResumePoint("eyJwYWdlIjoyfQ==", 17), ResumePoint("a" * 64, 499)):
        token = encode_token(point, fp)
        assert is_resume_token(token)
        assert decode_token(token, fp) == point


def test_the_fingerprint_ignores_paging_select_and_parameter_order() -> None:
    one = query_fingerprint("GET", PATH, [("start_date", "1"), ("end_date", "2"), ("page_token", "x")])
    two = query_fingerprint(
        "get", PATH + "/", [("select", "purchase"), ("end_date", "2"), ("start_date", "1")]
    )

    assert one == two


@pytest.mark.parametrize(
    "other",
    [
        ("GET", PATH, [("start_date", "1"), ("end_date", "3")]),
        ("GET", PATH, [("start_date", "1"), ("end_date", "2"), ("transaction_status", "REFUNDED")]),
        ("GET", PATH, [("start_date", "1"), ("end_date", "2"), ("max_results", "10")]),
        ("GET", "/payments/api/v1/sales/users", [("start_date", "1"), ("end_date", "2")]),
    ],
)
def test_a_token_is_refused_for_a_different_request(other: tuple[str, str, list[tuple[str, str]]]) -> None:
    token = encode_token(
        ResumePoint("p", 3), query_fingerprint("GET", PATH, [("start_date", "1"), ("end_date", "2")])
    )

    with pytest.raises(InvalidInput) as caught:
        decode_token(token, query_fingerprint(*other))

    assert "different request" in caught.value.message


def test_a_token_is_refused_for_another_account() -> None:
    token = encode_token(ResumePoint("p", 3), query_fingerprint("GET", PATH, [], scope="conn-1"))

    with pytest.raises(InvalidInput):
        decode_token(token, query_fingerprint("GET", PATH, [], scope="conn-2"))


@pytest.mark.parametrize(
    "token", ["eyJwYWdlIjoyfQ==", "hmcp1.", "hmcp1.!!!", "hmcp1.eyJ0IjoxfQ", "hmcp1.W10"]
)
def test_foreign_or_damaged_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_token(token, "f" * 16)

    assert caught.value.details["field"] == "resume_token"


def test_a_token_with_a_negative_skip_is_refused() -> None:
    fp = "f" * 16
    token = encode_token(ResumePoint("p", -1), fp)

    with pytest.raises(InvalidInput):
        decode_token(token, fp)


def test_point_after_walks_the_spans_and_ends_at_the_continuation() -> None:
    spans = [PageSpan(None, 0, 2), PageSpan("B", 0, 0), PageSpan("C", 1, 2)]

    assert [point_after(spans, index, ResumePoint("D")) for index in range(5)] == [
        ResumePoint(None, 0),
        ResumePoint(None, 1),
        ResumePoint("C", 1),
        ResumePoint("C", 2),
        ResumePoint("D", 0),
    ]
    assert point_after(spans, 4, None) is None
    with pytest.raises(ValueError):
        point_after(spans, 5, None)
