"""SQLite export: every table with its keys and checks, plus views for the common questions (Datasette, SQL).

Only the standard library loads at import time; pandas loads when a frame is read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.export._common import ExportError, as_package, atomic_target, read_frame
from nme_data.export._common import out_dir as make_out_dir
from nme_data.export.statements_sql import add_statements
from nme_data.package import DataPackage, Table

if TYPE_CHECKING:
    import pandas as pd

SQLITE_NAME = "nme-data.sqlite"

#: Table Schema type -> SQLite column type; booleans are 0/1 integers, dates ISO 8601 text.
SQLITE_TYPES: dict[str, str] = {
    "string": "TEXT",
    "integer": "INTEGER",
    "year": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
    "time": "TEXT",
}


@dataclass(frozen=True)
class View:
    """A named query stored in the database, answering a question users ask of the tables again and again."""

    name: str
    title: str
    description: str
    sql: str


#: The views every SQLite export carries (their descriptions also go into Datasette's metadata).
VIEWS: tuple[View, ...] = (
    View(
        "associations_named",
        "Associations with condition names",
        "Each association with the names of the conditions it links, its relation, certainty and evidence.",
        """SELECT a.id, a.subject_id, s.name AS subject_name, a.relation, a.object_id, o.name AS object_name,
       a.certainty, a.evidence
FROM associations AS a
JOIN conditions AS s ON s.id = a.subject_id
JOIN conditions AS o ON o.id = a.object_id""",
    ),
    View(
        "condition_mappings",
        "Conditions with their ontology identifiers",
        "Each condition's mappings: condition name, SSSOM predicate, identifier, the release's label and source.",
        """SELECT c.id AS condition_id, c.name AS condition_name, m.predicate_id, m.object_id, m.object_label,
       m.object_source, m.object_source_version
FROM conditions AS c
JOIN mappings AS m ON m.subject_table = 'conditions' AND m.subject_id = c.id""",
    ),
    View(
        "feature_phenotypes",
        "Clinical features with their HPO terms",
        "Each clinical feature with the HPO term(s) it maps to (none when no term fits) and the mapping predicate.",
        """SELECT f.id AS feature_id, f.feature, f.kind, m.predicate_id,
       m.object_id AS hpo_id, m.object_label AS hpo_label
