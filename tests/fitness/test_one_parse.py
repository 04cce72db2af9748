"""Each table is PARSED once per command (#30): every reader derives from the package model's one parse
(`Table.cells`, nme_data.package.cells), and no module outside nme_data.package holds a CSV parser."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_package, read_rows, write_rows
from nme_data.cli import main
from nme_data.package import DataPackage, cells

SRC = Path(__file__).resolve().parents[2] / "src" / "nme_data"
#: What parses CSV: the csv module's readers and sniffer, pandas' and pyarrow's CSV readers.
PARSERS = re.compile(
    r"csv\.reader\(|csv\.DictReader\(|csv\.Sniffer\(|\bread_csv\(|pyarrow\.csv|import csv as|pcsv\.|pv\."
)

#: Commands that read every table several ways: the validator (pre-flight, tier 1, rules), then writers,
#: pages, the zip, the dictionary, a diff; `tables` counts rows.
COMMANDS = {
    "validate": ["validate", "--no-cache", "{copy}"],
    "export-all": ["export", "{copy}", "--format", "all", "--out", "{out}"],
    "site": ["site", "{copy}", "--out", "{out}"],
    "diff": ["diff", "{copy}", "{other}"],
    "tables": ["tables", "{copy}"],
    "docs": ["docs", "{copy}", "--out", "{out}/dictionary.md"],
}


@pytest.fixture
def parses() -> Iterator[dict[str, int]]:
    cells.PARSES.clear()
    yield cells.PARSES
    cells.PARSES.clear()


def table_parses(root: Path, counted: dict[str, int]) -> dict[str, int]:
    by_path = {os.path.realpath(path): count for path, count in counted.items()}
    files = sorted((root / "data").glob("*.csv"))
    return {file.name: by_path.get(os.path.realpath(file), 0) for file in files}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_table_is_parsed_once_per_command(command: str, tmp_path: Path, parses: dict[str, int]) -> None:
    copy = copy_package(tmp_path / "copy")
    other = copy_package(tmp_path / "other")
    places = {"copy": copy, "other": other, "out": tmp_path / "out"}
    args = [part.format(**{k: str(v) for k, v in places.items()}) for part in COMMANDS[command]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for root in (copy, other) if command == "diff" else (copy,):
        counts = table_parses(root, parses)
        assert counts, "the copy has tables"
        assert all(count == 1 for count in counts.values()), counts


def test_validate_load_and_export_parse_each_table_once(tmp_path: Path, parses: dict[str, int]) -> None:
    """One library session on one copy: validate it, load every table, export it; each table parsed once."""
    from nme_data.export.formats import export
    from nme_data.frames.loader import read_table
    from nme_data.validation import validate

    copy = copy_package(tmp_path / "copy")
    package = DataPackage.open(copy)
    report = validate(package)
    assert report.valid, report
    frames = {name: read_table(table) for name, table in package.tables.items()}
    assert {name: len(frame) for name, frame in frames.items()} == {
        name: table.count_rows() for name, table in package.tables.items()
    }
    export(package, "sqlite", tmp_path / "out")
    counts = table_parses(copy, parses)
    assert counts
    assert all(count == 1 for count in counts.values()), counts


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: dict[str, int]) -> None:
    """The parse is kept with the bytes: a rewrite is parsed again, an unchanged file never."""
    copy = copy_package(tmp_path / "copy")
    table = DataPackage.open(copy).table("history")
    first = table.records()
    table.records()
    table.count_rows()
    assert table_parses(copy, parses)["history.csv"] == 1
    rows = read_rows(table.path)
    rows[1][rows[0].index("year")] = "1999"
    write_rows(table.path, rows)
    assert table.records() != first
    assert table_parses(copy, parses)["history.csv"] == 2


def test_no_csv_parser_outside_the_package_model() -> None:
    """Only nme_data.package parses CSV (its one parse, and a curator's other dialects)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.is_relative_to(SRC / "package"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PARSERS.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_parser_pattern_finds_a_parser() -> None:
    """The scan above can fail: each way of parsing CSV is caught by the pattern."""
    lines = ("rows = csv.reader(handle)", "pd.read_csv(path)", "import pyarrow.csv as pcsv", "csv.Sniffer().sniff(x)")
    for line in lines:
        assert PARSERS.search(line), line
