"""How an invocation's outcome reaches stdout, stderr and the exit code (the output contract).

The real CLI's formats are undocumented (membrane-cli-contract.md §10: exit codes, stderr and the
``--json`` envelope are UNKNOWN; membrane-cli-contract.md §9: what ``membrane request`` prints is UNKNOWN), so
each plausible variant is offered behind a switch of ``settings.py`` and the server is tested
against all of them. The contract itself is written out in the package docstring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TextIO

from .errors import MembraneError
from .settings import SandboxSettings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Result:
    """A successful command: the API object for ``--json`` and a human rendering otherwise."""

    payload: Any
    text: str | None = None  # None: the human rendering is the JSON itself


@dataclass(frozen=True)
class ProxiedResponse:
    """What the external app answered to a proxied request (``membrane request``)."""

    status: int
    headers: dict[str, str]
    body: Any


def to_json(value: Any) -> str:
    # INFERRED (membrane-cli-contract.md §9): the CLI pretty-prints JSON; any JSON parser reads both forms.
    return json.dumps(value, indent=2, ensure_ascii=False)


def write_result(result: Result, *, as_json: bool, settings: SandboxSettings, stdout: TextIO) -> int:
    """Print a successful command's output; ``--json`` output honours the envelope switch."""
    if as_json:
        payload = {"data": result.payload} if settings.envelope == "wrapped" else result.payload
        stdout.write(to_json(payload) + "\n")
    elif result.text is not None:
        stdout.write(result.text.rstrip("\n") + "\n")
    else:
        stdout.write(to_json(result.payload) + "\n")
    return EXIT_OK


def write_membrane_error(
    error: MembraneError, *, settings: SandboxSettings, stdout: TextIO, stderr: TextIO
) -> int:
    """Exit 1 with the error body on stdout (json-stdout) or one ``Error:`` line on stderr."""
    if settings.errors == "json-stdout":
        stdout.write(to_json(error.body()) + "\n")
    else:
        detail = f": {error.text_detail}" if error.text_detail else ""
        stderr.write(f"Error: {error.message}{detail}\n")
    return EXIT_FAILURE


def write_usage_error(message: str, *, stderr: TextIO) -> int:
    """Exit 2 with the message on stderr, whatever the output variant."""
    stderr.write(f"Error: {message}\n")
    return EXIT_USAGE


def write_proxied(
    response: ProxiedResponse, *, settings: SandboxSettings, stdout: TextIO, stderr: TextIO
) -> int:
    """Print a proxied response: the body (failures as errors) or the whole ``{status, headers, body}``."""
    if settings.request_output == "full":
        full = {"status": response.status, "headers": response.headers, "body": response.body}
        stdout.write(to_json(full) + "\n")
        return EXIT_OK
    # body-exit0: a CLI that just prints what Hotmart answered, success or not
    # (membrane-cli-contract.md §9/§10: UNKNOWN).
    if 200 <= response.status < 300 or settings.request_output == "body-exit0":
        if response.body is not None:
            stdout.write(to_json(response.body) + "\n")
        return EXIT_OK
    return write_membrane_error(request_failure(response), settings=settings, stdout=stdout, stderr=stderr)


def request_failure(response: ProxiedResponse) -> MembraneError:
    """A non-2xx proxied response as the Membrane error the ``body`` variant prints.

    The key follows membrane-cli-contract.md §13: ``rate_limit_exceeded`` is the ``connection`` key for
    the external app's limit; every other status is reported as ``request_failed`` (INFERRED:
    the real CLI's rendering of a failed proxied request is UNKNOWN, membrane-cli-contract.md §9).
    """
    key = "rate_limit_exceeded" if response.status == 429 else "request_failed"
    return MembraneError(
        "connection",
        f"Request failed with status code {response.status}",
        key=key,
        data={"status": response.status, "headers": response.headers, "response": response.body},
        text_detail=None
        if response.body is None
        else json.dumps(response.body, separators=(",", ":"), ensure_ascii=False),
    )
