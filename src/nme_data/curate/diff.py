"""`nme-data diff`: what changed between two copies or releases, row by primary key and field by field.

Cells are compared in their canonical form, so `70.0` and `70` in a number field are the same value and a
re-saved spreadsheet is not a change. Rows are matched by primary key (a table without one is compared
as a set of whole rows); cells are compared over the fields both versions have, and fields added or
removed are reported once, in the schema changes, not once per row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nme_data.curate._common import CurateError
from nme_data.curate.canonical import CellError, canonical_cell, check_dialect, missing_marker, read_records
from nme_data.package import DataPackage, PackageError, Table, copy_header

#: A row's primary-key values (its whole canonical row when the table has no primary key).
Key = tuple[str, ...]
_FIELD_ADDED = re.compile(r"field '[^']*' added \(")
_FIELD_REMOVED = re.compile(r"field '[^']*' removed$")


@dataclass
class CellChange:
    field: str
    old: str
    new: str


@dataclass
class RowChange:
    key: Key
    cells: list[CellChange]


@dataclass
class TableDiff:
    """One table's changes; `status` is added, removed or changed."""

    name: str
    status: str
    key_fields: list[str]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)
    removed_fields: list[str] = field(default_factory=list)
    #: Fields that lost enum values: a reader filtering on an old value silently gets nothing.
    narrowed_fields: list[str] = field(default_factory=list)

    def key_of(self, row: dict[str, str]) -> str:
        return _key_text(tuple(row.get(name, "") for name in self.key_fields) if self.key_fields else ())

    @property
    def empty(self) -> bool:
        return self.status == "changed" and not (self.added or self.removed or self.changed or self.schema)


