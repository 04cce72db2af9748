"""What the model reads of a table file itself: its header row, and a byte scan within budgets.

The header is read once, with the csv module, from at most MAX_HEADER_BYTES bytes: labels are
compared exactly (a byte-order mark is not part of the first label; surrounding spaces are).
The byte scan (validator only) streams the file once for NUL bytes, invalid UTF-8 and, when it has
more lines than its row budget (`limits.row_budget`), the row count; the package model checks the cell
and row budgets of other files on their one parse (`Table.scan`), so a table over a budget never reaches
frictionless or pandas.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import threading
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nme_data.package.errors import EmptyTableError, Finding, HeaderError, TableError
from nme_data.package.limits import (
    CHUNK_BYTES,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_HEADER_BYTES,
    MAX_TABLE_BYTES,
    row_budget,
)
from nme_data.package.paths import regular_file_size
from nme_data.package.sniff import (
    DELIMITER_NAMES,
    UTF16_BOMS,
    delimiter_hint,
    encoding_hint,
    encoding_name,
    guess_encoding,
    sniff_delimiter,
)

BOM = codecs.BOM_UTF8
#: The first read for a header row: enough for any ordinary header in one system call.
HEADER_CHUNK_BYTES = 64 * 1024
#: The one encoding every reader of a table uses: UTF-8, a byte-order mark dropped if present.
ENCODING = "utf-8-sig"


#: The csv module's cell limit is one process-wide setting: reads that change it take turns (tier 1 reads in a
#: thread beside the semantic layer), or two overlapping reads would put back each other's values and leave
#: the caller's process with a limit it never set. Reentrant: a read inside a read keeps its own limit.
_FIELD_LIMIT_LOCK = threading.RLock()


@contextlib.contextmanager
def field_limit(limit: int) -> Iterator[None]:
    """The csv module's cell limit, for this read only: it is process-wide, so it is put back after."""
    with _FIELD_LIMIT_LOCK:
        previous = csv.field_size_limit(limit)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


@dataclass(frozen=True)
class Header:
    """A table's header row as written, and whether the file starts with a byte-order mark."""

    labels: tuple[str, ...]
    bom: bool


def read_header(path: Path, table: str) -> Header:
    """The first record of a CSV file, read in chunks up to MAX_HEADER_BYTES bytes, never further."""
    try:
        return _read_header(path, table)
    except OSError as exc:
        raise TableError(f"{path.name} cannot be read: {exc.strerror or exc}", code="scheme-error") from None


def _read_header(path: Path, table: str) -> Header:
    size = regular_file_size(path)
    with path.open("rb") as handle:
        return header_of(lambda size: handle.read(size), size, path, table)


def header_of(read: Callable[[int], bytes], size: int, path: Path, table: str) -> Header:
    """The first record of a file of `size` bytes, taken in chunks from `read` up to MAX_HEADER_BYTES bytes."""
    data = b""
    while True:
        more = read(HEADER_CHUNK_BYTES)
        data += more
        whole = (not more or len(data) >= size) and len(data) <= MAX_HEADER_BYTES
        labels, ended = _first_record(path, data[: MAX_HEADER_BYTES + 1], whole)
        if ended or whole:
            break
        if len(data) > MAX_HEADER_BYTES:
            raise HeaderError(
                f"{path.name}: the header row is longer than the budget of {MAX_HEADER_BYTES} bytes",
                code="header-too-wide",
            )
    if not labels:
        empty = not data.removeprefix(BOM)
        what = "is empty: not even a header row" if empty else "has no header row: its first line is blank"
        raise EmptyTableError(f"{path.name} {what}", table=table)
    if len(labels) > MAX_COLUMNS:
        raise HeaderError(
            f"{path.name} has {len(labels)} columns, more than the budget of {MAX_COLUMNS}", code="header-too-wide"
        )
    return Header(tuple(labels), data.startswith(BOM))


