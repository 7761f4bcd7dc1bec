"""One sign-in link per pending connection, reused while it is fresh.

Every early re-check of a pending connection used to reconnect it, and each reconnect mints a
new link (issue #10): the user opens the first link while the agent already shows a second one.
A link is now kept per connection id and handed out again until the connection leaves
CLIENT_ACTION_REQUIRED or the link is older than ``LINK_TTL_S``. How long Membrane keeps a link
valid is UNKNOWN (membrane-cli-contract.md §12), so the TTL is short and a stale link is replaced by a
reconnect rather than trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LINK_TTL_S = 600.0


@dataclass
class SignInLinks:
    """The sign-in link last handed out per connection id, with when it was first seen."""

    clock: Callable[[], float]
    ttl_s: float = LINK_TTL_S
    _links: dict[str, tuple[str, float]] = field(default_factory=dict)

    def fresh(self, connection_id: str, offered: str | None) -> str | None:
        """The link to show for ``connection_id``: the kept one while fresh, else ``offered`` if new.

        None means there is no usable link: reconnect to get one and :meth:`keep` it.
        """
        kept = self._links.get(connection_id)
        now = self.clock()
        if kept is not None and now - kept[1] < self.ttl_s:
            return kept[0]
        if offered and (kept is None or kept[0] != offered):
            self._links[connection_id] = (offered, now)
            return offered
        return None

    def keep(self, connection_id: str, link: str | None) -> None:
        """Remember a link Membrane just issued (a reconnect)."""
        if link:
            self._links[connection_id] = (link, self.clock())

    def forget(self, connection_id: str) -> None:
        """The connection is no longer waiting for the user: its link is spent."""
        self._links.pop(connection_id, None)
