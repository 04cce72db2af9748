"""Typed pandas DataFrames for the tables, with dtypes derived from the Table Schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nme_data._package import DataPackage, Table
from nme_data.raw import FIRST_DATA_ROW

if TYPE_CHECKING:
    import pandas as pd


def read_table(table: Table) -> pd.DataFrame:
    """Read one table: only the schema's missing values are missing, so 'NA' or 'null' stays text."""
    import pandas as pd

    from nme_data.dtypes import convert_column

    frame = pd.read_csv(
        table.path,
        dtype=str,
        keep_default_na=False,
        na_values=table.missing_values,
        encoding="utf-8-sig",
        skip_blank_lines=False,
    )
    missing = [name for name in table.field_names if name not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: columns {missing} of the schema are not in {table.path.name}")
    frame = frame[table.field_names]
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    typed = {f["name"]: convert_column(frame[f["name"]], f, table.name) for f in table.fields}
    return pd.DataFrame(typed).reset_index(drop=True)


def load(name: str, source: str | Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame, from the bundled package or from `source` (a directory or descriptor)."""
    return read_table(DataPackage.open(source).table(name))


def load_all(source: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table, keyed by name, in descriptor order."""
    package = DataPackage.open(source)
    return {name: read_table(table) for name, table in package.tables.items()}
