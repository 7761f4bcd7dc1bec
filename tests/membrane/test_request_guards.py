"""Every guard refuses hostile values with invalid_input naming the field, and lets real calls through."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.catalogue import ENDPOINTS
from hotmart_membrane_mcp.membrane.request_guards import (
    MAX_ACTION_INPUT_BYTES,
    MAX_BODY_BYTES,
    MAX_PATH_CHARS,
    REFUSED_HEADERS,
    check_api_path,
    check_body,
    check_headers,
    check_input_size,
    check_method,
    check_path_params,
    check_query,
)

# Values an injected prompt would try in any slot.
OPTION_LIKE = ["-x", "--help", "-Xhttps://evil.example", "--json=1"]
LINE_BREAKERS = ["a\r\nb", "a\nb", "a\rb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b"]


def refused_field(guard: Any, *args: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        guard(*args)
    error = caught.value
    assert error.error_type == "invalid_input"
    assert error.payload()["field"] == error.details["field"]
    assert f"`{error.details['field']}`" in error.message
    return error.details["field"]


def concrete_path(template: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "HP0123456789", template)


HOSTILE_PATHS = [
    *OPTION_LIKE,
    *("/payments" + value for value in LINE_BREAKERS),
    "",
    "../",
    "..",
    "/a/../b",
    "/a/./b",
    "/payments/api/v1/sales/..",
    "/%2e%2e/user/api/v1/me",
    "/%2E%2E/user/api/v1/me",
    "/%2E./user",
    "/.%2e/user",
    "/a/%252e%252e/b",  # double-encoded ".."
    "/a%2f..%2fb",  # encoded slashes around ".."
    "/a%2f%2e%2e%2fb",
    "/a/%25252525252e%25252525252e/b",  # encoded more times than any gateway decodes
    "https://evil.example",
    "https://evil.example/payments/api/v1/sales/history",
    "http:/evil.example",
    "HTTPS://EVIL.EXAMPLE/x",
    "javascript:alert(1)",
    "/redirect?to=https://evil.example",
    "//evil.example/x",
    "/%2f/evil.example/x",
    "/%2Fevil.example",
    "\\\\evil.example\\x",
    "/a\\b",
    "/a%5cb",
    "/a%5Cb",
    "/a%0d%0aHost:%20evil",
    "/a%00b",
    "/payments/api/v1/sales/history?transaction_status=REFUNDED",
    "/payments/api/v1/sales/history#x",
    "/a b",
    "/a%zzb",
    "/a%2",
    "/pagamentos/ação",
    "payments/api/v1/sales/history",
    "/" + "a" * MAX_PATH_CHARS,
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=repr)
def test_hostile_path_is_refused_naming_the_path_field(path: str) -> None:
    assert refused_field(check_api_path, path) == "path"


@pytest.mark.parametrize("path", [None, 42, b"/user/api/v1/me", ["/"]], ids=repr)
def test_path_that_is_not_a_string_is_refused(path: Any) -> None:
    assert refused_field(check_api_path, path) == "path"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: f"{endpoint.method} {endpoint.path}")
def test_every_catalogue_path_passes_as_template_and_with_ids_filled_in(endpoint: Any) -> None:
    assert check_api_path(endpoint.path) == endpoint.path
    assert check_api_path(concrete_path(endpoint.path)) == concrete_path(endpoint.path)


def test_path_with_a_percent_encoded_space_and_an_email_passes() -> None:
    path = "/club/api/v1/users/ana%40example.com/lessons%20x"
    assert check_api_path(path) == path


def test_path_of_exactly_the_maximum_length_passes() -> None:
    path = "/" + "a" * (MAX_PATH_CHARS - 1)
    assert check_api_path(path) == path


@pytest.mark.parametrize(
    "method", ["TRACE", "CONNECT", "OPTIONS", "", "GET ", "GET\r\n", *OPTION_LIKE, None, 1], ids=repr
)
def test_method_off_the_allow_list_is_refused(method: Any) -> None:
    assert refused_field(check_method, method) == "method"


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "get", "Delete"])
def test_allowed_methods_come_back_upper_case(method: str) -> None:
    assert check_method(method) == method.upper()


@pytest.mark.parametrize("name", sorted(REFUSED_HEADERS) + ["AUTHORIZATION", "Cookie", "Transfer-Encoding"])
def test_credential_and_hop_by_hop_headers_are_refused_by_name(name: str) -> None:
    assert refused_field(check_headers, {name: "x"}) == f"headers.{name}"


@pytest.mark.parametrize(
    "name", ["", "Bad Name", "X-A\r\nB", "X:Y", "X-Ä", "a\x00b", *OPTION_LIKE[:2], None, 7], ids=repr
)
def test_header_names_that_are_not_tokens_are_refused(name: Any) -> None:
    assert refused_field(check_headers, [(name, "x")]) == "headers"


@pytest.mark.parametrize("value", [*LINE_BREAKERS, *OPTION_LIKE, "v" * 4_001, None, 5], ids=repr)
def test_header_values_with_breaks_options_or_no_text_are_refused(value: Any) -> None:
    assert refused_field(check_headers, {"Accept-Language": value}) == "headers.Accept-Language"


def test_too_many_headers_are_refused() -> None:
    assert refused_field(check_headers, {f"X-H{index}": "v" for index in range(51)}) == "headers"


def test_ordinary_headers_pass_in_order() -> None:
    headers = {"Accept-Language": "pt-BR", "X-Trace": "abc 123; q=0.5"}
    assert check_headers(headers) == (("Accept-Language", "pt-BR"), ("X-Trace", "abc 123; q=0.5"))
    assert check_headers(None) == ()


@pytest.mark.parametrize("key", ["", "-x", "--help", "a b", "a\r\nb", "a=b", "1abc", "_x", "k" * 101, 3])
def test_query_keys_that_are_not_simple_names_are_refused(key: Any) -> None:
    assert refused_field(check_query, [(key, "1")]) == "query"


@pytest.mark.parametrize(
    "value",
    [*OPTION_LIKE, *LINE_BREAKERS, "v" * 2_001, -1, float("nan"), float("inf"), {"a": 1}, b"x", ["ok", "-x"]],
    ids=repr,
)
def test_query_values_with_options_breaks_or_odd_types_are_refused(value: Any) -> None:
    assert refused_field(check_query, {"transaction_status": value}) == "query.transaction_status"


def test_query_of_more_than_a_hundred_values_is_refused() -> None:
    assert refused_field(check_query, {"status": ["ACTIVE"] * 101}) == "query"


def test_query_mapping_becomes_ordered_pairs_with_lists_repeated_and_nulls_dropped() -> None:
    query = {"max_results": 10, "status": ["ACTIVE", "DELAYED"], "trial": False, "plan": None, "x.y": 0.5}
    assert check_query(query) == (
        ("max_results", "10"),
        ("status", "ACTIVE"),
        ("status", "DELAYED"),
        ("trial", "false"),
        ("x.y", "0.5"),
    )


def test_query_given_as_pairs_keeps_their_order() -> None:
    assert check_query([("b", "2"), ("a", "1"), ("b", "3")]) == (("b", "2"), ("a", "1"), ("b", "3"))


@pytest.mark.parametrize("query", ["a=1", 5, [("a",)], [("a", "1", "2")], ["ab"]], ids=repr)
def test_query_that_is_neither_an_object_nor_pairs_is_refused(query: Any) -> None:
    assert refused_field(check_query, query) == "query"


@pytest.mark.parametrize(
    "value",
    [
        *OPTION_LIKE,
        *LINE_BREAKERS,
        "",
        ".",
        "..",
        "../",
        "../../user/api/v1/me",
        "a/b",
        "a\\b",
        "a?b",
        "a#b",
        "a b",
        "%2e%2e",
        "%2E.",
        "a%2fb",
        "a%5cb",
        "%252e%252e",
        "a%0d%0ab",
        "a%zz",
        "https://evil.example",
        "//evil.example",
        "{user_id}",
        "x" * 2_001,
    ],
    ids=repr,
)
def test_path_parameter_that_is_not_one_safe_segment_is_refused(value: str) -> None:
    assert refused_field(check_path_params, {"transaction_code": value}) == "path_params.transaction_code"


@pytest.mark.parametrize("key", ["", "-x", "--help", "a b", "a\nb", "a=b", "{x}"])
def test_path_parameter_names_that_are_not_simple_are_refused(key: str) -> None:
    assert refused_field(check_path_params, {key: "HP123"}) == "path_params"


def test_path_parameters_that_are_ids_pass() -> None:
    params = {"transaction_code": "HP0123456789", "coupon_id": 123, "email": "ana%40example.com"}
    assert check_path_params(params) == (
        ("transaction_code", "HP0123456789"),
        ("coupon_id", "123"),
        ("email", "ana%40example.com"),
    )


class NotJson:
    pass


def deeply_nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "body",
    [
        {"code": "x" * MAX_BODY_BYTES},
        ["é" * (MAX_BODY_BYTES // 2 + 1)],  # counted in UTF-8 bytes, not characters
        {"a": NotJson()},
        {"a": {1, 2}},
        {"a": float("nan")},
        {"a": float("inf")},
        {("tuple", "key"): 1},
        deeply_nested(100_000),
        -1,
        "-x",
        "--help",
        True,
        3.5,
    ],
    ids=lambda body: type(body).__name__,
)
def test_oversized_non_json_or_scalar_bodies_are_refused(body: Any) -> None:
    assert refused_field(check_body, body) == "body"


def test_json_bodies_within_the_limit_pass_unchanged() -> None:
    body = {"subscriber_code": ["ABC", "DEF"], "send_mail": False, "note": "ação"}
    assert check_body(body) is body
    assert check_body([1, 2]) == [1, 2]
    assert check_body(None) is None


@pytest.mark.parametrize(
    "value",
    [{"x": "y" * MAX_ACTION_INPUT_BYTES}, {"a": NotJson()}, {"a": float("nan")}, [1], "x", -1],
    ids=lambda value: type(value).__name__,
)
def test_action_input_that_is_oversized_not_json_or_not_an_object_is_refused(value: Any) -> None:
    assert refused_field(check_input_size, value) == "input"


def test_action_input_object_passes_and_none_means_empty() -> None:
    assert check_input_size({"transaction": "HP1"}) == {"transaction": "HP1"}
    assert check_input_size(None) == {}


def test_guards_name_a_custom_field_when_told_to() -> None:
    assert refused_field(lambda: check_api_path("-x", field="url_path")) == "url_path"
    assert refused_field(lambda: check_body(1, field="payload")) == "payload"


@pytest.mark.parametrize("name", ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"])
def test_a_method_override_header_is_refused_so_a_get_cannot_act_as_a_write(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_headers({name: "PUT"})
    assert caught.value.details["field"] == f"headers.{name}"
