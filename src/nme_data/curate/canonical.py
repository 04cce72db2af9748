"""The one canonical CSV form of a table, shared by `nme-data fmt` and `nme_data.save`.

Canonical means: UTF-8 without a byte-order mark, LF line endings, RFC 4180 quoting only where a cell
needs it, the descriptor's field order, and each cell written the way frictionless writes its type
(`70`, not `70.0`; `true`, not `True`). A file in that form turns a one-cell edit into a one-line diff.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from nme_data.curate._common import CurateError
from nme_data.package import PackageError, Table
from nme_data.package.atomic import atomic_write as atomic_write  # the one atomic write, for curate/
from nme_data.package.cells import dialect_records, first_record
from nme_data.package.csvfile import ENCODING
from nme_data.package.sniff import (
    DELIMITER_NAMES,
    encoding_hint,
    encoding_name,
    fmt_command,
    guess_encoding,
    sniff_delimiter,
)

DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")
#: Characters that make RFC 4180 quote a cell.
_NEEDS_QUOTES = frozenset(',"\r\n')
#: A date, possibly written by pandas as a midnight timestamp.
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?")


class CellError(CurateError):
    """A cell whose text cannot be written canonically for its field's type."""

    def __init__(self, table: str, row: int, field: str, value: str, reason: str) -> None:
        shown = value if len(value) <= 60 else value[:57] + "..."
        super().__init__(f"{table}: row {row}, field {field!r}: {shown!r} {reason}")
        self.table, self.row, self.field, self.value = table, row, field, value


def missing_marker(table: Table) -> str:
    """The text written for a missing cell: empty when the schema allows it, else its first marker."""
    values = table.missing_values
    return "" if "" in values or not values else values[0]


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> str:
    """A finite decimal without exponent or trailing zeros: 70, 12.5, 0.001."""
    if number == number.to_integral_value():
        return str(int(number))
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def canonical_cell(text: str, field: dict[str, Any], missing: Sequence[str] = ("",), marker: str = "") -> str:
    """The canonical text of one cell, or ValueError with the reason it has none.

    Types other than integer, year, number, boolean and date are text and stay exactly as written.
    """
    if text in missing:
        return marker
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        number = _decimal(text)
        if number is None or number != number.to_integral_value():
            raise ValueError(f"is not a whole number ({kind})")
        return str(int(number))
    if kind == "number":
        number = _decimal(text)
        if number is None:
            raise ValueError("is not a finite number")
        return _plain(number)
    if kind == "boolean":
        truthy = list(field.get("trueValues", DEFAULT_TRUE))
        falsy = list(field.get("falseValues", DEFAULT_FALSE))
        if text.strip() in truthy:
            return str(truthy[0])
        if text.strip() in falsy:
            return str(falsy[0])
        raise ValueError(f"is not one of the boolean values {truthy + falsy}")
    if kind == "date" and field.get("format", "default") == "default":
        match = _ISO_DATE.fullmatch(text.strip())
        if not match:
            raise ValueError("is not an ISO date (YYYY-MM-DD)")
        return match.group(1)
    return text


def encode_row(cells: Iterable[str]) -> str:
    """One record: minimal RFC 4180 quoting, LF-terminated; a lone empty cell is quoted so it is not a blank line."""
    cells = list(cells)
    if cells == [""]:
        return '""\n'
    out = []
    for cell in cells:
        if _NEEDS_QUOTES.intersection(cell):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return ",".join(out) + "\n"


def encode_table(table: Table, records: Iterable[Sequence[str]], first_row: int = 2) -> bytes:
    """Header plus canonical records (cells already in field order) as the bytes of the file.

    Raises CellError naming the first cell that has no canonical form.
    """
    fields = table.fields
    missing, marker = table.missing_values, missing_marker(table)
    parts = [encode_row(table.field_names)]
    for row, record in enumerate(records, start=first_row):
        cells = []
        for field, text in zip(fields, record, strict=True):
            try:
                cells.append(canonical_cell(text, field, missing, marker))
            except ValueError as exc:
                raise CellError(table.name, row, field["name"], text, str(exc)) from None
        parts.append(encode_row(cells))
    return "".join(parts).encode("utf-8")


def check_dialect(table: Table) -> None:
    """fmt and save write the default dialect only; a table that declares another is refused, not rewritten."""
    dialect = table.descriptor.get("dialect")
    if dialect not in (None, {}) and not (
        isinstance(dialect, dict)
        and dialect.get("delimiter", ",") == ","
        and dialect.get("quoteChar", '"') == '"'
        and dialect.get("header", True) is True
        and dialect.get("headerRows", [1]) == [1]
    ):
        raise CurateError(f"{table.name}: declares a CSV dialect {dialect!r}; only the default dialect is written")
    encoding = str(table.descriptor.get("encoding", "utf-8")).lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8", "utf-8-sig"):
        raise CurateError(f"{table.name}: declares encoding {encoding!r}; only UTF-8 is written")


