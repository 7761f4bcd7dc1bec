"""safety.resolve: the server fills a proxy path's placeholders itself, or refuses to guess."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.safety.resolve import placeholders, resolve_path


def refused(path: str, params: dict[str, str]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        resolve_path(path, params.items())
    return caught.value


@pytest.mark.parametrize(
    "template", ["/payments/api/v1/sales/{tx}/refund", "/payments/api/v1/sales/:tx/refund"]
)
def test_a_whole_segment_placeholder_in_either_style_is_filled(template: str) -> None:
    assert resolve_path(template, [("tx", "HP5847252295")]) == "/payments/api/v1/sales/HP5847252295/refund"


@pytest.mark.parametrize(
    "template",
    [
        "/payments/api/v1/sales/HP:tx/refund",  # the defect: the CLI filled it to HP5847252295
        "/payments/api/v1/sales/HP{tx}/refund",
        "/payments/api/v1/sales/{tx}HP/refund",
        "/payments/api/v1/sales/{a}-{b}/refund",
        "/payments/api/v1/sales/{tx/refund",
        "/payments/api/v1/sales/tx}/refund",
        "/payments/api/v1/sales/12:30/refund",
        "/payments/api/v1/sales/:/refund",
    ],
)
def test_a_placeholder_mark_inside_a_segment_is_refused_naming_the_path(template: str) -> None:
    error = refused(template, {"tx": "5847252295", "a": "1", "b": "2"})

    assert error.details["field"] == "path"
    assert "inside it" in error.message
    assert "{transaction_code}" in error.next_step


@pytest.mark.parametrize(
    "template", ["/payments/api/v1/sales/{tx}/refund", "/payments/api/v1/sales/:tx/refund"]
)
def test_a_placeholder_without_a_value_is_refused(template: str) -> None:
    error = refused(template, {})

    assert error.details["field"] == "path_params"
    assert "'tx'" in error.message


def test_a_value_that_matches_no_placeholder_is_refused_naming_it_and_listing_the_placeholders() -> None:
    error = refused(
        "/payments/api/v1/sales/{transaction_code}/refund", {"transaction_code": "HP1", "tx": "HP2"}
    )

    assert error.details["field"] == "path_params.tx"
    assert "'transaction_code'" in error.message


def test_a_value_for_a_path_without_placeholders_is_refused() -> None:
    error = refused("/payments/api/v1/sales/HP1/refund", {"tx": "HP2"})

    assert error.details["field"] == "path_params.tx"
    assert "placeholders: none" in error.message


def test_a_name_used_twice_is_filled_in_both_places_in_either_style() -> None:
    assert resolve_path("/a/{id}/b/:id", [("id", "7")]) == "/a/7/b/7"
    assert placeholders("/a/{id}/b/:id") == ["id", "id"]


def test_the_same_name_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_path("/a/{id}", [("id", "1"), ("id", "2")])

    assert caught.value.details["field"] == "path_params.id"


@pytest.mark.parametrize("value", ["HP:1", "{tx}", "a}", "HP%3A1", "HP%257B1"])
def test_a_value_that_could_read_as_a_placeholder_is_refused_also_percent_encoded(value: str) -> None:
    error = refused("/payments/api/v1/sales/{tx}/refund", {"tx": value})

    assert error.details["field"] == "path_params.tx"


def test_a_path_that_grows_over_the_limit_when_filled_is_refused_naming_the_path() -> None:
    error = refused("/" + "/".join(["{v}"] * 30), {"v": "x" * 100})

    assert error.details["field"] == "path"
    assert "2000" in error.message


def test_a_path_without_placeholders_and_no_values_is_kept_as_is() -> None:
    assert resolve_path("/payments/api/v1/sales/history", []) == "/payments/api/v1/sales/history"
