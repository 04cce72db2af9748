"""Metadata about the tables, for users who want the raw CSVs and no pandas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nme_data._package import DataPackage


@dataclass(frozen=True)
class TableInfo:
    """What `nme-data tables` lists for one table."""

    name: str
    title: str
    description: str
    rows: int
    path: Path


def descriptor(source: str | Path | None = None) -> dict[str, Any]:
    """The parsed `datapackage.json` of the bundled copy, or of `source`."""
    return DataPackage.open(source).descriptor


def table_path(name: str, source: str | Path | None = None) -> Path:
    """The CSV file behind a table, e.g. to copy or open it with another tool."""
    return DataPackage.open(source).table(name).path


def table_names(source: str | Path | None = None) -> list[str]:
    """Every table the descriptor defines, in descriptor order."""
    return list(DataPackage.open(source).tables)


def tables(source: str | Path | None = None) -> list[TableInfo]:
    """Names, titles, descriptions, row counts and file paths of every table."""
    package = DataPackage.open(source)
    return [TableInfo(t.name, t.title, t.description, t.count_rows(), t.path) for t in package.tables.values()]
