"""The process boundary: run the Membrane CLI once and hand back what it printed.

``SubprocessRunner`` is the only place the server starts processes. It never uses a shell,
closes the child's stdin, caps what it reads, and ends the child's whole process group when a
call ends, however it ends (success, timeout, overflow, cancellation by the MCP client), so
nothing the CLI starts in the background outlives the call. It does not interpret the output:
``parse.py`` does that. Foreign errors (every ``OSError`` of starting or running the CLI,
timeouts) become the server's own error family here, once. While the ``npx`` fallback fetches
the CLI on its first call, it tells the client through ``progress``.
"""

from __future__ import annotations

import errno
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
from . import progress
from .npx import FETCHING_MESSAGE, INSTALL_COMMAND, is_npx, npm_failure

logger = logging.getLogger(__name__)

DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024
NPX_PROGRESS_EVERY_S = 5.0
_EXIT_POLL_S = 0.05
# execve errors meaning "there is no runnable Membrane CLI at that command" (not a passing fault).
_CANNOT_BE_STARTED = frozenset(
    {errno.ENOENT, errno.EACCES, errno.EPERM, errno.ENOEXEC, errno.ENOTDIR, errno.ELOOP, errno.EISDIR}
)
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
        self.npx = is_npx(self.command_prefix)
        self._npx_ready = False

    async def run(self, args: Sequence[str], *, timeout_s: float) -> CliResult:
        """Run the CLI once and return its exit code and output, whatever the exit code.

        The child's whole process group is ended when the call ends, however it ends, so
        nothing the CLI started in the background outlives the call.

        Raises:
            MembraneCliMissing: the executable could not be started (not found, not executable,
                not a program), or the ``npx`` fallback had not fetched it within ``timeout_s``.
            OperationTimeout: it ran longer than ``timeout_s`` (the child was killed).
            CliFailed: it printed more than ``max_output_bytes`` (the child was killed), or the
                operating system refused to start or run it for another reason (named).
        """
        argv = [*self.command_prefix, *args]
        shown = " ".join(redact([arg[:_MAX_LOGGED_ARG_CHARS] for arg in argv]))
        # The slot is taken before the clock starts: timeout_s bounds the CLI's own run time.
        async with self.limiter:
            logger.debug("membrane call: %s", shown)
            started = time.monotonic()
            fetching = self.npx and not self._npx_ready
            try:
                with anyio.fail_after(timeout_s):
                    if fetching:
                        result = await self._run_reporting_fetch(argv)
                    else:
                        result = await self._run_to_completion(argv)
            except TimeoutError:
                logger.debug("membrane call timed out after %.1fs: %s", timeout_s, shown)
                if fetching:
                    raise self._npx_too_slow(timeout_s) from None
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
            except OSError as exc:
                raise CliFailed(
                    f"The operating system stopped the Membrane CLI call: {_os_reason(exc)}.",
                    exit_code=None,
                    os_error=_errno_name(exc),
                ) from exc
            if fetching and npm_failure(result.stderr + result.stdout) is None:
                self._npx_ready = True  # npx has the package now: later calls start at once
            logger.debug(
                "membrane call exited %d in %.2fs (%d bytes out, %d bytes err)",
                result.exit_code,
                time.monotonic() - started,
                len(result.stdout),
                len(result.stderr),
            )
            return result

    async def _run_reporting_fetch(self, argv: list[str]) -> CliResult:
        """Run the first npx call, telling the client meanwhile that npx is fetching the CLI."""
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(_report_fetching)
            try:
                return await self._run_to_completion(argv)
            finally:
                task_group.cancel_scope.cancel()
        raise AssertionError("unreachable: the block returns or raises")

    def _npx_too_slow(self, timeout_s: float) -> MembraneCliMissing:
        return MembraneCliMissing(
            f"npx did not finish fetching and starting the Membrane CLI (@membranehq/cli) within "
            f"{timeout_s:g} seconds (is the npm registry reachable from this machine?); it was stopped.",
            command=" ".join(self.command_prefix),
            install_command=INSTALL_COMMAND,
            timeout_s=timeout_s,
        )

    async def _run_to_completion(self, argv: list[str]) -> CliResult:
        process = await self._start(argv)
        async with process:
            try:
                stdout, stderr = await self._read_until_exit(process)
                exit_code = await process.wait()
            except BaseException:
                # Timeout, cancellation or overflow: kill before `async with` waits for the exit.
                _kill(process)
                raise
            # Children the CLI left running in the background (pipes closed or not) go too.
            _kill(process)
        return CliResult(
            exit_code=exit_code,
            stdout=stdout.decode("utf-8", errors="replace"),
            stderr=stderr.decode("utf-8", errors="replace"),
        )

    async def _start(self, argv: list[str]) -> Process:
        try:
            return await anyio.open_process(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.env,
                # Own process group, so a wrapper such as `npx` takes its children down with it.
                start_new_session=sys.platform != "win32",
            )
        except OSError as exc:
            raise self._start_error(exc) from exc
        except ValueError as exc:  # e.g. a NUL byte in an argument (the guards refuse those first)
            raise CliFailed(f"The Membrane CLI could not be started: {exc}.", exit_code=None) from exc

    def _start_error(self, exc: OSError) -> MembraneCliMissing | CliFailed:
        """The error family's class for an OSError from starting the CLI (execve and friends)."""
        command = " ".join(self.command_prefix)
        reason = _os_reason(exc)
        if exc.errno in _CANNOT_BE_STARTED or isinstance(exc, (FileNotFoundError, PermissionError)):
            return MembraneCliMissing(
                f"Could not start the Membrane CLI with {command!r}: {reason}. "
                f"Install it with `{INSTALL_COMMAND}`, or set HOTMART_MCP_MEMBRANE_CMD to the absolute "
                "path of the `membrane` executable.",
                command=command,
                install_command=INSTALL_COMMAND,
                os_error=_errno_name(exc),
            )
        if exc.errno == errno.E2BIG:
            return CliFailed(
                f"The Membrane CLI could not be started: {reason} (the arguments and environment are "
                "larger than the operating system allows for one command line).",
                next_step="Send less in one call (a smaller body, input, query or fewer headers), "
                "then retry.",
                exit_code=None,
                os_error=_errno_name(exc),
            )
        return CliFailed(
            f"The Membrane CLI could not be started: {reason}.",
            next_step="Retry once; if it fails again, show the message to the user "
            "(the operating system refused to start a process).",
            exit_code=None,
            os_error=_errno_name(exc),
        )

    async def _read_until_exit(self, process: Process) -> tuple[bytes, bytes]:
        assert process.stdout is not None and process.stderr is not None
        collected = {"stdout": bytearray(), "stderr": bytearray()}
        overflowed = False

        async def drain(stream: ByteReceiveStream, into: bytearray) -> None:
            nonlocal overflowed
            async for chunk in stream:
                into += chunk
                if len(into) > self.max_output_bytes:
                    overflowed = True
                    readers.cancel_scope.cancel()
                    return

        async def end_group_once_the_cli_exited() -> None:
            # A background child that inherited the pipes keeps them open after the CLI exited,
            # and Python 3.11's wait() waits for the pipes too; there is no exit event to await
            # without it, so poll the exit status (only calls still reading pay for it).
            while process.returncode is None:  # noqa: ASYNC110 (no event exists to wait on)
                await anyio.sleep(_EXIT_POLL_S)
            _kill(process)

        async with anyio.create_task_group() as watcher:
            watcher.start_soon(end_group_once_the_cli_exited)
            # Both pipes at once: a child blocked on a full stderr pipe would never finish stdout.
            async with anyio.create_task_group() as readers:
                readers.start_soon(drain, process.stdout, collected["stdout"])
                readers.start_soon(drain, process.stderr, collected["stderr"])
            watcher.cancel_scope.cancel()
        if overflowed:
            raise _OutputTooLarge
        return bytes(collected["stdout"]), bytes(collected["stderr"])


async def _report_fetching() -> None:
    started = time.monotonic()
    await progress.report(FETCHING_MESSAGE)
    while True:
        await anyio.sleep(NPX_PROGRESS_EVERY_S)
        elapsed = time.monotonic() - started
        await progress.report(f"Still fetching the Membrane CLI with npx ({elapsed:.0f} s so far)...")


def _errno_name(exc: OSError) -> str | None:
    return errno.errorcode.get(exc.errno) if exc.errno is not None else None


def _os_reason(exc: OSError) -> str:
    name = _errno_name(exc)
    text = exc.strerror or str(exc)
    return f"{text} ({name})" if name else text


def _kill(process: Process) -> None:
    """SIGKILL the CLI's whole process group (the CLI itself and anything it started)."""
    # Even when the child itself has exited, a grandchild may still hold the pipes open.
    try:
        if sys.platform != "win32":
            os.killpg(process.pid, signal.SIGKILL)
            return
    except ProcessLookupError:
        return  # the group is empty: nothing is left to end
    except PermissionError:
        pass
    if process.returncode is None:
        try:
            process.kill()
        except ProcessLookupError:
            pass
