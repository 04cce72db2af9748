"""The shared machinery that keeps validation linear and bounded at scale (#31)."""

from __future__ import annotations

import resource

import numpy as np
import pandas as pd
import pytest

from nme_data.rules.rule import per_distinct, shared_reads
from nme_data.rules.semantic import Ids, is_in
from nme_data.validation import tier1


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_per_distinct_gives_each_row_its_own_verdict(dtype: str) -> None:
    frame = pd.DataFrame(
        {"a": ["x", "y", "x", None, "y", None, "z"], "b": ["1", "1", "1", "2", "2", "2", None]}, dtype=dtype
    )
    calls: list[tuple[object, object]] = []

    def verdict(a: object, b: object) -> bool:
        calls.append((a, b))
        return a == "x" or b == "2"

    with shared_reads():
        found = per_distinct(frame, ("a", "b"), verdict)
    expected = [a == "x" or b == "2" for a, b in zip(frame["a"], frame["b"], strict=True)]
    assert found.tolist() == expected
    assert list(found.index) == list(frame.index)
    assert len(calls) == 5  # seven rows, five distinct (a, b) combinations: each judged once


def test_ids_behave_as_a_collection_and_feed_is_in_as_arrow() -> None:
    ids = Ids(pd.Series(["a", "b", "a", None, "c"], dtype="str"))
    assert len(ids) == 3
    assert "b" in ids
    assert "z" not in ids
    assert sorted(ids) == ["a", "b", "c"]
    probe = pd.Series(["a", "z", None, "c"], dtype="str")
    assert is_in(probe, ids).tolist() == [True, False, False, True]
    assert is_in(probe, {"a", "c"}).tolist() == [True, False, False, True]


@pytest.mark.parametrize(
    ("limit", "table_bytes", "both"),
    [
        (resource.RLIM_INFINITY, 10**12, True),
        (2 * 1024**3, 10 * 1024**2, True),
        (2 * 1024**3, 226 * 1024**2, False),  # a million sites rows and their anchors
    ],
)
def test_tier1_runs_beside_the_rules_only_when_the_limit_leaves_room(
    monkeypatch: pytest.MonkeyPatch, limit: int, table_bytes: int, both: bool
) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (limit, resource.RLIM_INFINITY))
    assert tier1.room_for_both(table_bytes) is both


def test_verdicts_are_numpy_booleans_of_the_frame_length() -> None:
    frame = pd.DataFrame({"a": ["x"] * 5}, index=range(2, 7))
    with shared_reads():
        found = per_distinct(frame, ("a",), lambda a: False)
    assert found.dtype == np.dtype(bool)
    assert found.tolist() == [False] * 5
    assert list(found.index) == [2, 3, 4, 5, 6]
