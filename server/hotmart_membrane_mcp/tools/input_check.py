"""Checking an action's input against its JSON Schema before Membrane runs it.

Failing here costs nothing and names the exact field; failing inside Membrane costs a CLI call
and may come back as prose. ``jsonschema`` ships with mcp, so this adds no dependency.
"""

from __future__ import annotations

import logging
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing.exceptions import Unresolvable

from ..errors import InvalidInput
from .results import field_path

logger = logging.getLogger(__name__)


def check_input_against_schema(schema: dict[str, Any] | None, value: dict[str, Any]) -> None:
    """Raise InvalidInput naming the failing field (e.g. ``input.max_results``) if ``value`` fails ``schema``.

    A missing or broken schema is not the agent's fault: the input then goes to Membrane unchecked.
    """
    if not schema:
        return
    validator_class = validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except SchemaError:
        logger.warning("An action's input schema is not valid JSON Schema; its input is not checked here.")
        return
    try:
        errors = list(validator_class(schema).iter_errors(value))
    except Unresolvable:
        # A $ref we cannot follow (never fetched over the network): Membrane checks the input itself.
        logger.warning(
            "An action's input schema has a $ref that cannot be resolved; its input is not checked here."
        )
        return
    if not errors:
        return
    error = best_match(errors)
    field = field_path(_location(error), prefix=("input",))
    raise InvalidInput(
        f"{field}: {error.message}" + (f" ({len(errors) - 1} more problem(s))" if len(errors) > 1 else ""),
        next_step="Fix the named field so the input matches the action's input_schema (see search_actions), "
        "then call run_action again.",
        field=field,
    )


def _location(error: ValidationError) -> list[Any]:
    """Where the error is; for a missing required property, the property itself."""
    location = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in error.instance]
        if missing:
            location.append(missing[0])
    return location
