"""The one parse of a table file: every cell as text, once per version of the file, for every reader.

`Table.cells()` parses the bytes the package model read (`Table.read_bytes`) here, once, and keeps the
result while the file's signature is unchanged. Every reader derives from it: the records with their
lines (`records`), tier 1's columns, the budget scan, the text frame of the semantic rules
(`nme_data.package.raw`), the typed frame of the loader, hints, the site, the exports, fmt and diff.

Two paths, one module:

- **strict**: bytes in plain RFC 4180 form (`PLAIN`, an RE2 grammar over the file: every quote opens or
  closes a quoted field or doubles inside one, LF or CRLF line ends, no empty line) whose records all have
  the header's width. There the csv module, pyarrow and frictionless cannot differ, so large files are
  parsed by pyarrow (in C, into Arrow strings) and small ones by the csv module (no import).
- **lenient**: anything else (blank rows, short or long rows, stray quotes, lone CR line ends) is read by
  the csv module as before, record by record with the line each starts on, within the cell budget.

Other dialects (a curator's semicolon, a strict reading for writers) are parsed by `dialect_records`.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package.csvfile import BOM, big_cell_field, field_limit
from nme_data.package.errors import Finding, TableError
from nme_data.package.limits import MAX_CELL_CHARS, MAX_HEADER_BYTES

if TYPE_CHECKING:
    import pyarrow as pa

#: Files of this size or more are parsed by pyarrow; smaller ones by the csv module (no import, no start-up).
ARROW_FROM_BYTES = 256 * 1024
#: frictionless' csv parser sniffs its dialect from this many lines of the text stream, among these delimiters.
SAMPLE_LINES = 100
SNIFFED_DELIMITERS = ",\t;|"
#: Plain RFC 4180 CSV, as bytes: records of fields (quoted, with doubled quotes inside, or without any
#: quote, comma or line end), each record non-empty and ended by LF or CRLF (the last may lack it).
_FIELD = rb'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
_RECORD = rb'(?:"(?:[^"]|"")*"(?:,%s)*|[^",\r\n]+(?:,%s)*|,%s(?:,%s)*)' % ((_FIELD,) * 4)
PLAIN = rb"(?:%s(?:\r\n|\n))*(?:%s)?" % (_RECORD, _RECORD)
#: pyarrow reads in blocks; a record must fit in one, so blocks hold the largest cell the budgets allow.
ARROW_BLOCK_BYTES = 4 * MAX_CELL_CHARS + (1 << 20)

#: Parses counted per file path (tests/fitness/test_one_reader.py reads it): one per version of a file.
PARSES: dict[str, int] = {}
_PARSES_LOCK = threading.Lock()


class CellsError(TableError):
    """A file the csv module cannot read: where (row, line) and whether a cell broke the cell budget."""

    def __init__(self, message: str, *, table: str, row: int, line: int, too_large: bool) -> None:
        super().__init__(message, code="source-error", table=table)
        self.row, self.line, self.too_large = row, line, too_large


@dataclass(frozen=True)
class Record:
    """One CSV record: its cells, its row number (the header is row 1) and the line of the file it starts on."""

    row: int
    line: int
    cells: list[str]


@dataclass(frozen=True)
class Dialect:
    """What frictionless would sniff from the first lines of the text: delimiter, quote, escape, spaces."""

    delimiter: str
    quotechar: str | None
    escapechar: str | None
    skipinitialspace: bool

    @property
    def plain(self) -> bool:
        return (self.delimiter, self.quotechar, self.escapechar, self.skipinitialspace) == (",", '"', None, False)


class Cells:
    """A table file's cells, parsed once: the header and the data rows, every cell as written.

    On the strict path `columns` holds one column per header label (a list of str, or a pyarrow
    large_string array for large files); on the lenient path `rows` holds every data record as the csv
    module read it ([] for a blank line), and `lines` the line each record starts on (header first).
    """

    def __init__(
        self,
        text: str | bytes,
        bom: bool,
        plain: bool,
        header: list[str] | None,
        columns: list[Any] | None,
        rows: list[list[str]] | None,
        lines: list[int] | None,
    ) -> None:
        self._text, self.bom, self.plain = text, bom, plain
        self.header, self.columns, self.rows, self._lines = header, columns, rows, lines

    @property
    def text(self) -> str:
        """The file as text (UTF-8, a byte-order mark dropped); a large file parsed by pyarrow keeps only its
        bytes (proven UTF-8 by the parse), decoded again when asked: memory holds the file once, not twice."""
        return self._text if isinstance(self._text, str) else self._text.decode("utf-8")

    def _sample(self) -> str:
        """The text up to its SAMPLE_LINES-th line feed at least (every line the sniffer sees), not a copy of
        the whole file: lines end at CR too, so a prefix cut after a line feed holds the first lines whole."""
        text = self._text
        end = 0
        for _ in range(SAMPLE_LINES):
            found = text.find(b"\n" if isinstance(text, bytes) else "\n", end)  # type: ignore[arg-type]
            if found < 0:
                end = len(text)
                break
            end = found + 1
        sample = text[:end]
        return sample.decode("utf-8") if isinstance(sample, bytes) else sample

    @property
    def strict(self) -> bool:
        """Plain RFC 4180 with every row as wide as the header: the cells every CSV reader agrees on."""
        return self.columns is not None

    @property
    def arrow(self) -> bool:
        """Whether the columns are pyarrow arrays (large files) rather than lists."""
        return bool(self.columns) and not isinstance(self.columns[0], list)  # type: ignore[index]

    @property
    def row_count(self) -> int:
        """Data records (the header excluded; blank lines count, as the csv module reads them)."""
        if self.header is None:
            return 0
        if self.rows is not None:
            return len(self.rows)
        assert self.columns is not None
        return len(self.columns[0]) if self.columns else 0

    def column_lists(self) -> list[list[str]]:
        """The strict path's columns as lists of str."""
        assert self.columns is not None
        return [column if isinstance(column, list) else column.to_pylist() for column in self.columns]

    def arrow_columns(self) -> list[pa.Array]:
        """The strict path's columns as pyarrow large_string arrays."""
        import pyarrow as pa

        assert self.columns is not None
        return [pa.array(c, type=pa.large_string()) if isinstance(c, list) else c for c in self.columns]

    def data_rows(self) -> list[list[str]]:
        """Every data record's cells, as the csv module reads them."""
        if self.rows is not None:
            return self.rows
        if self.header is None:
            return []
        columns = self.column_lists()
        return [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(self.row_count)]

    @cached_property
    def lines(self) -> list[int]:
        """The line each record starts on, the header first (line breaks inside quoted cells counted)."""
        if self._lines is not None:
            return self._lines
        if self.header is None:
            return []
        breaks = [0] * self.row_count
        for column in self.column_lists():
            for index, cell in enumerate(column):
                if "\n" in cell or "\r" in cell:
                    breaks[index] += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
        header_breaks = sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in self.header)
        starts = [1, 2 + header_breaks]
        for extra in breaks[:-1]:
            starts.append(starts[-1] + 1 + extra)
        return starts[: self.row_count + 1]

    def records(self) -> list[Record]:
        """Every record (the header first, as row 1) with the line it starts on."""
        if self.header is None:
            return []
        rows = [self.header, *self.data_rows()]
        return [Record(row, line, cells) for row, (line, cells) in enumerate(zip(self.lines, rows, strict=True), 1)]

    def dialect(self) -> Dialect:
        """The dialect frictionless would sniff from the first SAMPLE_LINES lines of the text (csv.Sniffer);
        plain CSV when the sniffer cannot tell, as frictionless falls back to csv.excel. Sniffed once per
        parse: the text does not change, and csv.Sniffer is a good part of tier 1's time on a small table."""
        return self._sniffed

    @cached_property
    def _sniffed(self) -> Dialect:
        sample = "".join(itertools.islice(io.StringIO(self._sample(), newline=""), SAMPLE_LINES))
        try:
            sniffed = csv.Sniffer().sniff(sample, SNIFFED_DELIMITERS)
        except csv.Error:
            return Dialect(",", '"', None, False)
        quote = '"' if sniffed.quotechar == "'" else sniffed.quotechar
        return Dialect(sniffed.delimiter, quote, sniffed.escapechar, bool(sniffed.skipinitialspace))


