"""What the tools share within one server process: settings, the backend, caches, the default connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

from ..config import Settings
from ..hotmart.page_cache import PageCache
from ..membrane.backend import MembraneBackend, Sleep
from ..membrane.models import Action
from ..safety.confirm import ConfirmationStore
from .cache import TtlCache
from .sign_in_links import SignInLinks

CACHE_TTL_S = 300.0


@dataclass
class ServerState:
    """Dependencies of the tools, captured by closure when the server is built (no module globals)."""

    settings: Settings
    backend: MembraneBackend
    clock: Callable[[], float] = time.monotonic
    # How the tools wait (a rate limit's Retry-After, a read's retry); tests inject one that records.
    sleep: Sleep = anyio.sleep
    # The last connection ensure_connection saw READY; the other tools use it by default.
    default_connection_id: str | None = None
    # After the user accepted a sign-in link, how long to wait for Membrane to see the result.
    recheck_wait_s: int = 5
    search_cache: TtlCache[list[Action]] = field(init=False)
    action_cache: TtlCache[Action] = field(init=False)
    # Pending confirm_tokens of held writes (issue #4): in memory only, on the same clock.
    confirmations: ConfirmationStore = field(init=False)
    # The sign-in link handed out per pending connection, reused while fresh (issue #10).
    sign_in_links: SignInLinks = field(init=False)
    # The last pages read, so following a continuation token does not fetch its page again (issue #9).
    page_cache: PageCache = field(init=False)

    def __post_init__(self) -> None:
        self.search_cache = TtlCache(self.clock, CACHE_TTL_S)
        self.action_cache = TtlCache(self.clock, CACHE_TTL_S)
        self.confirmations = ConfirmationStore(self.clock)
        self.sign_in_links = SignInLinks(self.clock)
        self.page_cache = PageCache(self.clock)

    def remember_actions(self, actions: list[Action]) -> None:
        """Keep actions seen in a search so run_action can validate input without another CLI call."""
        for action in actions:
            self.action_cache.put(action.id, action)
            if action.key:
                self.action_cache.put(action.key, action)
