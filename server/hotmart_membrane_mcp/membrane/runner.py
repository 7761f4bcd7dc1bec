"""The process boundary: run the Membrane CLI once and hand back what it printed.

``SubprocessRunner`` is the only place the server starts processes. It never uses a shell,
closes the child's stdin, caps what it reads, and makes sure the child is gone when a call
times out, overflows or is cancelled by the MCP client. It does not interpret the output:
``parse.py`` does that. Foreign errors (``OSError``, timeouts) become the server's own error
family here, once.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import anyio
from anyio.abc import ByteReceiveStream, Process

from ..errors import CliFailed, MembraneCliMissing, OperationTimeout

logger = logging.getLogger(__name__)

DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024
INSTALL_COMMAND = "npm install -g @membranehq/cli"
REDACTED = "[redacted]"
_MAX_LOGGED_ARG_CHARS = 300
_SECRET_FLAG = re.compile(
    r"^--?(token|accessToken|refreshToken|code|secret|workspaceSecret|clientSecret|password|apiKey)$",
    re.IGNORECASE,
)
_SECRET_HEADER = re.compile(r"^(authorization|proxy-authorization|cookie|x-api-key)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class CliResult:
    """What one CLI invocation produced: exit code and decoded stdout/stderr."""

    exit_code: int
    stdout: str
    stderr: str


class CliRunner(Protocol):
    """Runs the Membrane CLI with ``args`` appended to its command; fakes implement this too."""

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult: ...


def redact(argv: Sequence[str]) -> list[str]:
    """Return a copy of ``argv`` safe to log or show: login codes, tokens and auth headers hidden.

    ``login complete <code>`` never shows the code; ``--token=X`` / ``--token X`` (and other
    secret-named flags) lose their value; ``--header=Authorization: X`` keeps only the name.
    """
    shown = [str(arg) for arg in argv]
    for index, arg in enumerate(shown):
        previous = shown[index - 1] if index else ""
        if previous == "complete" and index >= 2 and shown[index - 2] == "login":
            shown[index] = REDACTED
            continue
        flag, has_value, value = arg.partition("=")
        if _SECRET_FLAG.match(flag):
            if has_value:
                shown[index] = f"{flag}={REDACTED}"
            elif index + 1 < len(shown):
                shown[index + 1] = REDACTED
        elif has_value and flag in ("--header", "-H") and _SECRET_HEADER.match(value):
            shown[index] = f"{flag}={value.split(':', 1)[0]}: {REDACTED}"
        elif previous in ("--header", "-H") and _SECRET_HEADER.match(arg):
            shown[index] = f"{arg.split(':', 1)[0]}: {REDACTED}"
    return shown


class _OutputTooLarge(Exception):
    """Internal: a stream passed the byte cap (turned into CliFailed by the runner)."""


class SubprocessRunner:
    """Runs ``command_prefix + args`` as a child process, bounded in time, output and number.

    Args:
        command_prefix: the Membrane command as argv, e.g. ``["membrane"]`` or
            ``[sys.executable, "-m", "hotmart_membrane_mcp.sandbox"]``.
        env: the child's whole environment (``None``: inherit the server's).
        max_concurrency: how many CLI processes may run at once; later calls wait for a slot.
        max_output_bytes: cap for stdout and for stderr, each; past it the child is killed.
    """

    def __init__(
        self,
        command_prefix: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        max_concurrency: int,
        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
    ) -> None:
        if not command_prefix:
            raise ValueError("command_prefix must name the Membrane executable")
        if max_concurrency < 1 or max_output_bytes < 1:
            raise ValueError("max_concurrency and max_output_bytes must be positive")
        self.command_prefix = tuple(command_prefix)
        self.env = dict(env) if env is not None else None
        self.max_output_bytes = max_output_bytes
        self.limiter = anyio.CapacityLimiter(max_concurrency)

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        """Run the CLI once and return its exit code and output, whatever the exit code.

        Raises:
            MembraneCliMissing: the executable does not exist or may not be executed.
            OperationTimeout: it ran longer than ``timeout_s`` (the child was killed).
            CliFailed: it printed more than ``max_output_bytes`` (the child was killed).
        """
        argv = [*self.command_prefix, *args]
        shown = " ".join(redact([arg[:_MAX_LOGGED_ARG_CHARS] for arg in argv]))
        # The slot is taken before the clock starts: timeout_s bounds the CLI's own run time.
        async with self.limiter:
            logger.debug("membrane call: %s", shown)
            started = time.monotonic()
            try:
                with anyio.fail_after(timeout_s):
                    result = await self._run_to_completion(argv)
            except TimeoutError:
                logger.debug("membrane call timed out after %.1fs: %s", timeout_s, shown)
                raise OperationTimeout(
                    f"The Membrane CLI did not answer within {timeout_s:g} seconds and was stopped.",
                    timeout_s=timeout_s,
                ) from None
            except _OutputTooLarge:
                raise CliFailed(
                    f"The Membrane CLI output was too large (over {self.max_output_bytes} bytes); "
                    "the process was stopped.",
                    exit_code=None,
                ) from None
            logger.debug(
                "membrane call exited %d in %.2fs (%d bytes out, %d bytes err)",
                result.exit_code,
                time.monotonic() - started,
                len(result.stdout),
                len(result.stderr),
            )
            return result

    async def _run_to_completion(self, argv: list[str]) -> CliResult:
        try:
            process = await anyio.open_process(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.env,
                # Own process group, so a wrapper such as `npx` takes its children down with it.
                start_new_session=sys.platform != "win32",
            )
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise MembraneCliMissing(
                f"Could not start the Membrane CLI with {' '.join(self.command_prefix)!r}: "
                f"{exc.strerror or exc}. Install it with `{INSTALL_COMMAND}`.",
                command=" ".join(self.command_prefix),
                install_command=INSTALL_COMMAND,
            ) from exc
        async with process:
            try:
                stdout, stderr = await self._read_both(process)
                exit_code = await process.wait()
            except BaseException:
                # Timeout, cancellation or overflow: kill before `async with` waits for the exit.
                _kill(process)
                raise
        return CliResult(
            exit_code=exit_code,
            stdout=stdout.decode("utf-8", errors="replace"),
            stderr=stderr.decode("utf-8", errors="replace"),
        )

    async def _read_both(self, process: Process) -> tuple[bytes, bytes]:
        assert process.stdout is not None and process.stderr is not None
        collected = {"stdout": bytearray(), "stderr": bytearray()}
        overflowed = False

        async def drain(stream: ByteReceiveStream, into: bytearray) -> None:
            nonlocal overflowed
            async for chunk in stream:
                into += chunk
                if len(into) > self.max_output_bytes:
                    overflowed = True
                    task_group.cancel_scope.cancel()
                    return

        # Both pipes at once: a child blocked on a full stderr pipe would never finish stdout.
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(drain, process.stdout, collected["stdout"])
            task_group.start_soon(drain, process.stderr, collected["stderr"])
        if overflowed:
            raise _OutputTooLarge
        return bytes(collected["stdout"]), bytes(collected["stderr"])


def _kill(process: Process) -> None:
    # Even when the child itself has exited, a grandchild may still hold the pipes open.
    try:
        if sys.platform != "win32":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    except PermissionError:
        process.kill()
