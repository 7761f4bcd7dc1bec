"""The in-MCP guide is generated from the catalogue and covers every endpoint and area."""

from __future__ import annotations

import pytest

from hotmart_membrane_mcp.hotmart.catalogue import AREAS, ENDPOINTS, SALES_STATUS_TRAP
from hotmart_membrane_mcp.hotmart.guide import (
    CATALOGUE_URI,
    PROMPTS,
    SERVER_INSTRUCTIONS,
    area_markdown,
    area_uri,
    catalogue_markdown,
    overdue_subscriptions_prompt,
    refund_sale_prompt,
    sales_report_prompt,
)


def test_the_catalogue_lists_every_endpoint_with_method_path_and_kind() -> None:
    text = catalogue_markdown()

    for endpoint in ENDPOINTS:
        assert f"`{endpoint.method} {endpoint.path}`" in text
    assert text.count("(WRITE, irreversible)") == sum(1 for e in ENDPOINTS if e.irreversible)
    assert text.count("(read)") == sum(1 for e in ENDPOINTS if not e.write)
    assert SALES_STATUS_TRAP in text
    assert "/club/api/v1/students" in text  # the wrong paths section


@pytest.mark.parametrize("area", AREAS)
def test_each_area_has_its_own_page_with_only_its_endpoints(area: str) -> None:
    text = area_markdown(area)

    assert area_uri(area) in text
    for endpoint in ENDPOINTS:
        assert (f"`{endpoint.method} {endpoint.path}`" in text) is (endpoint.area == area)


def test_an_unknown_area_is_refused() -> None:
    with pytest.raises(KeyError):
        area_markdown("payments")


def test_date_parameters_and_write_effects_are_shown() -> None:
    text = area_markdown("subscriptions")

    assert "`accession_date`" in text and "epoch ms" in text
    assert "Effect: Cancel the subscription" in text


def test_server_instructions_name_the_workflow_and_the_catalogue() -> None:
    for word in (
        "ensure_connection",
        "search_actions",
        "run_action",
        "proxy_request",
        CATALOGUE_URI,
        "truncated",
    ):
        assert word in SERVER_INSTRUCTIONS
    assert len(SERVER_INSTRUCTIONS.splitlines()) <= 10


def test_prompts_carry_their_arguments() -> None:
    report = sales_report_prompt("2026-03-01", "2026-04-01", product_id="1234567")
    assert (
        'start_date="2026-03-01"' in report and "product_id=1234567" in report and "sales_summary" in report
    )
    assert "transaction=HP123" in refund_sale_prompt("HP123")
    assert "accession_date" in overdue_subscriptions_prompt()
    assert "product_id=42" in overdue_subscriptions_prompt("42")
    assert set(PROMPTS) == {"sales_report", "overdue_subscriptions", "refund_sale"}
