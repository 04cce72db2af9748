"""The sentences of every fact row in the SQLite export: one table, beside the data tables, not inside them.

A separate table keeps each data table exactly its schema's columns (the column order and types the
other exports and Datasette rely on), while `SELECT statement FROM row_statements WHERE ...` or a join
on (table_name, row_key) gives each row its sentence.
"""

from __future__ import annotations

import sqlite3

from nme_data.export._common import ExportError
from nme_data.frames.statements import Sentences
from nme_data.package import DataPackage
from nme_data.package.records import read_records

#: The table that holds the sentences.
STATEMENTS_TABLE = "row_statements"

CREATE = f"""CREATE TABLE "{STATEMENTS_TABLE}" (
  "table_name" TEXT NOT NULL,
  "row_key" TEXT NOT NULL,
  "statement" TEXT NOT NULL,
  PRIMARY KEY ("table_name", "row_key")
)"""


def add_statements(connection: sqlite3.Connection, package: DataPackage) -> int:
    """Write the sentence of every row whose table declares templates; returns how many were written.

    `row_key` is the row's primary key (several key columns joined by '/').
    """
    if STATEMENTS_TABLE in package.tables:
        raise ExportError(f"the package has a table named {STATEMENTS_TABLE!r}, the name the sentences use")
    sentences = Sentences(package)
    rows: list[tuple[str, str, str]] = []
    for name, table in package.tables.items():
        key = table.primary_key or ["id"]
        records = read_records(table)
        for record, statement in zip(records, sentences.for_rows(table, records), strict=True):
            if statement is not None:
                rows.append((name, "/".join(record.get(k) or "" for k in key), statement))
    connection.execute(CREATE)
    connection.executemany(f'INSERT INTO "{STATEMENTS_TABLE}" VALUES (?, ?, ?)', rows)  # noqa: S608 - constant name
    return len(rows)
