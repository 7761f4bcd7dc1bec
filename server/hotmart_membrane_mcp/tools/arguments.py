"""Tool arguments that several tools share, described once for the model."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..safety.confirm import MAX_TOKEN_CHARS

ConnectionIdArg = Annotated[
    str | None,
    Field(
        description="Omit for the default.",
        max_length=128,
    ),
]
ConfirmTokenArg = Annotated[
    str | None,
    Field(
        description="Once the user agreed.",
        max_length=MAX_TOKEN_CHARS,
    ),
]
TimezoneArg = Annotated[
    str | None,
    Field(
        description="IANA zone, e.g. 'America/Sao_Paulo'.",
        max_length=64,
    ),
]
