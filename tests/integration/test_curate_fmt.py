"""`nme-data fmt` and `nme_data.save`: one canonical writer, byte-identical round trips, all-or-nothing writes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, descriptor_of, read_rows, tree_hashes, write_rows
from nme_data.cli import main
from nme_data.curate.canonical import canonical_cell
from nme_data.curate.fmt import format_package
from nme_data.package import PackageError

TABLES = nme_data.table_names()


def fields_of(root: Path, table: str) -> list[dict]:
    resource = next(r for r in descriptor_of(root)["resources"] if r["name"] == table)
    return resource["schema"]["fields"]


def spreadsheet_bytes(root: Path, table: str) -> bytes:
    """The table as a spreadsheet saves it: BOM, CRLF, every cell quoted, 70.0 and True for typed cells."""
    rows = read_rows(root / "data" / f"{table}.csv")
    kinds = {f["name"]: f.get("type", "string") for f in fields_of(root, table)}
    header = rows[0]
    for row in rows[1:]:
        for index, name in enumerate(header):
            if row[index] and kinds[name] in ("integer", "number"):
                row[index] = f"{float(row[index])!r}"  # 70 -> 70.0
            elif row[index] and kinds[name] == "boolean":
                row[index] = row[index].capitalize()  # true -> True
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def typed_tables() -> list[str]:
    """Tables whose spreadsheet form really differs in typed cells (numbers or booleans)."""
    return [t for t in TABLES if any(f.get("type") in ("integer", "number", "boolean") for f in fields_of(ROOT, t))]


def test_the_shipped_tables_are_canonical() -> None:
    assert format_package(ROOT, check=True).changed == []


def test_spreadsheet_copy_becomes_byte_identical_and_stays(package_copy: Path) -> None:
    original = tree_hashes(package_copy)
    assert typed_tables(), "some table has typed cells for the 70.0 / True case"
    for table in TABLES:
        path = package_copy / "data" / f"{table}.csv"
        path.write_bytes(spreadsheet_bytes(package_copy, table))
    assert b"70.0" in (package_copy / "data" / "associations.csv").read_bytes()
    result = format_package(package_copy)
    assert sorted(result.names()) == sorted(f"data/{t}.csv" for t in TABLES)
    assert tree_hashes(package_copy) == original
    again = format_package(package_copy)
    assert again.changed == []
    assert tree_hashes(package_copy) == original


def test_only_changed_files_are_touched(package_copy: Path) -> None:
    untouched = package_copy / "data" / "sites.csv"
    os.utime(untouched, ns=(1_000_000_000, 1_000_000_000))
    edited = package_copy / "data" / "history.csv"
    edited.write_bytes(edited.read_bytes().replace(b"\n", b"\r\n"))
    assert format_package(package_copy).names() == ["data/history.csv"]
    assert untouched.stat().st_mtime_ns == 1_000_000_000
    assert b"\r" not in edited.read_bytes()


def test_columns_are_put_back_in_schema_order_by_name(package_copy: Path) -> None:
    path = package_copy / "data" / "history.csv"
    before = path.read_bytes()
    write_rows(path, [[r[0], r[2], r[1], *r[3:]] for r in read_rows(path)])
    assert path.read_bytes() != before
    format_package(package_copy)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: [[*r, "notes" if i == 0 else "x"] for i, r in enumerate(rows)], "add them to datapackage.json"),
        (lambda rows: [r[:-1] for r in rows], "have no column"),
        (lambda rows: [rows[0], [("nineteen" if c == "1942" else c) for c in rows[1]]], "'year': 'nineteen'"),
        (lambda rows: [rows[0], [("1942.5" if c == "1942" else c) for c in rows[1]]], "not a whole number"),
        (lambda rows: [rows[0], [], *rows[1:]], "row 2 of history.csv is blank"),
    ],
    ids=["extra-column", "missing-column", "not-a-number", "fraction-in-integer", "blank-row"],
)
def test_what_cannot_be_canonicalised_is_refused_whole(package_copy: Path, change, message: str) -> None:
    other = package_copy / "data" / "sites.csv"
    other.write_bytes(other.read_bytes().replace(b"\n", b"\r\n"))  # would be rewritten, if anything were
    path = package_copy / "data" / "history.csv"
    write_rows(path, change(read_rows(path)))
    before = tree_hashes(package_copy)
    with pytest.raises(PackageError, match=message):
        format_package(package_copy)
    assert tree_hashes(package_copy) == before
    result = CliRunner().invoke(main, ["fmt", str(package_copy)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert tree_hashes(package_copy) == before


def test_fmt_check_lists_files_and_writes_nothing(package_copy: Path) -> None:
    path = package_copy / "data" / "sites.csv"
    path.write_bytes(spreadsheet_bytes(package_copy, "sites"))
    before = tree_hashes(package_copy)
    result = CliRunner().invoke(main, ["fmt", str(package_copy), "--check"])
    assert result.exit_code == 1
    header = (
        f"package {(package_copy / 'datapackage.json').absolute()}, version {descriptor_of(package_copy)['version']}"
    )
    assert result.stdout.splitlines() == [header, "would reformat data/sites.csv"]
    assert f"run 'nme-data fmt {package_copy}'" in result.stderr
    assert tree_hashes(package_copy) == before
    fixed = CliRunner().invoke(main, ["fmt", str(package_copy)])
    assert fixed.exit_code == 0
    assert fixed.stdout.splitlines() == [header, "reformatted data/sites.csv"]
    clean = CliRunner().invoke(main, ["fmt", str(package_copy), "--check"])
    assert clean.exit_code == 0
    assert "already canonical" in clean.stdout


def test_fmt_refuses_a_resource_outside_the_package(package_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b'"id"\r\n"x"\r\n')
    descriptor = (package_copy / "datapackage.json").read_text(encoding="utf-8")
    (package_copy / "datapackage.json").write_text(
        descriptor.replace('"data/history.csv"', '"../outside.csv"'), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["fmt", str(package_copy)])
    assert result.exit_code == 1
    assert "outside.csv" in result.output
    assert outside.read_bytes() == b'"id"\r\n"x"\r\n'


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("70.0", {"type": "integer"}, "70"),
        ("+007", {"type": "integer"}, "7"),
        ("70.0", {"type": "number"}, "70"),
        ("12.50", {"type": "number"}, "12.5"),
        ("1e3", {"type": "number"}, "1000"),
        ("True", {"type": "boolean"}, "true"),
        ("0", {"type": "boolean"}, "false"),
        ("yes", {"type": "boolean", "trueValues": ["yes", "y"], "falseValues": ["no"]}, "yes"),
        ("2024-05-01 00:00:00", {"type": "date"}, "2024-05-01"),
        (" text , kept ", {"type": "string"}, " text , kept "),
        ("", {"type": "integer"}, ""),
    ],
)
def test_canonical_cells(text: str, field: dict, expected: str) -> None:
    assert canonical_cell(text, field) == expected


@pytest.mark.parametrize(("text", "kind"), [("NaN", "number"), ("maybe", "boolean"), ("2024-13", "date")])
def test_cells_without_canonical_form(text: str, kind: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        canonical_cell(text, {"type": kind})


# --- save ----------------------------------------------------------------------------------------------------


# The loads below read fresh copies of the shipped package: `validate=False` spares a validation each
# (load's own validation is tested in test_one_verdict.py).
@pytest.mark.parametrize("table", TABLES)
def test_save_round_trips_every_table_byte_identically(package_copy: Path, table: str) -> None:
    path = package_copy / "data" / f"{table}.csv"
    before = path.read_bytes()
    frame = nme_data.load(table, source=package_copy, validate=False)
    assert nme_data.save(frame, table, source=package_copy) == path
    assert path.read_bytes() == before
    reordered = frame[list(reversed(frame.columns))]
    nme_data.save(reordered, table, source=package_copy)
    assert path.read_bytes() == before


def test_save_after_concat_writes_canonical_cells(package_copy: Path) -> None:
    history = nme_data.load("history", source=package_copy, validate=False)
    new = history.iloc[[0]].copy()
    new["id"] = "becker-again"
    grown = pd.concat([history.astype({"year": "float64"}), new.astype({"year": "float64"})], ignore_index=True)
    nme_data.save(grown, "history", source=package_copy)
    anchors = package_copy / "data" / "evidence_anchors.csv"  # the new row quotes what row 0 quotes: anchor it
    rows = read_rows(anchors)
    write_rows(
        anchors, [*rows, *([r[0], "becker-again", *r[2:]] for r in rows[1:] if r[:2] == ["history", history["id"][0]])]
    )
    text = (package_copy / "data" / "history.csv").read_text(encoding="utf-8")
    assert text.splitlines()[-1].startswith("becker-again,")
    assert ",1942," in text.splitlines()[-1]
    assert "1942.0" not in text
    assert nme_data.validate(package_copy).valid


def test_save_writes_booleans_canonically(package_copy: Path) -> None:
    table = next(t for t in TABLES if any(f.get("type") == "boolean" for f in fields_of(ROOT, t)))
    frame = nme_data.load(table, source=package_copy, validate=False)
    column = next(f["name"] for f in fields_of(ROOT, table) if f.get("type") == "boolean")
    frame[column] = frame[column].astype(object)
    before = (package_copy / "data" / f"{table}.csv").read_bytes()
    nme_data.save(frame, table, source=package_copy)
    assert (package_copy / "data" / f"{table}.csv").read_bytes() == before
    assert b"True" not in before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(notes="x"), r"columns \['notes'\] are not fields"),
        (lambda f: f.drop(columns=["person"]), r"fields \['person'\] are missing"),
        (lambda f: f.assign(year="nineteen"), "'year': 'nineteen'"),
    ],
    ids=["extra-column", "missing-column", "bad-cell"],
)
def test_save_refuses_and_leaves_the_file(package_copy: Path, change, message: str) -> None:
    path = package_copy / "data" / "history.csv"
    before = tree_hashes(package_copy)
    with pytest.raises(PackageError, match=message):
        nme_data.save(
            change(nme_data.load("history", source=package_copy, validate=False)), "history", source=package_copy
        )
    assert tree_hashes(package_copy) == before
    assert path.read_bytes() == (ROOT / "data" / "history.csv").read_bytes()


def test_an_interrupted_save_leaves_the_old_table(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_hashes(package_copy)
    frame = nme_data.load("history", source=package_copy, validate=False).assign(person="Someone Else")

    def fail(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        nme_data.save(frame, "history", source=package_copy)
    assert tree_hashes(package_copy) == before  # no half-written table, no temporary file left behind


@pytest.mark.parametrize("table", TABLES)
def test_show_csv_prints_the_canonical_file(table: str) -> None:
    result = CliRunner().invoke(main, ["show", table, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.encode("utf-8") == (ROOT / "data" / f"{table}.csv").read_bytes()
