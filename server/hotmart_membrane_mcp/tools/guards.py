"""Argument checks the tools apply before anything reaches the Membrane boundary.

The boundary validates again (membrane/validate.py) because it builds the argv; these checks
exist so that every user-supplied slot answers the same way to a value that looks like a
command-line option, whichever backend is in use: ``invalid_input`` naming the field.
"""

from __future__ import annotations

from ..errors import InvalidInput
from ..membrane.validate import check_text


def check_not_option(value: str, field: str) -> str:
    """Refuse a value that starts with ``-``: in an argv it could be read as a flag."""
    if value.lstrip().startswith("-"):
        raise InvalidInput(
            f"{field} must not start with '-' (it could be taken for a command-line option).",
            field=field,
        )
    return value


def check_phrase(value: str, field: str, *, max_chars: int) -> str:
    """A one-line free text (an intent, a name) that does not look like an option."""
    return check_not_option(check_text(value, field, max_chars=max_chars), field)
