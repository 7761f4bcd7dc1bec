"""A ``CliRunner`` that runs the simulated ``membrane`` in this process instead of spawning it.

Most server tests are about what the tools do with Membrane's answers, not about the process
boundary; spawning a Python interpreter per CLI call made them spend most of their time starting
processes. ``InProcessRunner`` calls the simulator's own ``main`` (the function ``python -m
hotmart_membrane_mcp.sandbox`` runs) in a worker thread, with the same argv and environment
``SubprocessRunner`` would give the child, and hands back the exit code and what it printed.
Everything after the runner (``CliBackend``, parsing, the tools) is the production code.

Time inside the simulator is virtual: its waits (``connection get --wait``, the ``slow``
scenario) advance a per-call clock instead of sleeping, and a call whose virtual time passes
``timeout_s`` ends in ``OperationTimeout`` as a killed child would. What a real process adds
(spawning, killing process groups, pipes, a missing executable) is tested with
``SubprocessRunner``: tests/membrane/test_runner.py, test_cli_backend_sim.py, the stdio tests and
the server tests that pass ``process=True`` to ``Sandbox.server``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import anyio
import anyio.to_thread

from hotmart_membrane_mcp.errors import OperationTimeout
from hotmart_membrane_mcp.membrane import CliResult
from hotmart_membrane_mcp.sandbox.app import main


class _VirtualTimeout(BaseException):
    """The simulator's virtual clock passed the call's time limit (BaseException: no handler in the
    simulator may mistake it for a failure of its own)."""


class _VirtualTime:
    """One call's clock: it only moves when the simulator sleeps, and stops the call at the limit."""

    def __init__(self, limit_s: float) -> None:
        self.now = 0.0
        self.limit_s = limit_s

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        if self.now > self.limit_s:
            raise _VirtualTimeout


class InProcessRunner:
    """Runs ``main(args)`` of the simulator with ``env`` in a worker thread, ``max_concurrency`` at once.

    The simulator keeps its state in files under ``HOTMART_SANDBOX_DIR`` behind ``flock`` locks,
    which exclude threads of one process as they exclude processes, so concurrent calls behave
    as concurrent children would.
    """

    def __init__(self, env: Mapping[str, str], *, max_concurrency: int = 4) -> None:
        self.env = dict(env)
        self.limiter = anyio.CapacityLimiter(max_concurrency)
        self.calls: list[tuple[str, ...]] = []

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        argv = [str(arg) for arg in args]
        self.calls.append(tuple(argv))
        time = _VirtualTime(timeout_s)

        def call() -> CliResult:
            stdout, stderr = io.StringIO(), io.StringIO()
            code = main(argv, self.env, stdout, stderr, sleep=time.sleep, clock=time.clock)
            return CliResult(code, stdout.getvalue(), stderr.getvalue())

        try:
            # Not abandoned on cancel: the thread never really waits, so it ends promptly anyway.
            return await anyio.to_thread.run_sync(call, limiter=self.limiter)
        except _VirtualTimeout:
            raise OperationTimeout(
                f"The Membrane CLI did not answer within {timeout_s:g} seconds and was stopped.",
                timeout_s=timeout_s,
            ) from None
