"""No function in the package is longer than 60 lines (issue #9), so each reads at one sitting.

Counted from ``def`` to the last line of the body, docstring and comments included, nested
functions counted in their own right (and inside their parent). A table of data is not a
function, so no exception is needed today; one would be named here with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "server" / "hotmart_membrane_mcp"
MAX_LINES = 60


def long_functions(source: str, max_lines: int = MAX_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function in ``source`` longer than ``max_lines``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno is not None
            lines = node.end_lineno - node.lineno + 1
            if lines > max_lines:
                found.append((node.name, lines))
    return found


def test_no_function_in_the_package_is_longer_than_sixty_lines() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE_DIR)}: {name} ({lines} lines)"
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        for name, lines in long_functions(path.read_text(encoding="utf-8"))
    ]

    assert offenders == [], "split these by meaning:\n" + "\n".join(offenders)


def test_the_length_check_sees_a_long_nested_function() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(61))
    source = f"def outer():\n    async def inner():\n{body}\n    return inner\n"

    assert long_functions(source) == [("outer", 64), ("inner", 62)]
