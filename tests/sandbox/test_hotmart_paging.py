"""Cursor pagination, page sizes, tokens and ``select`` (hotmart-api-traps.md §3, §7)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hotmart_calls import NOW_MS, get

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset, sales_ground_truth
from hotmart_membrane_mcp.sandbox.store import StateStore

HISTORY = "/payments/api/v1/sales/history"


def walk(api: HotmartApi, path: str, **query: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every item of every page, and every page_info, following next_page_token."""
    items, infos, token = [], [], None
    while True:
        extra = {"page_token": token} if token else {}
        response = get(api, path, **query, **extra)
        assert response.status == 200, response.body
        items.extend(response.body["items"])
        infos.append(response.body["page_info"])
        token = response.body["page_info"].get("next_page_token")
        if token is None:
            return items, infos


def test_walking_all_sales_pages_yields_each_default_status_sale_exactly_once(
    api: HotmartApi, store: StateStore
) -> None:
    items, infos = walk(api, HISTORY, max_results=500)
    transactions = [item["purchase"]["transaction"] for item in items]
    truth = sales_ground_truth(load_dataset(store, seed=7, now_ms=NOW_MS), 0, NOW_MS)
    assert len(transactions) == len(set(transactions)) == truth["count"]
    assert len(infos) == -(-truth["count"] // 500)
    assert all(info["total_results"] == truth["count"] for info in infos)
    assert [info["results_per_page"] for info in infos[:-1]] == [500] * (len(infos) - 1)


def test_small_pages_in_a_date_window_have_no_gaps_and_keep_the_newest_first_order(
    api: HotmartApi, store: StateStore
) -> None:
    start, end = NOW_MS - 20 * 86_400_000, NOW_MS - 10 * 86_400_000
    items, _ = walk(
        api,
        HISTORY,
        max_results=7,
        start_date=start,
        end_date=end,
        transaction_status="APPROVED,COMPLETE,REFUNDED",
    )
    truth = sales_ground_truth(
        load_dataset(store, seed=7, now_ms=NOW_MS), start, end, ["APPROVED", "COMPLETE", "REFUNDED"]
    )
    assert len({item["purchase"]["transaction"] for item in items}) == len(items) == truth["count"]
    keys = [(-item["purchase"]["order_date"], item["purchase"]["transaction"]) for item in items]
    assert keys == sorted(keys)


def test_first_page_has_no_prev_token_and_last_page_has_no_next_token(api: HotmartApi) -> None:
    _, infos = walk(api, "/payments/api/v1/subscriptions", max_results=9, accession_date=0)
    assert len(infos) > 2
    assert "prev_page_token" not in infos[0] and "next_page_token" in infos[0]
    assert "next_page_token" not in infos[-1] and "prev_page_token" in infos[-1]


def test_the_prev_token_returns_the_previous_page(api: HotmartApi) -> None:
    first = get(api, HISTORY, max_results=5).body
    second = get(api, HISTORY, max_results=5, page_token=first["page_info"]["next_page_token"]).body
    back = get(api, HISTORY, max_results=5, page_token=second["page_info"]["prev_page_token"]).body
    assert back["items"] == first["items"]
    assert second["items"] != first["items"]


def test_max_results_above_the_ceiling_is_clamped_to_500(api: HotmartApi) -> None:
    body = get(api, HISTORY, max_results=5000).body
    assert body["page_info"]["results_per_page"] == len(body["items"]) == 500


def test_default_page_sizes_are_10_for_sales_and_50_for_products(api: HotmartApi, store: StateStore) -> None:
    assert len(get(api, HISTORY).body["items"]) == 10
    products = get(api, "/products/api/v1/products").body
    assert len(products["items"]) == len(load_dataset(store, seed=7, now_ms=NOW_MS).products)
    assert "next_page_token" not in products["page_info"]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(b'{"offset":-3}').decode(),
    ],
)
def test_a_page_token_we_did_not_issue_is_400_invalid_token(api: HotmartApi, token: str) -> None:
    response = get(api, HISTORY, page_token=token)
    assert response.status == 400
    assert response.body["error"] == "invalid_token"
    assert set(response.body) == {"error", "error_description", "error_uri"}


@pytest.mark.parametrize("value", ["0", "-4", "ten"])
def test_a_max_results_that_is_not_a_positive_integer_is_400(api: HotmartApi, value: str) -> None:
    response = get(api, HISTORY, max_results=value)
    assert response.status == 400
    assert response.body["error"] == "invalid_value_parameter"


def test_total_results_is_on_history_but_not_on_the_summary(api: HotmartApi) -> None:
    assert "total_results" in get(api, HISTORY).body["page_info"]
    assert "total_results" not in get(api, "/payments/api/v1/sales/summary").body["page_info"]


def test_select_trims_each_item_to_the_listed_dotted_paths(api: HotmartApi) -> None:
    body = get(api, HISTORY, max_results=3, select="purchase.transaction,buyer.email,product").body
    assert len(body["items"]) == 3
    for item in body["items"]:
        assert set(item) == {"purchase", "buyer", "product"}
        assert set(item["purchase"]) == {"transaction"}
        assert set(item["buyer"]) == {"email"}
        assert set(item["product"]) == {"name", "id"}
    assert body["page_info"]["results_per_page"] == 3


def test_select_of_unknown_attributes_gives_empty_objects(api: HotmartApi) -> None:
    body = get(api, HISTORY, max_results=2, select="no_such_field,purchase.nothing").body
    assert body["items"] == [{}, {}]
    assert get(api, "/user/api/v1/me", select="nothing").body == {}


def test_select_reaches_through_arrays_and_applies_to_bare_arrays(api: HotmartApi) -> None:
    body = get(api, "/payments/api/v1/sales/users", max_results=2, select="transaction,users.role").body
    for item in body["items"]:
        assert set(item) == {"transaction", "users"}
        assert all(set(user) == {"role"} for user in item["users"])
    modules = get(api, "/club/api/v1/modules", subdomain="sandbox-academy", select="module_id").body
    assert modules and all(set(module) == {"module_id"} for module in modules)
