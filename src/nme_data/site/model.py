"""The package as the site shows it: every cell as the CSV spells it, with the schema beside it.

Cells are kept as text (the CSV is the published form, so "70" stays "70"), and the Table Schema
says what each column is: an enum, a foreign key, a number. Pages are derived from this, never
from a second reading of the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from nme_data.package import DataPackage, Table

Row = dict[str, str | None]


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values name a row of another table (or of its own)."""

    column: str
    table: str
    target: str


@dataclass
class TableData:
    """One table's rows and what its schema says about each column."""

    table: Table
    rows: list[Row]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def key_fields(self) -> list[str]:
        return self.table.primary_key or (["id"] if "id" in self.table.field_names else [])

    def key(self, row: Row) -> str:
        """The row's primary key as text (several key columns joined by '/')."""
        return "/".join(row.get(name) or "" for name in self.key_fields)

    def field(self, name: str) -> dict[str, Any]:
        return next((f for f in self.table.fields if f.get("name") == name), {})

    def enum(self, name: str) -> list[str] | None:
        values = self.field(name).get("constraints", {}).get("enum")
        return [str(v) for v in values] if isinstance(values, list) else None

    def kind(self, name: str) -> str:
        return str(self.field(name).get("type", "string"))

    @property
    def foreign_keys(self) -> dict[str, ForeignKey]:
        """Single-column foreign keys by column; a reference to "" is the table itself."""
        keys: dict[str, ForeignKey] = {}
        for fk in self.table.foreign_keys:
            fields, reference = fk.get("fields"), fk.get("reference", {})
            fields = [fields] if isinstance(fields, str) else list(fields or [])
            targets = reference.get("fields")
            targets = [targets] if isinstance(targets, str) else list(targets or [])
            if len(fields) == 1 and len(targets) == 1:
                keys[fields[0]] = ForeignKey(fields[0], reference.get("resource") or self.name, targets[0])
        return keys

    @cached_property
    def by_key(self) -> dict[str, Row]:
        return {self.key(row): row for row in self.rows}


@dataclass
class SiteData:
    """Everything the pages need: the package, its tables in descriptor order and the source texts."""

    package: DataPackage
    tables: dict[str, TableData]
    texts: dict[str, str] = field(default_factory=dict)
    text_paths: dict[str, str] = field(default_factory=dict)
    #: Each row's sentence (from its table's statement templates), by (table, key).
    sentences: dict[tuple[str, str], str] = field(default_factory=dict)

    def sentence(self, table: str, key: str) -> str | None:
        return self.sentences.get((table, key))

    def label(self, table: str, key: str | None) -> str:
        """A readable name for a row: its name-like column, else its key."""
        if key is None:
            return ""
        data = self.tables.get(table)
        row = data.by_key.get(key) if data else None
        if row:
            for column in ("name", "title", "label"):
                if row.get(column):
                    return str(row[column])
        return key


def read_rows(table: Table) -> list[Row]:
    """Every record as text; the schema's missing values become None."""
    missing = set(table.missing_values)
    records = [record.cells for record in table.records() if record.cells]  # blank lines hold no record
    if not records:
        return []
    header = records[0]
    rows = [dict(zip(header, cells, strict=False)) for cells in records[1:]]
    return [
        {name: (None if row.get(name) in missing or row.get(name) is None else row[name]) for name in table.field_names}
        for row in rows
    ]


def load_site_data(package: DataPackage) -> SiteData:
    """Read every table, every row's sentence and every source snapshot the sources table names."""
    from nme_data.frames.statements import Sentences

    tables = {name: TableData(table, read_rows(table)) for name, table in package.tables.items()}
    data = SiteData(package, tables)
    words = Sentences(package)
    for name, table in tables.items():
        for row, sentence in zip(table.rows, words.for_rows(table.table, table.rows), strict=True):
            if sentence:
                data.sentences[(name, table.key(row))] = sentence
    sources = tables.get("sources")
    if sources is not None and "path" in sources.table.field_names:
        for row in sources.rows:
            if row.get("id") and row.get("path"):
                data.texts[str(row["id"])] = package.read_snapshot(str(row["path"]))[0]
                data.text_paths[str(row["id"])] = str(row["path"])
    return data
