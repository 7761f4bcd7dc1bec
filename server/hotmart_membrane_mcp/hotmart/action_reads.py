"""Which Hotmart endpoint a Membrane action reads, so its results carry the same trap warnings.

A trap does not depend on the route: the subscriptions list covers 30 days by default whether
an agent calls ``GET /payments/api/v1/subscriptions`` or a Membrane action that wraps it (issue
#10: an action returned 7 of 83 subscriptions, silently). Membrane does not promise to say
which endpoint an action calls (membrane-cli-contract.md §7: ``config`` is UNKNOWN in shape), so:

1. a path in the action's ``config`` that matches a catalogue endpoint wins;
2. otherwise its key, name and description are read for the resource and the kind of read.

Callers ask only about actions the safety classifier calls reads; writes have their own checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..membrane.models import Action
from .catalogue import (
    SALES_STATUS_TRAP,
    SUBSCRIPTION_LAG_TRAP,
    SUBSCRIPTIONS_30_DAY_TRAP,
    SUMMARY_COMMISSION_TRAP,
    Endpoint,
    find_endpoint,
)
from .warnings import warnings_for

# (words that must all appear, path read), first match wins: the specific before the general.
_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("commission", "total"), "/payments/api/v1/sales/summary"),
    (("sale", "summar"), "/payments/api/v1/sales/summary"),
    (("subscription", "summar"), "/payments/api/v1/subscriptions/summary"),
    (("subscription", "transaction"), "/payments/api/v1/subscriptions/transactions"),
    (("subscription", "charge", "every"), "/payments/api/v1/subscriptions/transactions"),
    (("subscri",), "/payments/api/v1/subscriptions"),
    (("sale", "participant"), "/payments/api/v1/sales/users"),
    (("commission",), "/payments/api/v1/sales/commissions"),
    (("price", "detail"), "/payments/api/v1/sales/price/details"),
    (("sale",), "/payments/api/v1/sales/history"),
    (("purchase",), "/payments/api/v1/sales/history"),
    (("student",), "/club/api/v1/users"),
    (("club", "member"), "/club/api/v1/users"),
)

# The one-line form of each trap for a search result (the full sentence comes with the output).
SEARCH_NOTES: dict[str, str] = {
    SUMMARY_COMMISSION_TRAP: "Returns your commissions, not gross sales: use sales_summary for sales totals.",
    SUBSCRIPTIONS_30_DAY_TRAP: "Without accession_date: only subscriptions of the last 30 days.",
    SUBSCRIPTION_LAG_TRAP: "Up to 24 h behind; without dates only the last 30 days.",
    SALES_STATUS_TRAP: "Without transaction_status: only APPROVED and COMPLETE sales.",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def endpoint_read_by(action: Action) -> Endpoint | None:
    """The catalogue GET endpoint ``action`` reads, or None when it cannot be told.

    Ask only about reads (safety.classify): a write's words can look like a read's.
    """
    for method, path in _declared_requests(action.raw.get("config")):
        endpoint = find_endpoint(method, path)
        if endpoint is not None:
            return None if endpoint.write else endpoint
    text = " ".join(part for part in (action.key, action.name, action.description) if part).lower()
    words = set(re.split(r"[^a-z0-9]+", text))
    for needed, path in _RULES:
        if all(any(word.startswith(part) for word in words) for part in needed):
            return find_endpoint("GET", path)
    return None


def _declared_requests(config: Any, method: str = "GET") -> Iterator[tuple[str, str]]:
    """(method, path) pairs found anywhere in an action's config (shape unknown: searched)."""
    if isinstance(config, Mapping):
        own = config.get("method")
        method = own.upper() if isinstance(own, str) else method
        for value in config.values():
            yield from _declared_requests(value, method)
    elif isinstance(config, list):
        for value in config:
            yield from _declared_requests(value, method)
    elif isinstance(config, str) and config.startswith("/"):
        yield method, config


def search_notes(action: Action) -> list[str]:
    """Short trap notes for ``action`` in a search result (empty when it reads nothing known)."""
    endpoint = endpoint_read_by(action)
    if endpoint is None:
        return []
    notes = [SEARCH_NOTES[quirk] for quirk in endpoint.quirks if quirk in SEARCH_NOTES]
    return notes[-1:] if SUMMARY_COMMISSION_TRAP in endpoint.quirks else notes


def run_warnings(action: Action, input: Mapping[str, Any]) -> list[str]:
    """The catalogue traps a run of ``action`` with ``input`` walks into, as proxy_request says them."""
    endpoint = endpoint_read_by(action)
    if endpoint is None:
        return []
    sent = [(_snake(key), "x") for key, value in input.items() if value not in (None, "", [], {})]
    return warnings_for(endpoint, sent)


def _snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()
