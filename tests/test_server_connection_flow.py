"""Connection flow: tools instead of shell commands, one sign-in link per pending connection."""

from __future__ import annotations

import json
import re

import pytest
from mcp import Client

from hotmart_membrane_mcp.membrane.models import CLIENT_ACTION_REQUIRED, ClientAction, Connection
from hotmart_membrane_mcp.tools.next_steps import connection_output
from hotmart_membrane_mcp.tools.sign_in_links import LINK_TTL_S
from hotmart_membrane_mcp.tools.tool_words import as_tool_steps
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

SHELL_COMMAND = re.compile(r"membrane\s+(login|connect|connection)\b", re.IGNORECASE)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def membrane_link(sandbox: Sandbox, connection_id: str) -> str:
    """The link Membrane itself holds for the connection now (a reconnect replaces it)."""
    record = json.loads(await sandbox.run("connection", "get", connection_id, "--json"))
    return record["clientAction"]["uiUrl"]


async def test_login_texts_name_the_login_tool_not_a_shell_command(sandbox: Sandbox) -> None:
    async with Client(sandbox.server(scenario="logged-out")) as client:
        error = await call_error(client, "ensure_connection")
        started = await call_ok(client, "login")
        code = (await sandbox.run("sandbox", "login-code")).strip()
        wrong = await call_error(client, "login", {"code": "ZZZZ-ZZZZ"})
        done = await call_ok(client, "login", {"code": code})

    assert error["error_type"] == "not_logged_in"
    assert started["login_url"].startswith("https://") and "`login` tool" in started["message"]
    for text in (
        error["message"],
        error["next_step"],
        started["message"],
        started["next_step"],
        wrong["message"],
    ):
        assert not SHELL_COMMAND.search(text), text
    assert wrong["field"] == "code" and done["logged_in"] is True


async def test_an_early_recheck_of_a_pending_connection_gives_the_same_link(
    sandbox: Sandbox, era: str
) -> None:
    async with Client(sandbox.server(scenario="connect"), mode=era) as client:
        first = await call_ok(client, "ensure_connection")
        connection_id = first["connection_id"]
        by_id = await call_ok(client, "ensure_connection", {"connection_id": connection_id})
        again = await call_ok(client, "ensure_connection")

    link = first["client_action"]["ui_url"]
    assert by_id["client_action"]["ui_url"] == again["client_action"]["ui_url"] == link
    assert await membrane_link(sandbox, connection_id) == link  # no reconnect replaced it in Membrane
    assert link in by_id["next_step"]


async def test_a_disconnected_connection_is_reconnected_once_and_again_only_when_its_link_is_stale(
    sandbox: Sandbox,
) -> None:
    clock = FakeClock()
    async with Client(sandbox.server(scenario="disconnected", clock=clock)) as client:
        first = await call_ok(client, "ensure_connection")
        connection_id = first["connection_id"]
        soon = await call_ok(client, "ensure_connection", {"connection_id": connection_id})
        clock.now += LINK_TTL_S + 1
        later = await call_ok(client, "ensure_connection", {"connection_id": connection_id})
        held_by_membrane = await membrane_link(sandbox, connection_id)
        await sandbox.run("sandbox", "approve", connection_id)
        ready = await call_ok(client, "ensure_connection", {"connection_id": connection_id})

    link = first["client_action"]["ui_url"]
    assert link.startswith("https://") and soon["client_action"]["ui_url"] == link
    assert later["client_action"]["ui_url"] != link
    assert held_by_membrane == later["client_action"]["ui_url"]
    assert ready["state"] == "READY"


async def test_provide_input_says_where_the_user_enters_it_and_never_to_paste_secrets(
    sandbox: Sandbox,
) -> None:
    async with Client(sandbox.server(scenario="provide-input")) as client:
        result = await call_ok(client, "ensure_connection")

    assert result["client_action"]["type"] == "provide-input"
    assert "Membrane's connection screen" in result["next_step"]
    assert "never ask them to paste credentials or secrets into the chat" in result["next_step"]
    assert "ask the user to provide it" not in result["next_step"]


def test_provide_input_gives_membranes_link_when_it_has_one() -> None:
    link = "https://ui.getmembrane.com/screens/connections?connectionRequestId=abc"
    pending = Connection(
        "con1",
        "Hotmart",
        CLIENT_ACTION_REQUIRED,
        ClientAction("provide-input", "Hotmart needs the client id and secret.", link, None),
    )
    step = connection_output(pending).next_step
    assert f"at this link: {link}" in step and "never ask them to paste" in step


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Then run `membrane login complete <code>` with the code it shows.",
            "Then call the `login` tool with the code it shows.",
        ),
        (
            "Not logged in. Run `membrane login --tenant` to log in.",
            "Not logged in. Call the `login` tool to log in.",
        ),
        (
            "Reconnect with `membrane connect --connectionId 6b09abc` to get a sign-in link.",
            "Call `ensure_connection` with connection_id='6b09abc' to get a sign-in link.",
        ),
        (
            "Install it with `npm install -g @membranehq/cli`.",
            "Install it with `npm install -g @membranehq/cli`.",
        ),
    ],
)
def test_cli_commands_a_tool_performs_are_said_as_that_tool(text: str, expected: str) -> None:
    assert as_tool_steps(text) == expected


async def test_relayed_agent_instructions_name_the_tool_instead_of_the_cli(sandbox: Sandbox) -> None:
    async with Client(sandbox.server(scenario="disconnected")) as client:
        error = await call_error(client, "search_actions", {"intent": "list sales"})

    assert error["error_type"] == "connection_not_ready"
    assert not SHELL_COMMAND.search(json.dumps(error)), error
