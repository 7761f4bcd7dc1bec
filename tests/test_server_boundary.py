"""Issue #8 at the Membrane CLI boundary, one regression per point, through the MCP client.

The CLIs here are the simulator behind a small shell wrapper that misbehaves first (prints
nothing, fails a page, starts a background child, plays npx) or a fake at the process
boundary (tests/fake_cli.py). Nothing is patched; reads' retry waits use an injected sleep.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fake_cli import FakeCli, write_fake
from hotmart_membrane_mcp.config import SANDBOX_COMMAND
from processes import live_pids
from sandbox_harness import Sandbox, no_wait
from tool_calls import call_error, call_ok, payload, wait_until

pytestmark = pytest.mark.anyio

HISTORY = "/payments/api/v1/sales/history"
MARCH = {"start_date": "2026-03-01", "end_date": "2026-04-01"}
SIMULATOR = " ".join(shlex.quote(part) for part in SANDBOX_COMMAND)
HOTMART_503 = json.dumps(
    {
        "type": "connection",
        "key": "request_failed",
        "message": "Request failed with status code 503",
        "data": {"status": 503, "headers": {}, "response": {"error": "internal_server_error"}},
    }
)


def wrapped_simulator(directory: Path, before: str, *, name: str = "membrane") -> tuple[str, ...]:
    """A CLI that runs the shell lines ``before`` and then becomes the simulator."""
    script = f'#!/bin/sh\n{before}\nexec {SIMULATOR} "$@"\n'
    return (str(write_fake(directory / "bin", script, name=name)),)


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class ProgressLog:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.messages.append(message or "")


# --- point 2 and 3: a read without a JSON body is never data ------------------------------


@pytest.mark.parametrize(
    ("printed", "answer"),
    [("", "nothing"), ("<html><body>Redirecting to /docs/</body></html>", "an HTML page")],
    ids=["empty", "html"],
)
async def test_a_read_answered_without_json_on_exit_0_is_an_upstream_error_never_complete_data(
    sandbox: Sandbox, printed: str, answer: str
) -> None:
    reads_print = f'if [ "$1" = request ]; then printf %s {shlex.quote(printed)}; exit 0; fi'
    server = sandbox.server(command=wrapped_simulator(sandbox.dir, reads_print), sleep=no_wait)
    async with Client(server) as client:
        await call_ok(client, "ensure_connection")
        summary = await call_error(client, "sales_summary", MARCH)
        page = await call_error(client, "proxy_request", {"path": HISTORY, "query": MARCH})
        all_pages = await call_error(client, "proxy_request", {"path": HISTORY, "all_pages": True})

    for error in (summary, page, all_pages):
        assert error["error_type"] == "upstream_error", error
        assert error["answer"] == answer and "not an empty result" in error["message"]
        assert "hotmart://api/catalogue" in error["next_step"]
        assert "all_pages" not in error["next_step"] and error.get("field") is None
    if printed:
        assert "Redirecting to /docs/" in page["excerpt"]


async def test_paging_an_endpoint_that_is_not_a_list_is_still_invalid_input_naming_all_pages(
    server: Any,
) -> None:
    async with Client(server) as client:
        await call_ok(client, "ensure_connection")
        error = await call_error(client, "proxy_request", {"path": "/user/api/v1/me", "all_pages": True})

    assert error["error_type"] == "invalid_input" and error["field"] == "all_pages"


# --- point 4: arguments that cannot fit a command line -------------------------------------


async def test_a_body_too_large_for_one_command_line_argument_is_refused_before_any_process_starts(
    tmp_path: Path,
) -> None:
    ran = tmp_path / "ran"
    fake = FakeCli(tmp_path)
    server = fake.server(
        (str(write_fake(tmp_path / "bin", f"#!/bin/sh\ntouch {ran}\necho '{{}}'\n")),), writes="allow"
    )
    # 25,000 characters are 50,000 bytes in UTF-8 but 150,000 as sent (\u00e9 escapes).
    body = {"description": "é" * 25_000}
    async with Client(server) as client:
        error = await call_error(
            client,
            "proxy_request",
            {
                "path": "/products/api/v1/product/1/coupon",
                "method": "POST",
                "body": body,
                "connection_id": "6b091f36419362085be63efc",
            },
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "body"
    assert "150,0" in error["message"] and "128,000 bytes" in error["message"]
    assert not ran.exists()


async def test_arguments_too_large_for_a_command_line_together_are_refused_naming_the_biggest_field(
    tmp_path: Path,
) -> None:
    ran = tmp_path / "ran"
    fake = FakeCli(tmp_path)
    server = fake.server((str(write_fake(tmp_path / "bin", f"#!/bin/sh\ntouch {ran}\necho '{{}}'\n")),))
    # 100 values of 2,000 four-byte characters: each fits, together 800 KB do not.
    query = {f"p{number}": "😀" * 2_000 for number in range(100)}
    async with Client(server) as client:
        error = await call_error(
            client,
            "proxy_request",
            {"path": "/user/api/v1/me", "query": query, "connection_id": "6b091f36419362085be63efc"},
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "query"
    assert "524,288 bytes" in error["message"]
    assert not ran.exists()


# --- point 5: every save_to name the schema allows can be saved ------------------------------


async def test_a_save_to_name_of_255_characters_is_saved(sandbox: Sandbox, tmp_path: Path) -> None:
    name = "s" * 251 + ".csv"
    exports = tmp_path / "exports"
    async with Client(sandbox.server(export_dir=str(exports))) as client:
        await call_ok(client, "ensure_connection")
        result = await call_ok(
            client, "proxy_request", {"path": HISTORY, "query": {**MARCH, "max_results": 3}, "save_to": name}
        )

    assert result["saved"]["path"] == str(exports.resolve() / name)
    assert (exports / name).read_text().startswith("product.")
    assert [path.name for path in exports.iterdir()] == [name]  # no temporary file left


async def test_a_save_to_name_over_255_bytes_is_refused_before_hotmart_is_called(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    name = "ã" * 200 + ".csv"  # 204 characters, 404 bytes in UTF-8
    async with Client(sandbox.server(export_dir=str(tmp_path / "exports"))) as client:
        await call_ok(client, "ensure_connection")
        error = await call_error(client, "proxy_request", {"path": HISTORY, "query": MARCH, "save_to": name})

    assert error["error_type"] == "invalid_input" and error["field"] == "save_to"
    assert "255 bytes" in error["message"]


async def test_an_export_folder_that_cannot_be_written_is_a_typed_error(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    async with Client(sandbox.server(export_dir=str(blocked / "exports"))) as client:
        await call_ok(client, "ensure_connection")
        error = await call_error(
            client, "proxy_request", {"path": HISTORY, "query": MARCH, "save_to": "x.csv"}
        )

    assert error["error_type"] == "invalid_input" and error["field"] == "save_to"
    assert "ENOTDIR" in error["message"] and "without save_to" in error["next_step"]


# --- point 8: the process group ends after every call -----------------------------------------


@pytest.mark.parametrize(
    "start_child",
    ["sleep 300 &", "sleep 300 >/dev/null 2>&1 </dev/null &"],
    ids=["holding-the-pipes", "detached-from-the-pipes"],
)
async def test_children_the_cli_leaves_running_after_a_successful_call_are_ended(
    tmp_path: Path, sandbox: Sandbox, start_child: str
) -> None:
    marker = f"I8_BOUNDARY_MARKER={tmp_path.name}"
    command = wrapped_simulator(tmp_path, f"export {marker}\n{start_child}")
    fake = FakeCli(tmp_path)
    async with Client(sandbox.server(command=command)) as client:
        connection = await call_ok(client, "ensure_connection")
        await wait_until(lambda: not live_pids(marker), timeout_s=10)

    assert connection["ready"] is True
    assert fake.live_processes() == [] and live_pids(marker) == []


# --- point 9: npx that cannot get the CLI ------------------------------------------------------


@pytest.mark.parametrize("code", ["E404", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN"])
async def test_npx_failing_to_get_the_cli_is_membrane_cli_missing_with_the_install_command(
    tmp_path: Path, code: str
) -> None:
    npm_says = f"npm error code {code}\nnpm error network request to https://registry.npmjs.org failed"
    npx = write_fake(tmp_path / "bin", f"#!/bin/sh\necho {shlex.quote(npm_says)} >&2\nexit 1\n", name="npx")
    server = FakeCli(tmp_path).server((str(npx), "-y", "@membranehq/cli@latest"))
    async with Client(server) as client:
        errors = [
            await call_error(
                client, "search_actions", {"intent": "x", "connection_id": "6b091f36419362085be63efc"}
            ),
            await call_error(client, "ensure_connection"),
        ]

    for error in errors:
        assert error["error_type"] == "membrane_cli_missing", error
        assert error["install_command"] == "npm install -g @membranehq/cli" and error["npm_error"] == code
        assert code in error["message"] and "ensure_connection" not in error["next_step"]
        assert "field" not in error


async def test_while_npx_fetches_the_cli_the_agent_gets_progress_saying_so_and_only_the_first_time(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    npx = wrapped_simulator(tmp_path, "sleep 0.2", name="npx")
    first, second = ProgressLog(), ProgressLog()
    async with Client(sandbox.server(command=npx)) as client:
        await call_ok(client, "ensure_connection", progress_callback=first)
        await call_ok(client, "ensure_connection", progress_callback=second)

    assert any("npx" in message for message in first.messages), first.messages
    assert not any("npx" in message for message in second.messages)


async def test_npx_that_never_finishes_fetching_is_membrane_cli_missing_not_a_narrower_query(
    tmp_path: Path,
) -> None:
    npx = write_fake(tmp_path / "bin", "#!/bin/sh\nexec sleep 300\n", name="npx")
    fake = FakeCli(tmp_path)
    async with Client(fake.server((str(npx), "-y", "@membranehq/cli@latest"), timeout_s=0.5)) as client:
        error = await call_error(client, "ensure_connection")
        await wait_until(lambda: not fake.live_processes())

    assert error["error_type"] == "membrane_cli_missing"
    assert "npm install -g @membranehq/cli" in error["message"] + error["next_step"]
    assert "narrow" not in error["next_step"]


# --- point 14: reads retry what fails on the way; what stays partial says so first ------------


async def test_a_sales_summary_page_that_fails_with_503_is_retried_and_the_totals_are_complete(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    fail_once = (
        f'if [ "$1" = request ] && [ ! -e {tmp_path}/failed ]; then touch {tmp_path}/failed; '
        f"echo {shlex.quote(HOTMART_503)}; exit 1; fi"
    )
    sleep = RecordingSleep()
    async with Client(sandbox.server(command=wrapped_simulator(tmp_path, fail_once), sleep=sleep)) as client:
        await call_ok(client, "ensure_connection")
        summary = await call_ok(client, "sales_summary", {**MARCH, "statuses": ["COMPLETE"]})

    assert summary["complete"] is True and summary["count"] > 0 and "partial" not in summary
    assert sleep.calls == [1.0]


async def test_a_sales_summary_still_partial_after_retries_says_so_in_its_first_words(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    fail_complete = (
        f'case "$*" in *transaction_status=COMPLETE*) echo {shlex.quote(HOTMART_503)}; exit 1;; esac'
    )
    async with Client(
        sandbox.server(command=wrapped_simulator(tmp_path, fail_complete), sleep=no_wait)
    ) as client:
        await call_ok(client, "ensure_connection")
        result = await client.call_tool("sales_summary", {**MARCH, "statuses": ["APPROVED", "COMPLETE"]})

    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error is False
    assert text.startswith('{"partial":"PARTIAL RESULT'), text[:200]
    assert payload(result)["complete"] is False and "503" in payload(result)["partial"]


async def test_all_pages_still_partial_after_retries_says_so_in_its_first_words(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    fail_later_pages = f'case "$*" in *page_token=*) echo {shlex.quote(HOTMART_503)}; exit 1;; esac'
    async with Client(
        sandbox.server(command=wrapped_simulator(tmp_path, fail_later_pages), sleep=no_wait)
    ) as client:
        await call_ok(client, "ensure_connection")
        result = await client.call_tool(
            "proxy_request", {"path": HISTORY, "query": {**MARCH, "max_results": 5}, "all_pages": True}
        )

    text = result.content[0].text  # type: ignore[union-attr]
    data = payload(result)
    assert result.is_error is False and text.startswith('{"partial":"PARTIAL RESULT'), text[:200]
    assert data["complete"] is False and data["stop_reason"] == "error" and len(data["body"]["items"]) == 5
