"""Results stay under the character budget, say when they are cut, and resume exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotmart_membrane_mcp.hotmart.cursor import Cursor
from hotmart_membrane_mcp.hotmart.resume import PageSpan, ResumePoint, decode_token
from hotmart_membrane_mcp.hotmart.sizes import json_size, to_json
from hotmart_membrane_mcp.tools.budget.lists import _rest_hint, cut_list, find_items_path
from hotmart_membrane_mcp.tools.budget.values import MIN_BUDGET_CHARS, cut_payload

FP = "f" * 16
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
items_strategy = st.lists(st.fixed_dictionaries({"id": st.integers(0, 10**9), "name": texts}), max_size=60)


def sale(number: int, size: int = 40) -> dict[str, Any]:
    return {"transaction": f"HP{number:010d}", "note": "x" * size}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=items_strategy,
    max_chars=st.integers(MIN_BUDGET_CHARS, 12_000),
    total=st.none() | st.integers(0, 10**6),
)
def test_rendered_json_never_exceeds_the_budget_and_keeps_a_prefix_of_the_items(
    items: list[dict[str, Any]], max_chars: int, total: int | None
) -> None:
    payload = {"status": "ok", "http_status": 200, "items": items}
    cursor = Cursor.single_page(FP, "tok", len(items), "next-tok")

    result, info = cut_list(payload, "items", max_chars, cursor=cursor, total_items=total)

    assert json_size(result) <= max_chars
    assert info.chars == json_size(result)
    assert result["items"] == items[: info.returned_items]
    assert result["returned_items"] == info.returned_items
    assert result["truncated"] is (info.returned_items < len(items))
    assert result["total_items"] == total
    assert json.loads(to_json(result)) == result
    if not result["truncated"]:
        assert json_size({**payload, "items": items}) < max_chars


@settings(max_examples=100, deadline=None)
@given(items=items_strategy, max_chars=st.integers(MIN_BUDGET_CHARS, 6_000))
def test_a_cut_result_is_the_longest_prefix_that_fits(items: list[dict[str, Any]], max_chars: int) -> None:
    result, info = cut_list({"items": items}, "items", max_chars)

    if info.truncated:
        count = info.returned_items + 1
        one_more = {
            "items": items[:count],
            "truncated": True,
            "returned_items": count,
            "total_items": None,
            "next_page_token": None,
            "how_to_get_rest": _rest_hint(count, None, single_item_too_big=False),
        }
        assert json_size(one_more) > max_chars


def test_an_uncut_list_says_truncated_false_and_has_no_token_when_nothing_follows() -> None:
    items = [sale(n) for n in range(5)]

    result, info = cut_list({"items": items}, "items", 25_000, cursor=Cursor.single_page(FP, None, 5, None))

    assert result == {
        "items": items,
        "truncated": False,
        "returned_items": 5,
        "total_items": None,
        "next_page_token": None,
    }
    assert not info.truncated


def test_an_uncut_page_with_more_pages_gives_a_token_for_the_next_page() -> None:
    items = [sale(n) for n in range(5)]

    result, _ = cut_list({"items": items}, "items", 25_000, cursor=Cursor.single_page(FP, "p1", 5, "p2"))

    assert result["truncated"] is False
    assert decode_token(result["next_page_token"], FP) == ResumePoint("p2", 0)
    assert "resume_token" in result["how_to_get_rest"]


def test_a_cut_result_carries_the_metadata_and_a_token_for_the_first_missing_item() -> None:
    items = [sale(n, size=300) for n in range(100)]
    payload = {"status": "ok", "items": items}

    result, info = cut_list(
        payload,
        "items",
        5_000,
        cursor=Cursor.single_page(FP, "page-3", 100, "page-4", skip=7),
        total_items=1234,
    )

    assert result["truncated"] is True
    assert 0 < result["returned_items"] < 100
    assert result["total_items"] == 1234
    assert decode_token(result["next_page_token"], FP) == ResumePoint("page-3", 7 + result["returned_items"])
    sentence = result["how_to_get_rest"]
    for hint in ("resume_token", "fields", "save_to", "narrow"):
        assert hint in sentence
    assert info.next_page_token == result["next_page_token"]
    assert payload["items"] is items and len(items) == 100  # the input is not modified


def test_without_a_cursor_a_cut_result_has_no_token_and_says_how_else_to_get_the_rest() -> None:
    result, _ = cut_list({"items": [sale(n, 300) for n in range(50)]}, "items", 3_000)

    assert result["truncated"] is True
    assert result["next_page_token"] is None
    assert "save_to" in result["how_to_get_rest"] and "resume_token" not in result["how_to_get_rest"]


def test_a_single_item_larger_than_the_budget_returns_none_and_says_to_use_fields_or_save_to() -> None:
    result, info = cut_list(
        {"items": [sale(1, size=5_000), sale(2)]},
        "items",
        2_000,
        cursor=Cursor.single_page(FP, None, 2, None),
    )

    assert info.returned_items == 0 and result["items"] == []
    assert "larger than the result budget" in result["how_to_get_rest"]
    assert decode_token(result["next_page_token"], FP) == ResumePoint(None, 0)
    assert json_size(result) <= 2_000


def test_items_at_a_dotted_path_are_cut_and_the_rest_of_the_payload_is_kept() -> None:
    payload = {"status": "ok", "body": {"items": [sale(n, 200) for n in range(40)], "page_info": {"x": 1}}}

    result, info = cut_list(payload, "body.items", 3_000)

    assert result["body"]["page_info"] == {"x": 1}
    assert result["body"]["items"] == payload["body"]["items"][: info.returned_items]
    assert len(payload["body"]["items"]) == 40
    assert json_size(result) <= 3_000


def test_a_payload_too_big_around_the_list_is_still_brought_under_the_budget() -> None:
    payload = {"status": "ok", "huge": "y" * 10_000, "items": [sale(1)]}

    result, _ = cut_list(payload, "items", 2_000)

    assert json_size(result) <= 2_000
    assert result["truncated"] is True and result["returned_items"] == 0
    assert list(result)[:2] == ["truncated", "returned_items"]


def test_budgets_below_the_minimum_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        cut_list({"items": []}, "items", MIN_BUDGET_CHARS - 1)


def test_cursor_spans_must_describe_the_items() -> None:
    with pytest.raises(ValueError):
        cut_list({"items": [1, 2]}, "items", 5_000, cursor=Cursor.single_page(FP, None, 3, None))


# --- resuming: the pieces, concatenated, are exactly the full list


def paged_source(items: list[Any], page_size: int) -> dict[str | None, tuple[list[Any], str | None]]:
    """An in-memory Hotmart: page token -> (items of that page, next token)."""
    pages: dict[str | None, tuple[list[Any], str | None]] = {}
    starts = list(range(0, len(items), page_size)) or [0]
    for number, start in enumerate(starts):
        token = None if number == 0 else f"page-{number}"
        following = f"page-{number + 1}" if number + 1 < len(starts) else None
        pages[token] = (items[start : start + page_size], following)
    return pages


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(0, 700), min_size=0, max_size=80),
    page_size=st.integers(1, 30),
    # Every item fits with the cut metadata (~500 chars), so each call makes progress; an item
    # too big for the budget is the case of the test above (returned_items 0, use fields/save_to).
    max_chars=st.integers(1_300, 6_000),
)
def test_following_next_page_token_from_cut_pages_yields_every_item_once_in_order(
    sizes: list[int], page_size: int, max_chars: int
) -> None:
    full = [sale(number, size) for number, size in enumerate(sizes)]
    pages = paged_source(full, page_size)
    collected: list[Any] = []
    point: ResumePoint | None = ResumePoint(None, 0)
    calls = 0
    while point is not None:
        calls += 1
        assert calls <= 2 * len(full) + 2, "no progress"
        page, following = pages[point.page_token]
        rest = page[point.skip :]
        cursor = Cursor.single_page(FP, point.page_token, len(rest), following, skip=point.skip)
        result, _ = cut_list({"items": rest}, "items", max_chars, cursor=cursor)
        assert json_size(result) <= max_chars
        collected.extend(result["items"])
        token = result["next_page_token"]
        point = decode_token(token, FP) if token else None

    assert collected == full


def test_a_cut_across_merged_pages_points_into_the_right_page() -> None:
    # Three pages merged by all_pages: page A from item 2 on (a resumed walk), B whole, C whole.
    spans = (PageSpan("A", 2, 3), PageSpan("B", 0, 4), PageSpan("C", 0, 4))
    items = [sale(n, 400) for n in range(11)]
    cursor = Cursor(FP, spans, ResumePoint("D"))

    for cut, expected in [
        (0, ("A", 2)),
        (2, ("A", 4)),
        (3, ("B", 0)),
        (6, ("B", 3)),
        (7, ("C", 0)),
        (11, ("D", 0)),
    ]:
        token = cursor.token_at(cut)
        assert token is not None and decode_token(token, FP) == ResumePoint(*expected)
    result, info = cut_list({"items": items}, "items", 2_500, cursor=cursor)
    assert info.truncated
    assert decode_token(result["next_page_token"], FP) == cursor_point(spans, info.returned_items)


def cursor_point(spans: tuple[PageSpan, ...], index: int) -> ResumePoint:
    for span in spans:
        if index < span.count:
            return ResumePoint(span.page_token, span.skip + index)
        index -= span.count
    raise AssertionError("beyond the spans")


# --- finding the list, and the tool's own advice


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"status": "ok", "items": [1]}, "items"),
        ({"status": "ok", "body": {"items": [1], "page_info": {}}}, "body.items"),
        ({"status": "ok", "output": {"items": [1]}}, "output.items"),
        ({"status": "ok", "body": [1]}, "body"),
        ({"status": "ok", "output": [1]}, "output"),
        ({"status": "ok", "output": {"rows": [1]}}, None),
        ({"status": "ok", "body": None}, None),
    ],
)
def test_find_items_path_finds_the_list_a_tool_returns(payload: dict[str, Any], path: str | None) -> None:
    assert find_items_path(payload) == path


def test_lists_are_marked_complete_or_cut_and_other_results_are_cut_as_values() -> None:
    small_list, _ = cut_list({"status": "ok", "body": [sale(1)]}, "body", 25_000)
    big_list, _ = cut_list(
        {"status": "ok", "output": {"items": [sale(n, 500) for n in range(100)]}}, "output.items", 5_000
    )
    small_object, _ = cut_payload({"status": "ok", "output": {"name": "me"}}, 25_000)
    big_object, _ = cut_payload({"status": "ok", "output": {"text": "z" * 50_000}}, 5_000)

    assert small_list["truncated"] is False and small_list["returned_items"] == 1
    assert big_list["truncated"] is True and json_size(big_list) <= 5_000
    assert small_object == {"status": "ok", "output": {"name": "me"}}
    assert big_object["truncated"] is True and json_size(big_object) <= 5_000
    assert big_object["output"]["text"].endswith("…")


def test_a_tools_own_advice_replaces_the_default_when_items_are_kept() -> None:
    payload = {"actions": [sale(n, 300) for n in range(20)]}
    hint = "Only {returned} actions fit: use a smaller limit."

    result, _ = cut_list(payload, "actions", 2_000, rest_hint=hint)
    one_too_big, _ = cut_list({"actions": [sale(1, 5_000)]}, "actions", 2_000, rest_hint=hint)

    assert result["truncated"] is True and 0 < result["returned_items"] < 20
    assert result["how_to_get_rest"] == f"Only {result['returned_items']} actions fit: use a smaller limit."
    assert json_size(result) <= 2_000
    # Nothing kept: the default advice about a single item larger than the budget still applies.
    assert (
        one_too_big["returned_items"] == 0
        and "larger than the result budget" in one_too_big["how_to_get_rest"]
    )
