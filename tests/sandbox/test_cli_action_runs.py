"""action run and act: the twelve actions against the simulated Hotmart data, input validation."""

from __future__ import annotations

import json

import pytest
from cli_run import call_cli, ensure_hotmart, run_cli

from hotmart_membrane_mcp.sandbox.action_catalog import ACTIONS
from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.schema_check import validate
from hotmart_membrane_mcp.sandbox.store import StateStore

BY_KEY = {action.key: action for action in ACTIONS}


def run(state_dir, key, action_input, **switches):
    connection = ensure_hotmart(state_dir)
    return call_cli(
        state_dir,
        "action",
        "run",
        key,
        f"--connectionId={connection['id']}",
        f"--input={json.dumps(action_input)}",
        "--json",
        **switches,
    )


def output_of(state_dir, key, action_input):
    result = run(state_dir, key, action_input)
    assert result.code == 0, result.stdout + result.stderr
    body = result.json()
    assert set(body) == {"output", "actionRunId"}
    validate(body["output"], BY_KEY[key].output_schema, "output")
    return body["output"]


def samples(state_dir):
    dataset = load_dataset(StateStore(state_dir))
    product_id = next(product["id"] for product in dataset.products if dataset.coupons.get(product["id"]))
    refundable = next(sale for sale in dataset.sales if sale["purchase"]["status"] == "APPROVED")
    active = next(item for item in dataset.subscriptions if item["status"] == "ACTIVE")
    return dataset, product_id, refundable["purchase"]["transaction"], active["subscriber_code"]


def test_list_sales_returns_the_hotmart_page_and_its_next_page_token(tmp_path):
    output = output_of(tmp_path, "list-sales", {"max_results": 5})
    direct = (
        HotmartApi(StateStore(tmp_path))
        .handle("GET", "/payments/api/v1/sales/history", {"max_results": ["5"]})
        .body
    )
    assert output == {"items": direct["items"], "next_page_token": direct["page_info"]["next_page_token"]}
    following = output_of(tmp_path, "list-sales", {"max_results": 5, "page_token": output["next_page_token"]})
    assert not {item["purchase"]["transaction"] for item in following["items"]} & {
        item["purchase"]["transaction"] for item in output["items"]
    }


def test_list_sales_filters_are_passed_to_hotmart(tmp_path):
    output = output_of(
        tmp_path,
        "list-sales",
        {"transaction_status": ["REFUNDED", "CHARGEBACK"], "payment_type": "PIX", "max_results": 50},
    )
    assert output["items"]
    assert {item["purchase"]["status"] for item in output["items"]} <= {"REFUNDED", "CHARGEBACK"}
    assert {item["purchase"]["payment"]["type"] for item in output["items"]} == {"PIX"}


def test_every_read_action_answers_in_its_output_schema(tmp_path):
    _, product_id, transaction, subscriber_code = samples(tmp_path)
    summary = output_of(tmp_path, "sales-summary", {})
    assert {row["total_value"]["currency_code"] for row in summary["items"]} >= {"BRL", "USD"}
    participants = output_of(tmp_path, "get-sale-participants", {"transaction": transaction})
    assert [item["transaction"] for item in participants["items"]] == [transaction]
    subscriptions = output_of(tmp_path, "list-subscriptions", {"subscriber_code": subscriber_code})
    assert [item["subscriber_code"] for item in subscriptions["items"]] == [subscriber_code]
    products = output_of(tmp_path, "list-products", {"max_results": 50})
    assert product_id in [item["id"] for item in products["items"]]
    coupons = output_of(tmp_path, "list-coupons", {"product_id": product_id})
    assert coupons["items"]
    students = output_of(tmp_path, "list-club-students", {"subdomain": "sandbox-academy", "max_results": 3})
    assert len(students["items"]) == 3 and "next_page_token" in students