def _first_record(path: Path, data: bytes, whole: bool) -> tuple[list[str] | None, bool]:
    """The first CSV record of the bytes read so far, and whether a line break after it proves it complete."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(body, final=whole)
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{path.name} is not valid UTF-8 in its header: byte {body[exc.start]:#04x}; "
            f"{encoding_name(guess_encoding(data))}: {encoding_hint(guess_encoding(data))}",
            code="encoding-error",
        ) from None
    stream = io.StringIO(text, newline="")
    try:
        with field_limit(MAX_HEADER_BYTES + 2):  # above what `data` can hold: the byte budget decides
            labels = next(csv.reader(stream), None)
    except csv.Error as exc:
        raise TableError(f"{path.name}: the header row cannot be read as CSV: {exc}", code="source-error") from None
    return labels, stream.tell() < len(text)


def header_problems(table: str, file: str, labels: tuple[str, ...], fields: list[str]) -> list[Finding]:
    """How the header differs from the schema's field names, by name: renames, extras, gaps, order."""
    if list(labels) == fields:
        return []
    delimiter = sniff_delimiter(labels, fields)
    if delimiter is not None:
        message = (
            f"{file} uses {DELIMITER_NAMES[delimiter]} as its delimiter, not ',' (comma): its header reads as "
            f"{len(labels)} column{'s' * (len(labels) != 1)} instead of {len(fields)}"
        )
        return [Finding(table, None, None, "wrong-delimiter", message, hint=delimiter_hint(delimiter))]
    problems: list[Finding] = []

    def add(field: str | None, code: str, message: str) -> None:
        problems.append(Finding(table, None, field, code, message))

    field_set, label_set = set(fields), set(labels)
    for label, count in Counter(labels).items():
        if count > 1 and label:
            add(label, "duplicate-label", f"column {label!r} appears {count} times in the header of {file}")
    for position, label in enumerate(labels, start=1):
        if not label:
            add(None, "blank-label", f"column {position} of {file} has an empty label")
    extras = [label for label in dict.fromkeys(labels) if label and label not in field_set]
    missing = [name for name in fields if name not in label_set]
    if len(labels) == len(fields):
        for position, (label, name) in enumerate(zip(labels, fields, strict=True), start=1):
            if label in extras and name in missing:
                spaces = " (it has surrounding spaces)" if label.strip() == name else ""
                add(
                    name,
                    "incorrect-label",
                    f"column {position} of {file} is labelled {label!r}{spaces}; the schema names it {name!r}: "
                    "rename the column, or rename the field in datapackage.json",
                )
                extras.remove(label)
                missing.remove(name)
    for label in extras:
        spaces = " (the label has surrounding spaces)" if label.strip() != label else ""
        add(
            label,
            "extra-label",
            f"column {label!r}{spaces} of {file} is not a field of the schema: add a field {label.strip()!r} to "
            "this resource's schema in datapackage.json, or remove the column",
        )
    for name in missing:
        add(
            name,
            "missing-label",
            f"field {name!r} has no column in {file}: add the column, or remove the field from datapackage.json",
        )
    if not problems:
        add(
            None,
            "header-order",
            f"the columns of {file} are in another order than the schema's fields; expected: {', '.join(fields)}",
        )
    return problems


def _line_of(data: bytes, offset: int, before: int) -> int:
    return before + data.count(b"\n", 0, offset) + 1


def _encoding_problem(table: str, name: str, reason: str, line: int, guess: str) -> Finding:
    """An encoding-error that names the likely encoding, in the message and in the hint (what to run)."""
    return Finding(
        table, line, None, "encoding-error", f"{name} {reason}; {encoding_name(guess)}", hint=encoding_hint(guess)
    )


def scan_bytes(path: Path, table: str, data: bytes | None = None) -> list[Finding]:
    """NUL bytes, invalid UTF-8, emptiness and the size budgets, in one streamed pass over the file (or over
    its bytes, already read within MAX_TABLE_BYTES by the package model's reader)."""
    try:
        return _scan_bytes(path, table, data)
    except OSError as exc:
        return [Finding(table, None, None, "scheme-error", f"{path.name} cannot be read: {exc.strerror or exc}")]


