"""What the write-safety tests share: a server whose spawns are counted, the simulator's state, answers.

``CountingRunner`` wraps the runner at the process boundary (the simulator run in this process,
see in_process_runner.py; the only fake these tests use): every CLI call the server makes is
recorded, so "nothing was spawned" and "no
write reached Membrane" are observed, not assumed. The simulator's state is read back from its
state directory with its own ``load_dataset``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mcp.client.session import ElicitationFnT
from mcp.server.mcpserver import MCPServer
from mcp.types import ElicitResult

from hotmart_membrane_mcp.config import WritesMode
from hotmart_membrane_mcp.membrane import CliBackend, CliResult, CliRunner
from hotmart_membrane_mcp.sandbox.hotmart import Dataset
from hotmart_membrane_mcp.sandbox.store import StateStore
from hotmart_membrane_mcp.server import build_server
from in_process_runner import InProcessRunner
from sandbox_harness import SIMULATOR_NOW_MS, SIMULATOR_SEED, Sandbox

DAY_MS = 86_400_000
SEED = SIMULATOR_SEED
NOW_MS = SIMULATOR_NOW_MS  # fixed, so the test and every simulator process see the same account
OVERLAY_DOCUMENT = "hotmart-overlay"  # where the simulator records every write (sandbox/hotmart/dataset.py)
WRITE_METHODS = ("--method=POST", "--method=PUT", "--method=PATCH", "--method=DELETE")


class CountingRunner:
    """The runner, recording the argv of every CLI call the server makes."""

    def __init__(self, inner: CliRunner) -> None:
        self.inner = inner
        self.calls: list[tuple[str, ...]] = []

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        self.calls.append(tuple(args))
        return await self.inner.run(args, timeout_s=timeout_s)

    def writes(self) -> list[tuple[str, ...]]:
        """Spawns that could change Hotmart: a non-GET proxy request or any action run."""
        return [
            call
            for call in self.calls
            if call[:2] == ("action", "run") or (call[:1] == ("request",) and set(call) & set(WRITE_METHODS))
        ]


class FakeClock:
    """Monotonic seconds the test moves by hand (token expiry without sleeping)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    """One test's server over its own simulator, with the spawn record and the clock in reach."""

    sandbox: Sandbox
    writes: WritesMode = "confirm"
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        self.sandbox.variables.update({"HOTMART_SANDBOX_SEED": str(SEED), "HOTMART_SANDBOX_NOW": str(NOW_MS)})
        self.runner = CountingRunner(InProcessRunner(self.sandbox.env(), max_concurrency=4))
        backend = CliBackend(self.runner, timeout_s=20.0)
        settings = self.sandbox.settings(timeout_s=20.0, writes=self.writes)
        self.server: MCPServer[Any] = build_server(
            settings, backend, clock=self.clock, sleep=self.sandbox.sleep
        )

    @property
    def store(self) -> StateStore:
        return StateStore(self.sandbox.dir)

    def data(self) -> Dataset:
        """The simulator's data as every later request will see it."""
        return self.sandbox.dataset()

    def recorded_writes(self) -> dict[str, Any]:
        """Every write the simulated Hotmart has accepted (empty while nothing was written)."""
        return self.store.read(OVERLAY_DOCUMENT)

    def sale_status(self, transaction: str) -> str:
        sale = self.data().sale(transaction)
        assert sale is not None, transaction
        return sale["purchase"]["status"]

    def subscription_status(self, subscriber_code: str) -> str:
        subscription = self.data().subscription(subscriber_code)
        assert subscription is not None, subscriber_code
        return subscription["status"]

    def coupon_codes(self, product_id: int) -> list[str]:
        return sorted(coupon["coupon_code"] for coupon in self.data().coupons.get(product_id, []))

    def refundable_sale(self) -> dict[str, Any]:
        """A recent, approved, paid one-off sale: the refund endpoint accepts it (writes_sales.py)."""
        for sale in self.data().sales:
            purchase = sale["purchase"]
            if (
                purchase["status"] == "APPROVED"
                and not purchase["is_subscription"]
                and purchase["price"]["value"] > 0
                and purchase["payment"]["type"] != "DIRECT_DEBIT"
                and NOW_MS - purchase.get("approved_date", purchase["order_date"]) < 20 * DAY_MS
            ):
                return sale
        raise AssertionError("the simulated account has no refundable sale")

    def active_subscription(self) -> dict[str, Any]:
        return next(item for item in self.data().subscriptions if item["status"] == "ACTIVE")

    def product_with_coupons(self) -> tuple[int, dict[str, Any]]:
        product_id, coupons = next((pid, items) for pid, items in self.data().coupons.items() if items)
        return product_id, coupons[0]


