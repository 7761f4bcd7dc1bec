"""`where` conditions: parsing (errors name the condition) and matching, with property tests."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.catalogue import find_endpoint
from hotmart_membrane_mcp.hotmart.filters import Condition, holds, matches, parse_where, values_at
from hotmart_membrane_mcp.hotmart.pushdown import as_query, push_down

SALE = {
    "purchase": {
        "status": "APPROVED",
        "price": {"value": 97.5, "currency_code": "BRL"},
        "transaction": "HP1",
    },
    "product": {"id": 123, "name": "Curso"},
    "buyer": {"email": "ana@example.com"},
    "users": [{"role": "PRODUCER", "name": "Bia"}, {"role": "AFFILIATE", "name": "Caio"}],
    "tags": ["vip", "early"],
    "refund_date": None,
}

numbers = st.integers(min_value=-(10**9), max_value=10**9) | st.floats(
    allow_nan=False, allow_infinity=False, width=32
)


def condition(field: str, op: str, value: Any = None, **extra: Any) -> Condition:
    raw = {"field": field, "op": op, **({"value": value} if value is not None or op != "exists" else {})}
    return parse_where([{**raw, **extra}])[0]


def test_a_dotted_path_reaches_through_objects_and_every_element_of_a_list() -> None:
    assert values_at(SALE, "purchase.price.value") == [97.5]
    assert values_at(SALE, "users.role") == ["PRODUCER", "AFFILIATE"]
    assert values_at(SALE, "purchase.nothing") == []


def test_text_equality_ignores_case_and_numbers_compare_as_numbers() -> None:
    assert holds(SALE, condition("purchase.status", "eq", "approved"))
    assert holds(SALE, condition("product.id", "eq", 123.0))
    assert not holds(SALE, condition("product.id", "eq", "123"))


def test_a_condition_on_a_list_holds_when_any_element_meets_it_but_ne_needs_all() -> None:
    assert holds(SALE, condition("users.role", "eq", "AFFILIATE"))
    assert not holds(SALE, condition("users.role", "ne", "AFFILIATE"))
    assert holds(SALE, condition("users.role", "ne", "COPRODUCER"))


def test_contains_finds_a_part_of_a_text_or_an_element_of_a_list() -> None:
    assert holds(SALE, condition("buyer.email", "contains", "@EXAMPLE"))
    assert holds(SALE, condition("tags", "contains", "vip"))
    assert not holds(SALE, condition("tags", "contains", "vi"))


def test_exists_tests_for_a_non_null_value() -> None:
    assert holds(SALE, condition("purchase.price", "exists"))
    assert not holds(SALE, condition("refund_date", "exists"))
    assert holds(SALE, condition("refund_date", "exists", False))
    assert holds(SALE, condition("nowhere", "exists", False))


def test_an_iso_date_compares_with_epoch_milliseconds() -> None:
    item = {"purchase_date": 1_772_323_200_000}  # 2026-03-01T00:00:00Z
    assert holds(item, condition("purchase_date", "gte", "2026-03-01"))
    assert not holds(item, condition("purchase_date", "lt", "2026-03-01"))


def test_a_missing_field_meets_only_ne_and_exists_false() -> None:
    item: dict[str, Any] = {}
    for op, value in (("eq", 1), ("lt", 1), ("gt", 1), ("in", [1]), ("contains", "a")):
        assert not holds(item, condition("a.b", op, value))
    assert holds(item, condition("a.b", "ne", 1))


@pytest.mark.parametrize(
    ("where", "field", "fragment"),
    [
        ([{"field": "a", "op": "like", "value": 1}], "where[0].op", "op must be one of"),
        (
            [{"field": "a", "op": "eq", "value": 1}, {"field": "a..b", "op": "eq", "value": 1}],
            "where[1].field",
            "",
        ),
        ([{"field": "price", "op": "lt", "value": [1]}], "where[0].value", "field 'price'"),
        ([{"field": "s", "op": "in", "value": []}], "where[0].value", "list of 1"),
        ([{"field": "s", "op": "eq"}], "where[0].value", "must be given"),
        ([{"field": "s", "op": "exists", "value": "yes"}], "where[0].value", "true or false"),
        ([{"field": "d", "op": "gt", "value": "2026-13-01"}], "where[0].value", ""),
        ([{"field": "s", "op": "eq", "value": 1, "typo": 2}], "where[0]", "unknown keys"),
        (["purchase.status=APPROVED"], "where[0]", "must be an object"),
        ({"field": "s"}, "where", "list of conditions"),
    ],
)
def test_a_bad_condition_is_invalid_input_naming_its_index_and_field(
    where: Any, field: str, fragment: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_where(where)
    assert caught.value.details["field"] == field
    assert fragment in caught.value.message


@given(st.dictionaries(st.sampled_from("abc"), numbers, max_size=3), numbers)
def test_eq_and_ne_are_exact_opposites(item: dict[str, Any], value: float) -> None:
    assert holds(item, condition("a", "eq", value)) != holds(item, condition("a", "ne", value))


@given(numbers, numbers)
def test_the_order_operators_agree_with_python_on_numbers(left: float, right: float) -> None:
    item = {"n": left}
    assert holds(item, condition("n", "lt", right)) == (left < right)
    assert holds(item, condition("n", "lte", right)) == (left <= right)
    assert holds(item, condition("n", "gt", right)) == (left > right)
    assert holds(item, condition("n", "gte", right)) == (left >= right)


@given(numbers, st.lists(numbers, min_size=1, max_size=5))
def test_in_is_eq_with_any_of_the_values(value: float, options: list[float]) -> None:
    item = {"n": value}
    expected = any(holds(item, condition("n", "eq", option)) for option in options)
    assert holds(item, condition("n", "in", options)) == expected


@given(st.lists(st.dictionaries(st.just("n"), numbers, max_size=1), max_size=20), numbers, numbers)
def test_all_conditions_must_hold_so_adding_one_never_widens_the_match(
    items: list[dict[str, Any]], low: float, high: float
) -> None:
    first = list(parse_where([{"field": "n", "op": "gte", "value": low}]))
    both = [*first, *parse_where([{"field": "n", "op": "lt", "value": high}])]
    kept_first = [item for item in items if matches(item, first)]
    kept_both = [item for item in items if matches(item, both)]
    assert all(item in kept_first for item in kept_both)
    assert kept_both == [item for item in items if "n" in item and low <= item["n"] < high]


@given(st.text(max_size=12), st.text(max_size=4))
def test_contains_on_text_is_a_case_blind_substring(text: str, part: str) -> None:
    assert holds({"t": text}, condition("t", "contains", part)) == (part.casefold() in text.casefold())


def test_status_and_product_conditions_are_pushed_down_as_hotmart_filters() -> None:
    endpoint = find_endpoint("GET", "/payments/api/v1/sales/history")
    where = parse_where(
        [
            {"field": "purchase.status", "op": "in", "value": ["refunded", "CHARGEBACK"]},
            {"field": "product.id", "op": "eq", "value": 123},
            {"field": "purchase.price.value", "op": "gt", "value": 50},
        ]
    )
    pushed = push_down(endpoint, where, [("start_date", "1")])
    assert [(item.index, item.param) for item in pushed] == [(0, "transaction_status"), (1, "product_id")]
    assert as_query(pushed) == (
        ("transaction_status", "REFUNDED"),
        ("transaction_status", "CHARGEBACK"),
        ("product_id", "123"),
    )


def test_a_parameter_the_query_already_sets_is_not_pushed_again() -> None:
    endpoint = find_endpoint("GET", "/payments/api/v1/subscriptions")
    where = parse_where([{"field": "status", "op": "eq", "value": "ACTIVE"}])
    assert push_down(endpoint, where, [("status", "OVERDUE")]) == []
    assert push_down(None, where, []) == []
