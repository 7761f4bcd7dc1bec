"""Members area: the club subdomain's default, and errors that say what it is and to ask the user once."""

from __future__ import annotations

import pytest
from mcp import Client

from hotmart_membrane_mcp.config import ConfigError, Settings
from sandbox_harness import Sandbox
from tool_calls import call_error, call_ok

pytestmark = pytest.mark.anyio

STUDENTS = "/club/api/v1/users"
SUBDOMAIN = "sandbox-academy"


def says_what_a_subdomain_is(error: dict[str, object]) -> bool:
    text = f"{error['message']} {error['next_step']}"
    return all(
        part in text
        for part in (".club.hotmart.com", "cannot list", "Ask the user once", "HOTMART_MCP_CLUB_SUBDOMAIN")
    )


async def test_a_club_read_without_a_subdomain_asks_for_it_before_calling_hotmart(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        proxied = await call_error(client, "proxy_request", {"path": STUDENTS})
        run = await call_error(client, "run_action", {"action_id": "list-club-students", "input": {}})
    assert proxied["error_type"] == run["error_type"] == "invalid_input"
    assert proxied["field"] == "query.subdomain" and run["field"] == "input.subdomain"
    assert says_what_a_subdomain_is(proxied) and says_what_a_subdomain_is(run)


async def test_a_wrong_subdomain_is_explained_on_both_routes(sandbox: Sandbox) -> None:
    async with Client(sandbox.server()) as client:
        proxied = await call_error(
            client, "proxy_request", {"path": STUDENTS, "query": {"subdomain": "nope"}}
        )
        lessons = await call_error(
            client, "proxy_request", {"path": "/club/api/v1/modules", "query": {"subdomain": "nope"}}
        )
        run = await call_error(
            client, "run_action", {"action_id": "list-club-students", "input": {"subdomain": "nope"}}
        )
    for error in (proxied, lessons, run):
        assert error["error_type"] == "upstream_error" and error["status"] == 404
        assert "'nope'" in error["message"] and says_what_a_subdomain_is(error)


async def test_the_configured_subdomain_is_the_default_and_the_result_says_it_was_used(
    sandbox: Sandbox,
) -> None:
    async with Client(sandbox.server(club_subdomain=SUBDOMAIN)) as client:
        proxied = await call_ok(client, "proxy_request", {"path": STUDENTS, "query": {"max_results": 3}})
        run = await call_ok(
            client, "run_action", {"action_id": "list-club-students", "input": {"max_results": 3}}
        )
        given = await call_ok(
            client, "proxy_request", {"path": STUDENTS, "query": {"max_results": 3, "subdomain": SUBDOMAIN}}
        )
    assert len(proxied["body"]["items"]) == len(run["output"]["items"]) == 3
    assert (
        proxied["warnings"][0] == run["warnings"][0] == f"subdomain={SUBDOMAIN} (HOTMART_MCP_CLUB_SUBDOMAIN)."
    )
    assert not any("HOTMART_MCP_CLUB_SUBDOMAIN" in warning for warning in given["warnings"])


async def test_a_wrong_configured_subdomain_names_the_setting(sandbox: Sandbox) -> None:
    async with Client(sandbox.server(club_subdomain="old-academy")) as client:
        error = await call_error(client, "proxy_request", {"path": STUDENTS})
    assert "'old-academy' (HOTMART_MCP_CLUB_SUBDOMAIN)" in error["message"]


def test_the_club_subdomain_setting_is_read_and_checked() -> None:
    settings = Settings.from_env({"HOTMART_MCP_CLUB_SUBDOMAIN": " My-Academy "})
    assert settings.club_subdomain == "my-academy"
    assert Settings.from_env({}).club_subdomain is None
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HOTMART_MCP_CLUB_SUBDOMAIN": "https://x.club.hotmart.com"})
    assert caught.value.variable == "HOTMART_MCP_CLUB_SUBDOMAIN"
