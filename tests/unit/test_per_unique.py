"""`per_unique` (#31): a predicate runs once per distinct value, its verdicts go back to every row by the
codes of one factorize (no Python string per cell), a missing cell passes, and so does a None verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nme_data.rules.context import per_unique


@pytest.mark.parametrize(
    "dtype", [pd.StringDtype("pyarrow", na_value=np.nan), pd.StringDtype("python"), object], ids=str
)
def test_verdicts_per_distinct_value(dtype: object) -> None:
    series = pd.Series(["a", "b", None, "a", "", "c", "b"], index=range(2, 9), dtype=dtype)  # type: ignore[call-overload]
    calls: list[str] = []
    verdicts = {"a": True, "b": False, "": False, "c": None}

    def predicate(value: str) -> bool | None:
        calls.append(value)
        return verdicts[value]

    found = per_unique(series, predicate)
    assert sorted(calls) == ["", "a", "b", "c"]  # once each; the missing cell is not asked about
    assert found.dtype == bool
    assert found.index.equals(series.index)
    assert found.tolist() == [True, False, True, True, False, True, False]


def test_an_empty_column() -> None:
    found = per_unique(pd.Series([], dtype="string"), lambda value: False)
    assert found.empty
    assert found.dtype == bool