def test_create_then_delete_coupon_round_trips_through_hotmart(tmp_path):
    _, product_id, _, _ = samples(tmp_path)
    created = output_of(
        tmp_path, "create-coupon", {"product_id": product_id, "code": "ROUNDTRIP", "discount": 0.25}
    )
    assert created["code"] == "ROUNDTRIP"
    assert created["coupon"]["coupon_code"] == "ROUNDTRIP" and created["coupon"]["id"] == created["id"]
    listed = output_of(tmp_path, "list-coupons", {"product_id": product_id, "code": "ROUNDTRIP"})
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert output_of(tmp_path, "delete-coupon", {"coupon_id": created["id"]}) == {
        "id": created["id"],
        "deleted": True,
    }
    codes = [coupon["coupon_code"] for coupon in load_dataset(StateStore(tmp_path)).coupons[product_id]]
    assert "ROUNDTRIP" not in codes


def test_refund_sale_refunds_an_approved_sale_and_a_second_refund_is_an_action_run_error(tmp_path):
    _, _, transaction, _ = samples(tmp_path)
    assert output_of(tmp_path, "refund-sale", {"transaction": transaction}) == {
        "transaction": transaction,
        "refunded": True,
    }
    refunded = load_dataset(StateStore(tmp_path)).sale(transaction)
    assert refunded is not None and refunded["purchase"]["status"] == "REFUNDED"
    again = run(tmp_path, "refund-sale", {"transaction": transaction})
    assert again.code == 1
    error = again.json()
    assert error["type"] == "action_run"
    assert error["data"]["status"] == 400
    assert error["data"]["response"]["error"]
    assert error["message"].startswith("Hotmart answered 400")


def test_cancel_and_reactivate_subscription_change_its_status(tmp_path):
    _, _, _, subscriber_code = samples(tmp_path)
    cancelled = output_of(
        tmp_path, "cancel-subscription", {"subscriber_code": subscriber_code, "send_mail": False}
    )
    assert cancelled["subscriber_code"] == subscriber_code
    subscription = load_dataset(StateStore(tmp_path)).subscription(subscriber_code)
    assert subscription is not None and subscription["status"] == "CANCELLED_BY_SELLER"
    reactivated = output_of(tmp_path, "reactivate-subscription", {"subscriber_code": subscriber_code})
    assert reactivated["status"] == "INACTIVE"


def test_an_unknown_subscriber_is_an_action_run_error_with_hotmarts_404(tmp_path):
    result = run(tmp_path, "cancel-subscription", {"subscriber_code": "ZZZZZZZZ"})
    assert result.code == 1
    assert (result.json()["type"], result.json()["data"]["status"]) == ("action_run", 404)


@pytest.mark.parametrize(
    ("key", "action_input", "field"),
    [
        ("list-sales", {"max_results": 0}, "input.max_results"),
        ("list-sales", {"max_results": "5"}, "input.max_results"),
        ("list-sales", {"transaction_status": ["PAID"]}, "input.transaction_status[0]"),
        ("list-coupons", {}, "input.product_id"),
        ("create-coupon", {"product_id": 1, "code": "X" * 26, "discount": 0.1}, "input.code"),
        ("create-coupon", {"product_id": 1, "code": "OK", "discount": 1.5}, "input.discount"),
        ("refund-sale", {}, "input.transaction"),
        ("list-club-students", {"subdomain": ""}, "input.subdomain"),
        ("cancel-subscription", {"subscriber_code": "ABC", "send_mail": "no"}, "input.send_mail"),
    ],
)
def test_invalid_input_is_a_bad_request_naming_the_field(tmp_path, key, action_input, field):
    result = run(tmp_path, key, action_input)
    assert result.code == 1
    error = result.json()
    assert error["type"] == "bad_request"
    assert error["data"]["field"] == field
    assert field in error["message"]


def test_input_that_is_not_an_object_is_refused(tmp_path):
    result = run(tmp_path, "list-sales", [1, 2])
    assert result.code == 1 and result.json()["data"]["field"] == "input"


def test_extra_input_properties_are_ignored(tmp_path):
    assert output_of(tmp_path, "list-products", {"max_results": 2, "colour": "blue"})["items"]


