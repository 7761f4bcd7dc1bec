"""Generation of the members area (Club) of the course product.

Students are the buyers of the course whose purchase went through; their lessons are derived
on demand from the user id, so a listing of students does not pay for everyone's progress.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from .enums import PAID_SALE_STATUSES
from .fake import IdFactory, between, pick
from .seller_account import DAY_MS, SUBDOMAIN, Catalog

MODULES = (
    ("Welcome", False, False), ("Foundations", False, False), ("Practice Lab", False, False),
    ("Advanced Topics", False, False), ("Case Studies", False, False),
    ("Bonus: Live Replays", True, False), ("Bonus: Toolkit", True, True),
)  # fmt: skip
PAGE_TYPES = ("CONTENT", "CONTENT", "CONTENT", "QUIZ", "WEBINAR", "ADVERTISEMENT")
ENGAGEMENT = ("NONE", "LOW", "MEDIUM", "HIGH", "VERY_HIGH")


@dataclass
class Club:
    """One members area: its product, modules (API shape), pages per module and users."""

    subdomain: str
    product_id: int
    modules: list[dict[str, Any]] = field(default_factory=list)
    pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by module_id
    users: list[dict[str, Any]] = field(default_factory=list)
    seed: str = ""

    def lessons_for(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``lessons`` of one student, consistent with their ``progress`` counters."""
        rng = random.Random(f"{self.seed}:lessons:{user['user_id']}")
        lessons = []
        remaining = user["progress"]["completed"]
        for module in self.modules:
            for page in self.pages[module["module_id"]]:
                if not page["published"] or module["is_extra"]:
                    continue
                lesson = {
                    "page_id": page["page_id"],
                    "page_name": page["name"],
                    "module_name": module["name"],
                    "is_module_extra": module["is_extra"],
                    "is_completed": remaining > 0,
                }
                if remaining > 0:
                    first = user.get("first_access_date") or user["purchase_date"]
                    last = user.get("last_access_date") or first
                    lesson["completed_date"] = first + int((last - first) * rng.random())
                    remaining -= 1
                lessons.append(lesson)
        return lessons


def iso(ms: int) -> str:
    """An ISO-8601 UTC string (Club v2 ``liberation_date`` is a string, hotmart-api-traps.md §4)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def generate_club(
    rng: random.Random, ids: IdFactory, catalog: Catalog, sales: list[dict[str, Any]], now_ms: int, seed: str
) -> Club:
    """The course's members area with modules, pages and one user per buyer (plus staff)."""
    club = Club(subdomain=SUBDOMAIN, product_id=catalog.course_product["id"], seed=seed)
    classes = [ids.base62(), ids.base62()]  # default class, VIP class
    for sequence, (name, is_extra, is_extra_paid) in enumerate(MODULES, start=1):
        module_id = ids.base62()
        pages = [
            _page(rng, ids, module_id, order, classes, now_ms) for order in range(1, between(rng, 3, 6) + 1)
        ]
        club.pages[module_id] = pages
        club.modules.append(
            {
                "module_id": module_id,
                "name": name,
                "sequence": sequence,
                "is_public": sequence == 1,
                "is_extra": is_extra,
                "is_extra_paid": is_extra_paid,
                "classes": list(classes),
                "total_pages": len(pages),
            }
        )
    lesson_total = sum(
        1
        for module in club.modules
        if not module["is_extra"]
        for page in club.pages[module["module_id"]]
        if page["published"]
    )
    club.users = _users(rng, ids, catalog, sales, classes, lesson_total, now_ms)
    return club