@dataclass
class PackageDiff:
    old_version: str
    new_version: str
    tables: list[TableDiff]
    package: list[str]
    warnings: list[str] = field(default_factory=list)
    #: The two copies compared, each {"path": its datapackage.json, "version": its version}.
    source: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def data_changed(self) -> bool:
        return bool(self.package) or any(not t.empty for t in self.tables)

    def counts(self) -> dict[str, int]:
        return {
            "rows_added": sum(len(t.added) for t in self.tables),
            "rows_removed": sum(len(t.removed) for t in self.tables),
            "rows_changed": sum(len(t.changed) for t in self.tables),
            "cells_changed": sum(len(r.cells) for t in self.tables for r in t.changed),
            "schema_changes": sum(len(t.schema) for t in self.tables) + len(self.package),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "changed": self.data_changed,
            "counts": self.counts(),
            "package": self.package,
            "tables": [
                {
                    "name": t.name,
                    "status": t.status,
                    "primary_key": t.key_fields,
                    "schema": t.schema,
                    "rows_added": t.added,
                    "rows_removed": t.removed,
                    "rows_changed": [
                        {
                            "key": list(r.key),
                            "cells": [{"field": c.field, "old": c.old, "new": c.new} for c in r.cells],
                        }
                        for r in t.changed
                    ],
                }
                for t in self.tables
                if not t.empty
            ],
            "warnings": self.warnings,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [copy_header(copy.get("path"), copy.get("version")) for copy in self.source.values()]
        lines.append(f"version: {self.old_version} -> {self.new_version}")
        lines += [f"package: {change}" for change in self.package]
        for table in self.tables:
            if table.empty:
                continue
            lines.append(
                f"{table.name} ({table.status}): {_rows_count(len(table.added))} added, {len(table.removed)} removed, "
                f"{len(table.changed)} changed"
            )
            lines += [f"  schema: {change}" for change in table.schema]
            lines += [f"  + {table.key_of(row)}: {_cells_text(row)}" for row in table.added]
            lines += [f"  - {table.key_of(row)}" for row in table.removed]
            for row in table.changed:
                for cell in row.cells:
                    lines.append(f"  ~ {_key_text(row.key)}: {cell.field}: {cell.old!r} -> {cell.new!r}")
        if not self.data_changed:
            lines.append("no changes")
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Keep a Changelog sections, one bullet per change: a pull-request comment and a CHANGELOG draft."""
        counts = self.counts()
        lines = [f"## nme-data {self.old_version} → {self.new_version}", ""]
        lines += [f"> **Warning:** {warning}" for warning in self.warnings]
        if self.warnings:
            lines.append("")
        if not self.data_changed:
            lines.append("No changes.")
            return "\n".join(lines)
        lines.append(
            f"{_rows_count(counts['rows_added'])} added, {counts['rows_removed']} removed, "
            f"{counts['rows_changed']} changed ({counts['cells_changed']} cells); "
            f"{counts['schema_changes']} schema changes."
        )
        added, changed, removed = [], [], []
        for change in self.package:
            changed.append(f"- package: {_md(change)}")
        for table in self.tables:
            name = _code(table.name)
            if table.status == "added":
                added.append(f"- table {name} ({len(table.added)} rows)")
            elif table.status == "removed":
                removed.append(f"- table {name} ({len(table.removed)} rows)")
            for change in table.schema if table.status == "changed" else []:
                target = removed if _FIELD_REMOVED.match(change) else added if _FIELD_ADDED.match(change) else changed
                target.append(f"- {name}: {_md(change)}")
            if table.status != "changed":
                continue
            added += [
                f"- {name} row {_code(table.key_of(row))}: {_md(_cells_text(row, table.key_fields, 3, 40))}"
                for row in table.added
            ]
            removed += [f"- {name} row {_code(table.key_of(row))}" for row in table.removed]
            for row in table.changed:
                changed += [
                    f"- {name} row {_code(_key_text(row.key))}, {_code(cell.field)}: "
                    f"{_code(cell.old)} → {_code(cell.new)}"
                    for cell in row.cells
                ]
        for title, items in (("Added", added), ("Changed", changed), ("Removed", removed)):
            if items:
                lines += ["", f"### {title}", "", *items]
        return "\n".join(lines)


def _rows_count(number: int) -> str:
    return f"{number} row" if number == 1 else f"{number} rows"


def _key_text(key: Key) -> str:
    return ", ".join(key) if key else "(row)"


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cells_text(row: dict[str, str], skip: list[str] | None = None, most: int = 0, limit: int = 80) -> str:
    """A row's non-empty cells as name='value'; at most `most` of them (0: all), each cut to `limit`."""
    cells = [(name, value) for name, value in row.items() if value != "" and name not in (skip or [])]
    shown = cells[:most] if most else cells
    text = ", ".join(f"{name}={_shorten(value, limit)!r}" for name, value in shown)
    return text + (", ..." if len(shown) < len(cells) else "")


def _md(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("|", "\\|")


def _code(text: str) -> str:
    """A Markdown code span that survives backticks and line breaks in the value."""
    text = _shorten(text.replace("\r", " ").replace("\n", " "), 120)
    if text == "":
        return "(empty)"
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _rows(package: DataPackage, table: Table) -> dict[Key, dict[str, str]]:
    """A table's rows in canonical form, keyed by primary key (by the whole row without one)."""
    check_dialect(table)
    records = read_records(table, table.path)
    missing, marker = table.missing_values, missing_marker(table)
    key_fields = [name for name in table.primary_key if name in table.field_names]
    rows: dict[Key, dict[str, str]] = {}
    for number, record in enumerate(records, start=2):
        row = {}
        for spec, text in zip(table.fields, record, strict=True):
            try:
                row[spec["name"]] = canonical_cell(text, spec, missing, marker)
            except ValueError as exc:
                raise CellError(table.name, number, spec["name"], text, str(exc)) from None
        key = tuple(row[name] for name in key_fields) if key_fields else tuple(row.values())
        if key in rows and key_fields:
            raise CurateError(f"{table.name}: row {number} repeats the primary key {_key_text(key)!r}")
        rows[key] = row
    return rows


def _describe(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _field_changes(name: str, old: dict[str, Any], new: dict[str, Any], narrowed: list[str]) -> list[str]:
    changes = []
    for prop in sorted((set(old) | set(new)) - {"name", "constraints"}):
        if old.get(prop) != new.get(prop):
            if prop not in old:
                changes.append(f"field {name!r}: {prop} added: {_describe(new[prop])}")
            elif prop not in new:
                changes.append(f"field {name!r}: {prop} removed (was {_describe(old[prop])})")
            else:
                changes.append(f"field {name!r}: {prop} changed from {_describe(old[prop])} to {_describe(new[prop])}")
    before: dict[str, Any] = old["constraints"] if isinstance(old.get("constraints"), dict) else {}
    after: dict[str, Any] = new["constraints"] if isinstance(new.get("constraints"), dict) else {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        if key not in before:
            changes.append(f"field {name!r}: constraint {key} added: {_describe(after[key])}")
        elif key not in after:
            changes.append(f"field {name!r}: constraint {key} removed (was {_describe(before[key])})")
        elif key == "enum" and isinstance(before[key], list) and isinstance(after[key], list):
            gained = [v for v in after[key] if v not in before[key]]
            lost = [v for v in before[key] if v not in after[key]]
            if gained:
                changes.append(f"field {name!r}: enum values added: {_describe(gained)}")
            if lost:
                changes.append(f"field {name!r}: enum values removed: {_describe(lost)}")
                narrowed.append(name)
            if not gained and not lost:
                changes.append(f"field {name!r}: enum order changed to {_describe(after[key])}")
        else:
            changes.append(
                f"field {name!r}: constraint {key} changed from {_describe(before[key])} to {_describe(after[key])}"
            )
    return changes


def _schema_changes(old: Table, new: Table, diff: TableDiff) -> list[str]:
    """Every difference of the two resources' descriptors; removed and narrowed fields also go to `diff`."""
    changes = []
    old_fields = {f["name"]: f for f in old.fields}
    new_fields = {f["name"]: f for f in new.fields}
    for name, spec in new_fields.items():
        if name not in old_fields:
            changes.append(f"field {name!r} added ({spec.get('type', 'string')})")
    for name in old_fields:
        if name not in new_fields:
            changes.append(f"field {name!r} removed")
            diff.removed_fields.append(name)
    for name in [n for n in old_fields if n in new_fields]:
        changes.extend(_field_changes(name, old_fields[name], new_fields[name], diff.narrowed_fields))
    common = [name for name in new.field_names if name in old_fields]
    if [name for name in old.field_names if name in new_fields] != common:
        changes.append(f"field order changed to {new.field_names}")
    for prop, label in (
        ("primaryKey", "primary key"),
        ("foreignKeys", "foreign keys"),
        ("missingValues", "missing values"),
    ):
        if old.schema.get(prop) != new.schema.get(prop):
            changes.append(
                f"{label} changed from {_describe(old.schema.get(prop))} to {_describe(new.schema.get(prop))}"
            )
    for prop in sorted((set(old.descriptor) | set(new.descriptor)) - {"schema", "name"}):
        if old.descriptor.get(prop) != new.descriptor.get(prop):
            changes.append(f"resource {prop} changed")
    return sorted(changes, key=lambda c: (" added" not in c, " removed" not in c, c))


def _table_diff(old_package: DataPackage, new_package: DataPackage, name: str) -> TableDiff:
    old = old_package.tables.get(name)
    new = new_package.tables.get(name)
    if old is None and new is not None:
        diff = TableDiff(name, "added", new.primary_key)
        diff.added = list(_rows(new_package, new).values())
        return diff
    if new is None and old is not None:
        diff = TableDiff(name, "removed", old.primary_key)
        diff.removed = list(_rows(old_package, old).values())
        return diff
    if old is None or new is None:  # a name comes from one of the two packages
        raise KeyError(name)
    diff = TableDiff(name, "changed", new.primary_key)
    diff.schema = _schema_changes(old, new, diff)
    before, after = _rows(old_package, old), _rows(new_package, new)
    if old.primary_key != new.primary_key:
        before = {tuple(row.get(k, "") for k in new.primary_key): row for row in before.values()}
    common = [f for f in new.field_names if f in old.field_names]
    diff.added = [row for key, row in after.items() if key not in before]
    diff.removed = [row for key, row in before.items() if key not in after]
    for key, row in after.items():
        if key in before:
            cells = [CellChange(f, before[key][f], row[f]) for f in common if before[key][f] != row[f]]
            if cells:
                diff.changed.append(RowChange(key, cells))
    return diff


def compare(old: str | Path, new: str | Path) -> PackageDiff:
    """`nme-data diff`: validate both copies, then diff them.

    A copy that is not a readable package (structure, types, keys: `blocking_errors`) raises
    InvalidPackageError with its report; one that only breaks semantic rules, as an older release may
    under a newer validator, is compared, with a warning that names its codes.
    """
    from nme_data.validation.gate import COMPARE, require_valid

    notes = []
    packages = []
    for label, target in (("OLD", old), ("NEW", new)):
        try:  # opened once: validation and the diff share its reads of each table
            package: DataPackage | str | Path = DataPackage.open(target)
        except PackageError:
            package = target  # the validator says why, in full
        packages.append(package)
        report = require_valid(package, f"{label} cannot be compared", COMPARE)
        if report is not None and report.errors:  # e.g. an older release under this version's semantic rules
            differs = [e for e in report.errors if e.code == "schema-differs"]
            if differs:
                noun = "difference" if len(differs) == 1 else "differences"
                notes.append(
                    f"{label} ({target}) has another schema than this release ({len(differs)} schema-differs "
                    f"{noun}): compared as another release; this release did not validate its data"
                )
            else:
                codes = ", ".join(sorted({e.code for e in report.errors}))
                count = len(report.errors)
                noun = "error" if count == 1 else "errors"
                notes.append(f"{label} ({target}) has {count} semantic {noun} under this validator ({codes})")
    changes = diff_packages(packages[0], packages[1])
    changes.warnings.extend(notes)
    return changes


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0].lstrip("v")
    return int(head) if head.isdigit() else None


def diff_packages(old: str | Path | DataPackage, new: str | Path | DataPackage) -> PackageDiff:
    """The changes from `old` to `new` (copies, releases or their descriptors), with the version warnings."""
    old_package = old if isinstance(old, DataPackage) else DataPackage.open(old)
    new_package = new if isinstance(new, DataPackage) else DataPackage.open(new)
    names = list(old_package.tables) + [n for n in new_package.tables if n not in old_package.tables]
    tables = [_table_diff(old_package, new_package, name) for name in names]
    package = []
    ignored = {"resources", "version"}
    for prop in sorted((set(old_package.descriptor) | set(new_package.descriptor)) - ignored):
        if old_package.descriptor.get(prop) != new_package.descriptor.get(prop):
            package.append(f"property {prop!r} changed")
    result = PackageDiff(old_package.version, new_package.version, tables, package)
    result.source = {
        side: {"path": str(copy.descriptor_path.absolute()), "version": copy.version}
        for side, copy in (("old", old_package), ("new", new_package))
    }
    if result.data_changed and result.old_version == result.new_version:
        result.warnings.append(f"the package changed but its version did not ({result.new_version})")
    old_major, new_major = _major(result.old_version), _major(result.new_version)
    major_bumped = old_major is not None and new_major is not None and new_major > old_major
    if not major_bumped:
        for table in tables:
            if table.status == "removed":
                result.warnings.append(f"table {table.name!r} was removed without a major version bump")
            for name in table.removed_fields:
                result.warnings.append(
                    f"field {table.name}.{name} was removed without a major version bump "
                    f"({result.old_version} -> {result.new_version})"
                )
            for name in table.narrowed_fields:
                result.warnings.append(
                    f"enum values of {table.name}.{name} were removed without a major version bump "
                    f"({result.old_version} -> {result.new_version})"
                )
    return result
