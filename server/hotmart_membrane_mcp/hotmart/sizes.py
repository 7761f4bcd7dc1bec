"""How big a result is: characters of its compact JSON with ASCII escapes.

That form is never shorter than the same value written as UTF-8 text, so a result that fits a
budget measured here also fits when a tool writes it without escapes. The result budget
(tools/budget) measures with it, and the page walker uses it to stop once a budget is full.
"""

from __future__ import annotations

import json
from typing import Any


def to_json(value: Any) -> str:
    """The serialisation the budget is measured on (compact, ASCII-escaped)."""
    return json.dumps(value, separators=(",", ":"))


def json_size(value: Any) -> int:
    """Characters of :func:`to_json` of ``value``."""
    return len(to_json(value))
