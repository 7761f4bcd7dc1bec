"""Time zones: named zones validated, the machine's zone read robustly, instants shown with offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.catalogue import find_endpoint
from hotmart_membrane_mcp.hotmart.dates import convert_dates, parse_instant
from hotmart_membrane_mcp.zones import Zone, iso_in_zone, load_zone, machine_zone, request_zone


@pytest.mark.parametrize("name", ["Mars/Olympus", "-03:00", "../etc/passwd", "/usr/share/zoneinfo/UTC", ""])
def test_a_name_that_is_not_an_iana_zone_is_invalid_input_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_zone(name)
    assert caught.value.details["field"] == "timezone" and "America/Sao_Paulo" in caught.value.message


def test_the_argument_wins_over_the_default_and_says_where_it_came_from() -> None:
    default = Zone("UTC", "HOTMART_MCP_TIMEZONE")
    assert request_zone(None, default) is default
    assert request_zone("America/Sao_Paulo", default) == Zone("America/Sao_Paulo", "timezone argument")


def test_the_machine_zone_comes_from_tz_then_the_localtime_link_then_etc_timezone(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    assert machine_zone({"TZ": ":Europe/Lisbon"}, tmp_path) == Zone(
        "Europe/Lisbon", "the machine's TZ variable"
    )
    assert machine_zone({}, tmp_path).name == "UTC"  # nothing readable: UTC, and it says so
    assert "could not be read" in machine_zone({}, tmp_path).source
    (tmp_path / "etc" / "timezone").write_text("America/Bogota\n")
    assert machine_zone({"TZ": "Nowhere/Land"}, tmp_path) == Zone(
        "America/Bogota", "the machine's /etc/timezone"
    )
    (tmp_path / "etc" / "localtime").symlink_to("/usr/share/zoneinfo/America/Mexico_City")
    assert machine_zone({}, tmp_path) == Zone("America/Mexico_City", "the machine's /etc/localtime")


def test_a_bare_date_is_midnight_in_the_zone_and_the_record_shows_both_clocks() -> None:
    zone = load_zone("America/Sao_Paulo")
    assert parse_instant("2026-03-01", param="start_date", zone=zone) == (1_772_334_000_000, True)

    endpoint = find_endpoint("GET", "/payments/api/v1/sales/history")
    query, [record] = convert_dates(endpoint, [("start_date", "2026-03-01")], zone)

    assert query == (("start_date", "1772334000000"),)
    assert record["utc"] == "2026-03-01T03:00:00Z" and record["local"] == "2026-03-01T00:00:00-03:00"
    assert "midnight in America/Sao_Paulo" in record["note"]


def test_a_date_time_keeps_its_own_offset_whatever_the_zone() -> None:
    zone = load_zone("Asia/Tokyo")
    assert parse_instant("2026-03-01T00:00:00Z", param="start_date", zone=zone) == (1_772_323_200_000, False)


def test_instants_are_shown_with_the_offset_the_zone_had_that_day() -> None:
    lisbon = load_zone("Europe/Lisbon")
    assert iso_in_zone(1_772_323_200_000, lisbon) == "2026-03-01T00:00:00+00:00"  # winter
    assert iso_in_zone(1_783_000_000_123, lisbon) == "2026-07-02T14:46:40.123+01:00"  # summer time
