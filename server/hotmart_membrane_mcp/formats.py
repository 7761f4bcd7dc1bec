"""The shapes of values that reach Membrane: ids, agent names, the app URL.

A leaf shared by the settings (config/) and the checks on tool arguments (membrane/validate.py),
so a value the server accepts at start is accepted in a call and the other way round.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import InvalidInput

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
CLIENT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HOSTNAME_PATTERN = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
MAX_APP_URL_CHARS = 2000  # membrane-cli-contract.md §4 (SDK EnsureConnectionRequest)


def check_app_url(value: object, field: str = "app_url") -> str:
    """Return ``value`` if it is an http(s) URL or a bare domain, else raise.

    Only the shape that keeps argv safe is checked here; Membrane applies its own rules
    (hostname with a dot, not an IPv4 address: membrane-cli-contract.md §4) and its refusal comes back
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