def _count_parse(path: Path) -> None:
    key = str(path)
    with _PARSES_LOCK:
        PARSES[key] = PARSES.get(key, 0) + 1


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


def parse(data: bytes, path: Path, name: str) -> Cells:
    """The one parse of a table file's bytes (UTF-8, one byte-order mark dropped, comma-delimited).

    Raises TableError for invalid UTF-8 and CellsError where the csv module cannot read the file (a cell
    over the cell budget, say), with the message every reader has always given."""
    _count_parse(path)
    bom = data.startswith(BOM)
    body = data[len(BOM) :] if bom else data
    plain = _plain(body)
    if plain and len(body) >= ARROW_FROM_BYTES:  # pyarrow checks the UTF-8 of every cell as it parses
        parsed = _arrow(body, bom)
        if parsed is not None:
            return parsed
    text = decode(data, path, name)
    if plain and len(body) < ARROW_FROM_BYTES:
        small = _small(text, bom)
        if small is not None:
            return small
    return _lenient(text, path, name, bom, plain)


def _small(text: str, bom: bool) -> Cells | None:
    """A small plain file's columns by the csv module, or None when a row's width differs from the header's
    or a cell is too long (the lenient path then reads it, with its located errors)."""
    with field_limit(MAX_CELL_CHARS):
        try:
            records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return None
    if not records:
        return Cells(text, bom, True, None, None, None, [])
    header, body_rows = records[0], records[1:]
    if any(len(row) != len(header) for row in body_rows):
        return None
    columns: list[Any] = [list(c) for c in zip(*body_rows, strict=True)] if body_rows else [[] for _ in header]
    return Cells(text, bom, True, header, columns, None, None)


