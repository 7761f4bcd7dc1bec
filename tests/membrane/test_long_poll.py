"""The api backend reads a connection's long-poll wait like the CLI backend (backend.long_poll_s)."""

from __future__ import annotations

from typing import Any

import pytest

from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.membrane.backend import MAX_WAIT_S

from .test_api_backend import CONNECTION, FakeMembrane, backend, reply

pytestmark = pytest.mark.anyio


async def test_the_api_backend_caps_a_long_wait_at_membranes_sixty_seconds() -> None:
    fake = FakeMembrane(reply(200, CONNECTION))
    await backend(fake).get_connection("con_1", wait_s=600)
    [sent] = fake.requests
    assert sent.url.params["wait"] == "true"
    assert sent.url.params["timeout"] == str(MAX_WAIT_S) == "60"


async def test_the_api_backend_reads_without_waiting_when_wait_is_zero() -> None:
    fake = FakeMembrane(reply(200, CONNECTION))
    await backend(fake).get_connection("con_1", wait_s=0)
    [sent] = fake.requests
    assert "wait" not in sent.url.params and "timeout" not in sent.url.params


@pytest.mark.parametrize("wait_s", [-1, True, 2.5, "10"], ids=repr)
async def test_the_api_backend_refuses_a_wait_that_is_not_whole_seconds_and_sends_nothing(
    wait_s: Any,
) -> None:
    fake = FakeMembrane(reply(200, CONNECTION))
    with pytest.raises(InvalidInput) as caught:
        await backend(fake).get_connection("con_1", wait_s=wait_s)
    assert caught.value.details["field"] == "wait_s"
    assert fake.requests == []
