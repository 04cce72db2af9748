"""SQLite export: every table with its keys and checks, plus views for the common questions (Datasette, SQL).

An ordered enum (`categoriesOrdered`) is text in SQL, where `MAX(prominence)` would compare alphabetically;
so each one also gets a `<field>_rank` integer column (1 = the lowest value, a CHECK ties it to the text),
and `MAX(prominence_rank)` picks the strongest statement. Only the standard library loads at import time;
pandas loads when a frame is read.
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
from nme_data.package.dtypes import enum_values, is_ordered

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

#: Suffix of the integer column that ranks an ordered enum (`prominence` -> `prominence_rank`).
RANK_SUFFIX = "_rank"


def _distinct_sites_sql(where: str) -> str:
    """One row per anatomical site: the statements (of sites, filtered by where) with the highest prominence rank.

    The same answer as `nme_data.views.distinct_sites()`: grouped by `anatomical_site_id`, never by wording;
    `strongest_statement_ids` joins the ids of the statements giving that prominence, in table order.
    """
    return f"""WITH filtered AS (
  SELECT rowid AS position, id, anatomical_site_id, prominence, prominence_rank FROM sites{where}
), ranked AS (
  SELECT *, MAX(prominence_rank) OVER site AS strongest_rank, COUNT(*) OVER site AS statements
  FROM filtered WINDOW site AS (PARTITION BY anatomical_site_id)
), strongest AS (
  SELECT *, group_concat(id, ';') OVER (
    PARTITION BY anatomical_site_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
  ) AS strongest_statement_ids
  FROM ranked WHERE prominence_rank = strongest_rank
)
SELECT DISTINCT a.id AS anatomical_site_id, a.name, a.body_region, a.parent_id, s.prominence, s.prominence_rank,
       s.statements, s.strongest_statement_ids
FROM strongest AS s
JOIN anatomical_sites AS a ON a.id = s.anatomical_site_id
ORDER BY s.prominence_rank DESC, a.id"""  # noqa: S608 - where is one of the two constant filters below


#: Views over the ranks of ordered enums (described in Datasette's metadata like the others).
RANKED_VIEWS: tuple[View, ...] = (
    View(
        "distinct_sites",
        "Distinct sites with their strongest prominence",
        "One row per real-world site of the rash (grouped by anatomical_site_id, not by the article's wording), "
        "with the strongest prominence any statement gives it (by prominence_rank: less_common < common < "
        "characteristic), how many statements name the site and the ids of those giving the strongest one. "
        "The same answer as nme_data.views.distinct_sites().",
        _distinct_sites_sql(""),
    ),
    View(
        "distinct_sites_stated",
        "Distinct sites, plainly stated statements only",
        "As distinct_sites, counting only the statements the article makes plainly (certainty = 'stated'): "
        "hedged ('may be affected'), attributed and proposed statements are left out, and a site named only by "
        "them is absent.",
        _distinct_sites_sql(" WHERE certainty = 'stated'"),
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


def ranked_fields(table: Table) -> list[tuple[str, list[Any]]]:
    """(field name, values lowest first) of each ordered enum of table, in schema order."""
    out = []
    for field in table.fields:
        values = enum_values(field)
        if values is not None and is_ordered(field):
            out.append((str(field["name"]), values))
    return out


def _kind(table: Table, name: str) -> str:
    return next(str(f.get("type", "string")) for f in table.fields if f["name"] == name)


def column_names(table: Table) -> list[str]:
    """The columns of a table's SQLite table: the schema's fields, then one `<field>_rank` per ordered enum.

    A copy whose schema already has a field named like a rank column is refused (the two would collide).
    """
    names = list(table.field_names)
    ranks = [name + RANK_SUFFIX for name, _ in ranked_fields(table)]
    clash = sorted(set(ranks) & set(names))
    if clash:
        raise ExportError(f"table {table.name!r}: field(s) {', '.join(clash)} collide with the rank column SQL needs")
    return names + ranks


def _rank_column_sql(name: str, values: list[Any], kind: str) -> str:
    """The rank column of an ordered enum: 1 for its lowest value, NULL when the value is missing, CHECKed."""
    rank = _quote(name + RANK_SUFFIX)
    cases = " ".join(f"WHEN {_literal(value, kind)} THEN {i}" for i, value in enumerate(values, start=1))
    return f"{rank} INTEGER CHECK ({rank} IS (CASE {_quote(name)} {cases} END))"


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
    lines.extend(_rank_column_sql(name, values, _kind(table, name)) for name, values in ranked_fields(table))
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
    """The rows of a typed frame as tuples of SQLite values, in `column_names` order (fields, then ranks)."""
    kinds = [f.get("type", "string") for f in table.fields]
    columns = [frame[name].tolist() for name in table.field_names]
    ranks = []
    for name, values in ranked_fields(table):
        kind = _kind(table, name)
        lookup = {_sql_value(value, kind): rank for rank, value in enumerate(values, start=1)}
        ranks.append((lookup, kind, frame[name].tolist()))
    out = []
    for index, row in enumerate(zip(*columns, strict=True)):
        values = [_sql_value(v, k) for v, k in zip(row, kinds, strict=True)]
        values.extend(lookup.get(_sql_value(cells[index], kind)) for lookup, kind, cells in ranks)
        out.append(tuple(values))
    return out


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
                names = column_names(table)
                placeholders = ", ".join("?" for _ in names)
                columns = ", ".join(map(_quote, names))
                connection.executemany(
                    f"INSERT INTO {_quote(name)} ({columns}) VALUES ({placeholders})",  # noqa: S608 - quoted names
                    table_rows(table, frame),
                )
            for view in (*VIEWS, *RANKED_VIEWS):
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
