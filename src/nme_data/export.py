"""Export the package to formats other tools open directly: SQLite, Parquet and a reproducible zip.

SQLite is for Datasette and SQL users, Parquet for dataframe users who want the loader's dtypes
without this library, and the zip is the citable archive of the package exactly as published.
Only the standard library loads at import time; pandas and pyarrow load when a frame is needed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data._package import DESCRIPTOR_NAME, DataPackage, PackageError, Table

if TYPE_CHECKING:
    import pandas as pd

SQLITE_NAME = "nme-data.sqlite"
#: The earliest timestamp a zip entry can hold: a constant so that the archive does not depend on file times.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_PERMISSIONS = 0o644
EXPORT_PERMISSIONS = 0o644
ZIP_COMPRESSLEVEL = 9
#: Directories of the package copied into the zip besides the descriptor's resources.
ZIP_EXTRA_DIRS = ("source",)

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


class ExportError(Exception):
    """An export that cannot be written or whose source cannot be read; the message says which."""


def _as_package(package: DataPackage | str | Path | None) -> DataPackage:
    """Accept an opened package, a path to one, or None for the bundled copy; every table must be readable."""
    try:
        package = package if isinstance(package, DataPackage) else DataPackage.open(package)
        package.tables  # noqa: B018 - a table the package model refuses is an error, never left out
    except PackageError as exc:
        raise ExportError(str(exc)) from None
    return package


def _out_dir(out_dir: str | Path) -> Path:
    """Create the output directory, turning OS errors into one clear message."""
    path = Path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create output directory {path}: {exc.strerror or exc}") from None
    if not path.is_dir():
        raise ExportError(f"cannot write to {path}: not a directory")
    return path


@contextlib.contextmanager
def _atomic_target(target: Path) -> Iterator[Path]:
    """A temporary file next to target that replaces it only if the body succeeds (no half-written exports)."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"cannot write to {target.parent}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(EXPORT_PERMISSIONS)  # mkstemp makes files private; exports are meant to be shared
        temporary.replace(target)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _read_frame(table: Table) -> pd.DataFrame:
    """The loader's typed frame, with read errors of a damaged copy as an ExportError."""
    from nme_data.loader import read_table

    try:
        return read_table(table)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExportError(
            f"cannot read table {table.name!r} from {table.path}: {exc} (run 'nme-data validate' for every error)"
        ) from None


# --- SQLite ---------------------------------------------------------------------------------------


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
    package = _as_package(package)
    frames = {name: _read_frame(package.tables[name]) for name in dependency_order(package)}
    target = _out_dir(out_dir) / SQLITE_NAME
    with _atomic_target(target) as temporary:
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


# --- Parquet --------------------------------------------------------------------------------------


def export_parquet(package: DataPackage | str | Path | None, out_dir: str | Path) -> list[Path]:
    """Write one `<table>.parquet` per table with the loader's dtypes (categoricals, nullable types)."""
    package = _as_package(package)
    frames = {name: _read_frame(table) for name, table in package.tables.items()}  # all readable before any write
    directory = _out_dir(out_dir)
    written = []
    for name, frame in frames.items():
        target = directory / f"{name}.parquet"
        with _atomic_target(target) as temporary:
            frame.to_parquet(temporary, engine="pyarrow", index=False)
        written.append(target)
    return written


# --- Zip ------------------------------------------------------------------------------------------


def _member(package: DataPackage, relative: str) -> Path:
    """A package file named by a descriptor path, through the package model's path gate."""
    try:
        return package.resolve(relative)
    except PackageError as exc:
        raise ExportError(f"{relative}: file named by the descriptor is missing or unsafe: {exc}") from None


def zip_members(package: DataPackage) -> dict[str, Path]:
    """Archive name -> file: the descriptor, every resource file and the source snapshot, sorted by name."""
    root = package.root
    members = {DESCRIPTOR_NAME: package.descriptor_path}
    for resource in package.descriptor.get("resources", []):
        for relative in _as_list(resource.get("path") if isinstance(resource, dict) else None):
            members[relative] = _member(package, relative)
    for directory in ZIP_EXTRA_DIRS:
        for path in (root / directory).rglob("*"):
            if not (path.is_dir() and not path.is_symlink()):  # files, links and specials meet the path gate
                relative = path.relative_to(root).as_posix()
                members[relative] = _member(package, relative)
    return dict(sorted(members.items()))


def export_zip(package: DataPackage | str | Path | None, out_dir: str | Path) -> Path:
    """Write `nme-data-<version>.zip`: the package byte for byte, reproducible (fixed order, times and modes)."""
    package = _as_package(package)
    members = zip_members(package)
    target = _out_dir(out_dir) / f"nme-data-{package.version}.zip"
    with _atomic_target(target) as temporary, zipfile.ZipFile(temporary, "w") as archive:
        for name, path in members.items():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.create_system = 3  # Unix, so that the permission bits below mean the same everywhere
            info.external_attr = (0o100000 | ZIP_PERMISSIONS) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_COMPRESSLEVEL)
    return target
