"""The anchor rules join the anchors on the fact rows in batches (#31: memory holds one batch's quotes and
parts, not the table's): however small the batches, every anchor gets the verdicts one batch gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_package, read_rows, write_rows
from nme_data.rules import anchors, quotes
from nme_data.validation import validate


def damaged_copy(root: Path) -> Path:
    """Anchors broken in every way the four rules judge, spread over the file: offsets moved (mismatch),
    another source (mismatch), a row and a part that do not exist (orphans), one anchor removed (missing)."""
    copy_package(root)
    path = root / "data" / "evidence_anchors.csv"
    rows = read_rows(path)
    header, body = rows[0], rows[1:]
    for record in body[3::17]:
        record[3], record[4] = str(int(record[3]) + 1), str(int(record[4]) + 1)
    body[10][5] = "no-such-source"
    body[20][1] = "no-such-row"
    body[30][2] = "9"
    del body[40]
    write_rows(path, [header, *body])
    return root


def located(root: Path) -> list[tuple[str | None, int | None, str | None, str, str]]:
    report = validate(root)
    return [(e.table, e.row, e.field, e.code, e.message) for e in report.errors]


@pytest.mark.parametrize("batch", [1, 7, 50])
def test_batches_give_the_verdicts_of_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    root = damaged_copy(tmp_path / "copy")
    whole = located(root)
    codes = {code for _table, _row, _field, code, _message in whole}
    assert {"anchor-mismatch", "anchor-orphan", "anchor-missing"} <= codes  # the damage is judged at all
    monkeypatch.setattr(anchors, "BATCH_ROWS", batch)
    monkeypatch.setattr(quotes, "BATCH_ROWS", batch)
    assert located(root) == whole
