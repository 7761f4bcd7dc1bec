"""Why a filtered read found nothing, when a common mistake explains it.

An empty list is a true answer only if the question was right. When a read that filters for
something returns zero items, these hints name the mistakes that most often cause it, so the
agent can retry once instead of telling the user "no such sale":

- a transaction code that is not ``HP`` + digits in upper case (``hp123...``, ``123...``);
- a date window next to a lookup of one record (a sale is filtered by its order date, a
  subscription by its accession date, so the window may leave the record out);
- the 30-day default window of the subscription endpoints (hotmart-api-traps.md §5).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .catalogue import Endpoint

_TRANSACTION = re.compile(r"^HP\d+$")
_RECORD_KEYS = ("transaction", "subscriber_code", "subscriber_email", "buyer_email", "email")
# Per endpoint path: the parameter that lifts the 30-day default, and the one that names a record.
_THIRTY_DAY_DEFAULTS = {
    "/payments/api/v1/subscriptions": "accession_date",
    "/payments/api/v1/subscriptions/transactions": "transaction_date",
}


def empty_result_hints(endpoint: Endpoint | None, query: Sequence[tuple[str, str]]) -> list[str]:
    """Hints for a read of ``endpoint`` with ``query`` that returned zero items (may be none)."""
    sent = {key: str(value).strip() for key, value in query if str(value).strip()}
    hints = []
    transaction = sent.get("transaction")
    if transaction is not None and not _TRANSACTION.match(transaction):
        fixed = transaction.upper()
        if not fixed.startswith("HP") and fixed.isdigit():
            fixed = "HP" + fixed
        hints.append(
            f"transaction={transaction!r} found nothing: Hotmart transaction codes are 'HP' followed by "
            "digits, in upper case" + (f"; try {fixed!r}." if _TRANSACTION.match(fixed) else ".")
        )
    record = next((key for key in _RECORD_KEYS if key in sent), None)
    dates = sorted(key for key in sent if endpoint is not None and key in endpoint.date_params)
    if record is not None and dates:
        hints.append(
            f"The date window ({', '.join(dates)}) may leave the record out: sales are filtered by order "
            f"date, subscriptions by accession date. Look {record} up again without the dates."
        )
    lifting = _THIRTY_DAY_DEFAULTS.get(endpoint.path) if endpoint is not None else None
    if lifting is not None and lifting not in sent and "transaction" not in sent:
        hints.append(
            f"Without {lifting}, Hotmart only covers the last 30 days here: pass an older {lifting} "
            f"(e.g. '2020-01-01') to search all of them."
        )
    return hints
