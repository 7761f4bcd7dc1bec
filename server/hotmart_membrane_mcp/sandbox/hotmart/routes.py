"""The route table: every endpoint of hotmart-api-traps.md §14.1–§14.8, exactly at its documented path.

Paths that other clients get wrong (hotmart-api-traps.md §2) are deliberately absent, so they are 404 like any
unknown path. Literal paths come before templated ones that could swallow them. Handlers are
named ``module:function`` and imported on first use: every CLI call is a fresh process that
needs one of them.
"""

from __future__ import annotations

from .routing import Route

PAYMENTS = "/payments/api/v1"
SUBSCRIPTIONS = f"{PAYMENTS}/subscriptions"

ROUTES = [
    # hotmart-api-traps.md §14.1 sales
    Route("GET", f"{PAYMENTS}/sales/history", "views_sales:sales_history"),
    Route("GET", f"{PAYMENTS}/sales/summary", "views_sales:sales_summary"),
    Route("GET", f"{PAYMENTS}/sales/users", "views_sales:sales_users"),
    Route("GET", f"{PAYMENTS}/sales/commissions", "views_sales:sales_commissions"),
    Route("GET", f"{PAYMENTS}/sales/price/details", "views_sales:sales_price_details"),
    Route("PUT", f"{PAYMENTS}/sales/{{transaction_code}}/refund", "writes_sales:refund"),
    Route("PUT", f"{PAYMENTS}/sales/{{transaction}}/billet", "writes_sales:reissue_billet"),
    # hotmart-api-traps.md §14.2 subscriptions
    Route("GET", SUBSCRIPTIONS, "views_subscriptions:subscriptions"),
    Route("GET", f"{SUBSCRIPTIONS}/summary", "views_subscriptions:subscriptions_summary"),
    Route("GET", f"{SUBSCRIPTIONS}/transactions", "views_transactions:subscription_transactions"),
    Route("POST", f"{SUBSCRIPTIONS}/cancel", "writes_subscriptions:cancel_many"),
    Route("POST", f"{SUBSCRIPTIONS}/reactivate", "writes_subscriptions:reactivate_many"),
    Route(
        "GET", f"{SUBSCRIPTIONS}/{{subscriber_code}}/purchases", "views_subscriptions:subscription_purchases"
    ),
    Route("POST", f"{SUBSCRIPTIONS}/{{subscriber_code}}/cancel", "writes_subscriptions:cancel"),
    Route("POST", f"{SUBSCRIPTIONS}/{{subscriber_code}}/reactivate", "writes_subscriptions:reactivate"),
    Route("PATCH", f"{SUBSCRIPTIONS}/{{subscriber_code}}", "writes_subscriptions:change_due_day"),
    # hotmart-api-traps.md §14.7 installment negotiation
    Route("POST", f"{PAYMENTS}/installments/negotiate", "writes_subscriptions:negotiate"),
    # hotmart-api-traps.md §14.3 members area
    Route("GET", "/club/api/v1/modules", "views_catalog:club_modules"),
    Route("GET", "/club/api/v2/modules/{module_id}/pages", "views_catalog:club_pages"),
    Route("GET", "/club/api/v1/users", "views_catalog:club_users"),
    Route("GET", "/club/api/v1/users/{user_id}/lessons", "views_catalog:club_lessons"),
    # hotmart-api-traps.md §14.4 products, offers, plans
    Route("GET", "/products/api/v1/products", "views_catalog:products"),
    Route("GET", "/products/api/v1/products/{ucode}/offers", "views_catalog:offers"),
    Route("GET", "/products/api/v1/products/{ucode}/plans", "views_catalog:plans"),
    # hotmart-api-traps.md §14.5 coupons (under /products/api/v1, not /payments)
    Route("POST", "/products/api/v1/product/{product_id}/coupon", "writes_sales:create_coupon"),
    Route("GET", "/products/api/v1/coupon/product/{product_id}", "views_catalog:coupons"),
    Route("DELETE", "/products/api/v1/coupon/{coupon_id}", "writes_sales:delete_coupon"),
    # hotmart-api-traps.md §14.6 event tickets
    Route("GET", "/events/api/v1/{event_id}/info", "views_catalog:event_info"),
    Route("GET", "/events/api/v1/{event_id}/participants", "views_catalog:event_participants"),
    # hotmart-api-traps.md §14.8 authenticated user
    Route("GET", "/user/api/v1/me", "views_catalog:me"),
]
