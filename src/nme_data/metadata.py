"""Metadata about the tables, for users who want the raw CSVs and no pandas."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class TableInfo:
    """What `nme-data tables` lists for one table."""

    name: str
    title: str
    description: str
    rows: int
    path: Path


class TableList(list[TableInfo]):
    """`tables()`'s answer: a plain list of TableInfo that prints as a short table and converts to a DataFrame.

    A list, not a DataFrame, so that asking which tables exist needs no pandas.
    """

    def __repr__(self) -> str:
        if not self:
            return "TableList([])"
        width = max(len(info.name) for info in self)
        digits = max(len(str(info.rows)) for info in self)
        lines = [f"{'table'.ljust(width)}  {'rows'.rjust(digits)}  title"]
        lines += [f"{info.name.ljust(width)}  {str(info.rows).rjust(digits)}  {info.title}" for info in self]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per table: name, title, description, rows, path (as text), indexed by name."""
        import pandas as pd

        records = [{**asdict(info), "path": str(info.path)} for info in self]
        columns = list(TableInfo.__dataclass_fields__)
        return pd.DataFrame(records, columns=columns).set_index("name")


def installed_version() -> str:
    """The version this installation was built with (its distribution metadata): reads no package copy.

    An editable install keeps the version of the day it was installed; `make` reinstalls when
    datapackage.json changes. "unknown" when the library runs uninstalled, from a source tree.
    """
    from importlib import metadata

    try:
        return metadata.version("nme-data")
    except metadata.PackageNotFoundError:
        return "unknown"


def descriptor(source: str | Path | None = None) -> dict[str, Any]:
    """The parsed `datapackage.json` of the bundled copy, or of `source`."""
    return DataPackage.open(source).descriptor


def table_path(name: str, source: str | Path | None = None) -> Path:
    """The CSV file behind a table, e.g. to copy or open it with another tool."""
    return DataPackage.open(source).table(name).path


def table_names(source: str | Path | None = None) -> list[str]:
    """Every table the descriptor defines, in descriptor order."""
    return list(DataPackage.open(source).tables)


def tables(source: str | Path | None = None) -> TableList:
    """Names, titles, descriptions, row counts and file paths of every table; `.to_frame()` for a DataFrame."""
    package = DataPackage.open(source)
    return TableList(TableInfo(t.name, t.title, t.description, t.count_rows(), t.path) for t in package.tables.values())
