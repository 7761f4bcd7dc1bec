"""The twelve Membrane actions of the simulated Hotmart integration.

UNKNOWN (membrane-cli-contract.md §14): Hotmart's real action keys in Membrane; these keys, names and
schemas are the sandbox's own. Each action validates its input against ``input_schema``
(``actions.py``), maps it onto Hotmart API calls and returns Hotmart's result; list actions
return ``{"items": [...], "next_page_token"?}``. Extra input properties are dropped, as
Membrane silently ignores them (FACT, docs "actions" page, membrane-cli-contract.md §8).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from . import action_inputs as inputs
from . import action_schemas as s


class HotmartCall(Protocol):
    """Calls the Hotmart API and returns the parsed body of a 2xx answer (raises otherwise)."""

    def __call__(
        self, method: str, path: str, query: Mapping[str, list[str]] | None = None, body: Any = None
    ) -> Any: ...


Runner = Callable[[HotmartCall, dict[str, Any]], Any]


@dataclass(frozen=True)
class ActionDef:
    key: str
    name: str
    description: str
    type: str  # membrane-cli-contract.md §7 ActionType
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    run: Runner


def query_of(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, list[str]]:
    """Hotmart query parameters from the input fields named (arrays become repeated parameters)."""
    query: dict[str, list[str]] = {}
    for name in names:
        if name in values:
            items = values[name] if isinstance(values[name], list) else [values[name]]
            query[name] = [_query_text(item) for item in items]
    return query


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def segment(value: Any) -> str:
    """A path segment from user input, so a value can never reach another path."""
    return quote(_query_text(value), safe="")


def page_of(body: Any) -> dict[str, Any]:
    """``{items, next_page_token?}`` from Hotmart's ``{items, page_info}`` (or an empty 200 body)."""
    body = body if isinstance(body, dict) else {}
    page: dict[str, Any] = {"items": body.get("items") or []}
    token = (body.get("page_info") or {}).get("next_page_token")
    if token:
        page["next_page_token"] = token
    return page


def _lister(path: str, names: tuple[str, ...]) -> Runner:
    return lambda call, values: page_of(call("GET", path, query_of(values, names)))


_PAGING = ("max_results", "page_token")
_SALES_QUERY = ("product_id", "start_date", "end_date", "transaction_status", "payment_type", "transaction")
_SUBSCRIPTION_QUERY = (
    "product_id",
    "status",
    "subscriber_code",
    "subscriber_email",
    "accession_date",
    "end_accession_date",
    "trial",
)


def _list_coupons(call: HotmartCall, values: dict[str, Any]) -> Any:
    path = f"/products/api/v1/coupon/product/{segment(values['product_id'])}"
    return page_of(call("GET", path, query_of(values, ("code", *_PAGING))))


def _sales_summary(call: HotmartCall, values: dict[str, Any]) -> Any:
    query = query_of(values, _SALES_QUERY)
    rows: list[Any] = []
    while True:  # one row per currency: a handful, so every page is fetched
        page = page_of(call("GET", "/payments/api/v1/sales/summary", query))
        rows.extend(page["items"])
        if "next_page_token" not in page:
            return {"items": rows}
        query = {**query, "page_token": [page["next_page_token"]]}


def _create_coupon(call: HotmartCall, values: dict[str, Any]) -> Any:
    product = segment(values["product_id"])
    body = {
        name: values[name]
        for name in ("code", "discount", "start_date", "end_date", "offer_ids")
        if name in values
    }
    call("POST", f"/products/api/v1/product/{product}/coupon", None, body)
    # Hotmart answers {} without an id (hotmart-api-traps.md §14.5): look the new coupon up by its code.
    listed = page_of(call("GET", f"/products/api/v1/coupon/product/{product}", {"code": [values["code"]]}))
    coupon = next((item for item in listed["items"] if item.get("coupon_code") == values["code"]), None)
    return {"id": coupon.get("id") if coupon else None, "code": values["code"], "coupon": coupon}


def _delete_coupon(call: HotmartCall, values: dict[str, Any]) -> Any:
    call("DELETE", f"/products/api/v1/coupon/{segment(values['coupon_id'])}")
    return {"id": values["coupon_id"], "deleted": True}


def _refund_sale(call: HotmartCall, values: dict[str, Any]) -> Any:
    call("PUT", f"/payments/api/v1/sales/{segment(values['transaction'])}/refund")
    return {"transaction": values["transaction"], "refunded": True}


def _subscription_change(verb: str, flag: str, default: bool) -> Runner:
    def run(call: HotmartCall, values: dict[str, Any]) -> Any:
        path = f"/payments/api/v1/subscriptions/{segment(values['subscriber_code'])}/{verb}"
        return call("POST", path, None, {flag: values.get(flag, default)}) or {}

    return run


