"""`nme_data.save`: write a typed frame back into a package copy, in the same canonical form as fmt."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.curate._common import CurateError, relative
from nme_data.curate.canonical import DEFAULT_FALSE, DEFAULT_TRUE, atomic_write, check_dialect, encode_table
from nme_data.package import DataPackage, Table

if TYPE_CHECKING:
    import pandas as pd


def _text(value: Any, field: dict[str, Any]) -> str:
    """A typed value as the text canonical_cell expects: missing empty, booleans and numbers unambiguous."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        values = field.get("trueValues", DEFAULT_TRUE) if value else field.get("falseValues", DEFAULT_FALSE)
        return str(next(iter(values)))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if field.get("type") == "date" else value.isoformat()
    if isinstance(value, float):
        return repr(float(value))  # the shortest text that reads back as the same float
    return str(value)


def frame_bytes(frame: pd.DataFrame, table: Table) -> bytes:
    """A typed frame as the canonical bytes of `table`'s file; refuses columns that are not its fields."""
    check_dialect(table)
    columns = [str(column) for column in frame.columns]
    expected = table.field_names
    extra = [c for c in columns if c not in expected]
    missing = [name for name in expected if name not in columns]
    if extra or missing or len(set(columns)) != len(columns):
        detail = []
        if extra:
            detail.append(f"columns {extra} are not fields of the schema")
        if missing:
            detail.append(f"fields {missing} are missing")
        if len(set(columns)) != len(columns):
            detail.append("a column appears twice")
        raise CurateError(f"{table.name}: the frame's columns do not match the schema: {'; '.join(detail)}")
    fields = table.fields
    records = (
        [_text(value, field) for value, field in zip(row, fields, strict=True)]
        for row in frame[expected].itertuples(index=False, name=None)
    )
    return encode_table(table, records)


def save(frame: pd.DataFrame, table: str, source: str | Path) -> Path:
    """Write `frame` as `table` of the copy at `source` (a directory or its datapackage.json); return the file.

    The frame's columns must be exactly the schema's fields (in any order; they are written in the
    descriptor's). Each cell goes through the canonical writer `nme-data fmt` uses, so `70.0` in an integer
    column is written `70` and a cell with no canonical form is refused before anything is written. The file
    is replaced atomically: an interrupted save leaves the old table, never half a new one. `source` has no
    default: saving never writes into the installed copy by accident.
    """
    package = DataPackage.open(source)
    spec = package.table(table)
    data = frame_bytes(frame, spec)
    path = spec.path
    if not path.parent.is_dir():
        raise CurateError(f"{table}: the directory of {relative(package, path)} does not exist")
    atomic_write(path, data)
    return path
