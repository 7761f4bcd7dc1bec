"""Reads of products, offers, plans, coupons, the Club, events, ``/me`` (hotmart-api-traps.md §14.3–§14.8)."""

from __future__ import annotations

from typing import Any

from .club_gen import Club
from .enums import CHECKIN_STATUSES, PRODUCT_FORMATS, PRODUCT_STATUSES, TICKET_STATUSES, TICKET_TYPES
from .errors import bad_value, not_found
from .paging import paginate
from .params import Query
from .routing import Request

PRODUCTS_PAGE_SIZE = 50  # documented default (hotmart-api-traps.md §3)


def products(request: Request) -> dict[str, Any]:
    """GET /products/api/v1/products."""
    query = request.query
    ids = query.integers("id")
    statuses = query.enums("status", PRODUCT_STATUSES)
    formats = query.enums("format", PRODUCT_FORMATS)
    items = [
        product
        for product in sorted(request.dataset.products, key=lambda product: product["id"])
        if (ids is None or product["id"] in ids)
        and (statuses is None or product["status"] in statuses)
        and (formats is None or product["format"] in formats)
    ]
    return paginate(items, query, default_size=PRODUCTS_PAGE_SIZE)


def _product_by_ucode(request: Request) -> dict[str, Any]:
    product = request.dataset.product_by_ucode(request.params["ucode"])
    if product is None:
        raise not_found(f"Product {request.params['ucode']}")
    return product


def offers(request: Request) -> dict[str, Any] | None:
    """GET /products/api/v1/products/{ucode}/offers."""
    items = request.dataset.offers[_product_by_ucode(request)["ucode"]]
    # OBSERVED (hotmart-api-traps.md §14.4, thaleslaray test-results): a product without offers/plans answers
    # 200 with an empty body rather than an empty list (hotmart-api-traps.md §16 lists the exact form as
    # open).
    return paginate(items, request.query, with_total=False) if items else None


def plans(request: Request) -> dict[str, Any] | None:
    """GET /products/api/v1/products/{ucode}/plans."""
    items = request.dataset.plans[_product_by_ucode(request)["ucode"]]
    return paginate(items, request.query, with_total=False) if items else None  # empty: see offers()


def numeric_path_param(request: Request, name: str) -> int:
    """A numeric path segment (product id, event id...); 400 when it is not a number."""
    text = request.params[name]
    if not text.isdigit():
        raise bad_value(name, f"'{text}' is not a number")
    return int(text)


def coupons(request: Request) -> dict[str, Any]:
    """GET /products/api/v1/coupon/product/{product_id}."""
    product_id = numeric_path_param(request, "product_id")
    if request.dataset.product(product_id) is None:
        raise not_found(f"Product {product_id}")
    code = request.query.lower("code")
    items = sorted(request.dataset.coupons.get(product_id, []), key=lambda coupon: coupon["id"])
    if code is not None:
        items = [coupon for coupon in items if coupon["coupon_code"].lower() == code]
    # INFERRED (hotmart-api-traps.md §14.5): an empty body has been OBSERVED only on a wrong host; here no
    # coupons is an empty page, so the envelope is always present.
    return paginate(items, request.query, with_total=False)


def _club(request: Request) -> Club:
    subdomain = request.query.require("subdomain")
    club = request.dataset.club
    if subdomain != club.subdomain:
        # The real CDN answers an unknown subdomain with a redirect or an empty 200 (hotmart-api-traps.md §2);
        # the simulator's default is a JSON 404 `not_found`.
        raise not_found(f"Club {subdomain}")
    return club


def club_modules(request: Request) -> list[dict[str, Any]]:
    """GET /club/api/v1/modules: a bare array (hotmart-api-traps.md §3)."""
    club = _club(request)
    # INFERRED: is_extra=false (the default) lists the regular modules, true the extra ones.
    extra = bool(request.query.boolean("is_extra"))
    return [module for module in club.modules if module["is_extra"] == extra]


def club_pages(request: Request) -> list[dict[str, Any]]:
    """GET /club/api/v2/modules/{module_id}/pages?product_id=: a bare array."""
    text = request.query.require("product_id")
    if not text.isdigit():
        raise bad_value("product_id", f"'{text}' is not a number")
    club = request.dataset.club
    module_id = request.params["module_id"]
    if int(text) != club.product_id or module_id not in club.pages:
        raise not_found(f"Module {module_id}")
    return club.pages[module_id]


def club_users(request: Request) -> dict[str, Any]:
    """GET /club/api/v1/users (the "students")."""
    club = _club(request)
    email = request.query.lower("email")  # full or partial (hotmart-api-traps.md §14.3)
    users = [user for user in club.users if email is None or email in user["email"].lower()]
    return paginate(users, request.query)


def club_lessons(request: Request) -> dict[str, Any]:
    """GET /club/api/v1/users/{user_id}/lessons: ``{"lessons": [...]}``."""
    club = _club(request)
    user = next((user for user in club.users if user["user_id"] == request.params["user_id"]), None)
    if user is None:
        raise not_found(f"User {request.params['user_id']}")
    return {"lessons": club.lessons_for(user)}


def _event_id(request: Request) -> int:
    event_id = numeric_path_param(request, "event_id")
    # Only ETICKET products are events for this API (hotmart-api-traps.md §14.6).
    if event_id != request.dataset.catalog.event_product["id"]:
        raise not_found(f"Event {event_id}")
    return event_id


def event_info(request: Request) -> dict[str, Any]:
    """GET /events/api/v1/{event_id}/info (not paginated)."""
    _event_id(request)
    return request.dataset.event.info


def event_participants(request: Request) -> dict[str, Any]:
    """GET /events/api/v1/{event_id}/participants."""
    _event_id(request)
    query = request.query
    wanted = _participant_filters(query)
    items = [item for item in request.dataset.event.participants if all(test(item) for test in wanted)]
    items.sort(key=lambda item: item["eticket"]["id"])
    return paginate(items, query)


def _participant_filters(query: Query) -> list[Any]:
    tests = []
    buyer_email, participant_email = query.lower("buyer_email"), query.lower("participant_email")
    if buyer_email is not None:
        tests.append(lambda item: item["buyer"]["email"].lower() == buyer_email)
    if participant_email is not None:
        tests.append(lambda item: item["participant"]["email"].lower() == participant_email)
    last_update = query.epoch_ms("last_update")
    if last_update is not None:
        tests.append(lambda item: item["eticket"]["current_update"] >= last_update)
    lots, tickets = query.integers("id_lot"), query.integers("id_eticket")
    if lots is not None:
        tests.append(lambda item: item["lot"]["id"] in lots)
    if tickets is not None:
        tests.append(lambda item: item["eticket"]["id"] in tickets)
    qr_code = query.first("ticket_qr_code")
    if qr_code is not None:
        tests.append(lambda item: item["eticket"]["ticket_qr_code"] == qr_code)
    for name, allowed, field in (
        ("ticket_status", TICKET_STATUSES, "ticket_status"),
        ("ticket_type", TICKET_TYPES, "ticket_type"),
        ("checkin_status", CHECKIN_STATUSES, "checkin_status"),
    ):
        chosen = query.enums(name, allowed)
        if chosen is not None and "ALL" not in chosen:
            tests.append(lambda item, chosen=chosen, field=field: item["eticket"][field] in chosen)
    return tests


def me(request: Request) -> dict[str, Any]:
    """GET /user/api/v1/me: the account's profile (real field list UNKNOWN, hotmart-api-traps.md §16)."""
    return request.dataset.account
