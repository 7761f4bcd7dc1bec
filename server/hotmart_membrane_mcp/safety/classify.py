"""Tell a lookup from a refund, for proxy requests and for Membrane actions.

Proxy requests are decided by HTTP method, and described from the one endpoint table
(hotmart/catalogue.py). Actions are decided by Membrane's structural ``type`` and, for the
generic types, by the words in their key and name. Whatever cannot be decided is a write, and
a write whose consequences are unknown is treated as irreversible: a needless question costs
the user a click, a missing one can cost a refund.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..hotmart.catalogue import Endpoint, find_endpoint, path_values
from ..membrane.models import Action

READ_METHODS = frozenset({"GET", "HEAD"})

# membrane-cli-contract.md §7: the SDK's ActionType values. Data-record types say what they do.
READ_TYPE_PREFIXES = ("list-", "find-", "search-", "match-")
WRITE_TYPE_PREFIXES = ("find-or-create-", "create-", "update-", "delete-")

# Words in an action's key or name, matched as whole words ("list-refunds" reads refunds).
READ_WORDS = frozenset(
    {"list", "get", "search", "find", "summary", "read", "fetch", "lookup", "show", "retrieve", "count"}
    | {"view", "describe", "history", "query", "details", "info"}
)
WRITE_WORDS = frozenset(
    {"refund", "cancel", "delete", "remove", "create", "reactivate", "update", "negotiate", "send"}
    | {"charge", "add", "set", "change", "edit", "modify", "reissue", "generate", "archive", "block"}
    | {"unblock", "activate", "deactivate", "approve", "reject", "write", "upsert", "insert", "patch"}
    | {"put", "post", "pay", "transfer", "revoke", "grant", "invite", "submit", "enroll", "enrol"}
    | {"move", "reset", "resend", "mark", "trigger", "import", "upload", "apply", "disable", "enable"}
    | {"purge", "destroy", "restore", "replace", "rename", "assign", "unassign", "subscribe"}
    | {"unsubscribe"}
)
# Prefixes, once an action is known to write: "refunds", "cancellation" and "charged" count too. They
# only grade a write; which sale a write refunds is hotmart.refunds' to say, for both tools.
IRREVERSIBLE_WORD_PREFIXES = ("refund", "cancel", "delet", "remov", "negotiat", "charg", "purg", "destroy")

# Body and input fields that name the records a write touches.
_TARGET_FIELD = re.compile(r"(^|_)(code|codes|id|ids|transaction|transactions)$")
_TARGET_RENAMES = {"transaction_code": "transaction"}
_MAX_TARGET_VALUES = 10
_MAX_TARGET_CHARS = 100
_MAX_LABEL_CHARS = 80
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class WriteInfo:
    """What one call would do, as far as the server can tell before sending it."""

    is_write: bool
    irreversible: bool
    operation: str  # plain language, for a human deciding whether to allow it
    targets: dict[str, str] = field(default_factory=dict)  # e.g. {"transaction": "HP123"}
    known: bool = False  # decided by a documented source (catalogue, Membrane's action type)


def classify_proxy(
    method: str, path: str, body: Any = None, *, path_params: Iterable[tuple[str, str]] = ()
) -> WriteInfo:
    """Classify one proxy request: GET/HEAD read, every other method writes.

    ``path_params`` fill the path's ``{placeholders}`` first, so a templated refund is
    recognised (and its transaction named) like a literal one.
    """
    verb = method.upper()
    concrete = fill_path(path, path_params)
    endpoint = find_endpoint(verb, concrete)
    if endpoint is None and verb == "HEAD":
        endpoint = find_endpoint("GET", concrete)
    if verb in READ_METHODS:
        operation = endpoint.summary if endpoint else f"Read {_clip(concrete, 200)} on the Hotmart API."
        targets = _path_targets(endpoint, concrete)
        return WriteInfo(False, False, operation, targets, known=endpoint is not None)
    if endpoint is not None and endpoint.write:
        targets = {**_path_targets(endpoint, concrete), **target_fields(body, only=endpoint.params)}
        operation = endpoint.write_description or endpoint.summary
        return WriteInfo(True, endpoint.irreversible, operation, targets, known=True)
    return WriteInfo(
        True,
        True,
        f"{_clip(verb, 10)} {_clip(concrete, 200)} on the Hotmart API. This is not a write the server "
        "knows, so it is treated as irreversible.",
        target_fields(body),
        known=False,
    )


def classify_action(action: Action, input: Mapping[str, Any] | None = None) -> WriteInfo:
    """Classify one Membrane action from its type, then from the words of its key and name.

    A read-typed action whose key or name says it writes is treated as a write: the two
    disagree, and the safe reading wins.
    """
    kind = _clip((action.type or "").strip().lower(), _MAX_LABEL_CHARS)
    words = _words(action.key) | _words(action.name)
    writes = words & WRITE_WORDS
    irreversible = any(word.startswith(IRREVERSIBLE_WORD_PREFIXES) for word in words)
    label = _label(action)
    targets = target_fields(input)
    if kind.startswith(WRITE_TYPE_PREFIXES):
        operation = f"Run the Membrane action {label} ({kind}), which changes data in Hotmart."
        return WriteInfo(True, kind.startswith("delete-") or irreversible, operation, targets, known=True)
    if kind.startswith(READ_TYPE_PREFIXES) and not writes:
        operation = f"Run the Membrane action {label} ({kind}), which only reads."
        return WriteInfo(False, False, operation, targets, known=True)
    if writes:
        operation = (
            f"Run the Membrane action {label}, which changes data in Hotmart "
            f"(its name says: {', '.join(sorted(writes))})."
        )
        return WriteInfo(True, irreversible, operation, targets, known=False)
    if words & READ_WORDS:
        operation = f"Run the Membrane action {label}, which only reads."
        return WriteInfo(False, False, operation, targets, known=False)
    operation = (
        f"Run the Membrane action {label} ({kind or 'no type'}). It could not be classified, so it is "
        "treated as an irreversible write."
    )
    return WriteInfo(True, True, operation, targets, known=False)


def fill_path(path: str, path_params: Iterable[tuple[str, str]] = ()) -> str:
    """The path with each ``{name}`` (or whole ``:name`` segment) replaced by its value.

    membrane-cli-contract.md §9: how ``--pathParam`` marks a placeholder is UNKNOWN; ``{name}`` is
    INFERRED from the Hotmart docs' own templates, ``:name`` from common router syntax.
    """
    values = dict(path_params)
    segments = [
        values.get(segment[1:], segment) if segment.startswith(":") else segment
        for segment in path.split("/")
    ]
    return re.sub(r"\{([A-Za-z0-9_.-]+)\}", lambda match: values.get(match[1], match[0]), "/".join(segments))


def target_fields(fields: Any, *, only: Iterable[str] | None = None) -> dict[str, str]:
    """The id-like fields of a body or input (``subscriber_code``, ``subscription_id``, ...), as text."""
    if not isinstance(fields, Mapping):
        return {}
    allowed = set(only) if only is not None else None
    targets: dict[str, str] = {}
    for key, value in fields.items():
        if not isinstance(key, str) or not _TARGET_FIELD.search(key):
            continue
        if allowed is not None and key not in allowed:
            continue
        text = _target_text(value)
        if text:
            targets[_TARGET_RENAMES.get(key, key)] = text
    return targets


def _path_targets(endpoint: Endpoint | None, path: str) -> dict[str, str]:
    if endpoint is None:
        return {}
    return {_TARGET_RENAMES.get(key, key): _clip(value) for key, value in path_values(endpoint, path).items()}


def _target_text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return _clip(str(value))
    if isinstance(value, (list, tuple)):
        items = [_clip(str(item)) for item in value if isinstance(item, (str, int, float))]
        shown = ", ".join(items[:_MAX_TARGET_VALUES])
        extra = len(items) - _MAX_TARGET_VALUES
        return f"{shown} (+{extra} more)" if extra > 0 else shown
    return ""


def _words(text: str | None) -> set[str]:
    if not text:
        return set()
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return {word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word}


def _label(action: Action) -> str:
    name = action.name or action.key or action.id
    key = f" [{action.key}]" if action.key and action.key != name else ""
    return f"“{_clip(name, _MAX_LABEL_CHARS)}”{_clip(key, _MAX_LABEL_CHARS)}"


def _clip(text: str, limit: int = _MAX_TARGET_CHARS) -> str:
    text = _UNPRINTABLE.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
