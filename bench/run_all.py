"""Every bench of bench/ in one run, by hand (not in CI): ``python bench/run_all.py``.

Prints one markdown block with every figure README's Performance section quotes, headed with
the conditions at start (date, Python, CPU count, load average), so that all of README's figures
come from one run on one machine. ``--calls`` and ``--starts`` cut the repetitions of the timed
benches (medians of fewer samples) when the machine is busy.

Each bench stays runnable on its own; this script imports the functions their ``main`` uses.
A bench added to bench/ must be added to ``BENCHES`` too: the script refuses to run otherwise
(and tests/test_bench_run_all.py says so in the suite).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

import anyio

HERE = Path(__file__).resolve().parent

# Every bench script of bench/, in the order they run, with the section of the block it prints.
BENCHES = {
    "bench_server": "Server overhead",
    "bench_surface": "The surface",
    "bench_backends": "Api backend vs CLI backend",
    "bench_data": "A year of sales",
    "bench_scenarios": "Everyday tasks",
}


def bench_scripts() -> set[str]:
    """The bench scripts found in bench/ (this runner excluded)."""
    return {path.stem for path in HERE.glob("*.py") if path.stem != Path(__file__).stem}


def load(name: str) -> ModuleType:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return importlib.import_module(name)


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):
        return "not available on this platform"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min)"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


async def server_section(calls: int, starts: int) -> list[str]:
    bench = load("bench_server")
    bench.CALLS, bench.STARTS = calls, starts
    f = await bench.figures()
    return [
        f"Medians of {calls} calls and {starts} start-ups.",
        "",
        *table(
            ["measure", "hotmart-membrane-mcp", "baseline", "ratio"],
            [
                [
                    "`proxy_request` (sales history, 5 rows) through the server vs the same simulator "
                    "command spawned directly",
                    f"{f['server_ms']:.0f} ms",
                    f"{f['direct_ms']:.0f} ms",
                    f"{f['server_ms'] / f['direct_ms']:.2f}",
                ],
                [
                    "start-up to an answered `initialize` over stdio vs a bare `MCPServer` with one tool",
                    f"{f['ours_ms']:.0f} ms",
                    f"{f['bare_ms']:.0f} ms",
                    f"{f['ours_ms'] / f['bare_ms']:.2f}",
                ],
                [
                    "`tools/list` size",
                    f"{f['chars']:,.0f} characters ≈ {f['tokens']:,.0f} tokens",
                    "",
                    "",
                ],
            ],
        ),
    ]


async def surface_section(calls: int, starts: int) -> list[str]:
    bench = load("bench_surface")
    with tempfile.TemporaryDirectory(prefix="bench-surface-") as state_dir:
        f = await bench.measure(state_dir, "confirm")
    labels = {
        "model_visible": "model-visible `tools/list` (name + description + inputSchema)",
        "tools_list": "whole `tools/list` (with titles, annotations, output schemas)",
        "search_5": f"`search_actions` answer for {f['actions_returned']} actions",
    }
    return [
        "Characters of compact JSON, confirm mode.",
        "",
        *table(
            ["measure", "now", "target"],
            [[label, f"{f[key]:,}", f"≤ {bench.TARGETS[key]:,}"] for key, label in labels.items()],
        ),
    ]


async def backends_section(calls: int, starts: int) -> list[str]:
    bench = load("bench_backends")
    bench.CALLS = calls
    cli = await bench.measure("cli")
    api = await bench.measure("api")
    rows = []
    for key, label, unit in (
        ("proxy_ms", "`proxy_request` GET, 5 sales (median)", "ms"),
        ("search_ms", "`search_actions`, a new intent each call (median)", "ms"),
        ("concurrent_s", f"{bench.CONCURRENT} concurrent `proxy_request` (wall time)", "s"),
    ):
        fmt = "{:.0f} ms" if unit == "ms" else "{:.2f} s"
        rows.append([label, fmt.format(cli[key]), fmt.format(api[key]), f"{cli[key] / api[key]:.1f}x"])
    return [
        f"Medians of {calls} calls.",
        "",
        *table(["measure", "cli backend", "api backend", "cli / api"], rows),
    ]


async def data_section(calls: int, starts: int) -> list[str]:
    bench = load("bench_data")
    rows, budget = await bench.rows()
    return [
        f"Budget {budget:,} characters; peak memory is Python's (`tracemalloc`).",
        "",
        *table(["way", "wall time", "Hotmart pages", "peak memory", "result chars", "note"], rows),
    ]


async def scenarios_section(calls: int, starts: int) -> list[str]:
    bench = load("bench_scenarios")
    from scenarios.tasks import SCENARIOS  # bench_scenarios put tests/ on sys.path

    rows = [await bench.run(scenario) for scenario in SCENARIOS]
    return table(["task", "tool calls", "result chars", "answer = truth"], rows)


SECTIONS: dict[str, Callable[[int, int], Awaitable[list[str]]]] = {
    "bench_server": server_section,
    "bench_surface": surface_section,
    "bench_backends": backends_section,
    "bench_data": data_section,
    "bench_scenarios": scenarios_section,
}


async def run(calls: int, starts: int) -> list[str]:
    missing = bench_scripts() - set(BENCHES)
    if missing or set(SECTIONS) != set(BENCHES):
        raise SystemExit(f"bench/run_all.py does not run {sorted(missing)}: add them to BENCHES and SECTIONS")
    started_at = datetime.datetime.now(datetime.timezone.utc)
    lines = [
        f"Measured in one run of `python bench/run_all.py` on {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        f"- load average at start: {load_average()}",
    ]
    body: list[str] = []
    started = time.perf_counter()
    for name, title in BENCHES.items():
        section_started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        section = await SECTIONS[name](calls, starts)
        took = time.perf_counter() - section_started
        body += ["", f"### {title} (`bench/{name}.py`, {took:.0f} s)", "", *section]
    lines += [
        f"- load average at end: {load_average()}; whole run {time.perf_counter() - started:.0f} s",
        *body,
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="samples per timed tool call (default 20)")
    parser.add_argument("--starts", type=int, default=10, help="server start-ups timed (default 10)")
    args = parser.parse_args()
    lines = anyio.run(run, args.calls, args.starts)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
