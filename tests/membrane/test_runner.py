"""SubprocessRunner against real child processes (Python one-liners standing in for the CLI).

Where a test must know a child is alive or dead it uses a FIFO the child keeps open: opening
it tells the test the child started, and end-of-file tells it every holder has exited. No test
sleeps to wait for something; the only sleeps are inside children, to make them slow.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import IO

import anyio
import anyio.to_thread
import pytest

from hotmart_membrane_mcp.errors import CliFailed, MembraneCliMissing, OperationTimeout
from hotmart_membrane_mcp.membrane.runner import REDACTED, CliResult, SubprocessRunner, redact
from tool_calls import wait_until

pytestmark = pytest.mark.anyio

PYTHON = [sys.executable, "-I", "-S", "-c"]
ECHO = """
import json, sys
sys.stdout.write(json.dumps(sys.argv[1:]))
sys.stderr.write("note on stderr")
"""
# Holds the FIFO open (inherited by a grandchild too), prints both pids on it, then sleeps.
HOLD_FIFO = """
import os, subprocess, sys, time
fifo = open(sys.argv[1], "w")
grandchild = subprocess.Popen(
    [sys.executable, "-I", "-S", "-c", "import time; time.sleep(120)"], stdout=fifo, pass_fds=(fifo.fileno(),)
)
fifo.write(f"{os.getpid()} {grandchild.pid}\\n"); fifo.flush()
time.sleep(120)
"""


def python_runner(code: str, *, env: dict[str, str] | None = None, **options: int) -> SubprocessRunner:
    return SubprocessRunner(
        [*PYTHON, code], env=env, max_concurrency=options.pop("max_concurrency", 4), **options
    )


def is_running(pid: int) -> bool:
    """True while the process exists and is not a zombie (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


async def grandchild_gone(pid: int) -> None:
    """Wait (bounded) for a killed grandchild to be gone.

    It is not our child, so nothing reaps it for us: the kernel closes its files (ending the FIFO)
    a moment before its state turns to zombie. Without the process-group kill it would sleep for
    120 s, far past this wait, so the test still fails when the kill is missing.
    """
    await wait_until(lambda: not is_running(pid), timeout_s=10)


class Fifo:
    """The test's end of a FIFO that a child opens for writing."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.file: IO[str] | None = None

    async def first_line(self) -> str:
        def open_and_read() -> str:
            self.file = open(self.path)  # blocks until the child opens its end
            return self.file.readline()

        return await anyio.to_thread.run_sync(open_and_read, abandon_on_cancel=True)

    async def until_every_writer_exited(self) -> str:
        assert self.file is not None
        return await anyio.to_thread.run_sync(self.file.read, abandon_on_cancel=True)

    def release(self) -> None:
        """Unblock a reader still waiting in open() (only matters when a test fails early)."""
        try:
            os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
        if self.file is not None:
            self.file.close()


# --- ordinary runs -----------------------------------------------------------------------


async def test_a_successful_run_returns_exit_code_stdout_stderr_and_passes_args() -> None:
    result = await python_runner(ECHO).run(["connection", "get", "--json"], timeout_s=30)
    assert result == CliResult(0, json.dumps(["connection", "get", "--json"]), "note on stderr")


async def test_a_non_zero_exit_is_returned_not_raised() -> None:
    code = "import sys; sys.stderr.write('Error: boom'); sys.exit(3)"
    result = await python_runner(code).run([], timeout_s=30)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", "Error: boom")


async def test_the_child_gets_no_stdin() -> None:
    result = await python_runner("import sys; print(repr(sys.stdin.read()))").run([], timeout_s=30)
    assert result.stdout.strip() == "''"


async def test_the_child_gets_exactly_the_given_environment() -> None:
    code = "import os; print(os.environ.get('HOTMART_SANDBOX_SCENARIO'), os.environ.get('ONLY_IN_PARENT'))"
    os.environ["ONLY_IN_PARENT"] = "1"
    try:
        result = await python_runner(code, env={"HOTMART_SANDBOX_SCENARIO": "connect"}).run([], timeout_s=30)
    finally:
        del os.environ["ONLY_IN_PARENT"]
    assert result.stdout.split() == ["connect", "None"]


async def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    result = await python_runner("import sys; sys.stdout.buffer.write(b'ok \\xff\\xfe')").run(
        [], timeout_s=30
    )
    assert result.stdout == "ok \ufffd\ufffd"


async def test_big_output_on_both_streams_does_not_deadlock() -> None:
    code = "import sys; sys.stderr.write('e' * 1_000_000); sys.stdout.write('o' * 1_000_000)"
    with anyio.fail_after(60):
        result = await python_runner(code).run([], timeout_s=60)
    assert (len(result.stdout), len(result.stderr)) == (1_000_000, 1_000_000)


# --- the child never outlives a failed call ----------------------------------------------


@pytest.mark.needs_proc
@pytest.mark.needs_fifo
@pytest.mark.needs_posix_signals
async def test_a_timeout_kills_the_child_and_its_children_and_raises_operation_timeout(
    tmp_path: Path,
) -> None:
    fifo = Fifo(tmp_path / "alive")
    errors: list[OperationTimeout] = []
    child = grandchild = 0

    async def run_until_timeout() -> None:
        try:
            await python_runner(HOLD_FIFO).run([str(fifo.path)], timeout_s=3)
        except OperationTimeout as exc:
            errors.append(exc)

    try:
        with anyio.fail_after(60):
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(run_until_timeout)
                child, grandchild = map(int, (await fifo.first_line()).split())
                assert is_running(child) and is_running(grandchild)
                await fifo.until_every_writer_exited()
    finally:
        fifo.release()
    assert len(errors) == 1 and errors[0].details["timeout_s"] == 3
    assert not is_running(child)  # run() reaped it before returning
    await grandchild_gone(grandchild)


@pytest.mark.needs_proc
@pytest.mark.needs_fifo
@pytest.mark.needs_posix_signals
async def test_cancelling_the_call_kills_the_child(tmp_path: Path) -> None:
    fifo = Fifo(tmp_path / "alive")
    child = grandchild = 0
    try:
        with anyio.fail_after(60):
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(lambda: python_runner(HOLD_FIFO).run([str(fifo.path)], timeout_s=600))
                child, grandchild = map(int, (await fifo.first_line()).split())
                task_group.cancel_scope.cancel()
            # run() returned (cancelled) only after the child was killed and reaped.
            assert not is_running(child)
            await fifo.until_every_writer_exited()
    finally:
        fifo.release()
    await grandchild_gone(grandchild)


@pytest.mark.needs_proc
@pytest.mark.parametrize("stream", ["stdout", "stderr"])
async def test_endless_output_is_cut_off_as_cli_failed_and_the_child_killed(
    tmp_path: Path, stream: str
) -> None:
    pid_file = tmp_path / "pid"
    fd = 1 if stream == "stdout" else 2
    code = (
        "import os, sys; open(sys.argv[1], 'w').write(str(os.getpid()))\n"
        f"while True: os.write({fd}, b'x' * 65536)"
    )
    with anyio.fail_after(60), pytest.raises(CliFailed) as caught:
        await python_runner(code, max_output_bytes=100_000).run([str(pid_file)], timeout_s=60)
    assert "too large" in caught.value.message
    assert not is_running(int(pid_file.read_text()))


async def test_output_just_under_the_cap_is_returned_whole() -> None:
    result = await python_runner("print('x' * 999)", max_output_bytes=1000).run([], timeout_s=30)
    assert result.stdout == "x" * 999 + "\n"


# --- starting the CLI --------------------------------------------------------------------


async def test_a_missing_executable_is_membrane_cli_missing_with_the_install_command(tmp_path: Path) -> None:
    runner = SubprocessRunner([str(tmp_path / "no-such-membrane")], env=None, max_concurrency=1)
    with pytest.raises(MembraneCliMissing) as caught:
        await runner.run(["status", "--json"], timeout_s=30)
    assert "no-such-membrane" in caught.value.message
    assert "npm install -g @membranehq/cli" in caught.value.message
    assert caught.value.details["command"] == str(tmp_path / "no-such-membrane")


async def test_a_file_that_is_not_executable_is_membrane_cli_missing(tmp_path: Path) -> None:
    script = tmp_path / "membrane"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    with pytest.raises(MembraneCliMissing):
        await SubprocessRunner([str(script)], env=None, max_concurrency=1).run([], timeout_s=30)


async def test_no_more_children_run_at_once_than_the_limit(tmp_path: Path) -> None:
    log = tmp_path / "log"
    code = (
        "import os, sys, time\n"
        "def note(what):\n"
        "    with open(sys.argv[1], 'a') as f: f.write(f'{what}\\n')\n"
        "note('start'); time.sleep(0.2); note('end')\n"
    )
    runner = python_runner(code, max_concurrency=2)
    with anyio.fail_after(60):
        async with anyio.create_task_group() as task_group:
            for _ in range(5):
                task_group.start_soon(lambda: runner.run([str(log)], timeout_s=30))
    running = peak = 0
    for line in log.read_text().split():
        running += 1 if line == "start" else -1
        peak = max(peak, running)
    assert peak <= 2 and log.read_text().split().count("end") == 5


def test_a_runner_needs_a_command_and_positive_limits() -> None:
    with pytest.raises(ValueError):
        SubprocessRunner([], env=None, max_concurrency=1)
    with pytest.raises(ValueError):
        SubprocessRunner(["membrane"], env=None, max_concurrency=0)


# --- secrets stay out of logs ------------------------------------------------------------


def test_redact_hides_login_codes_tokens_and_auth_headers() -> None:
    argv = [
        "membrane",
        "login",
        "complete",
        "ABCD-EFGH",
        "--token=t0k3n",
        "--workspaceSecret",
        "s3cr3t",
        "--header=Authorization: Bearer abc",
        "-H",
        "Cookie: sid=1",
        "--header=Accept: application/json",
        "--intent=sales",
    ]
    shown = redact(argv)
    assert shown == [
        "membrane",
        "login",
        "complete",
        REDACTED,
        f"--token={REDACTED}",
        "--workspaceSecret",
        REDACTED,
        f"--header=Authorization: {REDACTED}",
        "-H",
        f"Cookie: {REDACTED}",
        "--header=Accept: application/json",
        "--intent=sales",
    ]
    assert argv[3] == "ABCD-EFGH"  # the argv itself is untouched


async def test_the_debug_log_of_a_call_never_shows_the_login_code(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hotmart_membrane_mcp.membrane.runner")
    await python_runner("pass").run(["login", "complete", "WXYZ-2345"], timeout_s=30)
    assert "login complete" in caplog.text and REDACTED in caplog.text
    assert "WXYZ-2345" not in caplog.text


# --- OS errors of starting the CLI (issue #8 point 6) -----------------------------------------


@pytest.mark.parametrize(
    ("content", "mode", "errno_name"),
    [
        (None, 0o755, "ENOENT"),
        ("#!/bin/sh\necho '{}'\n", 0o644, "EACCES"),
        ("echo 'no #! line'\n", 0o755, "ENOEXEC"),
    ],
    ids=["missing", "not-executable", "exec-format"],
)
async def test_a_cli_that_cannot_be_started_is_membrane_cli_missing_naming_the_os_reason(
    tmp_path: Path, content: str | None, mode: int, errno_name: str
) -> None:
    path = tmp_path / "membrane"
    if content is not None:
        path.write_text(content)
        path.chmod(mode)
    with pytest.raises(MembraneCliMissing) as caught:
        await SubprocessRunner([str(path)], env=None, max_concurrency=1).run(["status"], timeout_s=30)
    assert caught.value.details["os_error"] == errno_name and errno_name in caught.value.message
    assert caught.value.details["install_command"] == "npm install -g @membranehq/cli"


async def test_an_argument_the_os_refuses_as_too_long_is_cli_failed_naming_e2big() -> None:
    runner = python_runner("print('never runs')")
    with pytest.raises(CliFailed) as caught:
        await runner.run(["x" * 200_000], timeout_s=30)
    assert caught.value.details["os_error"] == "E2BIG" and "smaller" in caught.value.next_step


EMFILE_CHILD = """
import json, os, resource, sys
import anyio
from hotmart_membrane_mcp.errors import HotmartMcpError
from hotmart_membrane_mcp.membrane.runner import SubprocessRunner

async def main():
    runner = SubprocessRunner([sys.executable, "-c", "print(1)"], env=None, max_concurrency=1)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    held = []
    try:
        while True:
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    try:
        await runner.run([], timeout_s=30)
        payload = {"error_type": None}
    except HotmartMcpError as exc:
        payload = exc.payload()
    for fd in held:
        os.close(fd)
    print(json.dumps(payload))

anyio.run(main)
"""


async def test_running_out_of_file_descriptors_is_cli_failed_naming_emfile() -> None:
    # In a child process: the descriptor limit is lowered and used up there, not in the test run.
    result = await anyio.run_process([sys.executable, "-c", EMFILE_CHILD], check=False)
    error = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert error["error_type"] == "cli_failed" and error["os_error"] == "EMFILE", error
