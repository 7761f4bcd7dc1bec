"""Products, offers, plans, coupons, Club, events, /me, routing errors (§5.3–§5.9)."""

from __future__ import annotations

from typing import Any

import pytest
from hotmart_calls import get

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi

CLUB = "sandbox-academy"


def product(data: Any, **wanted: Any) -> dict[str, Any]:
    return next(p for p in data.products if all(p[key] == value for key, value in wanted.items()))


def test_products_filter_by_format_and_status_and_reject_unknown_formats(api: HotmartApi) -> None:
    events = get(api, "/products/api/v1/products", format="ETICKET").body["items"]
    assert [item["format"] for item in events] == ["ETICKET"]
    drafts = get(api, "/products/api/v1/products", status="DRAFT").body["items"]
    assert drafts and all(item["status"] == "DRAFT" for item in drafts)
    assert get(api, "/products/api/v1/products", format="PODCAST").status == 400


def test_offers_are_listed_by_product_ucode(api: HotmartApi, data: Any) -> None:
    course = product(data, format="ONLINE_COURSE")
    body = get(api, f"/products/api/v1/products/{course['ucode']}/offers").body
    assert sum(1 for offer in body["items"] if offer["is_main_offer"]) == 1
    assert get(api, f"/products/api/v1/products/{course['id']}/offers").status == 404


def test_plans_of_the_subscription_product_use_portuguese_payment_modes(api: HotmartApi, data: Any) -> None:
    membership = product(data, is_subscription=True)
    items = get(api, f"/products/api/v1/products/{membership['ucode']}/plans").body["items"]
    assert {item["payment_mode"] for item in items} == {"ASSINATURA"}
    assert any("trial_period" in item for item in items)


def test_a_product_without_plans_or_offers_answers_200_with_an_empty_body(api: HotmartApi, data: Any) -> None:
    ebook, draft = product(data, format="EBOOK"), product(data, status="DRAFT")
    plans = get(api, f"/products/api/v1/products/{ebook['ucode']}/plans")
    offers = get(api, f"/products/api/v1/products/{draft['ucode']}/offers")
    assert (plans.status, plans.body, offers.status, offers.body) == (200, None, 200, None)
    assert "Content-Type" not in plans.headers


def test_coupons_are_listed_per_product_and_filtered_by_code(api: HotmartApi, data: Any) -> None:
    course = product(data, format="ONLINE_COURSE")
    items = get(api, f"/products/api/v1/coupon/product/{course['id']}").body["items"]
    assert {"WELCOME10", "VIP2025", "BLACKFRIDAY"} <= {item["coupon_code"] for item in items}
    assert {item["status"] for item in items} >= {"valid", "expired"}
    only = get(api, f"/products/api/v1/coupon/product/{course['id']}", code="vip2025").body["items"]
    assert [item["coupon_code"] for item in only] == ["VIP2025"]
    none = get(api, f"/products/api/v1/coupon/product/{product(data, format='AUDIOS')['id']}").body
    assert none == {"items": [], "page_info": {"results_per_page": 0}}
    assert get(api, "/products/api/v1/coupon/product/1234567").status == 404


def test_club_modules_are_a_bare_array_and_need_a_known_subdomain(api: HotmartApi) -> None:
    modules = get(api, "/club/api/v1/modules", subdomain=CLUB).body
    assert isinstance(modules, list) and modules and not any(m["is_extra"] for m in modules)
    extras = get(api, "/club/api/v1/modules", subdomain=CLUB, is_extra="true").body
    assert extras and all(m["is_extra"] for m in extras)
    missing = get(api, "/club/api/v1/modules")
    assert missing.status == 422 and "subdomain" in missing.body["error_description"]
    assert get(api, "/club/api/v1/modules", subdomain="someone-else").status == 404


