"""Read a CSV exactly as the validator sees it: every cell text, nothing guessed.

Only tables of the package model are read, so the file, encoding (UTF-8, a byte-order mark
dropped), delimiter (a comma) and header (exactly the schema's fields) are the ones the
normalised descriptor gives frictionless: the two layers cannot disagree about columns or rows.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from nme_data.package.csvfile import ENCODING
from nme_data.package.limits import MAX_CELL_CHARS

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table

#: Row numbers follow frictionless: the header is row 1, the first record row 2.
FIRST_DATA_ROW = 2
#: The csv module's cell limit while a table is read: the cell budget (see nme_data.package.limits).
FIELD_SIZE_LIMIT = MAX_CELL_CHARS


def read_text_frame(table: Table) -> pd.DataFrame:
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
                io.BytesIO(table.read_bytes()),  # the package model's one read of the file
                sep=",",
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                skip_blank_lines=False,
                encoding=ENCODING,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, ValueError):
        frame = _read_with_csv_module(table)
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _read_with_csv_module(table: Table) -> pd.DataFrame:
    import pandas as pd

    records = [record.cells for record in table.records()]
    if not records:
        return pd.DataFrame()
    header, body = records[0], records[1:]
    width = len(header)
    body = [row[:width] if len(row) >= width else row + [""] * (width - len(row)) for row in body]
    return pd.DataFrame(body, columns=header, dtype=object)
