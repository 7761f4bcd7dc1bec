"""Everyday seller tasks, done the way an agent would: through the MCP client, on the simulator.

Each task drives the server only through tool calls (an :class:`Agent` counts them and the
characters of every result the model would read) and returns its answer next to the ground
truth, computed by reading the simulator's data directly (``sandbox/hotmart/truth.py``), never
through the server. tests/scenarios/ asserts answer == truth; bench/bench_scenarios.py prints
the calls and characters per task.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
from mcp import Client

from hotmart_membrane_mcp.sandbox.hotmart import Dataset, load_dataset, sales_ground_truth, sales_in_window
from hotmart_membrane_mcp.sandbox.store import StateStore

NOW_MS = 1_780_000_000_000  # the simulator's fixed "now": 2026-05-28T20:26:40Z
DAY_MS = 86_400_000
SEED = 7
ZONE = "America/Sao_Paulo"
HISTORY = "/payments/api/v1/sales/history"
COURSE_ID = 4271987  # "Sandbox Mastery Course", a one-off product of the simulated account


@dataclass
class Agent:
    """The client side of a task: every call is counted with the characters of its result."""

    client: Client
    calls: int = 0
    chars: int = 0
    log: list[str] = field(default_factory=list)

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """The tool's result; an ``is_error`` result fails the task."""
        is_error, data = await self.attempt(tool, arguments)
        if is_error:
            raise AssertionError(f"{tool} failed: {json.dumps(data)}")
        return data

    async def attempt(self, tool: str, arguments: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """(is_error, the result's JSON): for a step the agent expects may fail and then handles."""
        result = await self.client.call_tool(tool, arguments)
        text = "".join(getattr(block, "text", "") for block in result.content)
        self.calls += 1
        self.chars += len(text)
        self.log.append(f"{tool} -> {len(text)} chars")
        return bool(result.is_error), json.loads(text)


async def nobody(*args: str) -> str:
    raise AssertionError(f"this task has no human to run {args}")


@dataclass(frozen=True)
class World:
    """Where the simulator keeps its state, how to read its data as it is now, and the human.

    ``human(*args)`` runs a simulator command as the user would act in the browser (``sandbox
    approve <id>`` after signing in, ``sandbox login-code`` to read the code the page shows) and
    returns its output.
    """

    sandbox_dir: Path
    export_dir: Path
    human: Callable[..., Awaitable[str]] = nobody

    def dataset(self) -> Dataset:
        return load_dataset(StateStore(self.sandbox_dir), seed=SEED, now_ms=NOW_MS)


@dataclass
class Outcome:
    answer: Any
    truth: Any


def local_ms(day: str, zone: str = ZONE) -> int:
    """Midnight at the start of ``day`` in ``zone``, as epoch ms (computed here, not by the server)."""
    return int(datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(zone)).timestamp() * 1000)


# -- the tasks ----------------------------------------------------------------------------------


async def month_of_sales_in_a_zone(agent: Agent, world: World) -> Outcome:
    """ "How much did I sell in April, per currency?" for a seller in São Paulo."""
    result = await agent.call(
        "sales_summary", {"start_date": "2026-04-01", "end_date": "2026-05-01", "timezone": ZONE}
    )
    answer = {
        "period": (result["period"]["start"], result["period"]["end"]),
        "by_currency": result["by_currency"],
    }
    truth = sales_ground_truth(world.dataset(), local_ms("2026-04-01"), local_ms("2026-05-01"))
    return Outcome(
        answer,
        {
            "period": ("2026-04-01T00:00:00-03:00", "2026-05-01T00:00:00-03:00"),
            "by_currency": {
                cur: {"count": row["count"], "total": row["total"]}
                for cur, row in truth["by_currency"].items()
            },
        },
    )


async def best_seller_with_new_vs_renewal(agent: Agent, world: World) -> Outcome:
    """ "Which product sold the most in the last 90 days, and how much of it was renewals?" """
    result = await agent.call(
        "sales_summary",
        {
            "start_date": NOW_MS - 90 * DAY_MS,
            "end_date": NOW_MS,
            "group_by": ["product", "purchase_kind"],
            "top": 1,
            "timezone": ZONE,
        },
    )
    best = result["groups"]["rows"][0]
    answer = {
        "product": best["name"],
        "count": best["count"],
        "kinds": {row["key"]: row["count"] for row in best["split"]},
    }
    sales = sales_in_window(world.dataset(), NOW_MS - 90 * DAY_MS, NOW_MS)
    per_product = Counter(sale["product"]["name"] for sale in sales)
    name, count = per_product.most_common(1)[0]
    kinds = Counter(
        "renewal" if (sale["purchase"].get("recurrency_number") or 1) > 1 else "first_purchase"
        for sale in sales
        if sale["product"]["name"] == name
    )
    return Outcome(answer, {"product": name, "count": count, "kinds": dict(kinds)})


