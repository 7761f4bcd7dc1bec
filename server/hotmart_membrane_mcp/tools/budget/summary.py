"""sales_summary over the budget: detail goes, least useful first, and the output schema holds.

First statuses without sales, then the splits inside groups, then the per-currency split of
each status, then the last groups; at the end the optional notes. The headline (count, totals,
amount) always stays. Anything still too long is shortened by the general steps (success.py).
"""

from __future__ import annotations

from typing import Any

from ...hotmart.sizes import json_size


class _Shortening:
    """The summary being shortened and the sentences that say what went."""

    def __init__(self, data: dict[str, Any], max_chars: int) -> None:
        self.data = {**data, "truncated": True}
        self.max_chars = max_chars
        self.hints: list[str] = []

    def fits(self) -> bool:
        self.data["how_to_get_rest"] = " ".join(hint for hint in self.hints if hint)
        return json_size(self.data) <= self.max_chars

    def map_by_status(self, change: Any) -> None:
        """Apply ``change`` to by_status, and to not_counted's by_status when there is one."""
        self.data["by_status"] = change(self.data["by_status"])
        if self.data.get("not_counted"):
            not_counted = self.data["not_counted"]
            self.data["not_counted"] = {**not_counted, "by_status": change(not_counted["by_status"])}


def drop_summary_detail(data: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """Drop detail, least useful first, until the summary fits ``max_chars`` (the headline always stays).

    Anything still too long after the last step is left to the general steps (they shorten texts).
    """
    if json_size(data) <= max_chars:
        return data
    summary = _Shortening(data, max_chars)
    steps = (_drop_empty_statuses, _drop_group_splits, _drop_currency_splits, _drop_last_groups)
    for step in steps:
        step(summary)
        if summary.fits():
            return summary.data
    _keep_required_only(summary)
    return summary.data


def _drop_empty_statuses(summary: _Shortening) -> None:
    # A status that could not be read is kept even at count 0: its 0 is not a fact.
    dropped: list[str] = []
    summary.map_by_status(lambda by_status: _without_empty(by_status, dropped))
    summary.hints.append(
        f"Statuses without sales were left out ({', '.join(sorted(dropped))})." if dropped else ""
    )


def _drop_group_splits(summary: _Shortening) -> None:
    groups = summary.data.get("groups")
    if not groups or not any("split" in row for row in groups["rows"]):
        return
    rows = [{k: v for k, v in row.items() if k not in ("split", "split_by")} for row in groups["rows"]]
    summary.data["groups"] = {**groups, "rows": rows}
    summary.hints.append("The split inside each group was left out: group by one dimension, or lower top.")


def _drop_currency_splits(summary: _Shortening) -> None:
    summary.map_by_status(_counts_only)
    summary.hints.append(
        "The per-currency split of each status was left out: call again with fewer statuses to get it."
    )


def _drop_last_groups(summary: _Shortening) -> None:
    groups = summary.data.get("groups")
    if not groups:
        return
    rows = list(groups["rows"])
    before = list(summary.hints)
    while rows and not summary.fits():
        rows.pop()
        summary.data["groups"] = {**groups, "rows": rows}
        summary.hints = [*before, f"Only the first {len(rows)} groups fit: lower top or narrow the period."]


def _keep_required_only(summary: _Shortening) -> None:
    # Every required field stays (the output schema); only optional detail and notes go.
    data = summary.data
    data["date_conversions"] = [
        {key: value for key, value in item.items() if key != "note"} for item in data["date_conversions"]
    ]
    summary.map_by_status(lambda _: {})
    summary.hints = [
        "by_status and the date notes were left out to fit the result budget: call again with fewer statuses."
    ]
    summary.fits()


def _without_empty(by_status: dict[str, Any], dropped: list[str]) -> dict[str, Any]:
    kept = {status: row for status, row in by_status.items() if row["count"] or not row.get("complete", True)}
    dropped.extend(status for status in by_status if status not in kept)
    return kept


def _counts_only(by_status: dict[str, Any]) -> dict[str, Any]:
    return {
        status: {"count": row["count"], "complete": row.get("complete", True)}
        for status, row in by_status.items()
    }
