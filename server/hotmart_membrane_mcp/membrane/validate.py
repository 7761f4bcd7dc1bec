"""Checks on the argv-specific values a model sends: ids, the app URL, the login code, names, text.

Every value that ends up in the Membrane CLI's argv passes a check first. A positional slot can
never receive something that starts with ``-`` (it would be read as a flag), and no value may
carry NUL, CR or LF (NUL cannot be passed to exec at all; CR/LF would let a log line be forged).
Each check raises ``InvalidInput`` naming the field, so the agent knows exactly what to fix.

The HTTP arguments of ``membrane request`` (path, method, headers, query, path parameters, body)
have one implementation, in ``membrane/request_guards.py``; only the CLI's own narrower method list is here.
"""

from __future__ import annotations

import re

from ..errors import InvalidInput
from ..formats import CLIENT_NAME_PATTERN, ID_PATTERN
from .request_guards import check_method

LOGIN_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,127}$")
# membrane-cli-contract.md §9 documents `-X` for these; HEAD through the CLI is UNKNOWN.
CLI_REQUEST_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_FORBIDDEN_CHARS = re.compile(r"[\x00\r\n]")


def check_id(value: object, field: str) -> str:
    """Return ``value`` if it is a safe Membrane id or key (connection, action), else raise.

    Raises:
        InvalidInput: naming ``field`` when the value is not 1-128 letters, digits, ``_.:-``
            starting with a letter or digit.
    """
    return _matching(
        ID_PATTERN,
        value,
        field,
        "must be a Membrane id: 1-128 letters, digits, '_', '.', ':' or '-', "
        "starting with a letter or digit.",
    )


def check_login_code(value: object, field: str = "code") -> str:
    """Return the login code if it is a short token of letters, digits and ``-``, else raise."""
    return _matching(
        LOGIN_CODE_PATTERN,
        value,
        field,
        "must be the code shown in the browser: letters, digits and '-' only.",
    )


def check_client_name(value: object, field: str = "client_name") -> str:
    """Return the agent type passed as ``--clientName`` (e.g. ``claude``), else raise."""
    return _matching(
        CLIENT_NAME_PATTERN,
        value,
        field,
        "must be a short name such as 'claude' or 'codex' (letters, digits, '_.-').",
    )


def check_text(value: object, field: str, *, max_chars: int = 1000, allow_empty: bool = False) -> str:
    """Return a one-line free-text value (names, intents) or raise if it holds NUL, CR or LF."""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string.", field=field)
    if not value.strip() and not allow_empty:
        raise InvalidInput(f"{field} must not be empty.", field=field)
    if len(value) > max_chars:
        raise InvalidInput(f"{field} must be at most {max_chars} characters.", field=field)
    if _FORBIDDEN_CHARS.search(value):
        raise InvalidInput(f"{field} must be one line, without NUL, CR or LF characters.", field=field)
    return value


def check_request_method(value: object, field: str = "method") -> str:
    """The upper-cased method if ``membrane request -X`` documents it (request_guards' list minus HEAD)."""
    method = check_method(value, field=field)
    if method not in CLI_REQUEST_METHODS:
        raise InvalidInput(f"{field} must be one of {', '.join(CLI_REQUEST_METHODS)}.", field=field)
    return method


def _matching(pattern: re.Pattern[str], value: object, field: str, problem: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInput(f"{field} {problem}", field=field)
    return value