async def sale_by_transaction_code(agent: Agent, world: World) -> Outcome:
    """The user pastes a transaction code in lower case; the agent follows the server's hint."""
    latest = max(sales_in_window(world.dataset(), 0, NOW_MS), key=lambda sale: sale["purchase"]["order_date"])
    code = latest["purchase"]["transaction"]
    query: dict[str, Any] = {"transaction": code.lower()}
    result = await agent.call("proxy_request", {"path": HISTORY, "query": query, "timezone": ZONE})
    if not result["body"]["items"]:
        hint = next(re.search(r"try '(HP\d+)'", w) for w in result["warnings"] if "try '" in w)
        assert hint is not None
        query = {"transaction": hint.group(1)}
        result = await agent.call("proxy_request", {"path": HISTORY, "query": query, "timezone": ZONE})
    (item,) = result["body"]["items"]
    purchase = item["purchase"]
    answer = (purchase["transaction"], purchase["status"], purchase["price"], purchase["order_date_iso"])
    truth_purchase = world.dataset().sale(code)["purchase"]  # type: ignore[index]
    order_iso = datetime.fromtimestamp(truth_purchase["order_date"] / 1000, ZoneInfo(ZONE)).isoformat()
    return Outcome(
        answer, (code, truth_purchase["status"], truth_purchase["price"], order_iso.replace(".000", ""))
    )