@dataclass
class Answers:
    """An elicitation callback that gives one fixed answer and records every question."""

    action: str
    content: dict[str, Any] | None = None
    asked: list[Any] = field(default_factory=list)

    @property
    def callback(self) -> ElicitationFnT:
        async def answer(context: Any, params: Any) -> ElicitResult:
            self.asked.append(params)
            return ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]

        return answer


def accept() -> Answers:
    return Answers("accept", {"confirm": True})


def refund_path(transaction: str) -> str:
    return f"/payments/api/v1/sales/{transaction}/refund"


def money(price: dict[str, Any]) -> str:
    return f"{price['currency_code']} {price['value']:.2f}"


@dataclass(frozen=True)
class WriteCase:
    """One write the server must hold: the tool call, and how to read the state it would change."""

    tool: str
    arguments: dict[str, Any]
    observe: Callable[[], Any]
    after: Any  # what observe() returns once the write was performed


WRITE_CASES = (
    "proxy-refund",
    "proxy-coupon-create",
    "proxy-coupon-delete",
    "proxy-subscription-cancel",
    "action-refund",
    "action-coupon-create",
    "action-coupon-delete",
    "action-subscription-cancel",
)
NEW_COUPON_CODE = "SAFETY10"


def write_case(rig: Rig, name: str) -> WriteCase:
    """The named write against real records of this rig's simulated account."""
    transaction = rig.refundable_sale()["purchase"]["transaction"]
    subscriber_code = rig.active_subscription()["subscriber_code"]
    product_id, coupon = rig.product_with_coupons()
    by_proxy = {
        "refund": {"path": refund_path(transaction), "method": "PUT"},
        "coupon-create": {
            "path": f"/products/api/v1/product/{product_id}/coupon",
            "method": "POST",
            "body": {"code": NEW_COUPON_CODE, "discount": 0.1},
        },
        "coupon-delete": {"path": f"/products/api/v1/coupon/{coupon['id']}", "method": "DELETE"},
        "subscription-cancel": {
            "path": f"/payments/api/v1/subscriptions/{subscriber_code}/cancel",
            "method": "POST",
            "body": {"send_mail": False},
        },
    }
    by_action = {
        "refund": {"action_id": "refund-sale", "input": {"transaction": transaction}},
        "coupon-create": {
            "action_id": "create-coupon",
            "input": {"product_id": product_id, "code": NEW_COUPON_CODE, "discount": 0.1},
        },
        "coupon-delete": {"action_id": "delete-coupon", "input": {"coupon_id": coupon["id"]}},
        "subscription-cancel": {
            "action_id": "cancel-subscription",
            "input": {"subscriber_code": subscriber_code, "send_mail": False},
        },
    }
    observers: dict[str, Callable[[], Any]] = {
        "refund": lambda: rig.sale_status(transaction),
        "coupon-create": lambda: rig.coupon_codes(product_id),
        "coupon-delete": lambda: rig.coupon_codes(product_id),
        "subscription-cancel": lambda: rig.subscription_status(subscriber_code),
    }
    codes = rig.coupon_codes(product_id)
    afterwards = {
        "refund": "REFUNDED",
        "coupon-create": sorted([*codes, NEW_COUPON_CODE]),
        "coupon-delete": sorted(code for code in codes if code != coupon["coupon_code"]),
        "subscription-cancel": "CANCELLED_BY_SELLER",
    }
    kind, _, operation = name.partition("-")
    tool, arguments = ("proxy_request", by_proxy) if kind == "proxy" else ("run_action", by_action)
    return WriteCase(tool, arguments[operation], observers[operation], afterwards[operation])
