"""Calling the simulated Hotmart API from tests with keyword query parameters."""

from __future__ import annotations

from typing import Any

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, HotmartResponse

NOW_MS = 1_780_000_000_000  # a fixed "now" so every test module sees the same account


def get(api: HotmartApi, path: str, **query: Any) -> HotmartResponse:
    """GET ``path``; a list value repeats the parameter, anything else is sent as its text."""
    return api.handle(
        "GET",
        path,
        {
            name: [str(item) for item in value] if isinstance(value, list) else [str(value)]
            for name, value in query.items()
        },
    )
