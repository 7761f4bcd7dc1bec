"""The one error family of the server.

Every failure an agent can do something about is one of these classes. The Membrane
boundary raises them (mapped once, where the foreign error is first seen); tools let them
propagate, and the server (``HotmartMcpServer.call_tool``) turns each into an ``is_error`` tool
result whose text is the JSON of :meth:`HotmartMcpError.payload`.
Nothing above ``membrane/`` sees subprocess errors, exit codes or raw bytes.

    HotmartMcpError                      error_type
    ├── BackendUnavailable               membrane_unavailable
    │   └── MembraneCliMissing           membrane_cli_missing
    ├── NotLoggedIn                      not_logged_in
    ├── ConnectionNotReady               connection_not_ready
    ├── ActionNotFound                   action_not_found
    ├── InvalidInput                     invalid_input
    ├── UpstreamError                    upstream_error
    ├── RateLimited                      rate_limited
    ├── OperationTimeout                 timeout
    ├── MembraneFailed                   membrane_failed
    │   └── CliFailed                    cli_failed
    └── WritesDisabled                   writes_disabled
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

MAX_DETAIL_CHARS = 2_000
_T = TypeVar("_T")


def shorten(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    """Keep the end of long text (errors usually say what went wrong last)."""
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1) :]


class HotmartMcpError(Exception):
    """Base class: a failure with a message for the agent and the next step to take."""

    error_type: ClassVar[str] = "error"
    default_next_step: ClassVar[str] = "Check the message, correct the call and try again."

    def __init__(self, message: str, *, next_step: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.next_step = next_step or self.default_next_step
        self.details = {key: value for key, value in details.items() if value is not None}

    # Typed attributes for the details code reads back (httpx style: ``exc.status``, not
    # ``exc.details.get("status")``). They read ``details``, which stays the one store, because
    # ``payload()`` must list the details in the order the raising code named them.

    @property
    def field(self) -> str | None:
        """The input field the error is about (dotted for nested input), when one is."""
        return _typed(self.details.get("field"), str)

    @property
    def status(self) -> int | None:
        """The HTTP status Hotmart or Membrane answered with, when known."""
        return _typed(self.details.get("status"), int)

    @property
    def body(self) -> Any:
        """The response body that came with the failure (shortened text or parsed JSON), if any."""
        return self.details.get("body")

    @property
    def retry_after_s(self) -> float | None:
        """Seconds to wait before retrying, when the answer said."""
        value = self.details.get("retry_after_s")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    @property
    def exit_code(self) -> int | None:
        """The Membrane CLI's exit code, when a CLI process ran and ended."""
        return _typed(self.details.get("exit_code"), int)

    @property
    def os_error(self) -> str | None:
        """The errno name when the CLI process could not be started or talked to (``ENOENT``...)."""
        return _typed(self.details.get("os_error"), str)

    @property
    def timeout_s(self) -> float | None:
        """The limit that was exceeded, in seconds, for a timeout."""
        value = self.details.get("timeout_s")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def payload(self) -> dict[str, Any]:
        """The JSON object an agent receives as the text of the ``is_error`` result."""
        return {
            "error_type": self.error_type,
            "message": self.message,
            "next_step": self.next_step,
            **self.details,
        }


def _typed(value: Any, kind: type[_T]) -> _T | None:
    """``value`` when it is a ``kind`` (a bool does not count as an int), else None."""
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    return None


class BackendUnavailable(HotmartMcpError):
    """Membrane cannot be reached at all (its API does not answer; the CLI subclass: no executable)."""

    error_type = "membrane_unavailable"
    default_next_step = (
        "Membrane's API did not answer. Retry in a minute; if it keeps failing, ask the user to check "
        "MEMBRANE_API_URL and the network, then restart the MCP server."
    )


class MembraneCliMissing(BackendUnavailable):
    """The Membrane CLI executable could not be started."""

    error_type = "membrane_cli_missing"
    default_next_step = (
        "Ask the user to install the Membrane CLI with `npm install -g @membranehq/cli` "
        "(or set HOTMART_MCP_MEMBRANE_CMD to its path) and restart the MCP server."
    )


class NotLoggedIn(HotmartMcpError):
    """Membrane has no valid login for this machine."""

    error_type = "not_logged_in"
    default_next_step = "Call the `login` tool, show the user the link it returns, then retry."


class ConnectionNotReady(HotmartMcpError):
    """The Hotmart connection exists but cannot be used yet (a human must act, or it failed)."""

    error_type = "connection_not_ready"
    default_next_step = "Call `ensure_connection` and follow its next_step."


class ActionNotFound(HotmartMcpError):
    """The action id or key is unknown to Membrane."""

    error_type = "action_not_found"
    default_next_step = "Call `search_actions` to find the right action id, then retry."


class InvalidInput(HotmartMcpError):
    """An argument was refused before anything was sent (or Membrane refused it as invalid)."""

    error_type = "invalid_input"
    default_next_step = "Fix the named field and call again."


class UpstreamError(HotmartMcpError):
    """Hotmart (through Membrane) answered with an error status."""

    error_type = "upstream_error"
    default_next_step = "Read Hotmart's error, correct the request (path, parameters, ids) and retry."


class RateLimited(HotmartMcpError):
    """Hotmart or Membrane refused the call because of its rate limit."""

    error_type = "rate_limited"
    default_next_step = "Wait for retry_after_s seconds (or a minute if unknown), then retry."


class OperationTimeout(HotmartMcpError):
    """A Membrane call did not finish within the configured time and was stopped."""

    error_type = "timeout"
    default_next_step = "Retry with a narrower query (shorter date range, fewer pages) or try again later."


class MembraneFailed(HotmartMcpError):
    """Membrane failed in a way not covered by a more specific class (e.g. its API answered 500)."""

    error_type = "membrane_failed"
    default_next_step = "Retry once; if it fails again, show the message to the user."


class CliFailed(MembraneFailed):
    """The Membrane CLI failed in a way not covered by a more specific class."""

    error_type = "cli_failed"
    default_next_step = "Retry once; if it fails again, show the message to the user."


class WritesDisabled(HotmartMcpError):
    """A write was refused because the server runs read-only (HOTMART_MCP_WRITES=deny)."""

    error_type = "writes_disabled"
    default_next_step = (
        "This server is read-only. Tell the user the operation was not performed; "
        "they can enable writes with HOTMART_MCP_WRITES=confirm."
    )


ALL_ERROR_CLASSES: tuple[type[HotmartMcpError], ...] = (
    BackendUnavailable,
    MembraneCliMissing,
    NotLoggedIn,
    ConnectionNotReady,
    ActionNotFound,
    InvalidInput,
    UpstreamError,
    RateLimited,
    OperationTimeout,
    MembraneFailed,
    CliFailed,
    WritesDisabled,
)
