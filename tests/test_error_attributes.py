"""Errors expose the details code reads back as typed attributes; the agent's payload is unchanged."""

from __future__ import annotations

import json

from hotmart_membrane_mcp.errors import CliFailed, InvalidInput, RateLimited, UpstreamError


def test_an_upstream_error_exposes_status_and_body_and_its_payload_keeps_the_details_order() -> None:
    error = UpstreamError("Hotmart said no.", status=404, body={"error": "not_found"}, field="path")

    assert (error.status, error.body, error.field) == (404, {"error": "not_found"}, "path")
    assert json.dumps(error.payload()) == json.dumps(
        {
            "error_type": "upstream_error",
            "message": "Hotmart said no.",
            "next_step": UpstreamError.default_next_step,
            "status": 404,
            "body": {"error": "not_found"},
            "field": "path",
        }
    )


def test_a_rate_limit_exposes_retry_after_s_as_seconds_and_none_when_the_answer_did_not_say() -> None:
    assert RateLimited("Slow down.", retry_after_s=7).retry_after_s == 7.0
    assert RateLimited("Slow down.").retry_after_s is None
    assert RateLimited("Slow down.", retry_after_s=None).payload().keys() == {
        "error_type",
        "message",
        "next_step",
    }


def test_a_cli_failure_exposes_exit_code_os_error_and_timeout_and_none_for_what_it_lacks() -> None:
    started = CliFailed("It crashed.", exit_code=137)
    unstartable = CliFailed("It could not start.", os_error="ENOENT", exit_code=None)

    assert (started.exit_code, started.os_error, started.status, started.field) == (137, None, None, None)
    assert (unstartable.exit_code, unstartable.os_error) == (None, "ENOENT")
    assert CliFailed("Too slow.", timeout_s=5).timeout_s == 5.0


def test_a_detail_of_the_wrong_type_reads_as_none_rather_than_a_wrong_value() -> None:
    error = InvalidInput("Odd.", status="404", field=3, exit_code=True, retry_after_s="soon")

    assert (error.status, error.field, error.exit_code, error.retry_after_s) == (None, None, None, None)
    assert error.payload()["status"] == "404"
