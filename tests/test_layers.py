"""The package's layers only point down: no import cycle between them, config at the bottom.

The graph is read from the source with ``ast`` (imports at module level and inside functions;
those under ``if TYPE_CHECKING:`` are left out, they never run). Its nodes are the subpackages
(tools, hotmart, safety, membrane, config, sandbox, ...) and the top-level modules: every module
of a subpackage belongs to its subpackage's node, so a rule on ``config`` holds for each of its
modules, and imports between modules of one subpackage are not edges.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "hotmart_membrane_mcp"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / "server" / PACKAGE
SUBPACKAGES = ("tools", "hotmart", "safety", "membrane", "config", "sandbox")
# The bottom: config and the leaves it reads values through, which import nothing but errors.
# Each node's height: an import may only go to the same height (the cycle test still applies) or
# lower. tools -> (hotmart domain, safety) -> membrane boundary -> config -> plain leaves.
HEIGHTS = {
    **dict.fromkeys(("__main__", "app", "demo", "doctor", "sandbox_api", "server", "sandbox"), 5),
    "tools": 4,
    "hotmart": 3,
    "safety": 3,
    "membrane": 2,
    "config": 1,
    **dict.fromkeys(("errors", "formats", "zones"), 0),
}
CONFIG = "config"
SANDBOX = "sandbox"
BOTTOM_LEAVES = frozenset({"errors", "formats", "zones"})


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth, outside ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(tree):
        if is_type_checking_block(child):
            assert isinstance(child, ast.If)
            for other in child.orelse:
                yield from runtime_imports_in(other)
            continue
        yield from runtime_imports_in(child)


def runtime_imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    yield from runtime_imports(node)


def imported_modules(path: Path, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """Absolute names of the package modules that ``path`` imports (``from x import y`` adds x.y too)."""
    current = module_name(path, package_dir)
    package = current if path.name == "__init__.py" else current.rpartition(".")[0]
    found: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base_parts = package.split(".")
            base_parts = base_parts[: len(base_parts) - (node.level - 1)]
            base = ".".join(base_parts + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        found.add(base)
        # `from . import parse` names a module; `from .x import name` names an attribute. Both are
        # kept: layer_of maps each to its layer, and an attribute maps to the layer of its module.
        found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def layer_of(module: str) -> str | None:
    """The node a module belongs to: its subpackage, or the top-level module itself."""
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself (its __init__)
    return parts[1]


def package_modules(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    return {module_name(path, package_dir): path for path in sorted(package_dir.rglob("*.py"))}


def module_of(name: str, modules: dict[str, Path]) -> str | None:
    """The package module an imported name is or lives in (``x.y.Name`` -> ``x.y``)."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name if name in modules else None


