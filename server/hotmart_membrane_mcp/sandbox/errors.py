"""The two ways a simulated ``membrane`` invocation can fail.

``UsageError`` is a bad command line (exit 2, text on stderr, whatever the output variant).
``MembraneError`` is an error answered by Membrane's API (exit 1), carried as the API's error
body ``{type, key?, message, data?}`` (membrane-cli-contract.md §13) and rendered by ``output.py``.
"""

from __future__ import annotations

from typing import Any


class UsageError(Exception):
    """The command line cannot be understood: unknown command or flag, missing argument, bad value."""


class MembraneError(Exception):
    """An error body of Membrane's API: ``{type, key?, message, data?}``."""

    def __init__(
        self,
        type_: str,
        message: str,
        *,
        key: str | None = None,
        data: dict[str, Any] | None = None,
        text_detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message
        self.key = key
        self.data = data
        # Appended to the one-line text rendering (``Error: <message>: <detail>``), e.g. the
        # compact response body of a failed proxied request.
        self.text_detail = text_detail

    def body(self) -> dict[str, Any]:
        """The JSON error body, keys in the documented order, optional keys only when set."""
        body: dict[str, Any] = {"type": self.type}
        if self.key is not None:
            body["key"] = self.key
        body["message"] = self.message
        if self.data is not None:
            body["data"] = self.data
        return body


def not_found(message: str) -> MembraneError:
    """``bad_request``/``not_found``, as in ERR's example (membrane-cli-contract.md §13)."""
    return MembraneError("bad_request", message, key="not_found")


def bad_request(message: str, data: dict[str, Any] | None = None) -> MembraneError:
    """A validation failure of the request (HTTP 400 in the API)."""
    return MembraneError("bad_request", message, data=data)


def not_authenticated() -> MembraneError:
    """A tenant command run while no tenant login is active (IA-skill: 401 -> re-login)."""
    return MembraneError(
        "bad_request",
        "Not authenticated. Run `membrane login --tenant` to log in, then `membrane login complete <code>`.",
        key="not_authenticated",
    )


def internal_error() -> MembraneError:
    """Membrane's own 500 (``internal``), used by the flaky scenario."""
    return MembraneError("internal", "Internal server error")
