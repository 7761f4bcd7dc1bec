"""``save_to``: write a complete result to a file in the export folder instead of the context.

A year of sales does not belong in an agent's context; a CSV the user can open does. Files go
only under the export directory: an agent (or a prompt injected through Hotmart data) must not
be able to write ``~/.bashrc``. Paths that leave the folder — absolute paths elsewhere, ``..``,
symlinks pointing out — are refused. Writes are atomic (temp file + ``os.replace``), so a
reader never sees half a file, and files are created readable by the user only because they
hold buyers' personal data.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ..errors import InvalidInput

# Most file systems allow 255 bytes per name (NAME_MAX); the schema's 255 characters can be more
# bytes in UTF-8, so each part of save_to is measured in bytes too. The temporary file beside it
# has a short fixed name (_TEMP_PREFIX + 8 random characters + ".tmp"), never one derived from it.
MAX_NAME_BYTES = 255
_TEMP_PREFIX = ".hmcp-export-"
FORMATS = {".jsonl": "jsonl", ".csv": "csv"}
PREVIEW_ROWS = 3
# Spreadsheets run cells that start with these as formulas; buyer names come from strangers.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SavedExport:
    path: str
    format: str
    rows: int
    columns: list[str]
    preview: list[Any] = field(default_factory=list)


def resolve_export_path(save_to: str, export_dir: Path) -> tuple[Path, str]:
    """The real path for ``save_to`` inside ``export_dir`` and its format; InvalidInput otherwise."""
    if not isinstance(save_to, str) or not save_to.strip() or "\x00" in save_to:
        raise InvalidInput("save_to must be a file name such as 'sales-2026-03.csv'.", field="save_to")
    suffix = PurePath(save_to).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"save_to: {save_to!r} must end in .jsonl or .csv (the format is chosen by the extension).",
            field="save_to",
        )
    relative = PurePath(save_to)
    if ".." in relative.parts:
        raise InvalidInput(f"save_to: {save_to!r} may not contain '..'.", field="save_to")
    try:
        sizes = [len(os.fsencode(part)) for part in relative.parts]
    except UnicodeEncodeError:
        raise InvalidInput("save_to holds characters no file name can have here.", field="save_to") from None
    for part, size in zip(relative.parts, sizes, strict=True):
        if size > MAX_NAME_BYTES:
            raise InvalidInput(
                f"save_to: the name {part[:40]!r}... is {size} bytes in UTF-8; a file or "
                f"folder name may have at most {MAX_NAME_BYTES} bytes.",
                next_step="Choose a shorter file name and call again.",
                field="save_to",
            )
    try:
        return _resolve_inside(save_to, relative, export_dir)
    except OSError as exc:
        raise export_failed(exc, save_to, export_dir) from None


def export_failed(exc: OSError, save_to: str, export_dir: Path) -> InvalidInput:
    """The error for an OSError of the export (a name too long, a full disk, a folder not writable)."""
    reason = f"{exc.strerror or exc} ({errno.errorcode.get(exc.errno or 0, 'OSError')})"
    if exc.errno == errno.ENAMETOOLONG:
        return InvalidInput(
            f"save_to: {save_to[:60]!r} is too long a path for this file system: {reason}.",
            next_step="Choose a shorter file name and call again.",
            field="save_to",
        )
    return InvalidInput(
        f"save_to: the export to {save_to[:60]!r} in {export_dir} could not be written: {reason}. "
        "Nothing was saved.",
        next_step="Tell the user the export folder could not be written (they can free space or fix its "
        "permissions, or set HOTMART_MCP_EXPORT_DIR); call again without save_to to get the data in the "
        "result instead.",
        field="save_to",
    )


def _resolve_inside(save_to: str, relative: PurePath, export_dir: Path) -> tuple[Path, str]:
    export_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    root = export_dir.resolve()
    # An absolute path is accepted only when it already points inside the export folder.
    target = (Path(save_to) if relative.is_absolute() else root / relative).resolve()
    if target == root or not target.is_relative_to(root):
        raise InvalidInput(
            f"save_to: {save_to!r} is outside the export folder {root} (symlinks are followed).",
            next_step=f"Give a file name relative to the export folder, e.g. 'sales.csv' (saved in {root}).",
            field="save_to",
        )
    if target.exists():
        raise _exists(save_to, target)
    return target, FORMATS[relative.suffix.lower()]


def _exists(save_to: str, target: Path) -> InvalidInput:
    # Never overwrite: an earlier export may be the only copy, and a prompt injected into the
    # data an agent reads must not be able to clobber it.
    return InvalidInput(
        f"save_to: {target} already exists, and exports never overwrite a file.",
        next_step=f"Choose a new file name (e.g. add a date or a number to {save_to!r}) and call again.",
        field="save_to",
    )


def flatten(item: Any, prefix: str = "") -> dict[str, Any]:
    """One row of dotted columns: nested objects become ``a.b``; lists stay whole (as JSON)."""
    if not isinstance(item, dict):
        return {prefix or "value": item}
    row: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            row.update(flatten(value, name))
        else:
            row[name] = value
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def _csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def _jsonl_text(items: Iterable[Any]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n" for item in items)


def _write_atomically(target: Path, save_to: str, text: str) -> None:
    """Write a complete file under its final name, failing (not replacing) if that name was taken."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        # A hard link appears complete and fails if the name exists meanwhile (os.replace would not).
        os.link(temp_name, target)
    except FileExistsError:
        raise _exists(save_to, target) from None
    finally:
        Path(temp_name).unlink(missing_ok=True)


def save_export(items: Sequence[Any], save_to: str, export_dir: Path) -> SavedExport:
    """Write ``items`` to ``save_to`` (relative to ``export_dir``) as JSON lines or CSV.

    CSV columns are the union of every item's dotted keys, in first-seen order; list values are
    written as JSON. Cells starting like a spreadsheet formula get a leading apostrophe.
    """
    target, export_format = resolve_export_path(save_to, export_dir)
    try:
        return _save(items, save_to, target, export_format)
    except OSError as exc:
        raise export_failed(exc, save_to, export_dir) from None


def _save(items: Sequence[Any], save_to: str, target: Path, export_format: str) -> SavedExport:
    if export_format == "csv":
        rows = [flatten(item) for item in items]
        columns = list(dict.fromkeys(column for row in rows for column in row))
        _write_atomically(target, save_to, _csv_text(rows, columns))
        preview: list[Any] = rows[:PREVIEW_ROWS]
    else:
        columns = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))
        _write_atomically(target, save_to, _jsonl_text(items))
        preview = list(items[:PREVIEW_ROWS])
    return SavedExport(str(target), export_format, len(items), columns, preview)