def layer_edges(package_dir: Path = PACKAGE_DIR) -> dict[tuple[str, str], list[str]]:
    """(importing layer, imported layer) -> the module imports behind that edge."""
    modules = package_modules(package_dir)
    edges: dict[tuple[str, str], list[str]] = {}
    for name, path in modules.items():
        source = layer_of(name)
        if source is None:
            continue
        targets = {module_of(imported, modules) for imported in imported_modules(path, package_dir)}
        for module in sorted(target for target in targets if target is not None):
            target = layer_of(module)
            if target is not None and target != source:
                edges.setdefault((source, target), []).append(f"{name} -> {module}")
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one layer (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def describe(group: list[str], edges: dict[tuple[str, str], list[str]]) -> str:
    lines = [f"cycle between {', '.join(group)}:"]
    for (source, target), imports in sorted(edges.items()):
        if source in group and target in group:
            lines.extend(f"  {source} -> {target}: {line}" for line in imports)
    return "\n".join(lines)


def test_the_import_walk_sees_known_edges_so_an_empty_cycle_list_means_something() -> None:
    edges = layer_edges()

    assert set(SUBPACKAGES) <= {layer_of(name) for name in package_modules()}
    assert ("tools", "membrane") in edges
    assert ("server", "tools") in edges
    assert ("membrane", "errors") in edges
    # A function-level import counts: app.py imports sandbox_api only inside a function.
    assert ("app", "sandbox_api") in edges


def test_the_cycle_finder_reports_a_cycle_it_is_given() -> None:
    edges = {("a", "b"): ["x"], ("b", "c"): ["y"], ("c", "a"): ["z"], ("c", "d"): ["w"]}

    assert cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycle_between_subpackages_and_top_level_modules() -> None:
    edges = layer_edges()

    found = cycles(edges)

    assert not found, "\n".join(describe(group, edges) for group in found)


def test_every_import_points_down_or_sideways_never_up() -> None:
    nodes = {layer_of(name) for name in package_modules()} - {None}
    edges = layer_edges()

    assert nodes <= set(HEIGHTS), f"give these a height in HEIGHTS: {nodes - set(HEIGHTS)}"
    upward = {edge: imports for edge, imports in edges.items() if HEIGHTS[edge[0]] < HEIGHTS[edge[1]]}
    assert not upward, upward


def imports_from_config(edges: dict[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    return {target: imports for (source, target), imports in edges.items() if source == CONFIG}


def test_config_imports_nothing_from_the_domain_only_the_bottom_leaves() -> None:
    from_config = imports_from_config(layer_edges())

    assert set(from_config) <= BOTTOM_LEAVES, from_config


def test_the_walk_reads_the_modules_inside_the_config_package_not_only_its_init() -> None:
    config_modules = [name for name in package_modules() if layer_of(name) == CONFIG]
    importers = {
        line.split(" -> ")[0] for lines in imports_from_config(layer_edges()).values() for line in lines
    }

    assert len(config_modules) > 1, config_modules
    # The leaves are read by the package's modules (its __init__ only re-exports them).
    assert any(importer.startswith(f"{PACKAGE}.{CONFIG}.") for importer in importers), importers


def test_an_import_of_the_membrane_layer_in_any_module_of_the_config_package_is_caught(
    tmp_path: Path,
) -> None:
    package = tmp_path / PACKAGE
    for module, source in {
        "__init__.py": "",
        "errors.py": "",
        "membrane/__init__.py": "from ..config import Settings\n",
        "config/__init__.py": "from .settings import Settings\n",
        "config/settings.py": "from ..errors import InvalidInput\nfrom .checks import check\n",
        "config/checks.py": "def check() -> None:\n    from ..membrane import factory\n",
    }.items():
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text(source)

    from_config = imports_from_config(layer_edges(package))

    assert from_config == {
        "errors": [f"{PACKAGE}.config.settings -> {PACKAGE}.errors"],
        "membrane": [f"{PACKAGE}.config.checks -> {PACKAGE}.membrane"],
    }
    assert not set(from_config) <= BOTTOM_LEAVES


def test_the_leaves_under_config_import_nothing_but_errors() -> None:
    edges = layer_edges()

    for leaf in BOTTOM_LEAVES:
        imported = {target for (source, target) in edges if source == leaf}
        assert imported <= {"errors"}, (leaf, imported)
    assert not {target for (source, target) in edges if source == "errors"}


def test_no_server_module_imports_the_simulator_it_runs_as_a_separate_process() -> None:
    # --sandbox, demo and doctor reach it as `python -m hotmart_membrane_mcp.sandbox` (config's
    # SANDBOX_COMMAND, sandbox_api.py for its HTTP face), never by importing it.
    importers = {
        source: imports for (source, target), imports in layer_edges().items() if target == "sandbox"
    }

    assert not importers, importers


def test_the_simulator_imports_nothing_of_the_server() -> None:
    edges = layer_edges()

    imported = {target: imports for (source, target), imports in edges.items() if source == SANDBOX}

    assert not imported, imported
