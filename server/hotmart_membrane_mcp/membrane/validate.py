"""Checks on user-supplied values before they go anywhere near a command line.

Every value a model sends that ends up in the Membrane CLI's argv passes one of these
checks first. A positional slot can never receive something that starts with ``-`` (it would
be read as a flag), and no value may carry NUL, CR or LF (NUL cannot be passed to exec at all;
CR/LF would let a header or a log line be forged). Each check raises ``InvalidInput`` naming
the field, so the agent knows exactly what to fix.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..errors import InvalidInput

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
LOGIN_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,127}$")
CLIENT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HOSTNAME_PATTERN = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
# Characters RFC 3986 allows in a path, plus `{}` for `--pathParam` templates.
API_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9\-._~%!$&'()*+,;=:@/{}]*$")
HEADER_NAME_PATTERN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})  # membrane-cli.md §2.11 `-X`
MAX_APP_URL_CHARS = 2000  # membrane-cli.md §2.4 (SDK EnsureConnectionRequest)
_FORBIDDEN_CHARS = re.compile(r"[\x00\r\n]")


def check_id(value: object, field: str) -> str:
    """Return ``value`` if it is a safe Membrane id or key (connection, action), else raise.

    Raises:
        InvalidInput: naming ``field`` when the value is not 1-128 letters, digits, ``_.:-``
            starting with a letter or digit.
    """
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InvalidInput(
            f"{field} must be a Membrane id: 1-128 letters, digits, '_', '.', ':' or '-', "
            "starting with a letter or digit.",
            field=field,
        )
    return value


def check_login_code(value: object, field: str = "code") -> str:
    """Return the login code if it is a short token of letters, digits and ``-``, else raise."""
    if not isinstance(value, str) or not LOGIN_CODE_PATTERN.fullmatch(value):
        raise InvalidInput(
            f"{field} must be the code shown in the browser: letters, digits and '-' only.",
            field=field,
        )
    return value


def check_client_name(value: object, field: str = "client_name") -> str:
    """Return the agent type passed as ``--clientName`` (e.g. ``claude``), else raise."""
    if not isinstance(value, str) or not CLIENT_NAME_PATTERN.fullmatch(value):
        raise InvalidInput(
            f"{field} must be a short name such as 'claude' or 'codex' (letters, digits, '_.-').",
            field=field,
        )
    return value


def check_app_url(value: object, field: str = "app_url") -> str:
    """Return ``value`` if it is an http(s) URL or a bare domain, else raise.

    Only the shape that keeps argv safe is checked here; Membrane applies its own rules
    (hostname with a dot, not an IPv4 address: membrane-cli.md §2.4) and its refusal comes back
    as ``InvalidInput`` too.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_APP_URL_CHARS:
        raise InvalidInput(
            f"{field} must be a URL or domain of 1-{MAX_APP_URL_CHARS} characters.", field=field
        )
    if any(char.isspace() or ord(char) < 0x20 for char in value):
        raise InvalidInput(f"{field} must not contain spaces or control characters.", field=field)
    has_scheme = "://" in value
    try:
        parts = urlsplit(value if has_scheme else f"https://{value}")
        hostname = parts.hostname or ""
    except ValueError:
        hostname = ""
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not HOSTNAME_PATTERN.fullmatch(hostname):
        raise InvalidInput(
            f'{field} must be an http(s) URL or a domain, e.g. "https://hotmart.com/" or "hotmart.com".',
            field=field,
        )
    return value


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


def check_api_path(value: object, field: str = "path") -> str:
    """Return a Hotmart API path such as ``/payments/api/v1/sales/history``, else raise.

    Full URLs are refused on purpose: ``membrane request`` accepts one instead of a path
    (membrane-cli.md §2.11) and would then send Membrane's credentials to that host.
    """
    if not isinstance(value, str) or not API_PATH_PATTERN.fullmatch(value) or len(value) > 2000:
        raise InvalidInput(
            f"{field} must be an API path starting with '/', without spaces, query string or host "
            "(put query parameters in `query`).",
            field=field,
        )
    decoded = unquote(value)  # the proxy may decode %2e / %2f before building the URL
    if value.startswith("//") or decoded.startswith("//"):  # a scheme-relative URL names another host
        raise InvalidInput(f"{field} must be a path on the Hotmart API, not '//host/...'.", field=field)
    if any(segment in (".", "..") for segment in decoded.replace("\\", "/").split("/")):
        raise InvalidInput(f"{field} must not contain '.' or '..' segments.", field=field)
    return value


def check_method(value: object, field: str = "method") -> str:
    """Return the upper-cased HTTP method if it is one ``membrane request`` supports, else raise."""
    method = value.upper() if isinstance(value, str) else ""
    if method not in HTTP_METHODS:
        raise InvalidInput(f"{field} must be one of {', '.join(sorted(HTTP_METHODS))}.", field=field)
    return method


def check_header(name: object, value: object, field: str = "headers") -> tuple[str, str]:
    """Return a safe ``(name, value)`` header pair, else raise (no CR/LF header injection)."""
    if not isinstance(name, str) or not HEADER_NAME_PATTERN.fullmatch(name):
        raise InvalidInput(f"{field}: {name!r} is not a valid header name.", field=field)
    return name, check_text(value, f"{field}.{name}", max_chars=8000, allow_empty=True)


def check_pair(key: object, value: object, field: str) -> tuple[str, str]:
    """Return a ``key=value`` pair for ``--query``/``--pathParam``; the key may not hold ``=``."""
    if not isinstance(key, str) or not key or "=" in key:
        raise InvalidInput(f"{field}: every key must be a non-empty string without '='.", field=field)
    check_text(key, field, max_chars=200)
    return key, check_text(value, f"{field}.{key}", max_chars=8000, allow_empty=True)