FROM clinical_features AS f
LEFT JOIN mappings AS m ON m.subject_table = 'clinical_features' AND m.subject_id = f.id AND m.object_source = 'HP'""",
    ),
)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _quote(identifier: str) -> str:
    """An SQL identifier in double quotes, so any field name is safe."""
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: Any, kind: str) -> str:
    """An SQL literal for a constraint value of a field of Table Schema type kind."""
    if kind in ("integer", "year"):
        return str(int(value))
    if kind == "number":
        return repr(float(value))
    if kind == "boolean":
        return "1" if value in (True, "true", "True", "TRUE", "1", 1) else "0"
    return "'" + str(value).replace("'", "''") + "'"


def _references(table: Table) -> list[tuple[list[str], str, list[str]]]:
    """Foreign keys as (fields, referenced table, referenced fields); an empty resource means the table itself."""
    keys = []
    for key in table.foreign_keys:
        reference = key.get("reference", {})
        keys.append(
            (_as_list(key.get("fields")), reference.get("resource") or table.name, _as_list(reference.get("fields")))
        )
    return keys


def dependency_order(package: DataPackage) -> list[str]:
    """Table names with referenced tables first (self-references ignored), otherwise in descriptor order.

    Tables in a reference cycle keep descriptor order at the end; SQLite accepts that because
    foreign keys are checked once, after all rows are in.
    """
    pending = {
        name: {target for _, target, _ in _references(table) if target != name and target in package.tables}
        for name, table in package.tables.items()
    }
    order: list[str] = []
    while pending:
        ready = [name for name, needs in pending.items() if needs <= set(order)]
        if not ready:
            order.extend(pending)
            break
        order.append(ready[0])
        del pending[ready[0]]
    return order


def _keyable(package: DataPackage, table: str, fields: list[str]) -> bool:
    """SQLite can only reference a primary key or a single-column unique field ('foreign key mismatch' otherwise)."""
    target = package.tables.get(table)
    if target is None:
        return False
    if target.primary_key == fields:
        return True
    by_name = {f["name"]: f for f in target.fields}
    return len(fields) == 1 and bool((by_name.get(fields[0], {}).get("constraints") or {}).get("unique"))


def _column_sql(field: dict[str, Any], required: bool, unique: bool) -> str:
    """One column definition: type, NOT NULL, UNIQUE and CHECKs for enums, booleans and numeric bounds."""
    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints") or {}
    parts = [_quote(name), SQLITE_TYPES.get(kind, "TEXT")]
    if required:
        parts.append("NOT NULL")
    if unique:
        parts.append("UNIQUE")
    column = _quote(name)
    if constraints.get("enum") is not None:
        values = ", ".join(_literal(value, kind) for value in constraints["enum"])
        parts.append(f"CHECK ({column} IN ({values}))")
    elif kind == "boolean":
        parts.append(f"CHECK ({column} IN (0, 1))")
    if kind in ("integer", "year", "number"):
        if "minimum" in constraints:
            parts.append(f"CHECK ({column} >= {_literal(constraints['minimum'], kind)})")
        if "maximum" in constraints:
            parts.append(f"CHECK ({column} <= {_literal(constraints['maximum'], kind)})")
    return " ".join(parts)


def create_table_sql(package: DataPackage, table: Table) -> str:
    """The CREATE TABLE statement of one resource, derived from its Table Schema."""
    primary_key = table.primary_key
    lines = []
    for field in table.fields:
        constraints = field.get("constraints") or {}
        required = bool(constraints.get("required")) or field["name"] in primary_key
        unique = bool(constraints.get("unique")) and primary_key != [field["name"]]
        lines.append(_column_sql(field, required, unique))
    if primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, primary_key))})")
    for fields, target, target_fields in _references(table):
        if _keyable(package, target, target_fields):
            lines.append(
                f"FOREIGN KEY ({', '.join(map(_quote, fields))}) "
                f"REFERENCES {_quote(target)} ({', '.join(map(_quote, target_fields))})"
            )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(table.name)} (\n  {body}\n)"


def _sql_value(value: Any, kind: str) -> Any:
    """A typed frame cell as a value sqlite3 stores: None for missing, 0/1 for booleans, ISO text for dates."""
    import pandas as pd

    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind in ("integer", "year"):
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return int(bool(value))
    if kind == "date":
        return value.date().isoformat()
    if kind == "datetime":
        return value.isoformat()
    return str(value)


def table_rows(table: Table, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The rows of a typed frame as tuples of SQLite values, in schema field order."""
    kinds = [f.get("type", "string") for f in table.fields]
    columns = [frame[name].tolist() for name in table.field_names]
    return [tuple(_sql_value(v, k) for v, k in zip(row, kinds, strict=True)) for row in zip(*columns, strict=True)]


def export_sqlite(package: DataPackage | str | Path | None, out_dir: str | Path) -> Path:
    """Write every table to `<out_dir>/nme-data.sqlite` with keys and checks, replacing an existing file."""
    package = as_package(package)
    frames = {name: read_frame(package.tables[name]) for name in dependency_order(package)}
    target = make_out_dir(out_dir) / SQLITE_NAME
    with atomic_target(target) as temporary:
        temporary.unlink()
        try:
            connection = sqlite3.connect(temporary)
        except sqlite3.Error as exc:
            raise ExportError(f"cannot write {target}: {exc}") from None
        try:
            for name, frame in frames.items():
                table = package.tables[name]
                connection.execute(create_table_sql(package, table))
                placeholders = ", ".join("?" for _ in table.fields)
                columns = ", ".join(map(_quote, table.field_names))
                connection.executemany(
                    f"INSERT INTO {_quote(name)} ({columns}) VALUES ({placeholders})",  # noqa: S608 - quoted names
                    table_rows(table, frame),
                )
            for view in VIEWS:
                connection.execute(f"CREATE VIEW {_quote(view.name)} AS\n{view.sql}")
            add_statements(connection, package)
            connection.commit()
            violations = connection.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.IntegrityError as exc:
            raise ExportError(
                f"the package breaks its own schema ({exc}); run 'nme-data validate' for every error"
            ) from None
        except sqlite3.Error as exc:
            raise ExportError(f"cannot write {target}: {exc}") from None
        finally:
            connection.close()
        if violations:
            table, rowid, parent, _ = violations[0]
            # Rows go in in file order, so rowid 1 is the first record: row 2 as the validator counts rows.
            raise ExportError(
                f"{len(violations)} foreign key violation(s), e.g. {table} row {rowid + 1} refers to a missing "
                f"{parent} row; run 'nme-data validate' for every error"
            )
    return target
