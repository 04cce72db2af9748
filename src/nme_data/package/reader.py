"""The one place a table file of a copy is opened, and the one CSV reader every layer shares.

`read_file` opens a table file (a regular file within MAX_TABLE_BYTES, checked before it is opened);
a `Table` keeps its bytes while the file on disk is unchanged, so one command that validates, loads,
exports and copies a table opens it once. Every reader works from those bytes: `records` (csv module,
the cell budget, a byte-order mark dropped, each record with the line it starts on), and, in
`nme_data.package.raw` and `nme_data.frames.loader`, the text frame and the typed frame.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nme_data.package.csvfile import BOM, field_limit
from nme_data.package.errors import TableError
from nme_data.package.limits import MAX_CELL_CHARS, MAX_TABLE_BYTES
from nme_data.package.paths import regular_file_size

#: What identifies the bytes of a file without reading it: a rewrite (atomic or in place) changes it.
Signature = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Record:
    """One CSV record: its cells, its row number (the header is row 1) and the line of the file it starts on."""

    row: int
    line: int
    cells: list[str]


def signature(path: Path) -> Signature | None:
    """Device, inode, size, modification and change time: equal signatures, same bytes (no read needed)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_file(path: Path, name: str) -> bytes:
    """A table file's bytes: a regular file within MAX_TABLE_BYTES, else a TableError naming the budget.

    The only `open` of a table file in the library (tests count its calls).
    """
    size = regular_file_size(path)
    if size > MAX_TABLE_BYTES:
        raise TableError(f"{path.name} is larger than {MAX_TABLE_BYTES} bytes", code="file-too-large", table=name)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TABLE_BYTES + 1)
    except OSError as exc:
        message = f"{path.name} cannot be read: {exc.strerror or exc}"
        raise TableError(message, code="scheme-error", table=name) from None
    if len(data) > MAX_TABLE_BYTES:
        raise TableError(
            f"{path.name} grew beyond {MAX_TABLE_BYTES} bytes while read", code="file-too-large", table=name
        )
    return data


def decode(data: bytes, path: Path, name: str) -> str:
    """The text of a table file: UTF-8, a byte-order mark dropped; invalid UTF-8 is a located TableError."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise TableError(
            f"{path.name} is not valid UTF-8: byte {body[exc.start]:#04x} at line {line}",
            code="encoding-error",
            table=name,
        ) from None


def records(text: str, path: Path, name: str, strict: bool = False) -> list[Record]:
    """Every record (the header first, as row 1) with the line it starts on, within the cell budget.

    strict refuses what RFC 4180 does not allow (a quote inside an unquoted cell, text after a closing
    quote), for writers that must not guess; the default reads such cells as the csv module does.
    """
    out: list[Record] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
    start = 1
    try:
        with field_limit(MAX_CELL_CHARS):
            for row, cells in enumerate(reader, start=1):
                out.append(Record(row, start, cells))
                start = reader.line_num + 1
    except csv.Error as exc:
        raise TableError(
            f"{path.name}: line {reader.line_num} cannot be read as CSV: {exc}", code="source-error", table=name
        ) from None
    return out
