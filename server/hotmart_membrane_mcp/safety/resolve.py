"""Fill a proxy path's placeholders on the server, so the path sent is the path the human saw.

How ``membrane request --pathParam`` finds a placeholder is UNKNOWN (membrane-cli-contract.md §9);
the simulator, like common router code, fills ``:name`` and ``{name}`` wherever they occur,
also inside a segment: ``/sales/HP:tx/refund`` with ``tx=5847252295`` refunds HP5847252295 while
a summary built from the template showed "HP:tx". So the server fills the path itself and sends
the final path with no ``--pathParam`` at all, and refuses everything it cannot fill without
guessing, before anything is asked or spawned:

- a placeholder is a whole segment, ``{name}`` or ``:name``; one inside a segment
  (``HP:tx``, ``HP{tx}``, ``{a}-{b}``) is refused, as is any other ``{``, ``}`` or ``:``;
- every placeholder needs a value, and every value a placeholder (a misspelt name would
  otherwise leave the placeholder in the path);
- a value may hold no ``{``, ``}`` or ``:``, also percent-encoded: the final path must carry
  nothing Membrane could read as a placeholder.

A name used twice is filled in both places (both are shown to the human).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from ..errors import InvalidInput
from ..membrane.request_guards import check_api_path, refuse

_WHOLE_SEGMENT = re.compile(r"^(?:\{([A-Za-z_][A-Za-z0-9_.-]*)\}|:([A-Za-z_][A-Za-z0-9_]*))$")
_PLACEHOLDER_MARKS = re.compile(r"[{}:]")
_EXAMPLE = (
    "Make the placeholder a whole segment, e.g. path '/payments/api/v1/sales/{transaction_code}/refund' "
    'with path_params {"transaction_code": "HP5847252295"}, or write the value into the path.'
)


def placeholders(path: str) -> list[str]:
    """The placeholder names of ``path`` in order (whole segments only), repeats included."""
    names = []
    for segment in path.split("/"):
        match = _WHOLE_SEGMENT.match(segment)
        if match:
            names.append(match[1] or match[2])
    return names


def resolve_path(path: str, path_params: Iterable[tuple[str, str]]) -> str:
    """``path`` with every placeholder replaced by its value: exactly the path that will be sent.

    ``path`` and the values have passed the argument guards already (one safe segment each).

    Raises:
        InvalidInput: a placeholder inside a segment, a placeholder without a value, a value
            without a placeholder, a name given twice, or a value that looks like a placeholder.
    """
    values: dict[str, str] = {}
    for name, value in path_params:
        if name in values:
            raise refuse(f"path_params.{name}", "is given more than once; give one value per placeholder.")
        _refuse_placeholder_marks(value, f"path_params.{name}")
        values[name] = value
    segments = path.split("/")
    for segment in segments:
        if not _WHOLE_SEGMENT.match(segment) and _PLACEHOLDER_MARKS.search(segment):
            raise refuse(
                "path",
                f"has the segment {segment[:100]!r} with '{{', '}}' or ':' inside it. How Membrane fills a "
                "placeholder inside a segment is not documented (it may fill ':tx' in 'HP:tx'), so what "
                "would be sent cannot be shown for sure.",
                next_step=_EXAMPLE,
            )
    wanted = placeholders(path)
    for name in wanted:
        if name not in values:
            raise refuse(
                "path_params",
                f"has no value for the placeholder {name!r} of path; give path_params {{{name!r}: ...}}.",
            )
    unused = [name for name in values if name not in wanted]
    if unused:
        known = ", ".join(repr(name) for name in dict.fromkeys(wanted)) or "none"
        raise refuse(
            f"path_params.{unused[0]}",
            f"matches no placeholder of path (its placeholders: {known}); a misspelt name would leave "
            "the placeholder unfilled.",
        )
    filled = []
    for segment in segments:
        match = _WHOLE_SEGMENT.match(segment)
        filled.append(values[match[1] or match[2]] if match else segment)
    return check_api_path("/".join(filled))


def _refuse_placeholder_marks(value: str, field: str) -> None:
    layer, seen = value, set()
    while layer not in seen:  # the value and each percent-decoding of it
        if _PLACEHOLDER_MARKS.search(layer):
            raise InvalidInput(
                f"`{field}` contains '{{', '}}' or ':', which Membrane could read as a placeholder; "
                "Hotmart ids and codes have none.",
                field=field,
            )
        seen.add(layer)
        layer = unquote(layer)