ACTIONS: tuple[ActionDef, ...] = (
    ActionDef(
        "list-sales",
        "List Sales",
        "List sales transactions (purchases, orders) from the Hotmart sales history, filtered by "
        "product, date range, status, payment type or buyer.",
        "list-data-records",
        inputs.LIST_SALES,
        s.paged(s.SALE),
        _lister("/payments/api/v1/sales/history", (*_SALES_QUERY, "buyer_email", *_PAGING)),
    ),
    ActionDef(
        "sales-summary",
        "Sales Summary",
        "Summarize sales: Hotmart's commission totals and number of sales per currency for a "
        "period (revenue report, totals).",
        "connector-operation",
        inputs.SALES_SUMMARY,
        s.obj({"items": {"type": "array", "items": s.SUMMARY_ROW}}, required=("items",)),
        _sales_summary,
    ),
    ActionDef(
        "get-sale-participants",
        "Get Sale Participants",
        "Get the participants of sales (buyer, producer, co-producers, affiliates) with their "
        "contact details, for one transaction or a filtered list of sales.",
        "list-data-records",
        inputs.SALE_PARTICIPANTS,
        s.paged(s.PARTICIPANTS),
        _lister("/payments/api/v1/sales/users", (*_SALES_QUERY, "buyer_email", *_PAGING)),
    ),
    ActionDef(
        "list-subscriptions",
        "List Subscriptions",
        "List subscriptions (subscribers, recurring plans) with status, plan and next charge date.",
        "list-data-records",
        inputs.LIST_SUBSCRIPTIONS,
        s.paged(s.SUBSCRIPTION),
        _lister("/payments/api/v1/subscriptions", (*_SUBSCRIPTION_QUERY, *_PAGING)),
    ),
    ActionDef(
        "list-products",
        "List Products",
        "List the account's products (courses, ebooks, events, memberships) with status and format.",
        "list-data-records",
        inputs.LIST_PRODUCTS,
        s.paged(s.PRODUCT),
        _lister("/products/api/v1/products", ("id", "status", "format", *_PAGING)),
    ),
    ActionDef(
        "list-coupons",
        "List Coupons",
        "List the discount coupons of a product.",
        "list-data-records",
        inputs.LIST_COUPONS,
        s.paged(s.COUPON),
        _list_coupons,
    ),
    ActionDef(
        "create-coupon",
        "Create Coupon",
        "Create a discount coupon for a product (discount as a fraction: 0.1 = 10% off).",
        "create-data-record",
        inputs.CREATE_COUPON,
        s.obj(
            {
                "id": {"type": ["integer", "null"]},
                "code": {"type": "string"},
                "coupon": {**s.COUPON, "type": ["object", "null"]},
            },
            required=("id", "code"),
        ),
        _create_coupon,
    ),
    ActionDef(
        "delete-coupon",
        "Delete Coupon",
        "Delete a discount coupon by its numeric id (from list-coupons), not by its code.",
        "delete-data-record",
        inputs.DELETE_COUPON,
        s.obj({"id": {"type": "integer"}, "deleted": {"type": "boolean"}}, required=("id", "deleted")),
        _delete_coupon,
    ),
    ActionDef(
        "refund-sale",
        "Refund Sale",
        "Refund a sale (purchase) by transaction code; only approved or complete sales inside the "
        "refund window can be refunded.",
        "connector-operation",
        inputs.REFUND_SALE,
        s.obj(
            {"transaction": {"type": "string"}, "refunded": {"type": "boolean"}},
            required=("transaction", "refunded"),
        ),
        _refund_sale,
    ),
    ActionDef(
        "cancel-subscription",
        "Cancel Subscription",
        "Cancel a subscription (stop recurring charges) by subscriber code.",
        "connector-operation",
        inputs.CANCEL_SUBSCRIPTION,
        s.SUBSCRIPTION_CHANGE,
        _subscription_change("cancel", "send_mail", True),
    ),
    ActionDef(
        "reactivate-subscription",
        "Reactivate Subscription",
        "Reactivate a cancelled or inactive subscription by subscriber code; the subscriber gets a "
        "confirmation link by e-mail.",
        "connector-operation",
        inputs.REACTIVATE_SUBSCRIPTION,
        s.SUBSCRIPTION_CHANGE,
        _subscription_change("reactivate", "charge", False),
    ),
    ActionDef(
        "list-club-students",
        "List Club Students",
        "List the students (members, users) of a Hotmart Club members area with their progress.",
        "list-data-records",
        inputs.LIST_CLUB_STUDENTS,
        s.paged(s.STUDENT),
        _lister("/club/api/v1/users", ("subdomain", "email", *_PAGING)),
    ),
)
