"""``hotmart-membrane-mcp demo``: the whole story over stdio, and its failure path."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from mcp import Client

from hotmart_membrane_mcp.demo import DemoFailed, Stepper
from sandbox_harness import Sandbox


def test_the_demo_walks_login_connection_search_run_proxy_refund_summary_and_export_and_exits_0() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOTMART_")}
    result = subprocess.run(
        [sys.executable, "-m", "hotmart_membrane_mcp", "demo"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    transcript = result.stdout
    assert "Tools: ensure_connection, login, search_actions, run_action, proxy_request" in transcript
    assert "not_logged_in" in transcript
    assert "login_url: " in transcript
    assert "CLIENT_ACTION_REQUIRED" in transcript
    assert "(the human opens https://ui.getmembrane.com/" in transcript
    assert '"READY"' in transcript
    assert "[7] > run_action" in transcript
    assert '[8] > proxy_request {"path": "/payments/api/v1/sales/history"' in transcript
    assert '[9] > proxy_request {"path": "/payments/api/v1/sales/HP' in transcript
    assert 'status: "confirmation_required"' in transcript and "Irreversible" in transcript
    assert '"method": "PUT", "confirm_token": "ct_' in transcript
    assert '(the user asks: "how much did I sell last month?"' in transcript
    assert "[11] > sales_summary" in transcript and "by_currency: {" in transcript
    assert '"save_to": "sales-last-month.csv"' in transcript
    assert re.search(
        r"\(the file is there: .+sales-last-month\.csv, [1-9]\d* rows, [1-9]\d* columns\)", transcript
    )
    assert transcript.rstrip().endswith("Demo finished: every step answered as expected.")


@pytest.mark.anyio
async def test_a_step_that_fails_stops_the_demo_with_the_reason(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    async with Client(sandbox.server()) as client:
        with pytest.raises(DemoFailed, match="run_action failed"):
            await Stepper(client).ok(
                "run_action", {"action_id": "no-such-action", "input": {}}, lambda r: True
            )

    assert "action_not_found" in capsys.readouterr().out