def _scan_bytes(path: Path, table: str, data: bytes | None) -> list[Finding]:
    name = path.name
    size = regular_file_size(path) if data is None else len(data)
    if size > MAX_TABLE_BYTES:
        return [Finding(table, None, None, "file-too-large", f"{name} is larger than {MAX_TABLE_BYTES} bytes")]
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    content = False
    with path.open("rb") if data is None else io.BytesIO(data) as handle:
        first = True
        while chunk := handle.read(CHUNK_BYTES):
            if first and chunk.startswith(UTF16_BOMS):  # before the NUL scan: UTF-16 text is full of them
                return [_encoding_problem(table, name, "is UTF-16, not UTF-8", 1, "utf-16")]
            body = chunk[len(BOM) :] if first and chunk.startswith(BOM) else chunk
            first = False
            content = content or bool(body)
            nul = body.find(b"\x00")
            if nul >= 0:
                line = _line_of(body, nul, lines)
                return [Finding(table, line, None, "nul-byte", f"{name} contains a NUL byte (line {line})")]
            try:
                decoder.decode(body)
            except UnicodeDecodeError as exc:
                line = _line_of(body, exc.start, lines)
                reason = f"is not valid UTF-8: byte {body[exc.start]:#04x} at line {line}"
                return [_encoding_problem(table, name, reason, line, guess_encoding(body))]
            lines += body.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return [Finding(table, lines + 1, None, "encoding-error", f"{name} ends inside a UTF-8 character")]
    if not content:
        return [Finding(table, None, None, "empty-file", f"{name} is empty: not even a header row")]
    if lines > row_budget(table):  # possibly over the row budget: counted as a stream, before any allocation
        return _scan_records(path, table, data)
    return []  # the cell and row budgets of a smaller file are checked on its one parse (Table.scan)


def _text_stream(path: Path, data: bytes | None) -> typing.TextIO:
    if data is None:
        return path.open(encoding=ENCODING, newline="")
    return io.TextIOWrapper(io.BytesIO(data), encoding=ENCODING, newline="")


def _scan_records(path: Path, table: str, data: bytes | None) -> list[Finding]:
    """Row count and cell size with the csv module: only for files large enough to break a budget."""
    records = 0
    try:
        with _text_stream(path, data) as handle, field_limit(MAX_CELL_CHARS):
            for _ in csv.reader(handle):
                records += 1
                if records > row_budget(table) + 1:
                    message = f"{path.name} has more than {row_budget(table)} data rows"
                    return [Finding(table, None, None, "too-many-rows", message)]
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            return []  # other damage: frictionless locates it
        row = records + 1
        if row == 1:
            message = f"{path.name}: the header row is longer than the budget of {MAX_HEADER_BYTES} bytes"
            return [Finding(table, None, None, "header-too-wide", message)]
        return [
            Finding(
                table,
                row,
                _big_cell_field(path, row, data),
                "cell-too-large",
                f"a cell of {path.name} is longer than the budget of {MAX_CELL_CHARS} characters",
            )
        ]
    return []


def _big_cell_field(path: Path, row: int, data: bytes | None) -> str | None:
    """The label of the over-long cell in a row, found by reading again (only once a cell is too large)."""
    with _text_stream(path, data) as handle:
        return big_cell_field(handle, row)


def big_cell_field(lines: Iterable[str], row: int) -> str | None:
    """The label of the over-long cell in a row (row 1 is the header) of a CSV text, read again without the
    cell budget: only once a cell broke it, to name the field in the error."""
    with field_limit(MAX_TABLE_BYTES):
        reader = csv.reader(lines)
        header = next(reader, [])
        for number, record in enumerate(reader, start=2):
            if number == row:
                for label, cell in zip(header, record, strict=False):
                    if len(cell) > MAX_CELL_CHARS:
                        return label
                return None
    return None