def _root(table: Table) -> str:
    """The package directory a table belongs to, as commands name it: its file's path less the resource's."""
    reference = table.descriptor.get("path")
    parts = len(Path(reference).parts) if isinstance(reference, str) else 1
    return str(table.path.parents[parts - 1]) if parts <= len(table.path.parents) else str(table.path.parent)


def decode_table(table: Table, data: bytes, encoding: str | None = None) -> str:
    """A table file's text: UTF-8 (a byte-order mark dropped); bytes that are not UTF-8 are read as `encoding`
    when the curator names one, else refused with the line they are on and the likely encoding.

    A file that is valid UTF-8 is always read as UTF-8, whatever `encoding` says: reading it again as
    cp1252 would turn every accented letter into two (mojibake), and converting must never alter data.
    """
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if encoding is None:
            guess = guess_encoding(data)
            raise CurateError(
                f"{table.name}: {table.path.name} is not valid UTF-8 (byte {data[exc.start]:#04x} at line {line}); "
                f"{encoding_name(guess)}: {encoding_hint(guess, _root(table))}"
            ) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CurateError(
            f"{table.name}: {table.path.name} is not valid {encoding} either (byte {data[exc.start]:#04x} "
            f"at line {line}); try another --encoding"
        ) from None
    return text.removeprefix("\ufeff")


def read_records(
    table: Table, path: Path, encoding: str | None = None, delimiter: str | None = None
) -> list[list[str]]:
    """The file's records in descriptor field order, refusing what cannot be reordered by name.

    A header that differs from the schema's field names as a set, a duplicate label, a blank row or a row
    of the wrong width is refused: rewriting it would guess, and guessing loses data. `encoding` and
    `delimiter` are what the curator says a spreadsheet wrote; each applies only to a file that needs it
    (not UTF-8; a header that reads as the schema's fields with that delimiter and not with the comma).
    """
    if path != table.path:
        raise CurateError(f"{table.name}: {path} is not the table's file {table.path}")
    try:  # the package model's one read of the file (its size budget); decoding and dialect are the curator's
        data = table.read_bytes()
    except PackageError as exc:
        raise CurateError(f"{table.name}: {path.name} cannot be read: {exc.message}") from None
    text = decode_table(table, data, encoding)
    try:
        comma = first_record(text)
    except csv.Error as exc:
        raise CurateError(f"{table.name}: the header of {path.name} cannot be parsed as CSV: {exc}") from None
    sniffed = sniff_delimiter(comma, table.field_names)
    if sniffed is not None and sniffed != delimiter:
        raise CurateError(
            f"{table.name}: {path.name} uses {DELIMITER_NAMES[sniffed]} as its delimiter, not ',' (comma): "
            f"convert it with '{fmt_command(_root(table), encoding=encoding, delimiter=sniffed)}'"
        )
    rows = _one_parse(table, text) if sniffed is None else None
    try:  # another dialect, or a file the one parse found not plain: read strictly (writers must not guess)
        rows = rows if rows is not None else dialect_records(text, sniffed or ",", strict=True)
    except csv.Error as exc:
        line = getattr(exc, "line", 0)
        raise CurateError(f"{table.name}: {path.name} cannot be parsed as CSV at line {line}: {exc}") from None
    if not rows:
        raise CurateError(f"{table.name}: {path.name} is empty: not even a header row")
    header, body = rows[0], rows[1:]
    expected = table.field_names
    duplicates = sorted({label for label in header if header.count(label) > 1})
    extra = [label for label in header if label not in expected]
    missing = [name for name in expected if name not in header]
    if duplicates or extra or missing:
        problems = []
        if duplicates:
            problems.append(f"duplicate columns {duplicates}")
        if extra:
            problems.append(f"columns {extra} are not fields of the schema (add them to datapackage.json first)")
        if missing:
            problems.append(f"fields {missing} have no column")
        raise CurateError(f"{table.name}: the header of {path.name} does not match the schema: {'; '.join(problems)}")
    order = [header.index(name) for name in expected]
    records = []
    for row, record in enumerate(body, start=2):
        if not record:
            raise CurateError(f"{table.name}: row {row} of {path.name} is blank; delete it")
        if len(record) != len(header):
            raise CurateError(
                f"{table.name}: row {row} of {path.name} has {len(record)} cells for {len(header)} columns"
            )
        records.append([record[i] for i in order])
    return records


def _one_parse(table: Table, text: str) -> list[list[str]] | None:
    """The records of the package model's one parse of the file, when it read this very text as plain RFC
    4180 CSV (where a strict reading cannot differ); None otherwise."""
    try:
        cells = table.cells()
    except PackageError:
        return None
    if not cells.plain or cells.header is None or cells.text != text:
        return None
    return [cells.header, *cells.data_rows()]


def canonical_bytes(table: Table, path: Path, encoding: str | None = None, delimiter: str | None = None) -> bytes:
    """What the table's file holds once written canonically (raises CurateError if it cannot be)."""
    check_dialect(table)
    return encode_table(table, read_records(table, path, encoding, delimiter))
