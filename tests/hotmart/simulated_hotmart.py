"""A `send` for the data layer built on the real simulated Hotmart API.

It stands where the Membrane backend stands: it hands the request to
``HotmartApi.handle`` and maps the answer the way the backend does (429 -> RateLimited with
``retry_after_s`` from the headers, other 4xx/5xx -> UpstreamError with the status). Nothing of
ours is patched; the only deliberate fault is ``corrupt_page_token_on``, which sends a damaged
page token on chosen calls so the real simulator answers 400 ``invalid_token``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from hotmart_membrane_mcp.errors import RateLimited, UpstreamError
from hotmart_membrane_mcp.membrane.failure import retry_after_seconds
from hotmart_membrane_mcp.membrane.models import ProxyRequest, ProxyResponse
from hotmart_membrane_mcp.sandbox.hotmart import Dataset, HotmartApi, load_dataset
from hotmart_membrane_mcp.sandbox.store import StateStore

NOW_MS = 1_780_000_000_000  # 2026-05-28T20:26:40Z: fixed so the data set is the same in every run
DAY_MS = 86_400_000
SEED = 7


@dataclass
class SimulatedHotmart:
    api: HotmartApi
    dataset: Dataset
    requests: list[ProxyRequest] = field(default_factory=list)
    corrupt_page_token_on: set[int] = field(default_factory=set)  # 1-based call numbers

    @classmethod
    def create(cls, directory: Path, *, rate_limit_every: int | None = None) -> SimulatedHotmart:
        store = StateStore(directory)
        api = HotmartApi(store, seed=SEED, now_ms=NOW_MS, rate_limit_every=rate_limit_every)
        return cls(api, load_dataset(store, seed=SEED, now_ms=NOW_MS))

    async def send(self, request: ProxyRequest) -> ProxyResponse:
        self.requests.append(request)
        if len(self.requests) in self.corrupt_page_token_on:
            damaged = tuple((k, "not-a-token" if k == "page_token" else v) for k, v in request.query)
            request = replace(request, query=damaged)
        query: dict[str, list[str]] = {}
        for key, value in request.query:
            query.setdefault(key, []).append(value)
        answer = self.api.handle(request.method, request.path, query, dict(request.headers), request.body)
        if answer.status == 429:
            raise RateLimited(
                "Rate limit reached.", retry_after_s=retry_after_seconds(answer.headers), status=429
            )
        if answer.status >= 400:
            raise UpstreamError(
                f"Hotmart answered with status {answer.status}", status=answer.status, body=answer.body
            )
        return ProxyResponse(answer.status, answer.headers, answer.body)


class RecordingSleep:
    """An injected sleep: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class ProgressLog:
    """An on_page callback that records every report."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int | None, str]] = []

    async def __call__(self, progress: int, total: int | None, message: str) -> None:
        self.reports.append((progress, total, message))
