"""Read a CSV exactly as the validator sees it: every cell text, nothing guessed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Row numbers follow frictionless: the header is row 1, the first record row 2.
FIRST_DATA_ROW = 2
#: Large enough for any cell a person could mean; the schemas' maxLength reports what is too long.
FIELD_SIZE_LIMIT = 64 * 1024 * 1024


def read_text_frame(path: Path) -> pd.DataFrame:
    """All records as strings, indexed by row number; short rows padded, long rows cut.

    Uses the csv module rather than pandas' parser so that ragged or blank rows keep
    their row numbers instead of aborting the read (frictionless reports them).
    """
    import pandas as pd

    previous = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    finally:
        csv.field_size_limit(previous)
    if not records:
        return pd.DataFrame()
    header, body = records[0], records[1:]
    width = len(header)
    body = [row[:width] if len(row) >= width else row + [""] * (width - len(row)) for row in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(body))
    return frame
