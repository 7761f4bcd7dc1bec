"""ISO dates and date-times become the epoch milliseconds Hotmart reads; bad values are refused."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.catalogue import find_endpoint
from hotmart_membrane_mcp.hotmart.dates import convert_dates, parse_instant, utc_text

SALES = find_endpoint("GET", "/payments/api/v1/sales/history")
TRANSACTIONS = find_endpoint("GET", "/payments/api/v1/subscriptions/transactions")

# Expected values computed independently with GNU date (`date -u -d ... +%s%3N`).
CASES = [
    ("2026-03-01", 1772323200000),
    ("2026-03-01T00:00:00Z", 1772323200000),
    ("2026-03-01T10:00:00-03:00", 1772370000000),
    ("2026-03-01T10:00:00+05:30", 1772339400000),
    ("2026-03-01T10:00+05:30", 1772339400000),
    ("2026-03-01T10:00:00+0530", 1772339400000),
    ("2026-03-01T00:00:00+14:00", 1772272800000),
    ("1999-12-31T23:00:00-01:00", 946684800000),
    ("2024-02-29T23:59:59.999Z", 1709251199999),
    ("2024-02-29 23:59:59.999z", 1709251199999),
]


@pytest.mark.parametrize(("given", "expected_ms"), CASES)
def test_iso_dates_and_zoned_datetimes_convert_to_utc_epoch_ms(given: str, expected_ms: int) -> None:
    query, conversions = convert_dates(SALES, [("start_date", given)])

    assert query == (("start_date", str(expected_ms)),)
    assert conversions[0]["param"] == "start_date"
    assert conversions[0]["given"] == given
    assert conversions[0]["epoch_ms"] == expected_ms


def test_conversion_record_shows_the_instant_in_utc() -> None:
    _, conversions = convert_dates(SALES, [("end_date", "2026-03-01T10:00:00-03:00")])

    assert conversions == [
        {
            "param": "end_date",
            "given": "2026-03-01T10:00:00-03:00",
            "epoch_ms": 1772370000000,
            "utc": "2026-03-01T13:00:00Z",
        }
    ]


def test_epoch_milliseconds_pass_through_without_a_conversion_record() -> None:
    query, conversions = convert_dates(
        SALES, [("start_date", "1772323200000"), ("end_date", " 1774915200000 ")]
    )

    assert query == (("start_date", "1772323200000"), ("end_date", "1774915200000"))
    assert conversions == []


def test_bare_end_date_is_the_start_of_that_day_and_the_record_says_so() -> None:
    query, conversions = convert_dates(SALES, [("end_date", "2026-03-31")])

    assert query == (("end_date", "1774915200000"),)  # midnight UTC, not moved to the end of the day
    note = conversions[0]["note"]
    assert "START of 2026-03-31" in note
    assert "leaves out the rest" in note


def test_bare_start_date_note_says_midnight_utc() -> None:
    _, conversions = convert_dates(SALES, [("start_date", "2026-03-01")])

    assert "midnight UTC" in conversions[0]["note"]
    assert "2026-03-01T00:00:00Z" in conversions[0]["note"]


def test_only_the_endpoints_date_params_are_converted_and_order_is_kept() -> None:
    query, conversions = convert_dates(
        TRANSACTIONS,
        [
            ("transaction_date", "2026-03-01"),
            ("max_results", "50"),
            ("end_transaction_date", "2026-03-02"),
            ("x", "2026-03-01"),
        ],
    )

    assert query == (
        ("transaction_date", "1772323200000"),
        ("max_results", "50"),
        ("end_transaction_date", str(1772323200000 + 86_400_000)),
        ("x", "2026-03-01"),
    )
    assert [record["param"] for record in conversions] == ["transaction_date", "end_transaction_date"]


def test_unknown_endpoint_leaves_the_query_alone() -> None:
    query, conversions = convert_dates(None, [("start_date", "2026-03-01")])

    assert query == (("start_date", "2026-03-01"),)
    assert conversions == []


def test_a_datetime_without_a_zone_is_refused_and_the_message_says_to_add_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        convert_dates(SALES, [("start_date", "2026-03-01T10:00:00")])

    assert "without a time zone" in caught.value.message
    assert "2026-03-01T10:00:00-03:00" in caught.value.message
    assert caught.value.details["field"] == "start_date"


@pytest.mark.parametrize(
    "bad",
    [
        "1772323200",  # seconds, not milliseconds
        "20260301",  # compact date, read by Hotmart as January 1970
        "17723232000000",  # 14 digits: year 2531
        "2026-02-30",  # no such day
        "2026-13-01",
        "2026-03-01T25:00:00Z",
        "2026-03-01T10:00:00+24:00",
        "2026-03-01T10:00:00+05:75",
        "March 1st",
        "-1772323200000",
        "",
        "2026-3-1",
    ],
)
def test_bad_date_values_are_refused_with_invalid_input_naming_the_param(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        convert_dates(SALES, [("end_date", bad)])

    assert caught.value.details["field"] == "end_date"
    assert "end_date" in caught.value.message


def test_parse_instant_reports_whether_the_value_was_a_bare_date() -> None:
    assert parse_instant("2026-03-01", param="p") == (1772323200000, True)
    assert parse_instant("2026-03-01T00:00:00Z", param="p") == (1772323200000, False)


def test_utc_text_shows_milliseconds_only_when_present() -> None:
    assert utc_text(1772323200000) == "2026-03-01T00:00:00Z"
    assert utc_text(1709251199999) == "2024-02-29T23:59:59.999Z"
