"""sales_summary over the result budget: detail goes first, the headline always stays, and it says so."""

from __future__ import annotations

from typing import Any

from hotmart_membrane_mcp.hotmart.sizes import json_size
from hotmart_membrane_mcp.tools.budget.summary import drop_summary_detail


def money(count: int) -> dict[str, Any]:
    return {"BRL": {"count": count, "total": 10.0 * count}, "USD": {"count": 1, "total": 2.5}}


def summary(days: int) -> dict[str, Any]:
    rows = [
        {
            "key": f"2026-03-{day:02d}",
            "count": day,
            "by_currency": money(day),
            "split_by": "purchase_kind",
            "split": [{"key": "renewal", "count": day, "by_currency": money(day)}],
        }
        for day in range(1, days + 1)
    ]
    return {
        "counted": "Counted the APPROVED + COMPLETE sales ...",
        "count": 1234,
        "by_currency": money(1234),
        "by_status": {"APPROVED": {"count": 0, "by_currency": {}, "complete": True}},
        "not_counted": {"statuses": ["REFUNDED"], "count": 3, "by_status": {}, "note": "..."},
        "groups": {
            "by": ["day", "purchase_kind"],
            "sort": "key",
            "top": 50,
            "total_groups": days,
            "rows": rows,
        },
        "truncated": False,
    }


def test_a_summary_that_fits_is_returned_unchanged() -> None:
    data = summary(2)
    assert drop_summary_detail(data, 100_000) == data


def test_splits_go_before_groups_and_the_headline_stays() -> None:
    data = summary(31)
    without_splits = json_size(
        {
            **data,
            "groups": {
                **data["groups"],
                "rows": [
                    {k: v for k, v in row.items() if k not in ("split", "split_by")}
                    for row in data["groups"]["rows"]
                ],
            },
        }
    )

    result = drop_summary_detail(data, without_splits + 400)

    assert result["truncated"] is True and json_size(result) <= without_splits + 400
    assert len(result["groups"]["rows"]) == 31 and all("split" not in row for row in result["groups"]["rows"])
    assert "split inside each group" in result["how_to_get_rest"]
    assert result["count"] == 1234 and result["by_currency"] == money(1234)


def test_when_even_that_is_too_long_the_last_groups_are_cut_and_counted() -> None:
    result = drop_summary_detail(summary(31), 2_000)

    rows = result["groups"]["rows"]
    assert json_size(result) <= 2_000 and 0 < len(rows) < 31
    assert [row["key"] for row in rows] == [f"2026-03-{day:02d}" for day in range(1, len(rows) + 1)]
    assert f"Only the first {len(rows)} groups fit" in result["how_to_get_rest"]
    assert result["groups"]["total_groups"] == 31 and result["count"] == 1234
