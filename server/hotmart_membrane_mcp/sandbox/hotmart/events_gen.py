"""Generation of the ETICKET event: its info and its participants (one ticket per seat sold).

The event took place ``EVENT_STARTED_DAYS_AGO`` days before now, so ticket sales are all
older than that and check-ins are mostly done.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from .fake import IdFactory, between, digits, pick
from .seller_account import DAY_MS, Catalog

EVENT_STARTED_DAYS_AGO = 10
TICKET_STATUS_BY_SALE = {
    "APPROVED": "SOLD", "COMPLETE": "SOLD", "PARTIALLY_REFUNDED": "SOLD", "PROTESTED": "SOLD",
    "REFUNDED": "REFUNDED", "CHARGEBACK": "CHARGEBACK",
}  # fmt: skip
FREE_TICKETS = 15


@dataclass
class Event:
    """One event: the ``/info`` body and the participant items (API shapes)."""

    info: dict[str, Any]
    participants: list[dict[str, Any]] = field(default_factory=list)


def event_start_ms(now_ms: int) -> int:
    """When the simulated event started."""
    return now_ms - EVENT_STARTED_DAYS_AGO * DAY_MS


def generate_event(
    rng: random.Random,
    ids: IdFactory,
    catalog: Catalog,
    people: list[dict[str, Any]],
    sales: list[dict[str, Any]],
    now_ms: int,
) -> Event:
    """The info and participants of the catalog's ETICKET product."""
    product = catalog.event_product
    start_ms = event_start_ms(now_ms)
    lots = [{"id": ids.numeric(6), "name": name} for name in ("First lot", "Second lot", "VIP lot")]
    event = Event(
        info={
            "product": {"name": product["name"], "id": product["id"]},
            "start_event_date": start_ms,
            "end_event_date": start_ms + 2 * DAY_MS,
            "lots": lots,
        }
    )
    ref = {"id": product["id"], "name": product["name"]}
    for sale in sorted(sales, key=lambda item: item["purchase"]["order_date"]):
        purchase = sale["purchase"]
        ticket_status = TICKET_STATUS_BY_SALE.get(purchase["status"])
        if sale["product"]["id"] != product["id"] or ticket_status is None:
            continue
        lot = lots[0] if purchase["order_date"] < start_ms - 120 * DAY_MS else pick(rng, lots[1:])
        seats = 1 if rng.random() < 0.8 else 2
        for seat in range(seats):
            holder = sale["buyer"] if seat == 0 else pick(rng, people)
            event.participants.append(
                _participant(
                    rng, ids, sale["buyer"], holder, lot, ref, ticket_status, "PAID", purchase, start_ms
                )
            )
    account = catalog.account
    host = {"ucode": account["ucode"], "name": account["name"], "email": account["email"]}
    for index in range(FREE_TICKETS):
        status = "INVITE_CANCELED" if index % 5 == 4 else "INVITE"
        purchase = {"order_date": start_ms - between(rng, 2, 60) * DAY_MS}
        event.participants.append(
            _participant(rng, ids, host, pick(rng, people), lots[2], ref, status, "FREE", purchase, start_ms)
        )
    return event


def _participant(
    rng: random.Random,
    ids: IdFactory,
    buyer: dict[str, Any],
    holder: dict[str, Any],
    lot: dict[str, Any],
    product: dict[str, Any],
    ticket_status: str,
    ticket_type: str,
    purchase: dict[str, Any],
    start_ms: int,
) -> dict[str, Any]:
    ticket_id = ids.numeric(8)
    usable = ticket_status in ("SOLD", "INVITE")
    checkin = (
        rng.choices(("CONCLUDED", "PENDING", "PARTIAL"), weights=(0.7, 0.25, 0.05))[0]
        if usable
        else "PENDING"
    )
    updated = start_ms + between(rng, 0, DAY_MS) if checkin != "PENDING" else purchase["order_date"]
    return {
        "buyer": {"ucode": buyer["ucode"], "name": buyer["name"], "email": buyer["email"]},
        "participant": {
            "id": ids.numeric(8),
            "name": holder["name"],
            "email": holder["email"],
            "document": digits(rng, 11),
            "phone": int(digits(rng, 1).replace("0", "1") + digits(rng, 10)),  # a number, as documented
        },
        "eticket": {
            "ticket_qr_code": "".join(rng.choices(string.ascii_uppercase + string.digits, k=16)),
            "current_update": updated,
            "checkin_status": checkin,
            "is_blocked": not usable,
            "ticket_status": ticket_status,
            "ticket_type": ticket_type,
            "id": ticket_id,
            "checkin_url": f"https://tickets.example.com/checkin/{ticket_id}",
        },
        "lot": dict(lot),
        "product": dict(product),
    }
