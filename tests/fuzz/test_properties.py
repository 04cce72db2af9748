"""Property-based damage: whatever a cell or a byte becomes, validation reports cleanly and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nme_data
from conftest import copy_package, read_rows, tree_hashes, write_rows
from nme_data.validation.errors import CODES

#: 50 generated crafted copies, each validated: make test runs these in its slow phase.
pytestmark = pytest.mark.slow

TABLES = nme_data.table_names()
SHAPES = {name: (info.rows, len(read_rows(info.path)[0])) for name, info in ((t.name, t) for t in nme_data.tables())}
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "NA", "null", "=1+1", "-5", "1e309", "nan", "true", "HP:12", "\u202e", "x" * 3000]),
)


def check_report(report: nme_data.validation.Report, root: Path, before: dict[str, str]) -> None:
    assert tree_hashes(root) == before, "validation changed a file"
    for error in report.errors:
        assert error.code in CODES, error
        assert error.code != "check-error", f"a crash is a failure: {error}"
        assert error.message
        assert error.table is None or error.table in TABLES
        assert error.row is None or error.row >= 1
    document = report.to_json()
    assert document.startswith("{")


@PROPERTY_SETTINGS
@given(data=st.data(), table=st.sampled_from(TABLES), value=cell_text)
def test_any_cell_value_is_reported_cleanly(data: st.DataObject, table: str, value: str) -> None:
    rows, columns = SHAPES[table]
    row = data.draw(st.integers(min_value=2, max_value=rows + 1), label="row")
    column = data.draw(st.integers(min_value=0, max_value=columns - 1), label="column")
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_package(Path(tmp) / "package")
        path = root / "data" / f"{table}.csv"
        grid = read_rows(path)
        original = grid[row - 1][column]
        grid[row - 1][column] = value
        write_rows(path, grid)
        before = tree_hashes(root)
        report = nme_data.validate(root)
        check_report(report, root, before)
        if value == original:
            assert report.valid, report.to_text()
        if not report.valid and value != original:
            assert any(
                e.table in (table, None) or e.code in ("foreign-key", "subject-not-found") for e in report.errors
            )


@PROPERTY_SETTINGS
@given(data=st.data(), table=st.sampled_from(TABLES), junk=st.binary(min_size=1, max_size=8))
def test_any_byte_damage_is_reported_cleanly(data: st.DataObject, table: str, junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_package(Path(tmp) / "package")
        path = root / "data" / f"{table}.csv"
        content = path.read_bytes()
        at = data.draw(st.integers(min_value=0, max_value=len(content)), label="offset")
        cut = data.draw(st.integers(min_value=0, max_value=8), label="bytes removed")
        path.write_bytes(content[:at] + junk + content[at + cut :])
        before = tree_hashes(root)
        check_report(nme_data.validate(root), root, before)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=200))
def test_any_descriptor_text_is_reported_cleanly(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_package(Path(tmp) / "package")
        (root / "datapackage.json").write_text(text, encoding="utf-8")
        before = tree_hashes(root)
        report = nme_data.validate(root)
        check_report(report, root, before)
        assert not report.valid
