"""Kinds of damage a test applies to a temporary package copy: shared by the corruption and package-model suites."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import descriptor_of, read_rows, write_rows

#: A change applied in place to the copy rooted at the given directory.
Corruption = Callable[[Path], None]


def rewrite_bytes(table: str, change: Callable[[bytes], bytes]) -> Corruption:
    def corrupt(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))

    return corrupt


def rewrite_rows(table: str, change: Callable[[list[str]], list[str]]) -> Corruption:
    def corrupt(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        write_rows(path, [change(list(row)) for row in read_rows(path)])

    return corrupt


def set_cell(table: str, row: int, field: str, value: str) -> Corruption:
    """Row numbers as the validator reports them: the header is row 1."""

    def corrupt(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[row - 1][rows[0].index(field)] = value
        write_rows(path, rows)

    return corrupt


def edit_descriptor(change: Callable[[dict], None]) -> Corruption:
    def corrupt(root: Path) -> None:
        descriptor = descriptor_of(root)
        change(descriptor)
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    return corrupt


def descriptor_text(text: str) -> Corruption:
    def corrupt(root: Path) -> None:
        (root / "datapackage.json").write_text(text, encoding="utf-8")

    return corrupt


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def spreadsheet_save(table: str, delimiter: str = ",", encoding: str = "utf-8") -> Corruption:
    """The table as a spreadsheet saves it with a locale's delimiter and code page (cells quoted as needed)."""

    def corrupt(root: Path) -> None:
        import csv
        import io

        path = root / "data" / f"{table}.csv"
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(read_rows(path))
        path.write_bytes(buffer.getvalue().encode(encoding))

    return corrupt
