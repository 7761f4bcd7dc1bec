"""bench/run_all.py runs every bench of bench/, so README's figures cannot miss a new one.

No bench is run here and nothing is timed: this only reads which scripts exist.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load_run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run_all", BENCH / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_all_knows_every_bench_script() -> None:
    run_all = load_run_all()
    scripts = {path.stem for path in BENCH.glob("*.py")} - {"run_all"}
    assert scripts, "no bench script found"
    assert run_all.bench_scripts() == scripts
    assert set(run_all.BENCHES) == scripts, "add the new bench to BENCHES in bench/run_all.py"
    assert set(run_all.SECTIONS) == scripts, "add a section for the new bench in bench/run_all.py"
