"""The Hotmart guide an agent reads inside MCP: resources, server instructions and prompts.

Everything about endpoints is generated from catalogue.py, the same table the proxy uses to
classify reads and writes, so the guide cannot describe an endpoint the server treats
differently.
"""

from __future__ import annotations

from .catalogue import AREAS, ENDPOINTS, SALE_STATUSES, Endpoint
from .warnings import WRONG_PATH_HINTS

CATALOGUE_URI = "hotmart://api/catalogue"
AREA_TITLES = {
    "sales": "Sales",
    "subscriptions": "Subscriptions",
    "negotiation": "Installment negotiation",
    "club": "Members area (Club)",
    "products": "Products, offers and plans",
    "coupons": "Coupons",
    "events": "Event tickets",
    "user": "Account",
}
_SHAPES = {
    "paged": "paged list: `items` + `page_info.next_page_token` (use all_pages to follow it)",
    "array": "a bare JSON array (not paged)",
    "object": "one JSON object",
    "empty": "an empty body or `{}` on success: look at the status only",
}


def area_uri(area: str) -> str:
    """The resource URI of one area of the catalogue."""
    return f"{CATALOGUE_URI}/{area}"


def _endpoint_markdown(endpoint: Endpoint) -> str:
    kind = "WRITE, irreversible" if endpoint.irreversible else "WRITE" if endpoint.write else "read"
    lines = [f"### `{endpoint.method} {endpoint.path}` ({kind})", "", endpoint.summary]
    if endpoint.write_description:
        lines.append(f"Effect: {endpoint.write_description}")
    if endpoint.params:
        lines.append("Parameters: " + ", ".join(f"`{param}`" for param in endpoint.params) + ".")
    if endpoint.date_params:
        lines.append(
            "Dates (epoch ms; proxy_request also takes ISO dates and date-times with a zone): "
            + ", ".join(f"`{param}`" for param in endpoint.date_params)
            + "."
        )
    lines.append(f"Answer: {_SHAPES[endpoint.shape]}.")
    lines.extend(f"- Quirk: {quirk}" for quirk in endpoint.quirks)
    return "\n".join(lines)


def area_markdown(area: str) -> str:
    """The catalogue of one area (``sales``, ``subscriptions``, ...); KeyError for an unknown one."""
    if area not in AREAS:
        raise KeyError(f"unknown area {area!r}; areas: {', '.join(AREAS)}")
    endpoints = [endpoint for endpoint in ENDPOINTS if endpoint.area == area]
    body = "\n\n".join(_endpoint_markdown(endpoint) for endpoint in endpoints)
    return f"## {AREA_TITLES.get(area, area.title())}\n\nResource: `{area_uri(area)}`\n\n{body}\n"


_CONVENTIONS = f"""\
Paths are relative to https://developers.hotmart.com; call them with `proxy_request` (Membrane adds
the credentials) or find a ready-made action with `search_actions`.

- Paging: `max_results` (at most 500) and `page_token`; the answer has `items` and
  `page_info.next_page_token` (absent on the last page). `proxy_request` with `all_pages=true`
  follows it for you, with progress; results over the size budget are cut between items and carry
  `truncated`, `returned_items`, `next_page_token` (pass it back as `resume_token`).
- Dates: Hotmart wants epoch milliseconds (UTC). `proxy_request` and `sales_summary` also accept
  `2026-03-01` (midnight in the call's `timezone`, else the server's zone) and
  `2026-03-01T00:00:00-03:00`; a date-time without a zone is refused. Epoch-ms dates in results
  come with a readable `<name>_iso` sibling in that zone.
- `fields` / `select`: dotted paths relative to each item (`purchase.price.value`) to return less.
- Sales endpoints without `transaction_status` (or `transaction`) return only APPROVED and COMPLETE
  sales. Statuses: {", ".join(SALE_STATUSES)}.
- `/sales/summary` totals commissions, not sales: use the `sales_summary` tool for gross totals.
- Rate limit: 500 calls per minute. With `all_pages` and in `sales_summary`, 429 answers are waited out
  (at most 30 s per call).
"""


def _wrong_paths_markdown() -> str:
    lines = ["## Paths that do not exist (used by some community SDKs)", ""]
    lines.extend(f"- `{wrong}…` → {right}" for wrong, right in WRONG_PATH_HINTS if right)
    return "\n".join(lines)


def catalogue_markdown() -> str:
    """Every endpoint of the catalogue, grouped by area, with the conventions that apply to all."""
    sections = [f"# Hotmart API catalogue\n\n{_CONVENTIONS}"]
    sections.extend(area_markdown(area) for area in AREAS)
    sections.append(_wrong_paths_markdown())
    return "\n".join(sections) + "\n"


