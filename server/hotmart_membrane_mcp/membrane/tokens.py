"""Where the api backend's bearer token comes from: given as is, or minted from a workspace secret.

Sources, first match wins (README "Choosing a backend"):

1. ``MEMBRANE_TOKEN`` (or ``MEMBRANE_ACCESS_TOKEN``, the SDK's name): used as is; it cannot be
   renewed, so a 401 means the variable holds a bad or expired token.
2. ``MEMBRANE_WORKSPACE_KEY`` + ``MEMBRANE_WORKSPACE_SECRET`` (+ ``MEMBRANE_TENANT_KEY``): the
   server mints short-lived HS256 tenant tokens itself. FACT (membrane-cli-contract.md §11, SDK
   ``mintToken``): header ``{alg: HS256, typ: JWT}``, claims ``{id: tenantKey, iss:
   workspaceKey, exp}``, base64url without padding, re-minted when under 60 s remain. The
   docs' claim names (``workspaceKey``, ``tenantKey``, membrane-cli-contract.md §11) are sent too: both styles
   are in use.

A token never reaches a log line, a result or an error: sources expose only ``description``
(which variables), and ``__repr__`` hides the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from ..config import TENANT_KEY, TOKEN_VARIABLES, WORKSPACE_KEY, WORKSPACE_SECRET, token_variables

TOKEN_LIFETIME_S = 3600  # FACT (SDK mintToken): one hour
RENEW_MARGIN_S = 60  # FACT (SDK): re-minted when under 60 s remain


class TokenSource(Protocol):
    """A bearer token for Membrane's API, renewable or not."""

    @property
    def description(self) -> str:
        """Which variables the token comes from (safe to log and to show)."""
        ...

    @property
    def fix_hint(self) -> str:
        """What the user should change when Membrane refuses the token."""
        ...

    def token(self) -> str:
        """The token to send now (a minted one is renewed before it expires)."""
        ...

    def renew(self) -> bool:
        """Forget the current token after a 401; True when a fresh one can be made."""
        ...


class StaticToken:
    """A token given in the environment, used as is."""

    def __init__(self, token: str, variable: str) -> None:
        self._token = token
        self.variable = variable

    @property
    def description(self) -> str:
        return self.variable

    @property
    def fix_hint(self) -> str:
        return (
            f"Ask the user to set {self.variable} to a valid Membrane access token, then restart the server."
        )

    def token(self) -> str:
        return self._token

    def renew(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"StaticToken(variable={self.variable!r})"


class MintedToken:
    """Tenant tokens minted from the workspace key and secret, renewed before they expire."""

    def __init__(
        self,
        workspace_key: str,
        workspace_secret: str,
        tenant_key: str | None = None,
        *,
        lifetime_s: int = TOKEN_LIFETIME_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lifetime_s <= RENEW_MARGIN_S:
            raise ValueError("lifetime_s must be longer than the renewal margin")
        self.workspace_key = workspace_key
        self.tenant_key = tenant_key
        self._secret = workspace_secret
        self._lifetime_s = lifetime_s
        self._clock = clock
        self._current: str | None = None
        self._expires_at = 0.0
        self.minted = 0  # how many tokens were made (tests read it)

    @property
    def description(self) -> str:
        names = [WORKSPACE_KEY, WORKSPACE_SECRET] + ([TENANT_KEY] if self.tenant_key else [])
        return " + ".join(names) + " (minted tokens)"

    @property
    def fix_hint(self) -> str:
        return (
            f"Ask the user to check {WORKSPACE_KEY} and {WORKSPACE_SECRET} (the workspace's key and secret "
            f"from Membrane's console){' and ' + TENANT_KEY if self.tenant_key else ''}, then restart the "
            "MCP server."
        )

    def token(self) -> str:
        now = self._clock()
        if self._current is None or self._expires_at - now < RENEW_MARGIN_S:
            self._expires_at = int(now) + self._lifetime_s
            self._current = mint_token(
                self.workspace_key,
                self._secret,
                self.tenant_key,
                expires_at=int(self._expires_at),
                issued_at=int(now),
            )
            self.minted += 1
        return self._current

    def renew(self) -> bool:
        self._current = None
        return True

    def __repr__(self) -> str:
        return f"MintedToken(workspace_key={self.workspace_key!r}, tenant_key={self.tenant_key!r})"


def mint_token(
    workspace_key: str, secret: str, tenant_key: str | None, *, expires_at: int, issued_at: int
) -> str:
    """An HS256 JWT for Membrane's API (claims: module docstring)."""
    claims: dict[str, object] = {"iss": workspace_key, "workspaceKey": workspace_key}
    if tenant_key:
        claims.update(id=tenant_key, tenantKey=tenant_key)
    claims.update(iat=issued_at, exp=expires_at)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def token_source_from_env(environ: Mapping[str, str]) -> TokenSource | None:
    """The first configured source (module docstring), or None when no token variable is set.

    Raises:
        ConfigError: only half of the workspace pair is set.
    """
    names = token_variables(environ)
    if not names:
        return None

    def get(name: str) -> str:
        return environ.get(name, "").strip()

    if names[0] in TOKEN_VARIABLES:
        return StaticToken(get(names[0]), names[0])
    return MintedToken(get(WORKSPACE_KEY), get(WORKSPACE_SECRET), get(TENANT_KEY) or None)
