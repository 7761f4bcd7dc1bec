"""Argument hardening: refuse hostile values before anything is sent or spawned.

Every guard raises ``InvalidInput`` whose ``field`` detail names the offending argument, and
returns the value in the shape the Membrane boundary takes (``ProxyRequest`` pairs).

Why no agent-supplied value can become a command-line option. The CLI backend
(membrane/cli.py) builds argv as a list, never a shell string. Options are passed in the
attached ``--name=value`` form, which no value can split; the only free-standing slots are
positional, and each has a guard that keeps it from starting with "-":

    positional slot             guard
    connection id, action id    membrane/validate.check_id (starts with a letter or digit)
    proxy path                  check_api_path (starts with "/")

On top of that, every string that lands in argv and starts with "-" is refused here in every
slot (method, header name and value, query and path-parameter keys and values), as defence in
depth like the reference git MCP server, and bodies must be JSON objects or arrays. This module
is the one implementation of the HTTP-argument checks: making a ``models.ProxyRequest`` runs
them, so the backends receive checked values; the CLI backend adds only its own rules (the
methods ``-X`` documents, path parameters, argv sizes).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from ..errors import InvalidInput

MAX_PATH_CHARS = 2_000
MAX_PARAMS = 100
MAX_PARAM_KEY_CHARS = 100
MAX_PARAM_VALUE_CHARS = 2_000
MAX_HEADERS = 50
MAX_HEADER_VALUE_CHARS = 4_000
# A body or action input travels as ONE argv element (`--json=...`, `--input=...`), and Linux
# allows 131,072 bytes per element including its NUL (MAX_ARG_STRLEN); measured as sent: JSON
# with every non-ASCII character escaped (\uXXXX, 6 bytes), so the flag name fits too.
MAX_BODY_BYTES = 128_000
MAX_ACTION_INPUT_BYTES = 128_000
MAX_PERCENT_DECODING_ROUNDS = 3

# membrane-cli-contract.md §9 documents `-X` for GET, POST, PUT, PATCH and DELETE; HEAD through the CLI is
# UNKNOWN (membrane/validate.check_request_method refuses it), but it is a read and safe to let through here.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# Credentials are Membrane's to attach; Host and the hop-by-hop headers would let a caller
# re-target or smuggle the request (RFC 7230 §6.1); the method-override headers would let a GET,
# which is never held for confirmation, act as a write on a gateway that honours them.
REFUSED_HEADERS = frozenset(
    {
        "x-http-method-override",
        "x-http-method",
        "x-method-override",
        "authorization",
        "proxy-authorization",
        "cookie",
        "host",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
        "content-length",
    }
)

# C0, DEL, C1 and the Unicode line separators: anything a parser downstream might read as a break.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# RFC 3986 pchar plus "/" and the {placeholder} braces that --pathParam fills in.
_PATH_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%/{}]*$")
_SEGMENT_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DOT_DOT_SEGMENT = re.compile(r"(^|[/\\])\.\.([/\\]|$)")
# A subset of RFC 7230 §3.2.6 tokens that every real header name fits; the rest of the token
# alphabet ("%", ".", "'", "`", ...) only ever appears in probes.
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,99}$")
_SIMPLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def refuse(field: str, problem: str, *, next_step: str | None = None) -> InvalidInput:
    """The ``InvalidInput`` for one field, with the field named in message and details."""
    return InvalidInput(f"`{field}` {problem}", next_step=next_step, field=field)


def check_not_option(text: str, field: str) -> str:
    """Refuse text that starts with ``-`` (after any spaces): in an argv it could pass for a flag."""
    if text.lstrip().startswith("-"):
        raise refuse(field, "starts with '-', which a command line would read as an option.")
    return text


def check_api_path(path: Any, *, field: str = "path") -> str:
    """Accept only a path on the Hotmart API (``/payments/api/v1/...``), never a URL or a trick.

    Full URLs and ``//host`` are refused because Membrane attaches the Hotmart credentials to
    whatever it is asked to call. Dot segments, backslashes and control characters are refused
    also when percent-encoded, since a gateway may decode them before routing.
    """
    text = _require_str(path, field)
    if not text:
        raise refuse(field, "is empty; give a path such as /payments/api/v1/sales/history.")
    if len(text) > MAX_PATH_CHARS:
        raise refuse(field, f"is longer than {MAX_PATH_CHARS} characters.")
    _refuse_control_chars(text, field)
    check_not_option(text, field)
    if "\\" in text:
        raise refuse(field, "contains a backslash.")
    if _SCHEME.match(text) or "://" in text:
        raise refuse(
            field,
            "is a full URL; only paths on the Hotmart API are allowed.",
            next_step="Pass just the path, e.g. /payments/api/v1/sales/history; Membrane adds the host.",
        )
    if not text.startswith("/"):
        raise refuse(field, "must start with '/'.")
    if text.startswith("//"):
        raise refuse(field, "starts with '//', which names another host.")
    if "?" in text or "#" in text:
        raise refuse(
            field,
            "contains '?' or '#'.",
            next_step="Put query parameters in the `query` argument, not in the path.",
        )
    if _BAD_PERCENT.search(text):
        raise refuse(field, "contains a '%' that is not followed by two hex digits.")
    if not _PATH_CHARS.match(text):
        raise refuse(field, "contains characters that are not allowed in an API path (percent-encode them).")
    for layer in _decoded_layers(text, field):
        _refuse_control_chars(layer, field)
        if "\\" in layer:
            raise refuse(field, "contains an encoded backslash.")
        if layer.startswith("//"):
            raise refuse(field, "starts with an encoded '//', which names another host.")
        if any(segment in (".", "..") for segment in layer.split("/")):
            raise refuse(field, "contains a '.' or '..' segment (also refused when percent-encoded).")
    return text


def check_method(method: Any, *, field: str = "method") -> str:
    """Return the upper-case HTTP method if it is on the allow-list."""
    text = _require_str(method, field)
    upper = text.upper()
    if upper not in ALLOWED_METHODS:
        raise refuse(field, f"must be one of {', '.join(ALLOWED_METHODS)}.")
    return upper


def check_headers(headers: Any, *, field: str = "headers") -> tuple[tuple[str, str], ...]:
    """Accept extra request headers whose names are tokens and whose values are plain text."""
    pairs = _pairs(headers, field, limit=MAX_HEADERS)
    checked: list[tuple[str, str]] = []
    for name, value in pairs:
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise refuse(
                field, f"has an invalid header name {_show(name)} (letters, digits and '-' expected)."
            )
        slot = f"{field}.{name}"
        if name.lower() in REFUSED_HEADERS:
            raise refuse(
                slot,
                "may not be set: Membrane supplies credentials and connection headers itself, and the "
                "HTTP method comes from `method` only.",
                next_step=f"Remove the {name} header and call again.",
            )
        text = _require_str(value, slot)
        _check_text_value(text, slot, MAX_HEADER_VALUE_CHARS)
        checked.append((name, text))
    return tuple(checked)


def check_query(query: Any, *, field: str = "query") -> tuple[tuple[str, str], ...]:
    """Accept query parameters as a mapping (list values repeat the key) or as ordered pairs.

    ``None`` values are dropped, since agents send null for filters they do not mean to set;
    booleans become ``true``/``false`` as Hotmart expects.
    """
    return _check_params(query, field, _check_text_value)


def check_path_params(params: Any, *, field: str = "path_params") -> tuple[tuple[str, str], ...]:
    """Accept ``{placeholder}`` values; each must be a single path segment, so no traversal."""
    return _check_params(params, field, _check_segment_value)


def check_body(body: Any, *, field: str = "body") -> Any:
    """Accept a JSON object or array of bounded serialised size (or ``None`` for no body).

    A bare scalar is refused: no Hotmart endpoint takes one, and a negative number would be
    the one JSON text that starts with "-" in argv.
    """
    if body is None:
        return None
    if not isinstance(body, (dict, list)):
        raise refuse(field, "must be a JSON object or array.")
    _check_json_size(body, field, MAX_BODY_BYTES)
    return body


def check_input_size(input: Any, *, field: str = "input") -> dict[str, Any]:
    """Accept an action's input: a JSON object of bounded serialised size (``None`` means ``{}``)."""
    if input is None:
        return {}
    if not isinstance(input, dict):
        raise refuse(field, "must be a JSON object.")
    _check_json_size(input, field, MAX_ACTION_INPUT_BYTES)
    return input


