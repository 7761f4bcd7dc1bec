"""action list / action get: the twelve Hotmart actions, ranked search, ids and keys."""

from __future__ import annotations

import re

import pytest
from cli_run import call_cli, ensure_hotmart, run_cli

from hotmart_membrane_mcp.sandbox.action_catalog import ACTIONS

EXPECTED = {
    "list-sales": "list-data-records",
    "sales-summary": "connector-operation",
    "get-sale-participants": "list-data-records",
    "list-subscriptions": "list-data-records",
    "list-products": "list-data-records",
    "list-coupons": "list-data-records",
    "create-coupon": "create-data-record",
    "delete-coupon": "delete-data-record",
    "refund-sale": "connector-operation",
    "cancel-subscription": "connector-operation",
    "reactivate-subscription": "connector-operation",
    "list-club-students": "list-data-records",
}


def list_actions(state_dir, *flags):
    connection = ensure_hotmart(state_dir)
    result = call_cli(state_dir, "action", "list", f"--connectionId={connection['id']}", *flags, "--json")
    assert result.code == 0, result
    return connection, result.json()


def test_the_catalogue_has_the_twelve_actions_with_their_types():
    assert {action.key: action.type for action in ACTIONS} == EXPECTED


def test_every_action_has_object_schemas_for_input_and_output():
    for action in ACTIONS:
        for schema in (action.input_schema, action.output_schema):
            assert schema["type"] == "object" and schema["properties"], action.key
        for name in action.input_schema.get("required", []):
            assert name in action.input_schema["properties"], action.key


def test_listed_items_carry_the_documented_fields(tmp_path):
    connection, page = list_actions(tmp_path, "--limit=20")
    assert [item["key"] for item in page["items"]] == list(EXPECTED)
    for item in page["items"]:
        assert re.match(r"^[0-9a-f]{24}$", item["id"])
        assert item["state"] == "READY"
        assert item["integrationKey"] == "hotmart"
        assert item["connectionId"] == connection["id"]
        assert item["type"] == EXPECTED[item["key"]]
        assert item["name"] and item["description"]
        assert item["inputSchema"]["type"] == item["outputSchema"]["type"] == "object"


def test_action_ids_are_the_same_in_every_state_dir(tmp_path):
    _, first = list_actions(tmp_path / "a")
    _, second = list_actions(tmp_path / "b")
    assert [item["id"] for item in first["items"]] == [item["id"] for item in second["items"]]


def test_limit_defaults_to_10_and_the_cursor_gives_the_rest(tmp_path):
    connection, first = list_actions(tmp_path)
    assert len(first["items"]) == 10
    rest = call_cli(
        tmp_path, "action", "list", "--connectionId", connection["id"], "--cursor", first["cursor"], "--json"
    ).json()
    assert len(rest["items"]) == 2 and "cursor" not in rest


@pytest.mark.parametrize(
    ("intent", "best"),
    [
        ("list sales", "list-sales"),
        ("refund a purchase", "refund-sale"),
        ("cancel the subscription of a subscriber", "cancel-subscription"),
        ("create a discount coupon", "create-coupon"),
        ("delete coupon", "delete-coupon"),
        ("who are the students of my members area", "list-club-students"),
        ("revenue totals per currency", "sales-summary"),
        ("buyer contact details of a sale", "get-sale-participants"),
        ("reactivate subscription", "reactivate-subscription"),
        ("products", "list-products"),
    ],
)
def test_intent_search_ranks_the_most_relevant_action_first(tmp_path, intent, best):
    _, page = list_actions(tmp_path, f"--intent={intent}", "--limit=3")
    assert page["items"][0]["key"] == best


def test_intent_search_is_deterministic_and_leaves_out_unrelated_actions(tmp_path):
    _, first = list_actions(tmp_path, "--intent", "coupon")
    _, again = list_actions(tmp_path, "--intent", "coupon")
    assert first == again
    assert {item["key"] for item in first["items"]} == {"list-coupons", "create-coupon", "delete-coupon"}
    _, nothing = list_actions(tmp_path, "--intent", "weather forecast")
    assert nothing == {"items": []}


def test_without_a_connection_the_intent_is_ignored(tmp_path):
    result = call_cli(tmp_path, "action", "list", "--intent", "coupon", "--limit", "12", "--json").json()
    assert [item["key"] for item in result["items"]] == list(EXPECTED)
    assert all("connectionId" not in item for item in result["items"])


def test_action_list_for_an_unknown_connection_is_not_found(tmp_path):
    result = call_cli(tmp_path, "action", "list", "--connectionId", "missing", "--json")
    assert result.code == 1 and result.json()["key"] == "not_found"


def test_action_get_finds_an_action_by_key_or_id(tmp_path):
    by_key = run_cli(tmp_path, "action", "get", "refund-sale", "--json")
    assert by_key.code == 0
    action = by_key.json()
    assert call_cli(tmp_path, "action", "get", action["id"], "--json").json() == action
    assert action["inputSchema"]["required"] == ["transaction"]
    assert "Refund Sale" in call_cli(tmp_path, "action", "get", "refund-sale").stdout


def test_action_get_of_an_unknown_action_is_not_found(tmp_path):
    result = call_cli(tmp_path, "action", "get", "launch-rocket", "--json")
    assert result.code == 1
    assert result.json() == {
        "type": "bad_request",
        "key": "not_found",
        "message": "Action with selector 'launch-rocket' not found",
    }


def test_text_output_of_action_list_shows_one_line_per_action(tmp_path):
    connection = ensure_hotmart(tmp_path)
    text = call_cli(
        tmp_path, "action", "list", "--connectionId", connection["id"], "--intent", "coupon"
    ).stdout
    assert len(text.strip().splitlines()) == 3 and "create-coupon" in text
