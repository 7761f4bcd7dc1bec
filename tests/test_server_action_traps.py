"""One trap table for every route: run_action and search_actions warn as proxy_request does."""

from __future__ import annotations

import pytest
from mcp import Client

from hotmart_membrane_mcp.hotmart.action_reads import endpoint_read_by, run_warnings
from hotmart_membrane_mcp.hotmart.catalogue import (
    SALES_STATUS_TRAP,
    SUBSCRIPTIONS_30_DAY_TRAP,
    SUMMARY_COMMISSION_TRAP,
)
from hotmart_membrane_mcp.membrane.models import Action
from sandbox_harness import Sandbox
from tool_calls import call_ok

pytestmark = pytest.mark.anyio

NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000


def action(key: str, name: str = "", description: str = "", config: object = None) -> Action:
    raw = {} if config is None else {"config": config}
    return Action(key, key, name, description, "connector-operation", None, None, raw)


async def test_the_subscriptions_action_says_its_30_day_default_hid_most_subscriptions(
    sandbox: Sandbox,
) -> None:
    sandbox.variables["HOTMART_SANDBOX_NOW"] = str(NOW_MS)
    async with Client(sandbox.server()) as client:
        default = await call_ok(
            client, "run_action", {"action_id": "list-subscriptions", "input": {"max_results": 500}}
        )
        dated = await call_ok(
            client,
            "run_action",
            {
                "action_id": "list-subscriptions",
                "input": {"max_results": 500, "accession_date": NOW_MS - 3000 * DAY_MS},
            },
        )
    every = sandbox.dataset().subscriptions
    assert len(default["output"]["items"]) < len(every)  # the trap is real: the default window hides most
    assert default["warnings"] == [SUBSCRIPTIONS_30_DAY_TRAP]
    assert "warnings" not in dated


async def test_the_commission_summary_action_says_so_in_search_and_in_its_output(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        search = await call_ok(client, "search_actions", {"intent": "sales summary", "limit": 3})
        run = await call_ok(
            client,
            "run_action",
            {"action_id": "sales-summary", "input": {"transaction_status": ["APPROVED"]}},
        )
    listed = {item["id"]: item for item in search["actions"]}
    assert any(
        "commissions" in note and "sales_summary" in note for note in listed["sales-summary"]["warnings"]
    )
    assert run["warnings"] == [SUMMARY_COMMISSION_TRAP]


async def test_the_sales_action_warns_about_hidden_statuses_only_without_a_status(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        bare = await call_ok(client, "run_action", {"action_id": "list-sales", "input": {"max_results": 1}})
        with_status = await call_ok(
            client,
            "run_action",
            {"action_id": "list-sales", "input": {"max_results": 1, "transaction_status": ["REFUNDED"]}},
        )
    assert bare["warnings"] == [SALES_STATUS_TRAP]
    assert "warnings" not in with_status


async def test_writes_and_unmapped_reads_carry_no_trap_warnings_in_search(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        search = await call_ok(
            client, "search_actions", {"intent": "refund sale list products coupons", "limit": 10}
        )
    listed = {item["id"]: item for item in search["actions"]}
    assert "refund-sale" in listed and "warnings" not in listed["refund-sale"]
    assert "list-products" in listed and "warnings" not in listed["list-products"]


def test_an_endpoint_path_in_the_action_config_wins_over_its_words() -> None:
    declared = action(
        "fetch-things",
        "Fetch things",
        "List sales",
        {"request": {"method": "GET", "path": "/payments/api/v1/subscriptions"}},
    )
    endpoint = endpoint_read_by(declared)
    assert endpoint is not None and endpoint.path == "/payments/api/v1/subscriptions"
    assert run_warnings(declared, {}) == [SUBSCRIPTIONS_30_DAY_TRAP]
    assert run_warnings(declared, {"accessionDate": 1}) == []  # camelCase inputs count as the same parameter


@pytest.mark.parametrize(
    ("key", "name", "description", "path"),
    [
        ("get-commission-totals", "Commission totals", "", "/payments/api/v1/sales/summary"),
        (
            "list-subscription-charges",
            "List subscription transactions",
            "",
            "/payments/api/v1/subscriptions/transactions",
        ),
        ("search-purchases", "Search purchases", "", "/payments/api/v1/sales/history"),
        ("list-members", "List club members", "", "/club/api/v1/users"),
        ("list-products", "List products", "", None),
    ],
)
def test_an_action_is_mapped_to_the_endpoint_its_words_name(
    key: str, name: str, description: str, path: str | None
) -> None:
    endpoint = endpoint_read_by(action(key, name, description))
    assert (endpoint.path if endpoint else None) == path
