"""The shared reads of a frame (`rules.rule.cells`, `factorized`, `first_cells`, `distinct_rows`, `all_pass`)
give exactly what the pandas calls they replace give, on every kind of column a runner hands the rules:
the validator's text frames (pandas' arrow-backed strings, object columns of str), and the typed frames
of pandera's schemas (nullable integers, floats, booleans), each with missing cells of every spelling.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from nme_data.rules.rule import all_pass, cells, distinct_rows, factorized, first_cells, shared_reads

TEXT = ["b", None, "a", "", "b", "é", None, "a"]
COLUMNS: dict[str, Any] = {
    "str (pandas 3's read_csv)": pd.array(TEXT, dtype=pd.StringDtype(na_value=np.nan)),
    "string[pyarrow]": pd.array(TEXT, dtype=pd.StringDtype("pyarrow")),
    "string[python]": pd.array(TEXT, dtype=pd.StringDtype("python")),
    "object of str and None": np.array(TEXT, dtype=object),
    "object of str, NaN and NA": np.array(["b", np.nan, "a", "", "b", "é", pd.NA, "a"], dtype=object),
    "Int64": pd.array([3, None, 1, 0, 3, 7, None, 1], dtype="Int64"),
    "float64": np.array([3.0, np.nan, 1.5, 0.0, 3.0, 7.0, np.nan, 1.5]),
    "boolean": pd.array([True, None, False, False, True, True, None, False], dtype="boolean"),
}


def _frame(column: Any) -> pd.DataFrame:
    frame = pd.DataFrame({"x": column, "y": pd.array(["p", "q", "p", "q", "p", "q", "p", "q"], dtype=object)})
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _equal(a: Any, b: Any) -> bool:
    """The same value of the same type; a missing value matches a missing value of the same type."""
    if type(a) is not type(b) or _missing(a) != _missing(b):
        return False
    return _missing(a) or bool(a == b)


def _same(found: list[Any], expected: list[Any]) -> bool:
    return len(found) == len(expected) and all(_equal(a, b) for a, b in zip(found, expected, strict=True))


@pytest.mark.parametrize("kind", COLUMNS)
@pytest.mark.parametrize("scoped", [True, False], ids=["shared", "unshared"])
def test_cells_are_dropna_tolist(kind: str, scoped: bool) -> None:
    frame = _frame(COLUMNS[kind])
    expected = frame["x"].dropna().tolist()
    if scoped:
        with shared_reads():
            assert _same(cells(frame, "x"), expected)
            assert cells(frame, "x") is cells(frame, "x")  # read once per frame and column
    else:
        assert _same(cells(frame, "x"), expected)


@pytest.mark.parametrize("kind", COLUMNS)
def test_factorized_is_pandas_factorize(kind: str) -> None:
    frame = _frame(COLUMNS[kind])
    codes, uniques = pd.factorize(frame["x"], use_na_sentinel=True)
    found_codes, found_uniques = factorized(frame, "x")
    assert found_codes.tolist() == np.asarray(codes).tolist()
    assert _same(found_uniques.tolist(), uniques.tolist())


@pytest.mark.parametrize("kind", COLUMNS)
@pytest.mark.parametrize("rows", [[0, 2, 3], [1, 0, 6], []], ids=["present", "with-missing", "none"])
def test_first_cells_are_iloc_tolist(kind: str, rows: list[int]) -> None:
    frame = _frame(COLUMNS[kind])
    picked = np.asarray(rows, dtype=np.int64)
    assert _same(first_cells(frame, "x", picked), frame["x"].iloc[picked].tolist())


@pytest.mark.parametrize("kind", COLUMNS)
def test_distinct_rows_rebuild_every_row(kind: str) -> None:
    """Each row's distinct combination holds that row's own cells (a missing cell: a missing value)."""
    frame = _frame(COLUMNS[kind])
    with shared_reads():
        inverse, rows = distinct_rows(frame, ("x", "y"))
    records = list(zip(frame["x"].tolist(), frame["y"].tolist(), strict=True))
    assert len(rows) == len(set(inverse.tolist()))
    for record, at in zip(records, inverse.tolist(), strict=True):
        assert all(_missing(a) == _missing(b) for a, b in zip(rows[at], record, strict=True))
        assert all(_equal(a, b) for a, b in zip(rows[at], record, strict=True) if not _missing(b))


def test_all_pass_is_a_new_true_series_on_the_frame_index() -> None:
    frame = _frame(COLUMNS["str (pandas 3's read_csv)"])
    first, second = all_pass(frame), all_pass(frame)
    assert first.dtype == bool
    assert first.all()
    assert first.index.equals(frame.index)
    first.iloc[0] = False  # a caller may change its own verdicts
    assert second.all()
