"""Tool arguments that several tools share, described once for the model."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..safety.confirm import MAX_TOKEN_CHARS

ConnectionIdArg = Annotated[
    str | None,
    Field(
        description="Membrane connection id to use, e.g. '65f0c2a1b3d4e5f601234567'. Omit to use the "
        "connection ensure_connection reported READY.",
        max_length=128,
    ),
]
ConfirmTokenArg = Annotated[
    str | None,
    Field(
        description="Only after the user agreed to a confirmation_required result of this same call: its "
        "confirm_token. Omit it otherwise; never pass a token the user has not approved.",
        max_length=MAX_TOKEN_CHARS,
    ),
]
