"""Hotmart-style API errors (hotmart-api-traps.md §12).

Handlers raise :class:`ApiError`; the dispatcher turns it into the documented error body
``{error, error_description, error_uri}`` with the matching HTTP status.
"""

from __future__ import annotations

from typing import Any

ERROR_URI = "https://developers.hotmart.com/docs/en/start/http-response-codes/"


class ApiError(Exception):
    """A request the simulated API refuses, with its HTTP status and Hotmart error type."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, Any]:
        """The error object exactly as Hotmart documents it."""
        return error_body(self.error, self.description)


def error_body(error: str, description: str) -> dict[str, Any]:
    """Build ``{error, error_description, error_uri}``."""
    return {"error": error, "error_description": description, "error_uri": ERROR_URI}


def bad_value(name: str, detail: str) -> ApiError:
    """400 ``invalid_value_parameter``: a query-string value that cannot be parsed."""
    return ApiError(400, "invalid_value_parameter", f"Invalid value for parameter '{name}': {detail}")


def bad_parameter(detail: str) -> ApiError:
    """400 ``invalid_parameter``: a malformed request (unknown enum value, bad body field...)."""
    # The OBSERVED live message starts like this (hotmart-api-traps.md §12 table).
    return ApiError(400, "invalid_parameter", f"The request was unacceptable: {detail}")


def not_found(what: str) -> ApiError:
    """404 ``not_found`` for an unknown record."""
    return ApiError(404, "not_found", f"{what} not found")
