"""The row budgets (#31): every table holds at most MAX_ROWS data rows, the anchors table (one row per evidence
part of every fact row) at most MAX_ANCHOR_ROWS; both the streamed count and the one parse enforce them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_package
from nme_data.package import DataPackage, limits


@pytest.fixture
def small_budgets(monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Budgets small enough for a test: 300 rows in any table, 600 in the anchors table."""
    monkeypatch.setattr(limits, "MAX_ROWS", 300)
    monkeypatch.setattr(limits, "MAX_ANCHOR_ROWS", 600)
    return 300, 600


def test_the_anchors_table_has_its_own_budget() -> None:
    assert limits.row_budget(limits.ANCHORS_TABLE) == limits.MAX_ANCHOR_ROWS > limits.MAX_ROWS
    assert limits.row_budget("sites") == limits.MAX_ROWS


def _grown(root: Path, table: str, rows: int, padding: int = 0) -> None:
    """The table's last record repeated until it has `rows` data rows (keys repeat: only the count matters
    here), each record padded with `padding` spaces in its last cell so that the file is long enough to be
    parsed by the scan too (a file over MAX_CELL_CHARS bytes is)."""
    path = root / "data" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    last = body[-1] + " " * padding if padding else body[-1]
    path.write_text("\n".join([header, *body, *[last] * (rows - len(body))]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("padding", [0, 4000], ids=["small-file", "large-file-parsed-too"])
@pytest.mark.parametrize(
    ("table", "rows", "refused"),
    [
        ("sites", 300, False),
        ("sites", 301, True),
        ("evidence_anchors", 301, False),
        ("evidence_anchors", 600, False),
        ("evidence_anchors", 601, True),
    ],
)
def test_row_budget_per_table(
    small_budgets: tuple[int, int], tmp_path: Path, table: str, rows: int, refused: bool, padding: int
) -> None:
    root = copy_package(tmp_path)
    _grown(root, table, rows, padding)
    found = DataPackage.open(root).table(table).scan()
    budget = limits.row_budget(table)
    too_many = [f for f in found if f.code == "too-many-rows"]
    if refused:
        assert [f.message for f in too_many] == [f"{table}.csv has more than {budget} data rows"]
    else:
        assert too_many == []
