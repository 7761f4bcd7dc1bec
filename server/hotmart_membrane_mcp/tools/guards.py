"""Argument checks the tools apply before anything reaches the Membrane boundary.

The HTTP arguments and the option-like test live in ``membrane/request_guards.py`` (one implementation,
run whenever a ``ProxyRequest`` is made); the argv-specific shapes (ids, URLs, codes) live in
``membrane/validate.py``. This module only combines them for the tools' free text
and optional ids, so every user-supplied slot answers a hostile value the same way:
``invalid_input`` naming the field, before anything is spawned.
"""

from __future__ import annotations

from ..membrane.request_guards import check_not_option
from ..membrane.validate import check_id, check_text

__all__ = ["check_not_option", "check_optional_id", "check_phrase"]


def check_phrase(value: str, field: str, *, max_chars: int) -> str:
    """A one-line free text (an intent, a name) that does not look like an option."""
    return check_not_option(check_text(value, field, max_chars=max_chars), field)


def check_optional_id(value: str | None, field: str) -> str | None:
    """A Membrane id argument the agent may omit (``None`` stays ``None``)."""
    return None if value is None else check_id(value, field)
