"""`nme-data fmt`: rewrite every table of a copy in the canonical CSV form, all or nothing."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from nme_data.curate._common import CurateError, relative
from nme_data.curate.canonical import atomic_write, canonical_bytes
from nme_data.package import DataPackage, PackageError
from nme_data.package.sniff import DELIMITERS, diagnose, fmt_command


@dataclass
class FormatResult:
    """Which files differ from their canonical form (and were rewritten, unless only checked)."""

    package: DataPackage
    changed: list[Path] = field(default_factory=list)
    written: bool = False

    def names(self) -> list[str]:
        return [relative(self.package, path) for path in self.changed]


def format_package(
    source: str | Path | None, check: bool = False, encoding: str | None = None, delimiter: str | None = None
) -> FormatResult:
    """Canonicalise every table; with check=True write nothing, only report.

    `encoding` (cp1252, latin-1, ...) converts the tables that are not UTF-8; `delimiter` (';', tab) reads
    the tables whose header splits into the schema's fields with it. Other tables are read as they are.

    Every table is canonicalised in memory before any file is written, so a copy with one table that
    cannot be (a header that does not match the schema, a cell with no canonical form) is refused whole:
    nothing is written and CurateError names the problem. Files already canonical are not touched.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CurateError(f"unknown encoding {encoding!r}: name a Python codec such as cp1252 or latin-1") from None
    if delimiter is not None and delimiter not in DELIMITERS:
        raise CurateError(f"delimiter {delimiter!r} is not one fmt converts from: {', '.join(map(repr, DELIMITERS))}")
    package = DataPackage.open(source)
    if not package.tables:
        raise CurateError(f"{package.descriptor_path}: the descriptor lists no tables")
    _refuse_unnamed_conversions(package, encoding, delimiter)
    pending: list[tuple[Path, bytes]] = []
    for table in package.tables.values():
        path = table.path
        if not path.is_file():
            raise CurateError(f"{table.name}: {relative(package, path)} does not exist")
        data = canonical_bytes(table, path, encoding, delimiter)
        if data != table.read_bytes():  # the bytes canonical_bytes read: the file is opened once
            pending.append((path, data))
    result = FormatResult(package, [path for path, _ in pending])
    if not check:
        for path, data in pending:
            atomic_write(path, data)
        result.written = bool(pending)
    return result


def _refuse_unnamed_conversions(package: DataPackage, encoding: str | None, delimiter: str | None) -> None:
    """Refuse, in one message, every table a spreadsheet changed in a way the options do not name (a code page,
    a delimiter), with the one command that converts them all: never one option at a time."""
    found: list[str] = []
    encodings: list[str] = []
    delimiters: list[str] = []
    for table in package.tables.values():
        try:
            data = table.read_bytes()
        except (PackageError, OSError):
            continue  # canonicalising it says why
        sheet = diagnose(data, table.field_names)
        if sheet.encoding is not None:
            encodings.append(sheet.encoding)
        if sheet.delimiter is not None:
            delimiters.append(sheet.delimiter)
        unnamed = (sheet.encoding is not None and encoding is None) or (
            sheet.delimiter is not None and sheet.delimiter != delimiter
        )
        if unnamed:
            found.append(f"{table.name}: {relative(package, table.path)} {', and '.join(sheet.problems())}")
    if found:
        command = fmt_command(
            str(package.root),
            encoding=encoding or (max(set(encodings), key=encodings.count) if encodings else None),
            delimiter=max(set(delimiters), key=delimiters.count) if delimiters else None,
        )
        several = len(set(delimiters)) > 1 or (encoding is None and len(set(encodings)) > 1)
        advice = " (tables saved differently need one run each)" if several else ""
        raise CurateError("\n".join([*found, f"convert {'them' if len(found) > 1 else 'it'} with '{command}'{advice}"]))
