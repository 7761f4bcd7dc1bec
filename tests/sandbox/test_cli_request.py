"""membrane request: forwarding to the simulated Hotmart API, the output variants, concurrency."""

from __future__ import annotations

import json
import subprocess

import pytest
from cli_run import SANDBOX_COMMAND, call_cli, ensure_hotmart, run_cli, sandbox_env

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.store import StateStore

HISTORY = "/payments/api/v1/sales/history"


def direct(state_dir, method, path, query=None, body=None):
    """What the simulated Hotmart API answers to the same call, without the CLI in between."""
    return HotmartApi(StateStore(state_dir)).handle(method, path, query or {}, {}, body)


def product_with_coupons(state_dir):
    dataset = load_dataset(StateStore(state_dir))
    return next(product["id"] for product in dataset.products if dataset.coupons.get(product["id"]))


def test_a_full_page_of_sales_history_is_the_hotmart_body_unchanged(tmp_path):
    connection = ensure_hotmart(tmp_path)
    result = run_cli(tmp_path, "request", connection["id"], HISTORY, "--query", "max_results=500")
    assert result.code == 0, result.stderr
    body = result.json()
    assert len(body["items"]) == 500
    assert body == direct(tmp_path, "GET", HISTORY, {"max_results": ["500"]}).body


def test_query_flags_and_an_inline_query_string_both_reach_hotmart(tmp_path):
    connection = ensure_hotmart(tmp_path)
    flags = call_cli(
        tmp_path,
        "request",
        connection["id"],
        HISTORY,
        "--query=max_results=3",
        "--query",
        "transaction_status=REFUNDED",
    )
    inline = call_cli(
        tmp_path, "request", connection["id"], f"{HISTORY}?max_results=3&transaction_status=REFUNDED"
    )
    assert flags.json() == inline.json()
    assert [item["purchase"]["status"] for item in flags.json()["items"]] == ["REFUNDED"] * 3


def test_the_connection_may_be_named_by_integration_key_and_the_path_may_be_a_full_url(tmp_path):
    ensure_hotmart(tmp_path)
    by_key = call_cli(
        tmp_path, "request", "hotmart", f"https://developers.hotmart.com{HISTORY}", "--query", "max_results=2"
    )
    assert by_key.code == 0
    assert len(by_key.json()["items"]) == 2


def test_path_params_fill_braces_and_colon_placeholders(tmp_path):
    connection = ensure_hotmart(tmp_path)
    product_id = product_with_coupons(tmp_path)
    expected = direct(tmp_path, "GET", f"/products/api/v1/coupon/product/{product_id}").body
    for template in (
        "/products/api/v1/coupon/product/{product_id}",
        "/products/api/v1/coupon/product/:product_id",
    ):
        result = call_cli(
            tmp_path, "request", connection["id"], template, "--pathParam", f"product_id={product_id}"
        )
        assert result.code == 0
        assert result.json() == expected


def test_post_with_a_json_body_creates_a_coupon_and_prints_nothing_for_an_empty_body(tmp_path):
    connection = ensure_hotmart(tmp_path)
    product_id = product_with_coupons(tmp_path)
    created = call_cli(
        tmp_path, "request", connection["id"], f"/products/api/v1/product/{product_id}/coupon",
        "-X", "POST", "--json", '{"code": "SANDBOX10", "discount": 0.1}',
    )  # fmt: skip
    assert created.code == 0
    assert created.stdout.strip() in ("", "{}")
    coupons = load_dataset(StateStore(tmp_path)).coupons[product_id]
    assert "SANDBOX10" in [coupon["coupon_code"] for coupon in coupons]


@pytest.mark.parametrize(
    "body_flags",
    [
        ("-d", '{"code":"DATA15","discount":0.15}'),
        ("--data", '{"code":"DATA15","discount":0.15}', "--rawData"),
    ],
)
def test_data_bodies_are_sent_with_or_without_processing(tmp_path, body_flags):
    connection = ensure_hotmart(tmp_path)
    product_id = product_with_coupons(tmp_path)
    path = f"/products/api/v1/product/{product_id}/coupon"
    result = call_cli(
        tmp_path,
        "request",
        connection["id"],
        path,
        "--method=POST",
        "-H",
        "Content-Type: application/json",
        *body_flags,
    )
    assert result.code == 0, result.stdout
    assert any(
        coupon["coupon_code"] == "DATA15" for coupon in load_dataset(StateStore(tmp_path)).coupons[product_id]
    )


def test_an_unknown_path_is_exit_1_with_the_hotmart_404_in_the_error(tmp_path):
    connection = ensure_hotmart(tmp_path)
    result = run_cli(tmp_path, "request", connection["id"], "/payments/api/v1/students")
    assert result.code == 1
    error = result.json()
    assert error["type"] == "connection"
    assert error["key"] == "request_failed"
    assert error["message"] == "Request failed with status code 404"
    assert error["data"]["status"] == 404
    assert error["data"]["response"]["error"] == "not_found"
    assert "RateLimit-Limit" in error["data"]["headers"]


def test_a_failed_request_in_text_stderr_mode_shows_the_status_and_compact_body(tmp_path):
    connection = ensure_hotmart(tmp_path)
    result = call_cli(
        tmp_path, "request", connection["id"], "/payments/api/v1/students", ERRORS="text-stderr"
    )
    assert (result.code, result.stdout) == (1, "")
    prefix = "Error: Request failed with status code 404: "
    assert result.stderr.startswith(prefix)
    assert json.loads(result.stderr[len(prefix) :])["error"] == "not_found"


