"""Epoch-ms dates get an ISO sibling in the request's zone; nothing else is touched."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hotmart_membrane_mcp.hotmart.readable_dates import with_iso_dates

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def test_date_attributes_in_epoch_ms_gain_an_iso_sibling_at_any_depth() -> None:
    item = {
        "purchase": {"order_date": 1_772_334_000_000, "price": {"value": 1_772_334_000_000}},
        "last_recurrency": {"request_date": 1_772_334_000_123},
        "recurrency": {"start_datetime": 1_772_334_000_000},
        "rows": [{"date_next_charge": 1_772_334_000_000}],
    }

    result = with_iso_dates(item, SAO_PAULO)

    assert list(result["purchase"]) == ["order_date", "order_date_iso", "price"]
    assert result["purchase"]["order_date_iso"] == "2026-03-01T00:00:00-03:00"
    assert result["purchase"]["price"] == {"value": 1_772_334_000_000}  # not a date attribute
    assert result["last_recurrency"]["request_date_iso"] == "2026-03-01T00:00:00.123-03:00"
    assert result["recurrency"]["start_datetime_iso"] == "2026-03-01T00:00:00-03:00"
    assert result["rows"][0]["date_next_charge_iso"] == "2026-03-01T00:00:00-03:00"


def test_values_that_are_not_epoch_ms_are_left_alone() -> None:
    item = {
        "order_date": "2026-03-01 10:00:00",  # Hotmart's string dates (cancel answers)
        "approved_date": 1_772_334_000,  # seconds: never guessed
        "liberation_date": True,
        "update_date": None,
    }

    assert with_iso_dates(item, SAO_PAULO) == item


def test_an_existing_iso_key_is_not_overwritten() -> None:
    item = {"order_date": 1_772_334_000_000, "order_date_iso": "theirs"}
    assert with_iso_dates(item, SAO_PAULO) == item