def _check_params(
    params: Any, field: str, check_value: Callable[[str, str, int], None]
) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    for key, value in _pairs(params, field, limit=MAX_PARAMS):
        if not isinstance(key, str) or len(key) > MAX_PARAM_KEY_CHARS or not _SIMPLE_NAME.match(key):
            raise refuse(field, f"has an invalid parameter name {_show(key)} (letters, digits, _ . - only).")
        slot = f"{field}.{key}"
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None:
                continue
            text = _scalar_text(item, slot)
            check_value(text, slot, MAX_PARAM_VALUE_CHARS)
            checked.append((key, text))
    if len(checked) > MAX_PARAMS:
        raise refuse(field, f"has more than {MAX_PARAMS} values.")
    return tuple(checked)


def _check_text_value(text: str, field: str, limit: int) -> None:
    if len(text) > limit:
        raise refuse(field, f"is longer than {limit} characters.")
    _refuse_control_chars(text, field)
    check_not_option(text, field)
    _refuse_url_or_traversal(text, field)


def _refuse_url_or_traversal(text: str, field: str) -> None:
    """No Hotmart parameter or header is a URL or a relative path, so such a value is refused.

    How Membrane's proxy places query and header values is not documented (membrane-cli-contract.md
    §9), so a value that would redirect or climb out of the request if it were spliced into
    a URL is refused rather than trusted to be encoded. Emails, codes, names and dates pass.
    """
    for layer in _decoded_layers(text, field):
        if "://" in layer or layer.startswith(("//", "\\\\")):
            raise refuse(field, "must not be a URL.")
        if _DOT_DOT_SEGMENT.search(layer):
            raise refuse(field, "must not contain a '..' path segment.")


