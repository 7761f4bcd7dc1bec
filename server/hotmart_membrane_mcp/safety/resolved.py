"""One write, resolved: the single object both the human's summary and the sent command come from.

A summary built from one set of values and a command built from another can disagree (issue #8:
the summary said "HP:tx", the CLI refunded HP5847252295). A ``ResolvedWrite`` holds the request
exactly as it will be sent (the proxy path with every placeholder filled, or the action id and
input), the records it touches and what the server looked up about them; the summary, the
confirmation fingerprint and the backend call are all derived from it and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..membrane.models import Action, ProxyRequest
from .classify import WriteInfo
from .confirm import write_fingerprint
from .summary import describe_write


@dataclass(frozen=True)
class ResolvedWrite:
    """A write as it will be sent: a proxy request (``request``) or an action run (``action`` + ``input``)."""

    tool: str
    connection_id: str
    info: WriteInfo  # operation, irreversible, the target ids
    request: ProxyRequest | None = None  # final path, no path parameters left to fill
    action: Action | None = None
    input: dict[str, Any] | None = None
    facts: tuple[str, ...] = ()  # readable lines the server looked up ("Amount: BRL 47.00 to Ana")

    def __post_init__(self) -> None:
        if (self.request is None) == (self.action is None):
            raise ValueError("a resolved write is either a proxy request or an action run")
        if self.request is not None and self.request.path_params:
            raise ValueError("a resolved proxy request has its path parameters filled in already")

    def summary(self) -> str:
        """What the human reads before agreeing: built from exactly what will be sent."""
        if self.request is not None:
            return describe_write(self.info, tool=self.tool, facts=self.facts, **self._request_fields())
        return describe_write(
            self.info, tool=self.tool, action=self.action, input=self.input, facts=self.facts
        )

    def fingerprint(self) -> str:
        """The confirmation binding: a hash of everything that decides what Hotmart will do."""
        if self.request is not None:
            return write_fingerprint(
                tool=self.tool, connection_id=self.connection_id, **self._request_fields()
            )
        assert self.action is not None
        return write_fingerprint(
            tool=self.tool, connection_id=self.connection_id, action_id=self.action.id, input=self.input
        )

    def _request_fields(self) -> dict[str, Any]:
        """What of the proxy request decides what Hotmart does: the summary and fingerprint read it."""
        assert self.request is not None
        request = self.request
        return {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "headers": request.headers,
            "body": request.body,
        }
