"""Exports carry every value of the CSVs, with the schema's keys and types, and the zip is reproducible."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, copy_package
from nme_data.cli import main
from nme_data.export import (
    SQLITE_NAME,
    ExportError,
    dependency_order,
    export,
    export_parquet,
    export_sqlite,
    export_zip,
)
from nme_data.export.datasette import METADATA_NAME
from nme_data.export.statements_sql import STATEMENTS_TABLE
from nme_data.package import DataPackage, Table

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("exports")

PACKAGE = DataPackage.open(ROOT)
TABLES = nme_data.table_names()
VERSION = PACKAGE.version
DEFAULT_TRUE = {"true", "True", "TRUE", "1"}
DEFAULT_FALSE = {"false", "False", "FALSE", "0"}
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "year": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


# --- helpers: the CSVs read with the csv module, typed as the loader types them ------------------------


def csv_records(table: Table) -> list[dict[str, str]]:
    with table.path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def typed(value: str, field: dict[str, Any], missing: list[str]) -> Any:
    """A CSV cell as SQLite should hold it: None when missing, int/float/0-1 by type, text otherwise."""
    if value in missing:
        return None
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return int(float(value))
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if value in field.get("trueValues", DEFAULT_TRUE):
            return 1
        assert value in field.get("falseValues", DEFAULT_FALSE)
        return 0
    return value


def expected_rows(table: Table) -> list[tuple[Any, ...]]:
    return [
        tuple(typed(record[f["name"]], f, table.missing_values) for f in table.fields) for record in csv_records(table)
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_package_names(root: Path) -> set[str]:
    names = {"datapackage.json"}
    names |= {f"data/{p.name}" for p in (root / "data").glob("*.csv")}
    names |= {p.relative_to(root).as_posix() for p in (root / "source").rglob("*") if p.is_file()}
    return names


def fresh_exports(out: Path) -> dict[str, bytes]:
    """Name in the release zip -> bytes, for the formats the zip carries, exported anew."""
    from nme_data.export.archive import ZIP_FORMATS

    files: dict[str, bytes] = {}
    for fmt, prefix in ZIP_FORMATS.items():
        directory = out / fmt
        for path in export(PACKAGE, fmt, directory, check=False):
            relative = path.relative_to(directory).as_posix()
            if fmt == "croissant" and relative.startswith("data/"):
                continue
            files[f"{prefix}/{relative}" if prefix else relative] = path.read_bytes()
    return files


def expected_zip_names(root: Path, exports: dict[str, bytes]) -> list[str]:
    return sorted(expected_package_names(root) | set(exports))


def assert_clean_error(result: Any, *fragments: str) -> None:
    """A click error: exit 1, a one-line message naming the problem, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "Error:" in result.output
    for fragment in fragments:
        assert fragment in result.output


# --- SQLite ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_sqlite(PACKAGE, tmp_path_factory.mktemp("sqlite"))


