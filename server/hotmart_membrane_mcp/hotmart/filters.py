"""``where``: conditions every item of a list read must meet, checked here over every page read.

"Students under 10 % progress" or "overdue subscribers of product X" should not mean reading
hundreds of rows by eye (issue #10). An agent passes a list of conditions that must all hold:
``{"field": "<dotted path>", "op": "<op>", "value": ...}``. This module parses them (a bad one
is ``invalid_input`` naming its index and field) and decides whether an item matches; it knows
nothing about Hotmart's endpoints (pushing conditions down as query parameters is
:mod:`.pushdown`'s job).

Semantics, chosen to be what a careful analyst expects:

- A dotted path walks objects; through a list it reaches every element (as Hotmart's ``select``
  does), so ``products.name`` yields every product's name. A condition holds when *any* value
  found satisfies it, except ``ne``, which holds when *none* equals the value (a missing field is
  "not equal").
- Text compares without regard to case (``approved`` finds ``APPROVED``); numbers compare as
  numbers (``10`` equals ``10.0``); a boolean is never a number.
- ``lt``/``lte``/``gt``/``gte`` compare numbers with numbers and text with text. An ISO date as
  the value of a comparison against a number is read as epoch milliseconds (Hotmart's dates).
- ``in`` takes a non-empty list; ``contains`` finds a part of a text, or an element of a list;
  ``exists`` takes ``true`` (default) or ``false`` and tests for a non-null value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from .dates import parse_instant

OPS: tuple[str, ...] = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "exists")
ORDER_OPS = frozenset({"lt", "lte", "gt", "gte"})
MAX_CONDITIONS = 20
MAX_IN_VALUES = 100
_FIELD = re.compile(r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Condition:
    """One checked condition: ``field`` (dotted), ``op`` (one of OPS) and its ``value``."""

    field: str
    op: str
    value: Any


def parse_where(raw: Any, *, argument: str = "where") -> tuple[Condition, ...]:
    """The conditions of a ``where`` argument; InvalidInput naming the index and field of a bad one."""
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise InvalidInput(
            f"`{argument}` must be a list of conditions such as "
            '[{"field": "purchase.status", "op": "eq", "value": "APPROVED"}].',
            field=argument,
        )
    if len(raw) > MAX_CONDITIONS:
        raise InvalidInput(f"`{argument}` takes at most {MAX_CONDITIONS} conditions.", field=argument)
    return tuple(_parse_one(item, f"{argument}[{index}]") for index, item in enumerate(raw))


def _parse_one(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where} must be an object with field, op and value.", field=where)
    unknown = sorted(set(raw) - {"field", "op", "value"})
    field = raw.get("field")
    if unknown:
        raise InvalidInput(
            f"{where} has unknown keys {unknown}; a condition has only field, op and value.", field=where
        )
    if not isinstance(field, str) or not _FIELD.match(field) or len(field) > 200:
        raise InvalidInput(
            f"{where}.field must be a dotted attribute path such as 'purchase.price.value', got {field!r}.",
            field=f"{where}.field",
        )
    op = raw.get("op")
    if op not in OPS:
        raise InvalidInput(
            f"{where} (field {field!r}): op must be one of {', '.join(OPS)}, got {op!r}.",
            field=f"{where}.op",
        )
    value = _checked_value(op, raw.get("value"), "value" in raw, f"{where}.value", field)
    return Condition(field, op, value)


def _checked_value(op: str, value: Any, given: bool, where: str, field: str) -> Any:
    def bad(expected: str) -> InvalidInput:
        return InvalidInput(
            f"{where} (field {field!r}, op {op}): value must be {expected}, got {value!r}.", field=where
        )

    if op == "exists":
        if not given:
            return True
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if not given:
        raise bad("given")
    if op == "in":
        if not isinstance(value, list) or not value or len(value) > MAX_IN_VALUES:
            raise bad(f"a list of 1 to {MAX_IN_VALUES} values")
        if not all(_is_scalar(item) for item in value):
            raise bad("a list of texts, numbers, booleans or null")
        return tuple(value)
    if op in ORDER_OPS:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or _is_nan(value):
            raise bad("a number, a text or an ISO date")
        if isinstance(value, str) and _ISO_DATE.match(value):
            # Checked now so a malformed date is refused before any page is read.
            parse_instant(value, param=where)
        return value
    if op == "contains":
        if not _is_scalar(value) or value is None:
            raise bad("a text, number or boolean")
        return value
    if not _is_scalar(value) or _is_nan(value):
        raise bad("a text, number, boolean or null")
    return value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))


def values_at(item: Any, field: str) -> list[Any]:
    """Every value at the dotted ``field`` of ``item`` (through lists, every element); [] when absent."""
    current: list[Any] = [item]
    for part in field.split("."):
        found: list[Any] = []
        for value in _spread(current):
            if isinstance(value, Mapping) and part in value:
                found.append(value[part])
        current = found
    return current


def _spread(values: Iterable[Any]) -> Iterable[Any]:
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def matches(item: Any, conditions: Sequence[Condition]) -> bool:
    """True when ``item`` meets every condition (an empty list matches everything)."""
    return all(holds(item, condition) for condition in conditions)


def holds(item: Any, condition: Condition) -> bool:
    """Whether one condition holds for ``item`` (see the module docstring for the rules)."""
    found = values_at(item, condition.field)
    op, expected = condition.op, condition.value
    if op == "exists":
        present = any(value is not None for value in found)
        return present if expected else not present
    if op == "ne":
        return not any(_equal(value, expected) for value in _spread(found))
    leaves = list(_spread(found))
    if op == "eq":
        return any(_equal(value, expected) for value in leaves)
    if op == "in":
        return any(_equal(value, option) for value in leaves for option in expected)
    if op == "contains":
        return any(_contains(value, expected) for value in found)
    return any(_ordered(value, op, expected) for value in leaves)


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    if _is_number(value) and _is_number(expected):
        return value == expected
    if isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    return value is None and expected is None


def _contains(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return any(_equal(element, expected) for element in value)
    if isinstance(value, str):
        return str(expected).casefold() in value.casefold()
    return False


def _ordered(value: Any, op: str, expected: Any) -> bool:
    if _is_number(value) and isinstance(expected, str) and _ISO_DATE.match(expected):
        expected = parse_instant(expected, param="where")[0]
    if _is_number(value) and _is_number(expected):
        return _compare(float(value), op, float(expected))
    if isinstance(value, str) and isinstance(expected, str):
        return _compare(value.casefold(), op, expected.casefold())
    return False


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    if op == "gt":
        return left > right
    return left >= right


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not _is_nan(value)


def describe(conditions: Sequence[Condition]) -> list[dict[str, Any]]:
    """The conditions as plain objects, for a result or a fingerprint."""
    return [
        {"field": c.field, "op": c.op, "value": list(c.value) if isinstance(c.value, tuple) else c.value}
        for c in conditions
    ]