def _arrow(body: bytes, bom: bool) -> Cells | None:
    """A large plain file's columns by pyarrow (Arrow strings, in C), or None as for `_small` (and for bytes
    that are not UTF-8: the lenient path locates them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arrays = _arrow_arrays(body)
    except (pa.ArrowInvalid, ValueError):
        return None
    if not arrays or len(arrays[0]) == 0:
        return Cells(body, bom, True, None, None, None, [])
    header = [column[0].as_py() for column in arrays]
    columns = [column.slice(1) for column in arrays]
    for column in columns:
        if len(column) and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL_CHARS:
            return None
    return Cells(body, bom, True, header, columns, None, None)


def _arrow_arrays(data: bytes) -> list[pa.Array]:
    """Every record of plain bytes (the header included) as one large_string array per column."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:  # the header's width names the columns (a record of another width is an ArrowInvalid)
        first = first_record(data[: MAX_CELL_CHARS * 4].decode("utf-8", "replace"))
    except csv.Error as exc:
        raise ValueError(str(exc)) from None
    names = [f"c{i}" for i in range(len(first))]
    table = pcsv.read_csv(
        pa.py_buffer(data),
        read_options=pcsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES),
        parse_options=pcsv.ParseOptions(
            delimiter=",",
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=True,
        ),
    )
    return [table.column(i).combine_chunks() for i in range(len(names))]


def _lenient(text: str, path: Path, name: str, bom: bool, plain: bool) -> Cells:
    """Every record as the csv module reads it, with the line each starts on, within the cell budget."""
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        with field_limit(MAX_CELL_CHARS):
            for cells in reader:
                rows.append(cells)
                lines.append(start)
                start = reader.line_num + 1
    except csv.Error as exc:
        raise CellsError(
            f"{path.name}: line {reader.line_num} cannot be read as CSV: {exc}",
            table=name,
            row=len(rows) + 1,
            line=reader.line_num,
            too_large="field larger than field limit" in str(exc),
        ) from None
    if not rows:
        return Cells(text, bom, plain, None, None, None, [])
    return Cells(text, bom, plain, rows[0], None, rows[1:], lines)


def budget_problems(path: Path, table: str, text: str, error: CellsError) -> list[Finding]:
    """The pre-flight's problem for a file the csv module could not read: a cell (or header) over the cell
    budget, located by row and field; other damage is left to frictionless, which locates it."""
    if not error.too_large:
        return []
    if error.row == 1:
        message = f"{path.name}: the header row is longer than the budget of {MAX_HEADER_BYTES} bytes"
        return [Finding(table, None, None, "header-too-wide", message)]
    message = f"a cell of {path.name} is longer than the budget of {MAX_CELL_CHARS} characters"
    field = big_cell_field(io.StringIO(text, newline=""), error.row)
    return [Finding(table, error.row, field, "cell-too-large", message)]


def dialect_records(text: str, delimiter: str = ",", strict: bool = False) -> list[list[str]]:
    """Every record of a text in another dialect (a curator's delimiter, or RFC 4180 strictly for writers
    that must not guess), within the cell budget; csv.Error where it cannot be read, with `line_num` set
    on the error as `.line`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict, delimiter=delimiter)
    try:
        with field_limit(MAX_CELL_CHARS):
            return list(reader)
    except csv.Error as exc:
        exc.line = reader.line_num  # type: ignore[attr-defined]
        raise


def first_record(text: str) -> list[str]:
    """The first record of a text (a header), comma-delimited, within the cell budget; csv.Error if unreadable."""
    with field_limit(MAX_CELL_CHARS):
        return next(csv.reader(io.StringIO(text, newline="")), [])


def _plain(data: bytes) -> bool:
    return _plain_matcher().fullmatch(data) is not None


@functools.lru_cache(maxsize=1)
def _plain_matcher() -> Any:
    """PLAIN compiled by RE2 (linear time, whatever the bytes), once, on first use."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.max_mem = 64 * 1024 * 1024
    return re2.compile(PLAIN, options)
