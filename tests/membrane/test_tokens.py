"""Token sources of the api backend: order of the variables, HS256 minting, renewal before expiry.

Minted tokens are checked with the simulator's own verifier (sandbox/bearer.py), written
separately from the minting code, so the two cannot share a mistake.
"""

from __future__ import annotations

import base64
import json

import pytest

from hotmart_membrane_mcp.app import describe_backend
from hotmart_membrane_mcp.config import ConfigError, Settings
from hotmart_membrane_mcp.membrane.tokens import (
    MintedToken,
    StaticToken,
    token_source_from_env,
)
from hotmart_membrane_mcp.sandbox.bearer import BearerPolicy
from hotmart_membrane_mcp.sandbox.errors import MembraneError

SECRET = "s3cret-workspace-value-for-tests"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_minted_token_is_hs256_with_both_claim_styles_and_one_hour_to_live() -> None:
    token = MintedToken("ws-key", SECRET, "tenant-1", clock=Clock(1_000_000)).token()

    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims(token) == {
        "iss": "ws-key",
        "workspaceKey": "ws-key",
        "id": "tenant-1",
        "tenantKey": "tenant-1",
        "iat": 1_000_000,
        "exp": 1_003_600,
    }
    assert "=" not in token


def test_the_simulator_accepts_a_minted_token_and_refuses_a_wrong_secret_workspace_or_expiry() -> None:
    clock = Clock(2_000_000)
    token = MintedToken("ws-key", SECRET, "tenant-1", clock=clock).token()

    BearerPolicy(None, "ws-key", SECRET, clock=clock).check(f"Bearer {token}")
    refusals = [
        BearerPolicy(None, "ws-key", SECRET + "x", clock=clock),
        BearerPolicy(None, "other-ws", SECRET, clock=clock),
        BearerPolicy(None, "ws-key", SECRET, clock=Clock(clock.now + 3600)),
    ]
    for policy in refusals:
        with pytest.raises(MembraneError) as raised:
            policy.check(f"Bearer {token}")
        assert raised.value.key == "not_authenticated"


def test_a_minted_token_is_reused_until_a_minute_before_expiry_then_renewed() -> None:
    clock = Clock(5_000_000)
    source = MintedToken("ws", SECRET, None, clock=clock)
    first = source.token()
    clock.now += 3600 - 61
    assert source.token() == first
    clock.now += 2
    second = source.token()

    assert second != first
    assert claims(second)["exp"] == int(clock.now) + 3600
    assert source.minted == 2
    assert "id" not in claims(second)  # no tenant key: a workspace-level token


def test_renew_after_a_401_makes_a_new_token_only_for_minted_sources() -> None:
    clock = Clock(7_000_000)
    minted = MintedToken("ws", SECRET, "t", clock=clock)
    first = minted.token()
    clock.now += 1

    assert minted.renew() is True
    assert minted.token() != first
    assert StaticToken("abc", "MEMBRANE_TOKEN").renew() is False


@pytest.mark.parametrize(
    ("environ", "description"),
    [
        (
            {"MEMBRANE_TOKEN": "a", "MEMBRANE_ACCESS_TOKEN": "b", "MEMBRANE_WORKSPACE_KEY": "k"},
            "MEMBRANE_TOKEN",
        ),
        ({"MEMBRANE_ACCESS_TOKEN": "b", "MEMBRANE_WORKSPACE_KEY": "k"}, "MEMBRANE_ACCESS_TOKEN"),
        (
            {"MEMBRANE_WORKSPACE_KEY": "k", "MEMBRANE_WORKSPACE_SECRET": "s"},
            "MEMBRANE_WORKSPACE_KEY + MEMBRANE_WORKSPACE_SECRET (minted tokens)",
        ),
    ],
)
def test_token_sources_are_tried_in_order(environ: dict[str, str], description: str) -> None:
    source = token_source_from_env(environ)

    assert source is not None and source.description == description


def test_half_a_workspace_pair_is_refused_naming_the_missing_variable_and_none_is_no_source() -> None:
    with pytest.raises(ConfigError) as raised:
        token_source_from_env({"MEMBRANE_WORKSPACE_KEY": "k"})

    assert raised.value.variable == "MEMBRANE_WORKSPACE_SECRET"
    assert token_source_from_env({"MEMBRANE_TOKEN": "  "}) is None


def test_reprs_and_the_start_up_line_name_the_source_never_the_secret() -> None:
    environ = {"MEMBRANE_WORKSPACE_KEY": "ws", "MEMBRANE_WORKSPACE_SECRET": SECRET}
    settings = Settings.from_env(environ)
    static = Settings.from_env({"MEMBRANE_TOKEN": "tok-123456"})

    line = describe_backend(settings)
    assert "backend api" in line and "MEMBRANE_WORKSPACE_SECRET" in line
    assert SECRET not in line + repr(settings) + repr(token_source_from_env(environ))
    assert "tok-123456" not in describe_backend(static) + repr(static)


@pytest.mark.parametrize(
    ("environ", "argv", "backend"),
    [
        ({}, (), "cli"),
        ({"MEMBRANE_TOKEN": "t"}, (), "api"),
        ({"MEMBRANE_TOKEN": "t", "HOTMART_MCP_BACKEND": "cli"}, (), "cli"),
        ({"MEMBRANE_TOKEN": "t"}, ("--sandbox",), "cli"),
        ({"HOTMART_MCP_BACKEND": "api"}, ("--sandbox",), "api"),
        (
            {"HOTMART_MCP_BACKEND": "API", "MEMBRANE_WORKSPACE_KEY": "k", "MEMBRANE_WORKSPACE_SECRET": "s"},
            (),
            "api",
        ),
    ],
)
def test_the_backend_setting_resolves_auto_by_the_token_variables(
    environ: dict[str, str], argv: tuple[str, ...], backend: str
) -> None:
    assert Settings.from_env(environ, argv).backend == backend


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"HOTMART_MCP_BACKEND": "api"}, "HOTMART_MCP_BACKEND"),
        ({"HOTMART_MCP_BACKEND": "rest"}, "HOTMART_MCP_BACKEND"),
        ({"MEMBRANE_WORKSPACE_SECRET": "s"}, "MEMBRANE_WORKSPACE_KEY"),
        ({"MEMBRANE_API_URL": "ftp://example.com"}, "MEMBRANE_API_URL"),
        ({"HOTMART_MCP_API_MAX_CONCURRENCY": "0"}, "HOTMART_MCP_API_MAX_CONCURRENCY"),
    ],
)
def test_bad_backend_settings_stop_the_server_naming_the_variable(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(environ)

    assert raised.value.variable == variable


def test_membrane_api_url_overrides_the_base() -> None:
    settings = Settings.from_env({"MEMBRANE_TOKEN": "t", "MEMBRANE_API_URL": "http://localhost:9000/"})

    assert settings.api_url == "http://localhost:9000"


def test_the_start_up_line_never_shows_credentials_written_into_the_api_url() -> None:
    settings = Settings.from_env(
        {"MEMBRANE_TOKEN": "tok-123456", "MEMBRANE_API_URL": "https://me:hunter2@membrane.example.com:8443"}
    )

    line = describe_backend(settings)

    assert "https://membrane.example.com:8443" in line
    assert "hunter2" not in line and "me:" not in line
