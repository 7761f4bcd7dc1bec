"""`fields` keeps only the requested attributes, with their nesting, element by element in arrays."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.projection import (
    parse_fields,
    project,
    project_items,
    select_param,
    with_select,
)

SALE = {
    "product": {"id": 1234567, "name": "Course"},
    "buyer": {"name": "Test Buyer", "email": "buyer@example.com"},
    "purchase": {
        "transaction": "HP1234567890",
        "status": "APPROVED",
        "price": {"value": 97.0, "currency_code": "BRL"},
        "payment": {"type": "PIX"},
    },
}
PARTICIPANTS = {
    "transaction": "HP1",
    "users": [
        {"role": "BUYER", "user": {"email": "b@example.com", "name": "B"}},
        {"role": "PRODUCER", "user": {"email": "p@example.com", "name": "P"}},
        {"role": "AFFILIATE"},
    ],
}


def test_dotted_paths_keep_the_nesting() -> None:
    assert project(SALE, ["purchase.price.value", "buyer.email"]) == {
        "purchase": {"price": {"value": 97.0}},
        "buyer": {"email": "buyer@example.com"},
    }


def test_a_path_to_an_object_keeps_the_whole_object_even_with_a_longer_path_below_it() -> None:
    expected = {"purchase": {"price": {"value": 97.0, "currency_code": "BRL"}}}
    assert project(SALE, ["purchase.price", "purchase.price.value"]) == expected
    assert project(SALE, ["purchase.price.value", "purchase.price"]) == expected


def test_arrays_are_projected_element_by_element() -> None:
    assert project(PARTICIPANTS, ["users.role", "users.user.email"]) == {
        "users": [
            {"role": "BUYER", "user": {"email": "b@example.com"}},
            {"role": "PRODUCER", "user": {"email": "p@example.com"}},
            {"role": "AFFILIATE"},
        ]
    }


def test_missing_attributes_are_left_out_and_an_item_with_nothing_left_is_empty() -> None:
    assert project(SALE, ["purchase.status", "purchase.nope", "nothing.here"]) == {
        "purchase": {"status": "APPROVED"}
    }
    assert project(SALE, ["purchase.status.deeper"]) == {"purchase": {}}
    assert project(SALE, ["absent"]) == {}


def test_no_fields_returns_the_item_unchanged() -> None:
    assert project(SALE, []) is SALE


def test_project_items_keeps_the_count_and_names_fields_that_matched_nothing() -> None:
    items = [SALE, {"other": 1}, "not an object"]

    projected, unmatched = project_items(items, ["purchase.status", "purchase.typo", "users.role"])

    assert projected == [{"purchase": {"status": "APPROVED"}}, {}, "not an object"]
    assert unmatched == ["purchase.typo", "users.role"]


def test_a_field_found_inside_an_array_counts_as_matched() -> None:
    _, unmatched = project_items([PARTICIPANTS], ["users.user.email"])

    assert unmatched == []


def test_parse_fields_accepts_lists_and_comma_strings_and_drops_duplicates() -> None:
    assert parse_fields(" purchase.price , buyer.email,purchase.price ") == ("purchase.price", "buyer.email")
    assert parse_fields(["purchase.price,buyer.email", "product"]) == (
        "purchase.price",
        "buyer.email",
        "product",
    )
    assert parse_fields(None) == ()


@pytest.mark.parametrize("bad", ["a..b", ".a", "a.", "a b", "items[0]", "a.*"])
def test_parse_fields_refuses_paths_select_cannot_carry(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_fields([bad])

    assert caught.value.details["field"] == "fields"


def test_select_param_joins_the_paths_for_hotmart() -> None:
    assert select_param(["purchase.price", "buyer.email"]) == "purchase.price,buyer.email"
    assert select_param([]) is None


def test_with_select_replaces_an_existing_select_and_keeps_the_rest() -> None:
    query = (("start_date", "1"), ("select", "old"), ("max_results", "5"))

    assert with_select(query, ["purchase.price"]) == (
        ("start_date", "1"),
        ("max_results", "5"),
        ("select", "purchase.price"),
    )
    assert with_select(query, []) == (("start_date", "1"), ("max_results", "5"))
