"""Who may call the simulator's HTTP face: one static bearer token and/or tokens minted from a secret.

FACT (membrane-cli-contract.md §11): Membrane accepts a JWT signed with the workspace secret (HS256),
whose claims name the workspace (``iss`` in the SDK's minting, ``workspaceKey`` in the docs) and
an expiry ``exp``; opaque tokens (``pat-...``) are used as they are. The simulator checks both
kinds. The check is written here independently of the server's minting code, so a minting bug in
the server shows up as a 401 instead of being mirrored.

Variables (read once when ``serve`` starts):
``HOTMART_SANDBOX_API_TOKEN``         a bearer token accepted as is
``HOTMART_SANDBOX_WORKSPACE_KEY``     the workspace a minted token must name
``HOTMART_SANDBOX_WORKSPACE_SECRET``  the secret minted tokens are verified with
With none of them set, the one accepted token is ``sandbox-token``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import MembraneError

DEFAULT_TOKEN = "sandbox-token"


@dataclass(frozen=True)
class BearerPolicy:
    static_token: str | None
    workspace_key: str | None
    workspace_secret: str | None
    clock: Callable[[], float] = time.time

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> BearerPolicy:
        def get(name: str) -> str | None:
            return environ.get(name, "").strip() or None

        static = get("HOTMART_SANDBOX_API_TOKEN")
        key, secret = get("HOTMART_SANDBOX_WORKSPACE_KEY"), get("HOTMART_SANDBOX_WORKSPACE_SECRET")
        if static is None and secret is None:
            static = DEFAULT_TOKEN
        return cls(static, key, secret)

    def check(self, authorization: str | None) -> None:
        """Return quietly for an accepted ``Authorization`` header, else raise the API's 401 body."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthorized("Missing bearer token.")
        if self.static_token is not None and hmac.compare_digest(token.encode(), self.static_token.encode()):
            return
        if self.workspace_secret is not None and token.count(".") == 2:
            claims = self._verified_claims(token)
            workspace = claims.get("workspaceKey", claims.get("iss"))
            if self.workspace_key is not None and workspace != self.workspace_key:
                raise unauthorized("The token names another workspace.")
            expiry = claims.get("exp")
            if not isinstance(expiry, (int, float)) or expiry <= self.clock():
                raise unauthorized("The token has expired.")
            return
        raise unauthorized("Invalid access token.")

    def _verified_claims(self, token: str) -> dict[str, Any]:
        assert self.workspace_secret is not None
        head, payload, signature = token.split(".")
        expected = hmac.new(self.workspace_secret.encode(), f"{head}.{payload}".encode(), hashlib.sha256)
        try:
            header = json.loads(_unb64(head))
            given = _unb64(signature)
            claims = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            raise unauthorized("Malformed token.") from None
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise unauthorized("Unsupported token algorithm.")
        if not hmac.compare_digest(given, expected.digest()):
            raise unauthorized("Invalid token signature.")
        if not isinstance(claims, dict):
            raise unauthorized("Malformed token.")
        return claims


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unauthorized(reason: str) -> MembraneError:
    """FACT (membrane-cli-contract.md §13): ``bad_request`` / ``not_authenticated`` is Membrane's 401."""
    return MembraneError("bad_request", f"Not authenticated: {reason}", key="not_authenticated")
