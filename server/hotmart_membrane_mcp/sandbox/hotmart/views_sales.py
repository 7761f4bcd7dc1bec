"""Read endpoints of ``/payments/api/v1/sales/...`` (hotmart-api-traps.md §14.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .dataset import Dataset
from .enums import COMMISSION_AS, DEFAULT_SALE_STATUSES, PAYMENT_TYPES, SALE_STATUSES
from .money import affiliate_commission, money, producer_commission, rate_to_brl, vat
from .paging import paginate
from .params import in_range
from .routing import Request


def matching_sales(request: Request) -> list[dict[str, Any]]:
    """The sales matching the common filters of the sales endpoints, newest first.

    Without ``transaction`` or ``transaction_status`` only APPROVED and COMPLETE sales are
    returned, as Hotmart does (hotmart-api-traps.md §8).
    """
    query, data = request.query, request.dataset
    transactions = set(query.values("transaction")) or None
    statuses = query.enums("transaction_status", SALE_STATUSES)
    if statuses is None and transactions is None:
        statuses = DEFAULT_SALE_STATUSES
    product_ids = query.integers("product_id")
    start, end = query.epoch_ms("start_date"), query.epoch_ms("end_date")
    buyer_name, buyer_email = query.lower("buyer_name"), query.lower("buyer_email")
    payment_types = query.enums("payment_type", PAYMENT_TYPES)
    offer_codes = set(query.values("offer_code")) or None
    source = query.first("sales_source")
    commission_as = query.enums("commission_as", COMMISSION_AS)
    affiliate_name = query.lower("affiliate_name")
    candidates = (
        data.sales if transactions is None else [s for t in sorted(transactions) if (s := data.sale(t))]
    )
    result = []
    for sale in candidates:
        purchase = sale["purchase"]
        if (
            (statuses is not None and purchase["status"] not in statuses)
            or (product_ids is not None and sale["product"]["id"] not in product_ids)
            or not in_range(purchase["order_date"], start, end)
            # INFERRED: buyer_name matches a case-insensitive part of the name, buyer_email the whole address.
            or (buyer_name is not None and buyer_name not in sale["buyer"]["name"].lower())
            or (buyer_email is not None and buyer_email != sale["buyer"]["email"].lower())
            or (payment_types is not None and purchase["payment"]["type"] not in payment_types)
            or (offer_codes is not None and purchase["offer"]["code"] not in offer_codes)
            or (source is not None and purchase["tracking"]["source"] != source)
            or (commission_as is not None and purchase["commission_as"] not in commission_as)
        ):
            continue
        if affiliate_name is not None:
            affiliate = data.sale_links(purchase["transaction"]).affiliate
            if affiliate is None or affiliate_name not in affiliate["name"].lower():
                continue
        result.append(sale)
    if transactions is not None:
        result.sort(key=lambda sale: (-sale["purchase"]["order_date"], sale["purchase"]["transaction"]))
    return result


def _page_of(request: Request, build: Callable[[Dataset, dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    page = paginate(matching_sales(request), request.query)
    page["items"] = [build(request.dataset, sale) for sale in page["items"]]
    return page


def sales_history(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/sales/history."""
    return paginate(matching_sales(request), request.query)


def sales_summary(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/sales/summary: per currency, the count and the producer's commission total."""
    totals: dict[str, list[float]] = {}
    for sale in matching_sales(request):
        price = sale["purchase"]["price"]
        row = totals.setdefault(price["currency_code"], [0, 0.0])
        row[0] += 1
        row[1] += producer_commission(price["value"])
    items = [
        {"total_items": int(count), "total_value": money(total, currency)}
        for currency, (count, total) in sorted(totals.items())
    ]
    # total_results is "not on every endpoint" (hotmart-api-traps.md §3); the simulator leaves it off here.
    return paginate(items, request.query, with_total=False)


def sales_users(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/sales/users: the people involved in each sale."""
    return _page_of(request, _participants_item)


def sales_commissions(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/sales/commissions."""
    return _page_of(request, _commissions_item)


def sales_price_details(request: Request) -> dict[str, Any]:
    """GET /payments/api/v1/sales/price/details."""
    return _page_of(request, _price_details_item)


def _user(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "ucode": person["ucode"],
        "locale": person.get("locale", "PT_BR"),
        "name": person["name"],
        "cellphone": person.get("phone", ""),
        "phone": person.get("phone", ""),
        "email": person["email"],
        "documents": [dict(person["document"])] if person.get("document") else [],
        "address": dict(person.get("address", {})),
    }


def _participants_item(data: Dataset, sale: dict[str, Any]) -> dict[str, Any]:
    transaction = sale["purchase"]["transaction"]
    producer = {**_user(data.account), "trade_name": data.account["name"]}
    users = [{"role": "PRODUCER", "user": producer}]
    buyer = data.person(sale["buyer"]["ucode"]) or sale["buyer"]
    users.append({"role": "BUYER", "user": _user(buyer)})
    affiliate = data.sale_links(transaction).affiliate
    if affiliate is not None:
        users.append({"role": "AFFILIATE", "user": _user(affiliate)})
    return {"transaction": transaction, "product": dict(sale["product"]), "users": users}


def _commission(value: float, currency: str, person: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        # Documented as {value, currency_value}; OBSERVED live as {currency_code, value}
        # (hotmart-api-traps.md §6): the simulator follows the live API.
        "commission": money(value, currency),
        "user": {"ucode": person["ucode"], "name": person["name"], "email": person["email"]},
        "source": source,
    }


def _commissions_item(data: Dataset, sale: dict[str, Any]) -> dict[str, Any]:
    purchase = sale["purchase"]
    price, currency = purchase["price"]["value"], purchase["price"]["currency_code"]
    commissions = [_commission(producer_commission(price), currency, data.account, "PRODUCER")]
    affiliate = data.sale_links(purchase["transaction"]).affiliate
    if affiliate is not None:
        commissions.append(_commission(affiliate_commission(price), currency, affiliate, "AFFILIATE"))
    return {
        "transaction": purchase["transaction"],
        "product": dict(sale["product"]),
        "exchange_rate_currency_payout": rate_to_brl(currency),
        "commissions": commissions,
    }


def _price_details_item(data: Dataset, sale: dict[str, Any]) -> dict[str, Any]:
    purchase = sale["purchase"]
    price, currency = purchase["price"]["value"], purchase["price"]["currency_code"]
    tax = vat(price, currency)
    item: dict[str, Any] = {
        "transaction": purchase["transaction"],
        "product": dict(sale["product"]),
        "base": money(price - tax, currency),
        "total": money(price, currency),
        "vat": money(tax, currency),
        "fee": money(purchase["hotmart_fee"]["total"], currency),
        "real_conversion_rate": rate_to_brl(currency),
    }
    coupon = data.sale_links(purchase["transaction"]).coupon
    # INFERRED (hotmart-api-traps.md §14.1): the coupon object only when a coupon was used
    if coupon is not None:
        item["coupon"] = dict(coupon)
    return item
