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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, TypeVar

from ..errors import InvalidInput

# Most file systems allow 255 bytes per name (NAME_MAX); the schema's 255 characters can be more
# bytes in UTF-8, so each part of save_to is measured in bytes too. The temporary file beside it
# has a short fixed name (_TEMP_PREFIX + 8 random characters + ".tmp"), never one derived from it.
MAX_NAME_BYTES = 255
_TEMP_PREFIX = ".hmcp-export-"
_T = TypeVar("_T")
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


class ExportWriter:
    """An export written page by page to a temporary file beside its target, named only when finished.

    ``write`` appends a page of items (memory stays that of one page, whatever the row count);
    ``finish`` links the complete file under its final name; leaving the ``with`` block without
    finishing (the walk failed) removes the temporary file, so no half file is ever named.
    CSV columns are the union of every item's dotted keys, in first-seen order: the header
    holds the first page's columns, and only when a later page brings new ones is the file
    rewritten once at the end with the full header and the earlier rows padded with empty cells
    (the same bytes as had every column been known up front).
    """

    def __init__(self, save_to: str, export_dir: Path) -> None:
        self.save_to, self.export_dir = save_to, export_dir
        self.target, self.format = resolve_export_path(save_to, export_dir)
        self.rows = 0
        self.columns: dict[str, None] = {}
        self.preview: list[Any] = []
        self._header: list[str] | None = None  # the CSV header written, once the first page was
        self._temp = self._guarded(lambda: _TempFile(self.target.parent))

    def __enter__(self) -> ExportWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._temp.remove()

    def write(self, items: Sequence[Any]) -> None:
        """Append ``items`` to the file."""
        self._guarded(lambda: self._write(items))

    def finish(self) -> SavedExport:
        """Name the complete file; InvalidInput if the name was taken meanwhile or the disk failed."""
        self._guarded(self._finish)
        return SavedExport(str(self.target), self.format, self.rows, list(self.columns), self.preview)

    def _guarded(self, work: Callable[[], _T]) -> _T:
        try:
            return work()
        except OSError as exc:
            raise export_failed(exc, self.save_to, self.export_dir) from None

    def _write(self, items: Sequence[Any]) -> None:
        if self.format == "csv":
            rows = [flatten(item) for item in items]
            self.columns.update(dict.fromkeys(column for row in rows for column in row))
            if self._header is None:
                self._header = list(self.columns)
                self._temp.write(_csv_text([], self._header))
            self._temp.write(_csv_rows(rows, list(self.columns)))
        else:
            self.columns.update(dict.fromkeys(k for item in items if isinstance(item, dict) for k in item))
            self._temp.write(_jsonl_text(items))
            rows = list(items)
        self.preview.extend(rows[: PREVIEW_ROWS - len(self.preview)])
        self.rows += len(items)

    def _finish(self) -> None:
        if self.format == "csv" and self._header is None:
            self._temp.write(_csv_text([], list(self.columns)))
        elif self.format == "csv" and self._header != list(self.columns):
            self._temp = self._temp.rewritten(list(self.columns))
        self._temp.link(self.target, lambda: _exists(self.save_to, self.target))


class _TempFile:
    """A file of our own beside the target (a short fixed name, never one derived from save_to)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX, suffix=".tmp")
        self.path = Path(name)
        self.file = os.fdopen(handle, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self.file.write(text)

    def rewritten(self, columns: list[str]) -> _TempFile:
        """A new temporary file: this CSV under the full header, every row padded to its width."""
        self.file.close()
        new = _TempFile(self.path.parent)
        try:
            with self.path.open(encoding="utf-8", newline="") as old:
                reader = csv.reader(old)
                next(reader, None)
                writer = csv.writer(new.file, lineterminator="\n")
                writer.writerow(columns)
                for row in reader:
                    writer.writerow(row + [""] * (len(columns) - len(row)))
        except BaseException:
            new.remove()
            raise
        finally:
            self.remove()
        return new

    def link(self, target: Path, exists: Callable[[], Exception]) -> None:
        """Make the complete file appear under ``target``, failing (not replacing) if that name was taken."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        try:
            # A hard link appears complete and fails if the name exists meanwhile (os.replace would not).
            os.link(self.path, target)
        except FileExistsError:
            raise exists() from None

    def remove(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def _csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    return buffer.getvalue() + _csv_rows(rows, columns)


def _csv_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def _jsonl_text(items: Iterable[Any]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n" for item in items)


def save_export(items: Sequence[Any], save_to: str, export_dir: Path) -> SavedExport:
    """Write ``items`` to ``save_to`` (relative to ``export_dir``) as JSON lines or CSV (see ExportWriter).

    List values are written as JSON. Cells starting like a spreadsheet formula get a leading apostrophe.
    """
    with ExportWriter(save_to, export_dir) as writer:
        writer.write(items)
        return writer.finish()