def _check_segment_value(text: str, field: str, limit: int) -> None:
    _check_text_value(text, field, limit)
    if not text:
        raise refuse(field, "is empty.")
    if _BAD_PERCENT.search(text):
        raise refuse(field, "contains a '%' that is not followed by two hex digits.")
    if not _SEGMENT_CHARS.match(text):
        raise refuse(field, "must be a single path segment (no '/', '\\', '?', '#' or spaces).")
    for layer in _decoded_layers(text, field):
        _refuse_control_chars(layer, field)
        if layer in (".", "..") or any(char in layer for char in "/\\?#"):
            raise refuse(field, "must be a single path segment (also when percent-decoded).")


def _decoded_layers(text: str, field: str) -> list[str]:
    """The text and each percent-decoding of it, as successive decoders along the way would see it."""
    layers = [text]
    for _ in range(MAX_PERCENT_DECODING_ROUNDS):
        decoded = unquote(layers[-1])
        if decoded == layers[-1]:
            return layers
        layers.append(decoded)
    if unquote(layers[-1]) != layers[-1]:
        raise refuse(field, "is percent-encoded too many times.")
    return layers


def _pairs(value: Any, field: str, *, limit: int) -> list[tuple[Any, Any]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        pairs = []
        for item in value:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise refuse(field, "must be an object or a list of [name, value] pairs.")
            pairs.append((item[0], item[1]))
    else:
        raise refuse(field, "must be an object or a list of [name, value] pairs.")
    if len(pairs) > limit:
        raise refuse(field, f"has more than {limit} entries.")
    return pairs


def _scalar_text(value: Any, field: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise refuse(field, "must be a finite number.")
        return repr(value)
    if isinstance(value, str):
        return value
    raise refuse(field, "must be a string, number or boolean (or a list of them).")


def _check_json_size(value: Any, field: str, limit: int) -> None:
    try:
        # The exact text the CLI backend puts in argv (membrane/cli.py _to_json).
        text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    except RecursionError:
        raise refuse(field, "is nested too deeply.") from None
    except (TypeError, ValueError) as exc:
        raise refuse(field, f"is not JSON-serialisable ({exc}).") from None
    size = len(text.encode("ascii"))
    if size > limit:
        raise refuse(
            field,
            f"is {size:,} bytes as sent (JSON, each non-ASCII character written as a 6-byte \\uXXXX "
            f"escape); the limit is {limit:,} bytes, what fits in one command-line argument.",
            next_step=f"Send a smaller {field} (split the work into several calls), then retry.",
        )


def _require_str(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise refuse(field, "must be a string.")
    return value


def _refuse_control_chars(text: str, field: str) -> None:
    if _CONTROL.search(text):
        raise refuse(field, "contains control characters (CR, LF, NUL or similar).")


def _show(value: Any) -> str:
    return repr(value)[:60]