def _page(
    rng: random.Random, ids: IdFactory, module_id: str, order: int, classes: list[str], now_ms: int
) -> dict:
    page_type = PAGE_TYPES[0] if order == 1 else pick(rng, PAGE_TYPES)
    votes = [{"rate": rate, "total": between(rng, 0, 40)} for rate in range(1, 6)]
    count = sum(vote["total"] for vote in votes)
    page: dict[str, Any] = {
        "page_id": ids.base62(),
        "name": f"Lesson {order}: {pick(rng, ('Overview', 'Hands-on', 'Deep dive', 'Recap', 'Q&A'))}",
        "page_order": order,
        "type": page_type,
        "published": page_type != "ADVERTISEMENT" or rng.random() < 0.5,
        "total_comments": between(rng, 0, 60),
        "rates_average": round(sum(v["rate"] * v["total"] for v in votes) / count, 2) if count else 0,
        "rates": votes,
        "has_media": page_type in ("CONTENT", "WEBINAR"),
        "dripping_configs": [],
    }
    if rng.random() < 0.3:
        liberation = (
            {"type": "BY_DAYS", "liberation_days": pick(rng, (1, 7, 14))}
            if rng.random() < 0.6
            else {"type": "BY_DATE", "liberation_date": iso(now_ms - between(rng, 1, 300) * DAY_MS)}
        )
        page["dripping_configs"].append(
            {
                "liberation": liberation,
                "expiration": {"type": "BY_DAYS", "duration_days": 365},
                "classes": [{"id": classes[0], "name": "Default class", "default_class": True}],
            }
        )
    return page


def _users(
    rng: random.Random,
    ids: IdFactory,
    catalog: Catalog,
    sales: list[dict[str, Any]],
    classes: list[str],
    lesson_total: int,
    now_ms: int,
) -> list[dict[str, Any]]:
    buyers: dict[str, tuple[dict[str, Any], int, str]] = {}
    course_id = catalog.course_product["id"]
    for sale in sales:
        purchase = sale["purchase"]
        if sale["product"]["id"] == course_id and purchase["status"] in PAID_SALE_STATUSES:
            buyers.setdefault(
                sale["buyer"]["email"], (sale["buyer"], purchase["order_date"], purchase["status"])
            )
    account = catalog.account
    users = [
        _user(
            rng,
            ids,
            account,
            now_ms - 700 * DAY_MS,
            "OWNER",
            "OWNER",
            "ACTIVE",
            classes,
            lesson_total,
            now_ms,
        )
    ]
    for buyer, purchased_ms, sale_status in sorted(buyers.values(), key=lambda row: row[0]["email"]):
        blocked = sale_status in ("REFUNDED", "CHARGEBACK")
        status = (
            "BLOCKED" if blocked else rng.choices(("ACTIVE", "BLOCKED_BY_OWNER"), weights=(0.97, 0.03))[0]
        )
        users.append(
            _user(rng, ids, buyer, purchased_ms, "STUDENT", "BUYER", status, classes, lesson_total, now_ms)
        )
    return users


def _user(
    rng: random.Random,
    ids: IdFactory,
    person: dict[str, Any],
    purchased_ms: int,
    role: str,
    user_type: str,
    status: str,
    classes: list[str],
    lesson_total: int,
    now_ms: int,
) -> dict[str, Any]:
    never_accessed = role == "STUDENT" and rng.random() < 0.12
    completed = 0 if never_accessed else between(rng, 0, lesson_total)
    user: dict[str, Any] = {
        "user_id": ids.base62(),
        "name": person["name"],
        "email": person["email"],
        "role": role,
        "purchase_date": purchased_ms,
        "locale": person.get("locale", "PT_BR"),
        "plus_access": "WITHOUT_PLUS_ACCESS",
        "progress": {
            "completed_percentage": round(100 * completed / lesson_total, 2) if lesson_total else 0,
            "total": lesson_total,
            "completed": completed,
        },
        "status": status,
        "access_count": 0 if never_accessed else between(rng, 1, 250),
        "is_deletable": role == "STUDENT",
        "class_id": classes[1] if rng.random() < 0.1 else classes[0],
        "type": user_type,
        "engagement": "NONE"
        if never_accessed
        else ENGAGEMENT[min(4, 1 + completed * 4 // max(lesson_total, 1))],
    }
    if not never_accessed:
        first = purchased_ms + between(rng, 60_000, 3 * DAY_MS)
        user["first_access_date"] = min(first, now_ms - 60_000)
        user["last_access_date"] = user["first_access_date"] + int(
            (now_ms - user["first_access_date"]) * rng.random()
        )
    return user
