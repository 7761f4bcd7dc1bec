"""The synthetic Hotmart account: volumes, shapes, determinism, PII-freedom, configuration."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.hotmart.config import resolve_now_ms, resolve_seed
from hotmart_membrane_mcp.sandbox.hotmart.dataset import BaseData
from hotmart_membrane_mcp.sandbox.hotmart.enums import SALE_STATUSES
from hotmart_membrane_mcp.sandbox.store import StateStore

NOW_MS = 1_780_000_000_000
DAY_MS = 86_400_000
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SAFE_EMAIL = re.compile(r"^[^@\s]+@example\.(com|org)$")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StateStore:
    return StateStore(tmp_path_factory.mktemp("hotmart-data"))


@pytest.fixture(scope="module")
def data(store: StateStore) -> Any:
    return load_dataset(store, seed=7, now_ms=NOW_MS)


def test_catalog_has_a_subscription_product_an_eticket_event_and_several_formats(data: Any) -> None:
    products = data.products
    assert len(products) >= 5
    assert any(product["is_subscription"] for product in products)
    assert any(product["format"] == "ETICKET" for product in products)
    assert len({product["format"] for product in products}) >= 5
    for product in products:
        assert 1_000_000 <= product["id"] <= 9_999_999
        assert UUID.match(product["ucode"])


def test_sales_cover_thirteen_months_every_status_several_payment_types_and_currencies(data: Any) -> None:
    sales = data.sales
    assert len(sales) >= 3000
    order_dates = [sale["purchase"]["order_date"] for sale in sales]
    assert max(order_dates) <= NOW_MS
    assert min(order_dates) >= NOW_MS - 396 * DAY_MS
    assert min(order_dates) <= NOW_MS - 360 * DAY_MS
    statuses = [sale["purchase"]["status"] for sale in sales]
    assert set(statuses) == SALE_STATUSES
    others = sum(1 for status in statuses if status not in ("APPROVED", "COMPLETE"))
    assert 200 <= others <= len(sales) // 3
    assert len({sale["purchase"]["payment"]["type"] for sale in sales}) >= 4
    assert len({sale["purchase"]["price"]["currency_code"] for sale in sales}) >= 3


def test_transactions_are_unique_hp_codes(data: Any) -> None:
    codes = [sale["purchase"]["transaction"] for sale in data.sales]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"HP\d{10,14}", code) for code in codes)


def test_there_are_recent_approved_sales_to_refund_and_recent_pending_ones(data: Any) -> None:
    week_ago = NOW_MS - 7 * DAY_MS
    recent = [sale["purchase"] for sale in data.sales if sale["purchase"]["order_date"] >= week_ago]
    assert sum(1 for purchase in recent if purchase["status"] == "APPROVED") >= 10
    assert any(purchase["status"] in ("WAITING_PAYMENT", "PRINTED_BILLET") for purchase in recent)


def test_subscriptions_have_documented_code_shapes_statuses_and_some_trials(data: Any) -> None:
    subscriptions = data.subscriptions
    assert len(subscriptions) >= 400
    codes = [item["subscriber_code"] for item in subscriptions]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z0-9]{8}", code) for code in codes)
    assert all(isinstance(item["subscription_id"], int) for item in subscriptions)
    statuses = {item["status"] for item in subscriptions}
    assert {"ACTIVE", "DELAYED", "OVERDUE", "INACTIVE", "CANCELLED_BY_CUSTOMER"} <= statuses
    assert {"CANCELLED_BY_SELLER", "CANCELLED_BY_ADMIN"} <= statuses
    assert sum(1 for item in subscriptions if item["trial"]) >= 5


def test_every_subscription_charge_is_a_sale_of_the_subscription_product(data: Any) -> None:
    product_id = next(product["id"] for product in data.products if product["is_subscription"])
    for item in data.subscriptions[:50]:
        for recurrence in data.subscription_detail(item["subscriber_code"]).recurrences:
            sale = data.sale(recurrence.transaction)
            assert sale["product"]["id"] == product_id
            assert sale["buyer"]["email"] == item["subscriber"]["email"]


def test_club_coupons_and_event_exist(data: Any) -> None:
    assert data.club.subdomain == "sandbox-academy"
    assert len(data.club.modules) >= 3
    assert all(data.club.pages[module["module_id"]] for module in data.club.modules)
    assert len(data.club.users) >= 50
    assert sum(len(items) for items in data.coupons.values()) >= 3
    assert data.event.info["lots"]
    assert len(data.event.participants) >= 20


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _strings(inner)]
    if isinstance(value, (list, tuple)):
        return [text for inner in value for text in _strings(inner)]
    return [value] if isinstance(value, str) else []


def test_every_email_anywhere_in_the_account_is_on_a_reserved_example_domain(
    data: Any, store: StateStore
) -> None:
    api = HotmartApi(store, seed=7, now_ms=NOW_MS)
    participants = api.handle("GET", "/payments/api/v1/sales/users", {"max_results": ["500"]}).body
    everything = [
        data.account,
        data.products,
        data.sales,
        data.subscriptions,
        data.club.users,
        data.event.participants,
        data.base.people,
        data.base.affiliates,
        participants,
    ]
    emails = [text for text in _strings(everything) if "@" in text]
    assert len(emails) > 5000
    assert [email for email in emails if not SAFE_EMAIL.match(email)] == []


def test_the_same_seed_generates_the_same_data_and_another_seed_different_data() -> None:
    first, again, other = BaseData(7, NOW_MS), BaseData(7, NOW_MS), BaseData(8, NOW_MS)
    assert first.sales == again.sales
    assert first.subscription_book.subscriptions == again.subscription_book.subscriptions
    assert first.club.users == again.club.users
    first_codes = {sale["purchase"]["transaction"] for sale in first.sales}
    other_codes = {sale["purchase"]["transaction"] for sale in other.sales}
    assert first_codes != other_codes


def test_identifiers_depend_on_the_seed_only_so_writes_survive_a_new_day() -> None:
    today, tomorrow = BaseData(7, NOW_MS), BaseData(7, NOW_MS + DAY_MS)
    assert [s["purchase"]["transaction"] for s in today.sales] == [
        s["purchase"]["transaction"] for s in tomorrow.sales
    ]
    assert today.sales[0]["purchase"]["order_date"] + DAY_MS == tomorrow.sales[0]["purchase"]["order_date"]


def test_the_on_disk_cache_returns_exactly_the_generated_data(tmp_path: Any) -> None:
    generated = BaseData(7, NOW_MS, tmp_path)
    sales = generated.sales
    assert list(tmp_path.glob("hotmart-base-7-*.marshal"))
    cached = BaseData(7, NOW_MS, tmp_path)
    assert cached._cached is not None
    assert cached.sales == sales
    assert cached.people == generated.people
    assert cached.subscription_book.details == generated.subscription_book.details
    assert cached.one_off_book.links == generated.one_off_book.links


def test_a_corrupt_cache_file_is_ignored_and_the_data_regenerated(tmp_path: Any) -> None:
    BaseData(7, NOW_MS, tmp_path).sales  # noqa: B018 - writes the cache
    for path in tmp_path.glob("hotmart-base-*.marshal"):
        path.write_bytes(b"not marshal data")
    fresh = BaseData(7, NOW_MS, tmp_path)
    assert fresh._cached is None
    assert fresh.sales == BaseData(7, NOW_MS).sales


def test_sandbox_now_accepts_epoch_ms_and_iso_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTMART_SANDBOX_NOW", "1780000000000")
    assert resolve_now_ms() == 1_780_000_000_000
    monkeypatch.setenv("HOTMART_SANDBOX_NOW", "2026-05-01")
    assert resolve_now_ms() == int(datetime(2026, 5, 1, tzinfo=timezone.utc).timestamp() * 1000)
    monkeypatch.setenv("HOTMART_SANDBOX_NOW", "2026-05-01T12:30:00Z")
    assert resolve_now_ms() == int(datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc).timestamp() * 1000)
    monkeypatch.setenv("HOTMART_SANDBOX_NOW", "yesterday")
    with pytest.raises(ValueError, match="HOTMART_SANDBOX_NOW"):
        resolve_now_ms()


def test_without_configuration_now_is_the_start_of_the_current_utc_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOTMART_SANDBOX_NOW", raising=False)
    now = resolve_now_ms()
    assert now % DAY_MS == 0
    assert abs(now - datetime.now(timezone.utc).timestamp() * 1000) <= DAY_MS


def test_the_seed_comes_from_the_environment_and_defaults_to_7(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTMART_SANDBOX_SEED", raising=False)
    assert resolve_seed() == 7
    monkeypatch.setenv("HOTMART_SANDBOX_SEED", "42")
    assert resolve_seed() == 42
    assert resolve_seed(3) == 3