@pytest.fixture
def connection(database: Path) -> sqlite3.Connection:
    """A read-only connection with foreign keys enforced, as Datasette or a careful user opens it."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    con.execute("PRAGMA foreign_keys=ON")
    yield con
    con.close()


def test_sqlite_file_name_and_tables(database: Path, connection: sqlite3.Connection) -> None:
    assert database.name == SQLITE_NAME
    names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    assert sorted(names) == sorted([*TABLES, STATEMENTS_TABLE])
    assert names == [*dependency_order(PACKAGE), STATEMENTS_TABLE], "tables are created referenced-first"


def test_sqlite_integrity_and_foreign_keys(connection: sqlite3.Connection) -> None:
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_dependency_order_puts_referenced_tables_first() -> None:
    order = dependency_order(PACKAGE)
    assert sorted(order) == sorted(TABLES)
    for table in PACKAGE.tables.values():
        for key in table.foreign_keys:
            target = key["reference"]["resource"] or table.name
            assert order.index(target) <= order.index(table.name), f"{table.name} is created before {target}"


@pytest.mark.parametrize("name", TABLES)
def test_sqlite_columns_follow_the_schema(connection: sqlite3.Connection, name: str) -> None:
    table = PACKAGE.table(name)
    info = connection.execute(f'PRAGMA table_info("{name}")').fetchall()
    ranks = [f["name"] + "_rank" for f in table.fields if f.get("categoriesOrdered")]
    assert [column[1] for column in info] == table.field_names + ranks, "fields, then a rank per ordered enum"
    for (_, column, declared, notnull, _, pk), field in zip(info, table.fields, strict=False):
        assert declared == SQL_TYPES.get(field["type"], "TEXT"), column
        required = bool(field.get("constraints", {}).get("required")) or column in table.primary_key
        assert bool(notnull) == required, column
        assert pk == (table.primary_key.index(column) + 1 if column in table.primary_key else 0), column


@pytest.mark.parametrize("name", TABLES)
def test_sqlite_foreign_keys_follow_the_schema(connection: sqlite3.Connection, name: str) -> None:
    table = PACKAGE.table(name)
    declared = {(row[3], row[2], row[4]) for row in connection.execute(f'PRAGMA foreign_key_list("{name}")')}
    expected = set()
    for key in table.foreign_keys:
        fields = [key["fields"]] if isinstance(key["fields"], str) else key["fields"]
        reference = key["reference"]
        targets = [reference["fields"]] if isinstance(reference["fields"], str) else reference["fields"]
        expected |= {(f, reference["resource"] or name, t) for f, t in zip(fields, targets, strict=True)}
    assert declared == expected


@pytest.mark.parametrize("name", TABLES)
def test_sqlite_values_equal_the_csv(connection: sqlite3.Connection, name: str) -> None:
    table = PACKAGE.table(name)
    columns = ", ".join(f'"{f}"' for f in table.field_names)
    actual = connection.execute(f'SELECT {columns} FROM "{name}" ORDER BY rowid').fetchall()  # noqa: S608
    expected = expected_rows(table)
    assert len(actual) == table.count_rows() == len(expected)
    for row_number, (got, want) in enumerate(zip(actual, expected, strict=True), start=2):
        assert got == want, f"{name} row {row_number}"
        assert [type(v) for v in got] == [type(v) for v in want], f"{name} row {row_number}: storage types"


def test_sqlite_checks_enums_and_foreign_keys(database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(database.read_bytes())
    con = sqlite3.connect(copy)
    con.execute("PRAGMA foreign_keys=ON")
    try:
        enum_fields = [
            (t.name, f["name"]) for t in PACKAGE.tables.values() for f in t.fields if "enum" in f.get("constraints", {})
        ]
        assert enum_fields
        for name, column in enum_fields:
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                con.execute(f'UPDATE "{name}" SET "{column}" = ? WHERE rowid = 1', ("not-an-allowed-value",))  # noqa: S608
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            con.execute("UPDATE sites SET condition_id = 'no-such-condition' WHERE rowid = 1")
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            con.execute("UPDATE sites SET evidence = NULL WHERE rowid = 1")
    finally:
        con.close()


def test_sqlite_overwrites_an_existing_file(tmp_path: Path, database: Path) -> None:
    (tmp_path / SQLITE_NAME).write_text("not a database", encoding="utf-8")
    written = export_sqlite(PACKAGE, tmp_path)
    con = sqlite3.connect(written)
    try:
        assert con.execute("SELECT count(*) FROM conditions").fetchone() == (PACKAGE.table("conditions").count_rows(),)
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [SQLITE_NAME], "no temporary files left behind"


def test_sqlite_refuses_dangling_foreign_keys(edit_cell: Any, tmp_path: Path) -> None:
    package = edit_cell("sites", 2, "condition_id", "no-such-condition")
    with pytest.raises(ExportError, match=r"foreign key violation.*sites row 2 refers to a missing conditions row"):
        export_sqlite(DataPackage.open(package), tmp_path / "out")
    assert not (tmp_path / "out" / SQLITE_NAME).exists(), "a failed export leaves no file"


def test_sqlite_refuses_duplicate_keys(edit_cell: Any, tmp_path: Path) -> None:
    first = csv_records(PACKAGE.table("sites"))[0]["id"]
    package = edit_cell("sites", 3, "id", first)
    with pytest.raises(ExportError, match="UNIQUE"):
        export_sqlite(package, tmp_path)


# --- Parquet -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("parquet")
    written = export_parquet(PACKAGE, out)
    assert written == [out / f"{name}.parquet" for name in TABLES]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.parquet" for name in TABLES)
    return dict(zip(TABLES, written, strict=True))


@pytest.mark.parametrize("name", TABLES)
def test_parquet_round_trips_the_loader_dtypes(parquet_files: dict[str, Path], name: str) -> None:
    frame = pd.read_parquet(parquet_files[name])
    pd.testing.assert_frame_equal(frame, nme_data.load(name))


@pytest.mark.parametrize("name", TABLES)
def test_parquet_opens_with_pyarrow(parquet_files: dict[str, Path], name: str) -> None:
    table = PACKAGE.table(name)
    parquet = pq.ParquetFile(parquet_files[name])
    assert parquet.metadata.num_rows == table.count_rows()
    schema = parquet.schema_arrow
    assert schema.names == table.field_names
    for field in table.fields:
        arrow_type = schema.field(field["name"]).type
        if "enum" in field.get("constraints", {}):
            assert pa.types.is_dictionary(arrow_type), field["name"]
            assert arrow_type.ordered == bool(field.get("categoriesOrdered")), field["name"]
        elif field["type"] == "integer":
            assert pa.types.is_integer(arrow_type)
        elif field["type"] == "number":
            assert pa.types.is_floating(arrow_type)
        elif field["type"] == "boolean":
            assert pa.types.is_boolean(arrow_type)
        else:
            assert pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type), field["name"]


# --- Zip ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_zip(PACKAGE, tmp_path_factory.mktemp("zip"))


@pytest.fixture(scope="module")
def exports_for_zip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return fresh_exports(tmp_path_factory.mktemp("zip-exports"))


def test_zip_name_and_members(archive: Path, exports_for_zip: dict[str, bytes]) -> None:
    assert archive.name == f"nme-data-{VERSION}.zip"
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert names == expected_zip_names(ROOT, exports_for_zip), "the package, croissant.json and exports/, sorted"
    assert "croissant.json" in names
    assert f"exports/{SQLITE_NAME}" in names


def test_zip_entries_are_normalised_and_byte_identical(archive: Path, exports_for_zip: dict[str, bytes]) -> None:
    with zipfile.ZipFile(archive) as opened:
        assert opened.testzip() is None
        for info in opened.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            assert (info.external_attr >> 16) & 0o777 == 0o644, info.filename
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
            assert not info.is_dir()
            expected = exports_for_zip.get(info.filename) or (ROOT / info.filename).read_bytes()
            assert opened.read(info) == expected, info.filename


def test_zip_without_exports_is_the_package_alone(tmp_path: Path) -> None:
    bare = export_zip(PACKAGE, tmp_path, include_exports=False)
    with zipfile.ZipFile(bare) as opened:
        assert opened.namelist() == sorted(expected_package_names(ROOT))


def test_zip_is_reproducible(archive: Path, tmp_path: Path) -> None:
    again = export_zip(PACKAGE, tmp_path / "again")
    assert sha256(again) == sha256(archive)
    # A copy whose files have other timestamps and permissions gives the same bytes.
    copy = copy_package(tmp_path / "copy")
    for path in copy.rglob("*"):
        if path.is_file():
            os.utime(path, (2_000_000_000, 2_000_000_000))
            path.chmod(0o600)
    from_copy = export_zip(DataPackage.open(copy), tmp_path / "from-copy")
    assert sha256(from_copy) == sha256(archive)
    # Overwriting in place changes nothing either.
    assert sha256(export_zip(PACKAGE, tmp_path / "again")) == sha256(archive)


def test_extracted_zip_is_a_valid_package(archive: Path, tmp_path: Path) -> None:
    import frictionless  # a run-time dependency: missing is a failure

    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    report = frictionless.Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_zip_itself_is_a_valid_package(archive: Path) -> None:
    import frictionless  # a run-time dependency: missing is a failure

    report = frictionless.Package(str(archive)).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_zip_refuses_a_package_with_a_missing_file(package_copy: Path, tmp_path: Path) -> None:
    (package_copy / "data" / "history.csv").unlink()
    with pytest.raises(ExportError, match=r"data/history\.csv"):
        export_zip(package_copy, tmp_path)
    assert list(tmp_path.glob("*.zip")) == []


# --- The command -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "files"),
    [
        ("sqlite", [SQLITE_NAME, METADATA_NAME]),
        ("parquet", [f"{name}.parquet" for name in TABLES]),
        ("zip", [f"nme-data-{VERSION}.zip"]),
    ],
)
def test_cli_export(tmp_path: Path, fmt: str, files: list[str]) -> None:
    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(out / name) for name in files]
    assert sorted(p.name for p in out.iterdir()) == sorted(files)


def test_cli_export_from_another_copy(package_copy: Path, tmp_path: Path, archive: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--format", "zip", "--out", str(tmp_path), "--source", str(package_copy)]
    )
    assert result.exit_code == 0, result.output
    assert sha256(tmp_path / archive.name) == sha256(archive)


@pytest.mark.parametrize("fmt", ["sqlite", "parquet", "zip"])
def test_cli_export_to_an_unusable_directory(tmp_path: Path, fmt: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(blocker / "sub")])
    assert_clean_error(result, "cannot create output directory", str(blocker / "sub"))


@pytest.mark.parametrize("fmt", ["sqlite", "parquet"])
def test_cli_export_of_a_damaged_table(edit_cell: Any, tmp_path: Path, fmt: str) -> None:
    package = edit_cell("history", 2, "year", "nineteen forty-two")
    result = CliRunner().invoke(
        main, ["export", "--format", fmt, "--out", str(tmp_path / "out"), "--source", str(package)]
    )
    assert_clean_error(result, "history", "nme-data validate")
    assert not any((tmp_path / "out").glob("*")), "a failed export writes nothing"


def test_cli_export_of_a_package_with_a_missing_file(package_copy: Path, tmp_path: Path) -> None:
    (package_copy / "data" / "sites.csv").unlink()
    args = ["export", "--format", "zip", "--out", str(tmp_path / "out"), "--source", str(package_copy)]
    # Refused by the validator before any export runs: its report names the file.
    assert_clean_error(CliRunner().invoke(main, args), "data/sites.csv", "file-not-found", "nothing was exported")


def test_cli_export_needs_a_format_and_a_directory(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["export", "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["export", "--format", "sqlite"]).exit_code == 2
    result = runner.invoke(main, ["export", "--format", "xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "xlsx" in result.output


def test_cli_and_export_module_import_without_pandas() -> None:
    code = "import sys, nme_data.cli, nme_data.export; assert 'pandas' not in sys.modules, 'pandas was imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
