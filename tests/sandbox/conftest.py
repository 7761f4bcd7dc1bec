"""Shared fixtures for the simulated Hotmart API tests: one read-only account per test module.

Tests that write take a fresh store per test instead (see test_hotmart_writes.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from hotmart_calls import NOW_MS

from hotmart_membrane_mcp.sandbox.hotmart import HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.store import StateStore


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> StateStore:
    return StateStore(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))


@pytest.fixture(scope="module")
def api(store: StateStore) -> HotmartApi:
    return HotmartApi(store, seed=7, now_ms=NOW_MS)


@pytest.fixture(scope="module")
def data(store: StateStore) -> Any:
    return load_dataset(store, seed=7, now_ms=NOW_MS)