SERVER_INSTRUCTIONS = f"""\
Hotmart (sales, subscriptions, members area, products, coupons, event tickets) through Membrane, which \
holds the credentials: you never see or need an API key.
1. Call `ensure_connection` first; if it is not ready, do what its next_step says (usually: show the user \
a sign-in link, then call it again). On error_type not_logged_in, call `login` and follow its next_step.
2. Call `search_actions` with the task in plain words, then `run_action` with an action id and an input \
that matches its `inputs` (search_actions with action_id gives the full schema). Read `warnings`.
3. Use `proxy_request` for anything no action covers; the endpoint list is the resource {CATALOGUE_URI}. \
For revenue use `sales_summary`, not /sales/summary (which totals commissions).
Dates may be ISO (2026-03-01 = midnight in the `timezone` argument's zone, else the server's; or with an \
offset); results add readable `<name>_iso` dates. Sales history hides non-approved sales unless \
transaction_status is given.
To filter or count list items, pass `where` (and `count_only`) to proxy_request instead of reading pages. \
Members-area reads need the club subdomain, which the API cannot list: ask the user once.
Results have a size budget: when `truncated` is true, pass `next_page_token` back as resume_token, narrow \
with `fields`, or write everything to a file with `save_to`.
Every error is JSON with error_type, message and next_step: follow next_step. Never change data in Hotmart \
(refunds, cancellations, coupons) unless the user asked for it; refunds and cancellations cannot be undone.
"""


def sales_report_prompt(start_date: str, end_date: str, product_id: str | None = None) -> str:
    """Instructions for a sales report over a period (dates as ISO strings)."""
    product = f" for product {product_id}" if product_id else ""
    product_arg = f", product_id={product_id}" if product_id else ""
    return f"""\
Prepare a sales report{product} from {start_date} to {end_date}.

1. Call `ensure_connection`; if it is not ready, give the user its link and stop.
2. Call `sales_summary` with start_date="{start_date}", end_date="{end_date}"{product_arg},
   no statuses and the user's `timezone` if you know it. Check `complete`: if it is false, say the
   numbers are partial and give `incomplete_reason`.
3. Report per currency (never add different currencies together):
   - sales: `count` and `by_currency` (APPROVED + COMPLETE, gross);
   - from `not_counted`: lost (REFUNDED, PARTIALLY_REFUNDED, CHARGEBACK, CANCELLED) and still open
     (WAITING_PAYMENT, PRINTED_BILLET, STARTED, UNDER_ANALISYS and the rest), never added to sales.
   Totals are gross (what buyers paid); say so. /sales/summary would show commissions instead.
   For best sellers add group_by=["product", "purchase_kind"] (new vs renewal).
4. Dates without a time are midnight in the zone the result names (`counted`, `timezone`); an end
   date of {end_date} excludes that day itself unless the user meant it, so ask if unsure, and
   quote `counted` (what was counted, the exact window and zone) in the report.
5. If the user wants the individual sales, call `proxy_request` GET /payments/api/v1/sales/history
   with the same dates, transaction_status for the statuses wanted, all_pages=true and
   save_to="sales-{start_date}-{end_date}.csv", and give them the file path.
"""


def overdue_subscriptions_prompt(product_id: str | None = None) -> str:
    """Instructions for listing subscribers who are behind on payment."""
    product = f"&product_id={product_id}" if product_id else ""
    return f"""\
List the subscriptions that are behind on payment{f" for product {product_id}" if product_id else ""}.

1. Call `ensure_connection`; if it is not ready, give the user its link and stop.
2. Call `proxy_request` GET /payments/api/v1/subscriptions?status=DELAYED&status=OVERDUE{product}
   &accession_date=2010-01-01 with all_pages=true and fields=["subscriber_code", "status",
   "subscriber.name", "subscriber.email", "plan.name", "price", "date_next_charge",
   "product.name"]. The accession_date matters: without it Hotmart only looks at subscriptions
   started in the last 30 days.
3. If `truncated` is true, continue with `next_page_token` or use save_to="overdue.csv".
4. Group by product and status, with counts and the amount per currency. For the unpaid
   charges of one subscriber, use GET /payments/api/v1/subscriptions/summary?subscriber_code=...
   (its `unpaid_recurrencies`); that data can lag up to 24 h.
5. Do not cancel, reactivate or negotiate anything unless the user asks for it explicitly.
"""


def refund_sale_prompt(transaction: str) -> str:
    """Instructions for refunding one sale safely (check, confirm, refund, verify)."""
    return f"""\
Refund sale {transaction} safely. A refund is irreversible: the buyer gets the money back and loses
access.

1. Call `ensure_connection`; if it is not ready, give the user its link and stop.
2. Look the sale up: `proxy_request` GET /payments/api/v1/sales/history?transaction={transaction}
   (giving `transaction` also shows sales that are not APPROVED/COMPLETE).
3. Check it can be refunded: status APPROVED or COMPLETE, not a trial, ordered within the refund
   window (7 to 30 days depending on the product). If not, explain why and stop.
4. Show the user the buyer, product, price, order date and status, and ask them to confirm this
   exact refund. Do not proceed without a clear yes from the user.
5. Refund with the refund action (`search_actions` "refund a sale") or `proxy_request`
   PUT /payments/api/v1/sales/{transaction}/refund. If the server asks for confirmation, let the
   user answer it; never try to get around it.
6. Verify: look the sale up again as in step 2 and report its new status (REFUNDED).
"""


PROMPTS = {
    "sales_report": sales_report_prompt,
    "overdue_subscriptions": overdue_subscriptions_prompt,
    "refund_sale": refund_sale_prompt,
}
