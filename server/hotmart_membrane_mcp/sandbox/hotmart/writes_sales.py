"""Write endpoints on sales and coupons: refund, boleto re-issue, coupon create/delete (hotmart-api-traps.md
§14.1, §14.5).

Every write is a read-check-write inside one ``Context.mutate()`` block, so concurrent
processes never lose each other's changes and never both succeed on a one-time action.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, bad_parameter, not_found
from .routing import Request
from .seller_account import DAY_MS, coupon_item
from .views_catalog import numeric_path_param

# hotmart-api-traps.md §14.1: refunds are possible within a window of 7-30 days (extendable to 60); the
# simulator uses 30 days from approval for every product.
REFUND_WINDOW_MS = 30 * DAY_MS
REFUNDABLE = {"APPROVED", "COMPLETE"}
NO_REFUND_PAYMENT_TYPES = {"DIRECT_DEBIT"}  # BACS/SEPA debits cannot be refunded (hotmart-api-traps.md §14.1)
BILLET_REISSUABLE = {"PRINTED_BILLET", "WAITING_PAYMENT", "EXPIRED"}
MAX_COUPON_CODE = 25


def body_object(request: Request) -> dict[str, Any]:
    """The JSON body as an object (a missing body is ``{}``)."""
    if request.body is None:
        return {}
    if not isinstance(request.body, dict):
        raise bad_parameter("the request body must be a JSON object")
    return request.body


def refund(request: Request) -> dict[str, Any]:
    """PUT /payments/api/v1/sales/{transaction_code}/refund -> 200 ``{}``; the sale becomes REFUNDED."""
    transaction = request.params["transaction_code"]
    with request.context.mutate() as (data, overlay):
        purchase = _existing_sale(data, transaction)["purchase"]
        # The error types below are INFERRED: Hotmart documents the rules (hotmart-api-traps.md §14.1), not
        # the error names.
        if purchase["status"] not in REFUNDABLE:
            raise ApiError(
                400, "invalid_status", f"A sale with status {purchase['status']} cannot be refunded"
            )
        if purchase["payment"]["type"] in NO_REFUND_PAYMENT_TYPES:
            raise ApiError(400, "refund_not_allowed", "Direct-debit payments cannot be refunded")
        if purchase["price"]["value"] <= 0 or _in_trial(data, transaction):
            raise ApiError(400, "refund_not_allowed", "A subscription in its trial period cannot be refunded")
        approved = purchase.get("approved_date", purchase["order_date"])
        if request.now_ms - approved > REFUND_WINDOW_MS:
            raise ApiError(400, "refund_not_allowed", "The refund period for this sale has ended")
        overlay.setdefault("sales", {})[transaction] = {"status": "REFUNDED"}
    return {}


def _existing_sale(data: Any, transaction: str) -> dict[str, Any]:
    """The sale a write names, or Hotmart's 404 for an unknown transaction."""
    sale = data.sale(transaction)
    if sale is None:
        raise not_found(f"Transaction {transaction}")
    return sale


def _in_trial(data: Any, transaction: str) -> bool:
    code = data.sale_links(transaction).subscriber_code
    subscription = data.subscription(code) if code else None
    return bool(subscription and subscription["trial"])


def reissue_billet(request: Request) -> dict[str, Any]:
    """PUT /payments/api/v1/sales/{transaction}/billet -> ``{billet_url}`` of a new boleto."""
    transaction = request.params["transaction"]
    with request.context.mutate() as (data, overlay):
        purchase = _existing_sale(data, transaction)["purchase"]
        if purchase["payment"]["type"] != "BILLET":
            raise bad_parameter(f"transaction {transaction} was not paid by boleto")
        if purchase["status"] not in BILLET_REISSUABLE:
            # INFERRED error type; the docs only say a new boleto is issued for an unpaid one.
            raise ApiError(
                400, "invalid_status", f"A sale with status {purchase['status']} needs no new boleto"
            )
        issued = overlay.setdefault("billets", {})
        issued[transaction] = int(issued.get(transaction, 0)) + 1
        number = issued[transaction]
    return {"billet_url": f"https://billets.example.com/{transaction}/{number}"}


def create_coupon(request: Request) -> dict[str, Any]:
    """POST /products/api/v1/product/{product_id}/coupon -> 200 ``{}`` (no id: list to learn it)."""
    product_id = numeric_path_param(request, "product_id")
    body = body_object(request)
    code = body.get("code")
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > MAX_COUPON_CODE:
        raise bad_parameter(f"'code' is required and must have 1 to {MAX_COUPON_CODE} characters")
    discount = body.get("discount")
    if isinstance(discount, bool) or not isinstance(discount, (int, float)) or not 0 < discount < 0.99:
        raise bad_parameter("'discount' is required and must be a fraction between 0 and 0.99 (exclusive)")
    start, end = _optional_ms(body, "start_date"), _optional_ms(body, "end_date")
    if start is not None and end is not None and end <= start:
        raise bad_parameter("'end_date' must be after 'start_date'")
    with request.context.mutate() as (data, overlay):
        product = data.product(product_id)
        if product is None:
            raise not_found(f"Product {product_id}")
        offer_ids = body.get("offer_ids")
        if offer_ids is not None:
            known = {offer["code"] for offer in data.offers[product["ucode"]]}
            if not isinstance(offer_ids, list) or any(offer not in known for offer in offer_ids):
                raise bad_parameter("'offer_ids' must list offer codes of this product")
        code = code.strip()
        if any(coupon["coupon_code"].lower() == code.lower() for coupon in data.coupons.get(product_id, [])):
            raise bad_parameter(f"a coupon with code {code!r} already exists for this product")
        coupon_id = _next_coupon_id(data, overlay)
        item = coupon_item(coupon_id, code, float(discount), start or request.now_ms, end, request.now_ms)
        overlay.setdefault("coupons_created", []).append({"product_id": product_id, "item": item})
    return {}


def _optional_ms(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad_parameter(f"'{name}' must be epoch milliseconds")
    return value


def _next_coupon_id(data: Any, overlay: dict[str, Any]) -> int:
    # Computed under the store lock from every id ever issued, so concurrent creations never share one.
    base_ids = [coupon["id"] for items in data.catalog.coupons.values() for coupon in items]
    next_id = max([int(overlay.get("last_coupon_id", 0)), *base_ids]) + 1
    overlay["last_coupon_id"] = next_id
    return next_id


def delete_coupon(request: Request) -> dict[str, Any]:
    """DELETE /products/api/v1/coupon/{coupon_id} -> 200 ``{}``; the coupon disappears from the list."""
    coupon_id = numeric_path_param(request, "coupon_id")
    with request.context.mutate() as (data, overlay):
        exists = any(coupon["id"] == coupon_id for items in data.coupons.values() for coupon in items)
        if not exists:
            raise not_found(f"Coupon {coupon_id}")
        overlay.setdefault("coupons_deleted", []).append(coupon_id)
    return {}
