"""The package model is the one reader of a copy: within one command each table file is opened once and
the descriptor parsed once; every reader (records, text frame, typed frame) works from that one read."""

from __future__ import annotations

import builtins
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import copy_package, read_rows, write_rows
from nme_data.cli import main
from nme_data.package import DataPackage

#: The commands that read every table several ways (validation, writers, pages, the zip, a diff).
COMMANDS = {
    "export-all": ["export", "{copy}", "--format", "all", "--out", "{out}"],
    "site": ["site", "{copy}", "--out", "{out}"],
    "diff": ["diff", "{copy}", "{other}"],
    "tables": ["tables", "{copy}"],
    "docs": ["docs", "{copy}", "--out", "{out}/dictionary.md"],
}


class OpenCounter:
    """Counts, per file, every open by Python code (builtins.open, io.open, pathlib) and every path handed to
    pandas' or pyarrow's CSV readers (which may open files in C), and every parse of a descriptor."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opens: Counter[str] = Counter()
        self.parses: Counter[str] = Counter()
        real_open = builtins.open

        def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(file)
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", counting_open)
        monkeypatch.setattr(io, "open", counting_open)
        import pandas as pd
        import pyarrow.csv as pv

        for module, name in ((pd, "read_csv"), (pv, "read_csv")):
            real = getattr(module, name)
            monkeypatch.setattr(module, name, self._counting(real))
        import nme_data.package.model as model

        real_read_json = model.read_json

        def counting_read_json(path: Path) -> Any:
            self.parses[os.path.realpath(path)] += 1
            return real_read_json(path)

        monkeypatch.setattr(model, "read_json", counting_read_json)

    def _count(self, file: Any) -> None:
        if isinstance(file, str | os.PathLike):
            self.opens[os.path.realpath(file)] += 1

    def _counting(self, real: Any) -> Any:
        def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(source)
            return real(source, *args, **kwargs)

        return counting

    def table_opens(self, root: Path) -> dict[str, int]:
        files = [os.path.realpath(path) for path in sorted((root / "data").glob("*.csv"))]
        return {Path(file).name: self.opens[file] for file in files}


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> OpenCounter:
    return OpenCounter(monkeypatch)


def test_the_counter_sees_every_kind_of_open(tmp_path: Path, counter: OpenCounter) -> None:
    """The counter itself can fail: a file opened with open(), pathlib and pandas counts three times."""
    import pandas as pd

    copy = copy_package(tmp_path / "copy")
    path = copy / "data" / "sites.csv"
    counter.opens.clear()  # copying opened it too
    with open(path, "rb"):  # noqa: PTH123 - the builtin is what is counted here
        pass
    path.read_bytes()
    pd.read_csv(path)
    assert counter.table_opens(copy)["sites.csv"] >= 3


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_table_file_is_opened_at_most_once_per_command(command: str, tmp_path: Path, counter: OpenCounter) -> None:
    copy = copy_package(tmp_path / "copy")
    other = copy_package(tmp_path / "other")
    places = {"copy": copy, "other": other, "out": tmp_path / "out"}
    args = [part.format(**{k: str(v) for k, v in places.items()}) for part in COMMANDS[command]]
    counter.opens.clear()  # copying opened every file
    counter.parses.clear()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for root in (copy, other) if command == "diff" else (copy,):
        opens = counter.table_opens(root)
        assert opens, "the copy has tables"
        assert max(opens.values()) <= 1, opens
        assert all(count == 1 for count in opens.values()), f"every table is read: {opens}"
        descriptor = os.path.realpath(root / "datapackage.json")
        assert counter.parses[descriptor] == 1, counter.parses


def test_a_rewritten_file_is_read_again(tmp_path: Path) -> None:
    """The kept bytes are the file's only while it is unchanged: a rewrite is seen at once."""
    copy = copy_package(tmp_path / "copy")
    table = DataPackage.open(copy).table("history")
    before = table.records()
    rows = read_rows(table.path)
    rows[1][rows[0].index("year")] = "1999"
    write_rows(table.path, rows)
    after = table.records()
    assert after != before
    assert after[1].cells[rows[0].index("year")] == "1999"


def test_records_carry_the_line_each_starts_on(tmp_path: Path) -> None:
    copy = copy_package(tmp_path / "copy")
    path = copy / "data" / "sites.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("evidence")] = "first line\nsecond line"
    write_rows(path, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a byte-order mark is not part of the first label
    records = DataPackage.open(copy).table("sites").records()
    assert records[0].cells == rows[0]
    assert [(r.row, r.line) for r in records[:4]] == [(1, 1), (2, 2), (3, 4), (4, 5)]


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"id,year\n\xff\n", "encoding-error"), (b'id,year\n"open\n', None)],
    ids=["utf-8", "quote"],
)
def test_a_damaged_file_is_a_located_table_error(tmp_path: Path, data: bytes, code: str | None) -> None:
    import csv

    from nme_data.package import TableError
    from nme_data.package.cells import decode, dialect_records, parse

    path = tmp_path / "t.csv"
    path.write_bytes(data)
    if code == "encoding-error":
        with pytest.raises(TableError, match="line 2") as caught:
            decode(data, path, "t")
        assert caught.value.code == code
    else:
        found = parse(data, path, "t").records()  # an unclosed quote runs to the end
        assert found[1].cells == ["open\n"]
        with pytest.raises(csv.Error):
            dialect_records('id,year\n"a"b,1\n', strict=True)


BIG = "9007199254740993"  # 2**53 + 1: the first integer a float cannot hold


@pytest.mark.parametrize("other_year", ["1942", " 1942 "], ids=["arrow-path", "exact-text-path"])
def test_integers_load_exactly(tmp_path: Path, other_year: str) -> None:
    """A whole number beyond 2**53 loads as itself on both paths (the text path went through floats)."""
    import nme_data

    copy = copy_package(tmp_path / "copy")
    path = copy / "data" / "history.csv"
    rows = read_rows(path)
    year = rows[0].index("year")
    second = list(rows[1])
    second[rows[0].index("id")], second[year] = "another", other_year
    rows[1][year] = BIG
    write_rows(path, [*rows, second])
    # the copy is invalid on purpose (a year no article gives, a row no quote names): the reader is under test
    frame = nme_data.load("history", source=copy, validate=False)
    assert str(frame["year"].dtype) == "Int64"
    assert frame["year"].tolist() == [int(BIG), 1942]


def test_load_keys_the_cache_and_validates_from_the_one_read(
    tmp_path: Path, counter: OpenCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load() on a copy: the cache key hashes the bytes the package model keeps, the validator and the
    loader read the same ones; each table is opened once, whether the verdict was cached or not."""
    import nme_data

    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(tmp_path / "cache"))
    copy = copy_package(tmp_path / "copy")
    for _ in ("cold", "warm"):
        counter.opens.clear()
        assert set(nme_data.load_all(copy)) == set(nme_data.table_names())
        opens = counter.table_opens(copy)
        assert opens, "the copy has tables"
        assert all(count == 1 for count in opens.values()), opens
