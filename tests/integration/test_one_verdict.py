"""One verdict everywhere (#18): the library never answers from a memo, the CLI checks the copy you are in,
and `load()` refuses what `validate()` refuses."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import descriptor_of, read_rows, write_rows
from nme_data.cli import main

SNAPSHOT = Path("source") / "necrolytic-migratory-erythema.txt"


def _same_size_same_mtime_edit(path: Path) -> None:
    """Change bytes in place as `cp -p`, `rsync -t` or `touch -r` leave them: same size, same mtime."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] = ord("X") if data[len(data) // 2] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert path.stat().st_mtime_ns == info.st_mtime_ns


def test_the_library_has_no_memo_across_calls(package_copy: Path) -> None:
    report = nme_data.validate(package_copy)
    assert report.valid
    descriptor = (package_copy / "datapackage.json").absolute()
    version = descriptor_of(package_copy)["version"]
    assert report.to_dict()["source"] == {"path": str(descriptor), "version": version}
    assert report.to_text().splitlines()[0] == f"package {descriptor}, version {version}"
    _same_size_same_mtime_edit(package_copy / SNAPSHOT)
    codes = {error.code for error in nme_data.validate(package_copy).errors}
    assert "source-hash-mismatch" in codes


def test_the_cli_in_one_process_has_no_memo_across_calls(package_copy: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(package_copy), "--no-cache"]).exit_code == 0
    _same_size_same_mtime_edit(package_copy / SNAPSHOT)
    second = runner.invoke(main, ["validate", str(package_copy), "--no-cache"])
    assert second.exit_code == 1
    assert "[source-hash-mismatch]" in second.output


# ---- with no PATH, the copy you are in --------------------------------------------------------------------


def test_validate_with_no_path_checks_the_copy_you_are_in(
    edit_cell: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = edit_cell("sites", 3, "prominence", "often")
    monkeypatch.chdir(root / "data")  # as git does: the working directory or its nearest parent
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    descriptor = (root / "datapackage.json").absolute()
    assert document["source"] == {"path": str(descriptor), "version": descriptor_of(root)["version"]}
    assert [(e["table"], e["row"], e["code"]) for e in document["errors"]] == [("sites", 3, "constraint-error")]
    text = CliRunner().invoke(main, ["validate"])
    assert text.exit_code == 1
    assert text.stdout.splitlines()[0] == f"package {descriptor}, version {descriptor_of(root)['version']}"


def test_fmt_check_with_no_path_checks_the_copy_you_are_in(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = package_copy / "data" / "sites.csv"
    sites.write_bytes(b"\xef\xbb\xbf" + sites.read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.chdir(package_copy)
    result = CliRunner().invoke(main, ["fmt", "--check"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[1:] == ["would reformat data/sites.csv"]
    assert str(package_copy / "datapackage.json") in result.stdout.splitlines()[0]


@pytest.mark.parametrize("command", ["tables", "show"])
def test_reading_commands_with_no_path_read_the_copy_you_are_in(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    path = package_copy / "data" / "history.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("person")] = "Person From The Copy"
    write_rows(path, rows[:2])
    monkeypatch.chdir(package_copy / "source")
    result = CliRunner().invoke(main, [command] if command == "tables" else ["show", "history", "--format", "csv"])
    assert result.exit_code == 0, result.output
    if command == "tables":
        assert [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("history")] == [
            ["history", "1"]
        ]
    else:
        assert "Person From The Copy" in result.stdout


def test_with_no_copy_around_the_bundled_one_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nme_data.package import bundled_root, nearest_descriptor

    monkeypatch.chdir(tmp_path)
    assert nearest_descriptor() is None
    result = CliRunner().invoke(main, ["tables"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(nme_data.table_names())
    assert nearest_descriptor(bundled_root() / "data") == bundled_root() / "datapackage.json"


# ---- load() refuses what validate() refuses ----------------------------------------------------------------

#: The issue's kinds of damage, each one cell: (table, row, field, value, the code validate reports).
REFUSED = {
    "duplicate-key": ("sites", 3, "id", "intro-perioral-skin", "primary-key"),
    "formula-cell": ("history", 2, "person", '=HYPERLINK("http://example.org")', "formula-injection"),
    "evidence-not-in-the-article": ("history", 2, "evidence", "William Becker described NME in 1942", None),
    "pattern-violation": ("sites", 2, "condition_id", "NME", "constraint-error"),
    "dangling-foreign-key": ("sites", 2, "anatomical_site_id", "nowhere", "foreign-key"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_load_refuses_what_validate_refuses(edit_cell: Callable[..., Path], case: str) -> None:
    table, row, field, value, code = REFUSED[case]
    root = edit_cell(table, row, field, value)
    with pytest.raises(nme_data.InvalidPackageError) as refused:
        nme_data.load(table, source=root)
    report = refused.value.report
    assert isinstance(refused.value, nme_data.PackageError)
    assert not report.valid
    codes = {error.code for error in report.errors}
    assert (code or "evidence-not-verbatim") in codes
    assert any(error.table == table and error.row == row for error in report.errors)
    for call in (lambda: nme_data.load_all(root), lambda: nme_data.frame(table, [], source=root)):
        with pytest.raises(nme_data.InvalidPackageError):
            call()
    assert len(nme_data.load(table, source=root, validate=False)) == len(nme_data.load(table))  # the opt-out
    shown = CliRunner().invoke(main, ["show", table, str(root), "--format", "csv"])
    assert shown.exit_code == 1
    assert shown.stdout == ""
    assert f"[{code or 'evidence-not-verbatim'}]" in shown.stderr
    assert "Traceback" not in shown.output


def test_load_of_a_valid_copy_validates_once_then_reads_from_the_cache(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nme_data.validation

    runs: list[object] = []
    real = nme_data.validation.validate

    def counting(source: object = None) -> nme_data.validation.Report:
        runs.append(source)
        return real(source)

    monkeypatch.setattr(nme_data.validation, "validate", counting)
    first = nme_data.load_all(package_copy)
    assert set(first) == set(nme_data.table_names())
    assert len(nme_data.load("sites", source=package_copy)) == len(first["sites"])
    assert len(nme_data.frame("sites", [], source=package_copy).columns) == len(first["sites"].columns)
    assert len(runs) == 1, "a repeat on unchanged bytes is a cache hit"
    nme_data.load_all()  # the bundled copy: never validated on load
    assert len(runs) == 1


def test_validate_leaves_the_csv_cell_limit_as_it_found_it(package_copy: Path) -> None:
    """The csv module's cell limit is process-wide: tier 1 reads in a thread beside the semantic layer, and
    two overlapping reads used to put back each other's values (a caller's limit changed for good)."""
    import csv

    before = csv.field_size_limit()
    for engine in ("auto", "frictionless", "auto"):
        assert nme_data.validate(package_copy, engine=engine).valid
        assert csv.field_size_limit() == before