def test_action_run_by_id_without_input_works_in_a_real_process(tmp_path):
    connection = ensure_hotmart(tmp_path)
    action_id = call_cli(tmp_path, "action", "get", "list-products", "--json").json()["id"]
    result = run_cli(tmp_path, "action", "run", action_id, "--connectionId", connection["id"], "--json")
    assert result.code == 0
    assert result.json()["output"]["items"]


def test_action_run_of_an_unknown_action_is_not_found(tmp_path):
    result = run(tmp_path, "launch-rocket", {})
    assert result.code == 1 and result.json()["key"] == "not_found"


def test_rate_limited_actions_fail_as_the_connection_rate_limit(tmp_path):
    results = [run(tmp_path, "list-products", {}, SCENARIO="rate-limited") for _ in range(3)]
    assert [result.code for result in results] == [0, 0, 1]
    error = results[2].json()
    assert (error["type"], error["key"], error["data"]["status"]) == (
        "connection",
        "rate_limit_exceeded",
        429,
    )


def test_act_by_key_and_by_id_run_the_action_on_the_default_hotmart_connection(tmp_path):
    ensure_hotmart(tmp_path)
    by_key = run_cli(tmp_path, "act", "--key", "list-products", "--input", '{"max_results": 2}', "--json")
    action_id = call_cli(tmp_path, "action", "get", "list-products", "--json").json()["id"]
    by_id = call_cli(tmp_path, "act", f"--id={action_id}", '--input={"max_results": 2}', "--json")
    assert by_key.code == by_id.code == 0
    assert by_key.json()["output"] == by_id.json()["output"]
    assert by_key.json()["actionRunId"] != by_id.json()["actionRunId"]


def test_act_api_returns_the_hotmart_body_as_output(tmp_path):
    connection = ensure_hotmart(tmp_path)
    api = {"method": "GET", "path": "/payments/api/v1/sales/history", "query": {"max_results": 3}}
    result = call_cli(tmp_path, "act", "--connectionId", connection["id"], "--api", json.dumps(api), "--json")
    assert result.code == 0
    direct = HotmartApi(StateStore(tmp_path)).handle("GET", api["path"], {"max_results": ["3"]}).body
    assert result.json()["output"] == direct


def test_act_api_accepts_the_url_and_data_aliases_and_reports_hotmart_errors(tmp_path):
    ensure_hotmart(tmp_path)
    _, product_id, _, _ = samples(tmp_path)
    api = {
        "method": "post",
        "url": f"/products/api/v1/product/{product_id}/coupon",
        "data": {"code": "ALIAS", "discount": 0.3},
    }
    assert call_cli(tmp_path, "act", "--api", json.dumps(api), "--json").code == 0
    duplicate = call_cli(tmp_path, "act", "--api", json.dumps(api), "--json")
    assert duplicate.code == 1
    error = duplicate.json()
    assert (error["type"], error["data"]["status"]) == ("action_run", 400)
    assert len(error["data"]["actionRunId"]) == 24


@pytest.mark.parametrize(
    "api",
    [
        {"method": "GET"},
        {"method": "TRACE", "path": "/x"},
        {"path": "/x", "verb": "GET"},
        ["GET", "/x"],
        {"path": "/x", "query": []},
    ],
)
def test_act_api_refuses_malformed_requests(tmp_path, api):
    ensure_hotmart(tmp_path)
    result = call_cli(tmp_path, "act", "--api", json.dumps(api), "--json")
    assert result.code == 1 and result.json()["type"] == "bad_request"


@pytest.mark.parametrize("flags", [(), ("--id", "a", "--key", "b"), ("--key", "list-sales", "--api", "{}")])
def test_act_needs_exactly_one_of_id_key_and_api(tmp_path, flags):
    assert call_cli(tmp_path, "act", *flags, "--json").code == 2


@pytest.mark.parametrize("envelope", ["raw", "wrapped"])
def test_run_results_honour_the_envelope(tmp_path, envelope):
    ensure_hotmart(tmp_path)
    body = call_cli(tmp_path, "act", "--key", "list-products", "--json", ENVELOPE=envelope).json()
    run_result = body["data"] if envelope == "wrapped" else body
    assert set(run_result) == {"output", "actionRunId"}
