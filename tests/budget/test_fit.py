"""fit_result's last resort: a result whose structure alone is over the budget loses entries and says so."""

from __future__ import annotations

from hotmart_membrane_mcp.hotmart.sizes import json_size
from hotmart_membrane_mcp.tools.budget import fit_result
from hotmart_membrane_mcp.tools.budget.shapes import SHORTENED_HINT
from hotmart_membrane_mcp.tools.results import ok_data
from tool_calls import payload


def test_numbers_too_many_to_shorten_are_cut_from_the_free_form_output_with_the_note() -> None:
    rows = list(range(2_000))  # no text to shorten: only dropping entries can make it fit
    result = fit_result(ok_data({"status": "ok", "action_id": "a1", "output": {"rows": rows}}), 1_000)

    cut = payload(result)
    assert len(result.content[0].text) <= 1_000  # type: ignore[union-attr]
    assert result.structured_content == cut and json_size(cut) <= 1_000
    assert cut["status"] == "ok" and cut["action_id"] == "a1"
    assert cut["truncated"] is True and cut["how_to_get_rest"] == SHORTENED_HINT
    assert (
        0 < len(cut["output"]["rows"]) < 2_000 and cut["output"]["rows"] == rows[: len(cut["output"]["rows"])]
    )


def test_one_item_of_numbers_too_big_even_alone_still_says_truncated_and_how_many_items() -> None:
    items = [{"id": index, "values": list(range(400))} for index in range(5)]
    result = fit_result(ok_data({"status": "ok", "output": {"items": items}}), 1_000, tool="run_action")

    cut = payload(result)
    assert json_size(cut) <= 1_000
    assert cut["truncated"] is True and cut["returned_items"] == 1 and cut["how_to_get_rest"]