OVERDUE_OR_CANCELLED = ["OVERDUE", "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "CANCELLED_BY_ADMIN"]


async def overdue_and_cancelled_subscribers_to_csv(agent: Agent, world: World) -> Outcome:
    """ "Put every overdue or cancelled subscriber in a spreadsheet." """
    result = await agent.call(
        "proxy_request",
        {
            "path": "/payments/api/v1/subscriptions",
            # accession_date: without it Hotmart covers only the last 30 days (the warnings say so).
            "query": {"status": OVERDUE_OR_CANCELLED, "accession_date": "2000-01-01"},
            "all_pages": True,
            "fields": ["subscriber_code", "status", "subscriber.email", "date_next_charge"],
            "save_to": "overdue-or-cancelled.csv",
            "timezone": ZONE,
        },
    )
    text = await anyio.Path(result["saved"]["path"]).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    answer = sorted((row["subscriber_code"], row["status"], row["subscriber.email"]) for row in rows)
    truth = sorted(
        (item["subscriber_code"], item["status"], item["subscriber"]["email"])
        for item in world.dataset().subscriptions
        if item["status"] in OVERDUE_OR_CANCELLED
    )
    assert "date_next_charge_iso" in result["saved"]["columns"]
    return Outcome(answer, truth)


async def create_and_list_coupons(agent: Agent, world: World) -> Outcome:
    """ "Create a 20 % coupon SCENARIO20 for the course, then show me its coupons." (writes allowed)"""
    created = await agent.call(
        "proxy_request",
        {
            "path": f"/products/api/v1/product/{COURSE_ID}/coupon",
            "method": "POST",
            "body": {"code": "SCENARIO20", "discount": 0.2},
        },
    )
    assert created["status"] == "ok", created
    listed = await agent.call(
        "proxy_request", {"path": f"/products/api/v1/coupon/product/{COURSE_ID}", "all_pages": True}
    )
    answer = sorted((item["coupon_code"], item["discount"]) for item in listed["body"]["items"])
    truth = sorted((item["coupon_code"], item["discount"]) for item in world.dataset().coupons[COURSE_ID])
    assert ("SCENARIO20", 0.2) in truth
    return Outcome(answer, truth)


async def refund_latest_approved_sale(agent: Agent, world: World) -> Outcome:
    """ "Refund the most recent approved sale of the course", with the user's yes via the confirm token."""
    before = [sale for sale in world.dataset().sales if sale["product"]["id"] == COURSE_ID]
    latest = max(
        (sale for sale in before if sale["purchase"]["status"] == "APPROVED"),
        key=lambda sale: sale["purchase"]["order_date"],
    )
    listed = await agent.call(
        "proxy_request",
        {
            "path": HISTORY,
            "query": {"product_id": COURSE_ID, "transaction_status": "APPROVED"},
            "all_pages": True,
            "fields": ["purchase.transaction", "purchase.order_date"],
        },
    )
    newest = max(listed["body"]["items"], key=lambda item: item["purchase"]["order_date"])
    transaction = newest["purchase"]["transaction"]
    refund = {"path": f"/payments/api/v1/sales/{transaction}/refund", "method": "PUT"}
    held = await agent.call("proxy_request", refund)
    assert held["status"] == "confirmation_required" and transaction in held["summary"]
    # The user read the summary and said yes.
    done = await agent.call("proxy_request", {**refund, "confirm_token": held["confirm_token"]})
    assert done["status"] == "ok"
    check = await agent.call("proxy_request", {"path": HISTORY, "query": {"transaction": transaction}})
    answer = (transaction, check["body"]["items"][0]["purchase"]["status"])
    after = world.dataset().sale(latest["purchase"]["transaction"])
    return Outcome(answer, (latest["purchase"]["transaction"], after["purchase"]["status"]))  # type: ignore[index]


async def students_under_ten_percent(agent: Agent, world: World) -> Outcome:
    """ "How many students of my course have done less than 10 % of it?" (subdomain configured)"""
    result = await agent.call(
        "proxy_request",
        {
            "path": "/club/api/v1/users",
            "all_pages": True,
            "where": [{"field": "progress.completed_percentage", "op": "lt", "value": 10}],
            "count_only": True,
        },
    )
    assert result["complete"] is True
    users = world.dataset().club.users
    truth = (len(users), sum(1 for user in users if user["progress"]["completed_percentage"] < 10))
    return Outcome((result["read_items"], result["matched_items"]), truth)


async def connect_when_the_user_must_act(agent: Agent, world: World) -> Outcome:
    """ "Connect my Hotmart account." The user logs Membrane in or signs in to Hotmart when asked.

    The agent follows what the tools say: on not_logged_in it calls login, the user reads the
    code off the page, the agent completes the login; on CLIENT_ACTION_REQUIRED it shows the link,
    the user finishes in the browser, and the agent checks the same connection again.
    """
    failed, result = await agent.attempt("ensure_connection", {})
    if failed:
        assert result["error_type"] == "not_logged_in", result
        started = await agent.call("login", {})
        assert started["login_url"], started
        code = json.loads(await world.human("sandbox", "login-code", "--json"))["code"]
        assert (await agent.call("login", {"code": code}))["logged_in"] is True
        result = await agent.call("ensure_connection", {})
    seen = [result["state"]]
    for _ in range(3):  # a human step at most once per state the simulator passes through
        if result["ready"]:
            break
        link = (result.get("client_action") or {}).get("ui_url")
        if link:
            assert link in result["next_step"], result  # the agent has the link to show the user
        else:  # provide-input without a link: where to go, and never secrets in the chat
            assert "never ask" in result["next_step"] and "secrets into the chat" in result["next_step"]
        await world.human("sandbox", "approve", result["connection_id"])
        result = await agent.call("ensure_connection", {"connection_id": result["connection_id"]})
        seen.append(result["state"])
    listed = json.loads(await world.human("connection", "list", "--json"))["items"]
    truth = next(item["state"] for item in listed if item["id"] == result["connection_id"])
    return Outcome((result["connection_id"], seen[-1]), (result["connection_id"], truth))


Task = Callable[[Agent, World], Awaitable[Outcome]]


@dataclass(frozen=True)
class Scenario:
    name: str
    task: Task
    writes: str = "confirm"  # the server's HOTMART_MCP_WRITES for this task
    sandbox_scenario: str | None = None  # HOTMART_SANDBOX_SCENARIO (the human steps it needs)
    settings: tuple[tuple[str, str], ...] = ()  # more server settings


SCENARIOS = (
    Scenario("a month's sales per currency in São Paulo time", month_of_sales_in_a_zone),
    Scenario("best-selling product, new vs renewal (90 days)", best_seller_with_new_vs_renewal),
    Scenario("sale by transaction code (pasted in lower case)", sale_by_transaction_code),
    Scenario("overdue/cancelled subscribers to CSV", overdue_and_cancelled_subscribers_to_csv),
    Scenario("create and list coupons (writes allowed)", create_and_list_coupons, writes="allow"),
    Scenario("refund the latest approved sale (confirm token)", refund_latest_approved_sale),
    Scenario(
        "students under 10 % progress (count only)",
        students_under_ten_percent,
        settings=(("club_subdomain", "sandbox-academy"),),
    ),
    *(
        Scenario(f"connect: {name}", connect_when_the_user_must_act, sandbox_scenario=name)
        for name in ("connect", "disconnected", "provide-input", "logged-out")
    ),
)
