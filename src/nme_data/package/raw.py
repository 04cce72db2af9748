"""Read a CSV exactly as the validator sees it: every cell text, nothing guessed.

Only tables of the package model are read, so the file, encoding (UTF-8, a byte-order mark
dropped), delimiter (a comma) and header (exactly the schema's fields) are the ones the
normalised descriptor gives frictionless: the two layers cannot disagree about columns or rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

    Derived from the package model's one parse of the file (`Table.cells`): on the strict path the
    columns are handed to pandas' arrow-backed strings without a copy; a damaged file's records (the
    lenient path) keep their row numbers for the errors frictionless reports beside ours. The frame is
    what pandas' C parser gave before the one parse: `str` columns, duplicate labels renamed `a.1`, ...;
    a file that parser refused (a row longer than the header, an unbalanced quote) has object columns
    under its labels as written, as the csv module's reading always had.
    """
    import numpy as np
    import pandas as pd

    cells = table.cells()
    dtype = _read_csv_str_dtype()
    header = cells.header
    width = len(header or [])
    if not header:  # no header row, or a blank first line: pandas reads no columns, hence no rows
        frame = pd.DataFrame() if header is None else pd.DataFrame(columns=pd.Index([], dtype=object))
    elif cells.strict:
        names = _dedup_names(header)
        if dtype is None:  # pandas 2: Python strings in object columns
            lists = [column.to_pylist() for column in cells.arrow_columns()] if cells.arrow else cells.column_lists()
            arrays: list[Any] = [np.array(column, dtype=object) for column in lists]
        else:  # lists of str too: pyarrow builds the same large_string arrays as pd.array, at half the cost (#31)
            arrays = [dtype.__from_arrow__(column) for column in cells.arrow_columns()]
        frame = _frame(names, arrays, cells.row_count)
    else:
        rows = [row[:width] if len(row) >= width else row + [""] * (width - len(row)) for row in cells.data_rows()]
        if any(len(row) > width for row in cells.data_rows()) or _ends_in_quotes(cells.text):
            frame = pd.DataFrame(rows, columns=header, dtype=object)  # the csv module's reading, as before
        else:
            columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in header]
            arrays = [np.array(c, dtype=object) if dtype is None else pd.array(c, dtype=dtype) for c in columns]
            frame = _frame(_dedup_names(header), arrays, len(rows))
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _read_csv_str_dtype() -> Any:
    """The dtype `read_csv(dtype=str)` gives a column: pandas 3's `str` (arrow-backed, NaN for missing);
    None on pandas 2, whose reader gave object columns of Python strings (the lowest supported pandas,
    tests/packaging/test_pandas_versions.py)."""
    import numpy as np
    import pandas as pd

    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:
        return None


def _frame(names: list[str], arrays: list[Any], rows: int) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(dict(enumerate(arrays)), index=pd.RangeIndex(rows), copy=False)
    frame.columns = pd.Index(names)
    return frame


def _dedup_names(labels: list[str]) -> list[str]:
    """The column names pandas' CSV reader gives a header: an empty label is `Unnamed: i`, and duplicates
    are renamed `a.1`, `a.2`, ... skipping names the header already holds (pandas' mangle_dupe_names)."""
    names = [label if label else f"Unnamed: {i}" for i, label in enumerate(labels)]
    unnamed = [i for i, label in enumerate(labels) if not label]
    order = [i for i in range(len(names)) if i not in set(unnamed)] + unnamed
    counts: dict[str, int] = {}
    for i in order:
        name = old = names[i]
        count = counts.get(name, 0)
        while count > 0:
            counts[old] = count + 1
            name = f"{old}.{count}"
            count = count + 1 if name in names else counts.get(name, 0)
        names[i] = name
        counts[name] = count + 1
    return names


def _ends_in_quotes(text: str) -> bool:
    """Whether the text ends inside a quoted cell, read as the csv module and pandas' C parser read it (a
    quote opens a quoted cell only at a cell's start): pandas' reader refuses such a file."""
    import re

    position, end = 0, len(text)
    quoted = re.compile(r'"(?:[^"]|"")*"(?!")')
    rest = re.compile(r"[^,\r\n]*")
    while position < end:
        if text[position] == '"':
            match = quoted.match(text, position)
            if match is None:
                return True
            position = match.end()
        position = rest.match(text, position).end() + 1  # type: ignore[union-attr]
    return False