@pytest.mark.parametrize("errors", ["json-stdout", "text-stderr"])
@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_full_output_prints_status_headers_and_body_with_exit_0_for_any_status(tmp_path, errors, envelope):
    connection = ensure_hotmart(tmp_path)
    switches = {"REQUEST_OUTPUT": "full", "ERRORS": errors, "ENVELOPE": envelope}
    ok = call_cli(tmp_path, "request", connection["id"], HISTORY, "--query", "max_results=1", **switches)
    missing = call_cli(tmp_path, "request", connection["id"], "/nope", **switches)
    assert ok.code == missing.code == 0
    assert set(ok.json()) == {"status", "headers", "body"}
    assert ok.json()["status"] == 200 and len(ok.json()["body"]["items"]) == 1
    assert missing.json()["status"] == 404 and missing.json()["body"]["error"] == "not_found"
    assert missing.stderr == ""


@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_body_output_is_never_wrapped(tmp_path, envelope):
    connection = ensure_hotmart(tmp_path)
    result = call_cli(
        tmp_path, "request", connection["id"], HISTORY, "--query", "max_results=1", ENVELOPE=envelope
    )
    assert set(result.json()) == {"items", "page_info"}


def test_a_refund_of_a_pending_sale_fails_with_hotmarts_400(tmp_path):
    connection = ensure_hotmart(tmp_path)
    pending = next(
        sale
        for sale in load_dataset(StateStore(tmp_path)).sales
        if sale["purchase"]["status"] == "WAITING_PAYMENT"
    )
    transaction = pending["purchase"]["transaction"]
    result = call_cli(
        tmp_path,
        "request",
        connection["id"],
        "/payments/api/v1/sales/{t}/refund",
        "-X",
        "PUT",
        "--pathParam",
        f"t={transaction}",
    )
    assert result.code == 1
    assert result.json()["data"]["status"] == 400


def test_unknown_methods_and_malformed_flag_values_are_usage_errors(tmp_path):
    connection = ensure_hotmart(tmp_path)
    for flags in (
        ("-X", "FETCH"),
        ("-H", "no colon"),
        ("--query", "novalue"),
        ("--pathParam", "x"),
        ("--json", "{bad"),
        ("--json", "{}", "-d", "{}"),
    ):
        result = call_cli(tmp_path, "request", connection["id"], HISTORY, *flags)
        assert result.code == 2, flags
        assert result.stdout == ""


def test_requests_on_a_connection_to_another_app_are_refused(tmp_path):
    slack = call_cli(tmp_path, "connection", "ensure", "slack.com", "--json").json()
    result = call_cli(tmp_path, "request", slack["id"], HISTORY)
    assert result.code == 1 and "simulates only the Hotmart API" in result.json()["message"]


def test_rate_limited_scenario_answers_429_on_every_nth_call_with_retry_headers(tmp_path):
    connection = ensure_hotmart(tmp_path)
    codes = []
    for _ in range(4):
        result = call_cli(
            tmp_path,
            "request",
            connection["id"],
            HISTORY,
            "--query",
            "max_results=1",
            SCENARIO="rate-limited",
            RATE_LIMIT_EVERY="2",
        )
        codes.append(result.code)
        if result.code == 1:
            error = result.json()
            assert (error["type"], error["key"]) == ("connection", "rate_limit_exceeded")
            assert error["data"]["status"] == 429
            assert "Retry-After" in error["data"]["headers"] and "RateLimit-Reset" in error["data"]["headers"]
    assert codes == [0, 1, 0, 1]


def test_rate_limited_scenario_uses_every_third_call_by_default_and_full_output_shows_the_429(tmp_path):
    connection = ensure_hotmart(tmp_path)
    statuses = [
        call_cli(
            tmp_path,
            "request",
            connection["id"],
            HISTORY,
            "--query",
            "max_results=1",
            SCENARIO="rate-limited",
            REQUEST_OUTPUT="full",
        ).json()["status"]
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_flaky_scenario_turns_every_third_request_into_a_hotmart_503(tmp_path):
    connection = ensure_hotmart(tmp_path)
    results = [
        call_cli(tmp_path, "request", connection["id"], HISTORY, "--query", "max_results=1", SCENARIO="flaky")
        for _ in range(3)
    ]
    assert [result.code for result in results] == [0, 0, 1]
    error = results[2].json()
    assert (error["key"], error["data"]["status"]) == ("request_failed", 503)
    assert error["data"]["response"]["error"] == "internal_server_error"
    full = [
        call_cli(tmp_path, "request", connection["id"], HISTORY, SCENARIO="flaky", REQUEST_OUTPUT="full")
        for _ in range(3)
    ]
    assert [result.json()["status"] for result in full] == [200, 200, 503]


def test_eight_concurrent_coupon_creations_all_land(tmp_path):
    connection = ensure_hotmart(tmp_path)
    product_id = product_with_coupons(tmp_path)
    before = len(load_dataset(StateStore(tmp_path)).coupons[product_id])
    codes = [f"PARALLEL{index}" for index in range(8)]
    processes = [
        subprocess.Popen(
            [*SANDBOX_COMMAND, "request", connection["id"], f"/products/api/v1/product/{product_id}/coupon",
             "-X", "POST", "--json", json.dumps({"code": code, "discount": 0.2})],
            env=sandbox_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for code in codes
    ]  # fmt: skip
    outcomes = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0] * 8, outcomes
    coupons = load_dataset(StateStore(tmp_path)).coupons[product_id]
    assert len(coupons) == before + 8
    assert set(codes) <= {coupon["coupon_code"] for coupon in coupons}
    assert len({coupon["id"] for coupon in coupons}) == len(coupons)
