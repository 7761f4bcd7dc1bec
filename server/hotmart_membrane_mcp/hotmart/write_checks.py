"""What Hotmart would say about a write, checked before a human is asked (issue #10, item 7).

A human asked to approve a write Hotmart will refuse (a coupon with ``discount: 20``) or one
that cannot do anything (refunding a sale that was already refunded) wastes their attention and
teaches them to click yes. :func:`checks_for_request` and :func:`checks_for_action` find what
Hotmart-specific rules a write falls under (a coupon to create, a sale to refund: the
hotmart.refunds module recognises refunds); :class:`WriteChecks` refuses such writes as
``invalid_input`` naming the field and turns the raw values of the rest into readable lines
("20 % off", "BRL 47.00 to Ana Souza") for the confirmation summary. The write gate only shows
those lines. Rules from hotmart-api-traps.md §14.5 (coupons).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import InvalidInput
from .catalogue import find_endpoint
from .page_reads import Send
from .refunds import Refund, refund_in_action, refund_in_request, refund_line

COUPON_CREATE = ("POST", "/products/api/v1/product/{product_id}/coupon")
# hotmart-api-traps.md §14.5: discount is a fraction, 0 < d < 0.99; the code is required, at most 25
# characters.
MAX_DISCOUNT = Decimal("0.99")
MAX_COUPON_CODE_CHARS = 25
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class WriteChecks:
    """The Hotmart rules one write falls under: a coupon to check, a sale to refund."""

    coupon: Any = None  # the body or input that creates a coupon
    coupon_field: str = "body"  # "body" (proxy_request) or "input" (run_action)
    refund: Refund | None = None

    def check(self) -> None:
        """Refuse what Hotmart would refuse, reading nothing: call it before any other work.

        Raises:
            InvalidInput: a coupon Hotmart would refuse.
        """
        self._coupon_lines()

    async def facts(self, send: Send | None) -> tuple[str, ...]:
        """Every summary line: the coupon's, then (given ``send``) the refunded sale's, looked up.

        ``send`` is None when no human will read the summary: nothing is then read.

        Raises:
            InvalidInput: a coupon Hotmart would refuse, or a refund of a refunded, cancelled or
                charged-back sale.
        """
        lines = self._coupon_lines()
        if self.refund is not None and send is not None:
            lines = (*lines, await refund_line(send, self.refund))
        return lines

    def _coupon_lines(self) -> tuple[str, ...]:
        return tuple(check_coupon(self.coupon, self.coupon_field)) if self.coupon is not None else ()


def checks_for_request(method: str, path: str, body: Any) -> WriteChecks:
    """The rules a proxy write falls under, from its endpoint (``path`` with placeholders filled)."""
    endpoint = find_endpoint(method, path)
    creates_coupon = endpoint is not None and (endpoint.method, endpoint.path) == COUPON_CREATE
    return WriteChecks(coupon=body if creates_coupon else None, refund=refund_in_request(method, path))


def checks_for_action(key: str | None, name: str | None, input: Mapping[str, Any]) -> WriteChecks:
    """The rules an action run falls under, from the words of its key and name and its input."""
    return WriteChecks(
        coupon=input if _creates_coupon(key, name) else None,
        coupon_field="input",
        refund=refund_in_action(key, name, input),
    )


def _creates_coupon(key: str | None, name: str | None) -> bool:
    """An action whose key or name says it creates a coupon ("create-coupon", "Create Coupon")."""
    words = set(_WORDS.findall(f"{key or ''} {name or ''}".lower()))
    return bool(words & {"coupon", "coupons"}) and bool(words & {"create", "add", "new"})


def check_coupon(values: Any, field: str) -> list[str]:
    """Refuse a coupon Hotmart would refuse; else the readable lines for the summary.

    ``values`` is the request body (``field`` "body") or the action input (``field`` "input").

    Raises:
        InvalidInput: a missing or non-numeric discount, one outside (0, 0.99) (a percentage
            given as a number: "20 means 20 %? pass 0.2"), or a missing or too long code.
    """
    if not isinstance(values, Mapping):
        return []
    discount = values.get("discount")
    slot = f"{field}.discount"
    if isinstance(discount, bool) or not isinstance(discount, (int, float)):
        raise InvalidInput(
            f"`{slot}` must be the discount as a fraction, e.g. 0.2 for 20 % off; got {discount!r}.",
            field=slot,
        )
    exact = Decimal(str(discount))
    if not 0 < exact < MAX_DISCOUNT:
        hint = ""
        if 1 <= exact < 100:
            hint = f" {_plain(exact)} means {_plain(exact)} %? Pass {_plain(exact / 100)}."
        raise InvalidInput(
            f"`{slot}` is {_plain(exact)}, but Hotmart takes the discount as a fraction greater than 0 "
            f"and less than {MAX_DISCOUNT} (0.2 = 20 % off).{hint}",
            next_step="Correct the discount (ask the user if unsure which percentage they meant).",
            field=slot,
        )
    code = values.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_COUPON_CODE_CHARS:
        raise InvalidInput(
            f"`{field}.code` must be the coupon code buyers type, 1 to {MAX_COUPON_CODE_CHARS} characters; "
            f"got {code!r}."[:300],
            field=f"{field}.code",
        )
    return [f"Coupon: {code} for {_plain(exact * 100)} % off"]


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 20, 0.2, 12.5."""
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