def test_club_v2_pages_need_the_product_id(api: HotmartApi, data: Any) -> None:
    module = data.club.modules[0]["module_id"]
    course = product(data, format="ONLINE_COURSE")["id"]
    pages = get(api, f"/club/api/v2/modules/{module}/pages", product_id=course).body
    assert isinstance(pages, list) and [p["page_order"] for p in pages] == list(range(1, len(pages) + 1))
    assert get(api, f"/club/api/v2/modules/{module}/pages").status == 422
    assert (
        get(
            api, f"/club/api/v2/modules/{module}/pages", product_id=product(data, format="EBOOK")["id"]
        ).status
        == 404
    )
    assert get(api, f"/club/api/v1/modules/{module}/pages", product_id=course).status == 404


def test_club_users_filter_by_partial_email_and_have_lessons(api: HotmartApi, data: Any) -> None:
    student = next(
        user for user in data.club.users if user["role"] == "STUDENT" and user["progress"]["completed"] > 2
    )
    fragment = student["email"].split("@")[0]
    found = get(api, "/club/api/v1/users", subdomain=CLUB, email=fragment).body["items"]
    assert student["user_id"] in {user["user_id"] for user in found}
    lessons = get(api, f"/club/api/v1/users/{student['user_id']}/lessons", subdomain=CLUB).body
    assert set(lessons) == {"lessons"}
    assert (
        sum(1 for lesson in lessons["lessons"] if lesson["is_completed"]) == student["progress"]["completed"]
    )
    assert all("completed_date" in lesson for lesson in lessons["lessons"] if lesson["is_completed"])
    assert get(api, "/club/api/v1/users/nobody0000/lessons", subdomain=CLUB).status == 404
    assert get(api, "/club/api/v1/users").status == 422


def test_event_info_and_participants_exist_only_for_the_eticket_product(api: HotmartApi, data: Any) -> None:
    event_id = product(data, format="ETICKET")["id"]
    info = get(api, f"/events/api/v1/{event_id}/info").body
    assert info["product"]["id"] == event_id and info["lots"]
    assert get(api, f"/events/api/v1/{product(data, format='EBOOK')['id']}/info").status == 404
    free = get(api, f"/events/api/v1/{event_id}/participants", ticket_type="FREE", max_results=100).body[
        "items"
    ]
    assert free and all(item["eticket"]["ticket_type"] == "FREE" for item in free)
    assert all(isinstance(item["participant"]["phone"], int) for item in free)
    done = get(
        api, f"/events/api/v1/{event_id}/participants", checkin_status="CONCLUDED", max_results=500
    ).body
    assert done["items"] and all(item["eticket"]["checkin_status"] == "CONCLUDED" for item in done["items"])
    everyone = get(api, f"/events/api/v1/{event_id}/participants", checkin_status="ALL").body
    assert everyone["page_info"]["total_results"] == len(data.event.participants)


def test_me_describes_the_sandbox_account(api: HotmartApi) -> None:
    me = get(api, "/user/api/v1/me").body
    assert me["email"].endswith("@example.com") and me["name"]


@pytest.mark.parametrize(
    "path",
    [
        "/club/api/v1/pages",
        "/club/api/v1/students",
        "/payments/api/v1/product/123/coupon",
        "/payments/api/v1/events/123",
        "/payments/api/v1/negotiation",
        "/payments/api/v1/subscriptions/ABCDEFGH/transactions",
        "/nothing/here",
    ],
)
def test_unknown_and_commonly_wrong_paths_are_404_not_found(api: HotmartApi, path: str) -> None:
    response = api.handle("GET", path)
    assert response.status == 404
    assert response.body["error"] == "not_found"
    assert "RateLimit-Remaining" in response.headers


def test_a_known_path_with_the_wrong_method_is_405_with_allow(api: HotmartApi) -> None:
    response = api.handle("DELETE", "/payments/api/v1/sales/history")
    assert response.status == 405
    assert response.headers["Allow"] == "GET"


def test_a_full_url_and_a_query_string_in_the_path_are_understood(api: HotmartApi) -> None:
    url = "https://developers.hotmart.com/products/api/v1/products?format=ETICKET"
    items = api.handle("GET", url, {"status": ["ACTIVE"]}).body["items"]
    assert [item["format"] for item in items] == ["ETICKET"]
    assert api.handle("GET", "https://evil.example.com/products/api/v1/products").status == 404
