"""Read a CSV exactly as the validator sees it: every cell text, nothing guessed."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Row numbers follow frictionless: the header is row 1, the first record row 2.
FIRST_DATA_ROW = 2
#: Large enough for any cell a person could mean; the schemas' maxLength reports what is too long.
FIELD_SIZE_LIMIT = 64 * 1024 * 1024


def read_text_frame(path: Path) -> pd.DataFrame:
    """All records as strings, indexed by row number; blank rows kept, short rows padded, long rows cut.

    pandas' C parser does the work (compact string storage, bounded memory on large files); a file it
    refuses, such as one with an unbalanced quote or more cells than header labels, is read again
    with the csv module, so that damaged rows keep their row numbers for the errors frictionless
    reports beside ours.
    """
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                skip_blank_lines=False,
                encoding="utf-8-sig",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, ValueError):
        frame = _read_with_csv_module(path)
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _read_with_csv_module(path: Path) -> pd.DataFrame:
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
    return pd.DataFrame(body, columns=header, dtype=object)
