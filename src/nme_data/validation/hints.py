"""Make each error something a curator can act on: where it is, what the cell says, what was probably meant.

Runs after every layer has reported, on their errors only; it never adds or hides a problem, except the
`unique-error` frictionless reports beside a `primary-key` error for the same row (one duplicate key,
one error) and the `primary-key` error of a `blank-row` (one blank row, one error). Everything it reads
has passed pre-flight: only tables pre-flight kept, only snapshots inside the package, and only as far as
the last row an error names; the file of a table a spreadsheet saved (an encoding or delimiter error) is
read whole, within the package model's path gate and byte budget, to name everything the spreadsheet changed.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import shlex
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DESCRIPTOR_NAME
from nme_data.text.sentences import SentenceIndex
from nme_data.validation.errors import Finding

if TYPE_CHECKING:
    from nme_data.package import Table

#: How much of a cell the report repeats.
MAX_VALUE = 120
#: Nearest-sentence hints cost a fuzzy match each; past this many, errors keep their message only.
MAX_EVIDENCE_HINTS = 200
#: Codes about the descriptor itself: their file is datapackage.json whatever table they name.
DESCRIPTOR_CODES = frozenset(
    {
        "descriptor-not-found",
        "descriptor-invalid-json",
        "descriptor-invalid",
        "unsafe-path",
        "package-error",
        "resource-error",
        "schema-error",
        "field-error",
        "schema-differs",
    }
)


#: Codes `nme-data anchor` fixes, whatever row they name.
ANCHOR_CODES = frozenset({"anchor-missing", "anchor-mismatch", "anchor-orphan"})


#: Codes of a table a spreadsheet saved: one error per table names all it changed, and the command for all.
SPREADSHEET_CODES = frozenset({"encoding-error", "wrong-delimiter"})


@dataclasses.dataclass
class _Row:
    line: int
    cells: dict[str, str]


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "..."


def _resources(descriptor: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return {}
    return {r["name"]: r for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}


def _read_rows(path: Path, wanted: set[int] | None, table: Table | None = None) -> dict[int, _Row]:
    """The wanted rows (header = row 1; None: every row) with the line each starts on; stops after the last.

    Read as the package model reads every table (UTF-8, a byte-order mark dropped, comma-delimited, its
    cell budget); labels are kept exactly, as the model compares them. With the validated `table`, its
    records come from the bytes the package model kept for it: the file is not opened again.
    """
    from nme_data.package import PackageError, cells, reader

    rows: dict[int, _Row] = {}
    try:  # the package model's reader: its budgets, a byte-order mark dropped, lines of multi-line rows
        if table is not None and os.path.realpath(table.path) == os.path.realpath(path):
            records = table.records()
        else:
            records = cells.parse(reader.read_file(path, path.stem), path, path.stem).records()
    except PackageError:
        return rows  # the layers have reported why; hints are a courtesy
    header = records[0].cells if records else []
    for record in records[1:]:
        if wanted is None or record.row in wanted:
            rows[record.row] = _Row(record.line, dict(zip(header, record.cells, strict=False)))
    return rows


def _enum_hint(value: str, field: dict[str, Any]) -> str | None:
    constraints: dict[str, Any] = field["constraints"] if isinstance(field.get("constraints"), dict) else {}
    allowed = constraints.get("enum")
    if not isinstance(allowed, list) or value in allowed:
        return None
    choices = [str(v) for v in allowed]
    if not value.strip():
        return f"the cell is empty and the field is required: fill in one of {', '.join(choices)}"
    by_case = [c for c in choices if c.casefold() == value.strip().casefold()]
    close = by_case or difflib.get_close_matches(value.strip(), choices, n=1, cutoff=0.6)
    listed = ", ".join(choices)
    if close:
        return f"did you mean {close[0]!r}? allowed values: {listed}"
    return f"allowed values: {listed} (a new value must be added to the field's enum in datapackage.json)"


def _label_hint(cells: dict[str, str]) -> str | None:
    from nme_data.text import ontology

    curie = cells.get("object_id", "")
    term = ontology.snapshot().get(curie)
    if term is None:
        return None
    if not term.label:
        return f"the shipped {term.source} {term.source_version} snapshot has no label for {curie}; leave it empty"
    return f"{term.source} {term.source_version} labels {curie} {term.label!r}"


class _Lookups:
    """What hints look up in the package, read on demand and once: source sentences, referenced keys."""

    def __init__(
        self, root: Path, resources: dict[str, dict[str, Any]], budget: int, tables: dict[str, Table] | None = None
    ) -> None:
        self.root, self.resources, self.budget = root, resources, budget
        self.tables = tables or {}
        self._paths: dict[str, str] | None = None
        self._sentences: dict[str, tuple[str, str, SentenceIndex] | None] = {}
        self._keys: dict[tuple[str, str], list[str]] = {}
        self._names: dict[tuple[str, str], dict[str, str]] = {}

    def keys(self, table: str, field: str) -> list[str]:
        """The distinct values of one column of a table pre-flight let through (empty if it did not)."""
        if (table, field) not in self._keys:
            resource = self.resources.get(table)
            values: dict[str, None] = {}
            if resource and isinstance(resource.get("path"), str):
                for row in _read_rows(self.root / resource["path"], None, self.tables.get(table)).values():
                    if row.cells.get(field):
                        values[row.cells[field]] = None
            self._keys[table, field] = list(values)
        return self._keys[table, field]

    def name_of(self, table: str, row_id: str) -> str | None:
        """The `name` of one row of a table pre-flight let through (None: no such row or column)."""
        if (table, "name") not in self._names:
            resource = self.resources.get(table)
            found: dict[str, str] = {}
            if resource and isinstance(resource.get("path"), str):
                for row in _read_rows(self.root / resource["path"], None, self.tables.get(table)).values():
                    if row.cells.get("id") and "name" in row.cells:
                        found[row.cells["id"]] = row.cells["name"]
            self._names[table, "name"] = found
        return self._names[table, "name"].get(row_id)

    def _source_paths(self) -> dict[str, str]:
        if self._paths is None:
            self._paths = {}
            resource = self.resources.get("sources")
            if resource and isinstance(resource.get("path"), str):
                for row in _read_rows(self.root / resource["path"], None, self.tables.get("sources")).values():
                    if row.cells.get("id") and row.cells.get("path"):
                        self._paths[row.cells["id"]] = row.cells["path"]
        return self._paths

    def sentences(self, source_id: str) -> tuple[str, str, SentenceIndex] | None:
        """(snapshot path, its text, its sentence index), read and indexed once per source."""
        if source_id not in self._sentences:
            self._sentences[source_id] = self._load(source_id)
        return self._sentences[source_id]

    def _load(self, source_id: str) -> tuple[str, str, SentenceIndex] | None:
        from nme_data.package import PackageError
        from nme_data.package.limits import MAX_SNAPSHOT_BYTES
        from nme_data.package.paths import regular_file_size, resolve_reference
        from nme_data.text.sentences import split_sentences

        reference = self._source_paths().get(source_id)
        if not reference:
            return None
        try:
            path = resolve_reference(self.root, reference)  # the package model's path gate
            if regular_file_size(path) > MAX_SNAPSHOT_BYTES:
                return None
            text = path.read_bytes().decode("utf-8", errors="replace")
        except (PackageError, OSError):
            return None
        return reference, text, SentenceIndex(s.text for s in split_sentences(text))


def _reference_hint(error: Finding, value: str, lookups: _Lookups) -> str | None:
    """Did-you-mean for a dangling reference, from the ids the referenced table really has."""
    resource = lookups.resources.get(error.table or "", {})
    schema: dict[str, Any] = resource["schema"] if isinstance(resource.get("schema"), dict) else {}
    for key in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys"), list) else []:
        fields = key.get("fields") if isinstance(key, dict) else None
        fields = [fields] if isinstance(fields, str) else fields
        reference = key.get("reference") if isinstance(key.get("reference"), dict) else {}
        target = reference.get("resource") or error.table or ""
        targets = reference.get("fields")
        targets = [targets] if isinstance(targets, str) else targets
        if fields != [error.field] or not isinstance(targets, list) or len(targets) != 1:
            continue
        close = difflib.get_close_matches(value, lookups.keys(target, str(targets[0])), n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]!r}? no row of {target} has {targets[0]} {value!r}"
        return f"no row of {target} has {targets[0]} {value!r}; add that row first, or refer to an existing one"
    return None


def _naming_hint(table: str, cells: dict[str, str], lookups: _Lookups) -> str | None:
    """Which names the quote was held to, and the row each comes from: after a rename in another table (a
    condition's name), the error's row is not the one edited, so the hint names that one, and where synonyms go."""
    from nme_data.package.canonical import NAMES_PROPERTY

    resource = lookups.resources.get(table, {})
    schema: dict[str, Any] = resource["schema"] if isinstance(resource.get("schema"), dict) else {}
    targets: dict[str, str] = {}
    for key in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys"), list) else []:
        columns = key.get("fields") if isinstance(key, dict) else None
        column = columns if isinstance(columns, str) else columns[0] if isinstance(columns, list) and columns else None
        reference = key.get("reference") if isinstance(key.get("reference"), dict) else {}
        if isinstance(column, str) and isinstance(reference.get("resource"), str):
            targets[column] = reference["resource"]
    said, declared = [], []
    for spec in schema.get("fields", []) if isinstance(schema.get("fields"), list) else []:
        if not isinstance(spec, dict) or NAMES_PROPERTY not in spec or not cells.get(str(spec.get("name"))):
            continue
        field, value = str(spec["name"]), cells[str(spec["name"])]
        declared.append(f"{table}.{field}")
        target = targets.get(field)
        if target is None:
            said.append(f"{field} {_truncate(value)!r}")
            continue
        named = lookups.name_of(target, value)
        where = lookups.resources.get(target, {}).get("path", target)
        said.append(
            f"{field} {value!r}: the {target} row {value!r} ({where}) is named {named!r}"
            if named
            else f"{field} {value!r}"
        )
    if not said:
        return None
    return (
        f"the quote must hold every word of a name of the row: {'; '.join(said)}. If that name was changed, keep "
        f'the article\'s wording in it; a new synonym (nme:namesRow "synonyms" of {" or ".join(declared)}) is a '
        f"schema change, made in the release's own datapackage.json (a copy's schema must equal it, docs/cues.md)"
    )


def _evidence_hint(cells: dict[str, str], lookups: _Lookups) -> str | None:
    from nme_data.text.sentences import quote_parts, word_diff

    if lookups.budget <= 0:
        return None
    lookups.budget -= 1
    loaded = lookups.sentences(cells.get("source_id", ""))
    if loaded is None:
        return None
    reference, text, index = loaded
    for part in quote_parts(cells.get("evidence", "")):
        if part and part not in text:
            found = index.nearest(part)
            if found:
                differs = word_diff(part, found[0])
                return f"not verbatim: {_truncate(part)!r}; the nearest sentence of {reference} is {found[0]!r}" + (
                    f" (words that differ: {differs})" if differs else ""
                )
            return f"not verbatim: {_truncate(part)!r}; no sentence of {reference} is close to it"
    return None


def _spreadsheet(error: Finding, resource: dict[str, Any], lookups: _Lookups) -> Finding:
    """An encoding or delimiter error that names every change a spreadsheet made to the table (code page and
    delimiter together), with the one `nme-data fmt` command, on this copy's path, that undoes them all."""
    from nme_data.package import PackageError
    from nme_data.package.limits import MAX_TABLE_BYTES
    from nme_data.package.paths import regular_file_size, resolve_reference
    from nme_data.package.sniff import delimiter_hint, diagnose, encoding_hint, fmt_command

    schema = resource["schema"] if isinstance(resource.get("schema"), dict) else {}
    declared = schema["fields"] if isinstance(schema.get("fields"), list) else []
    fields = [str(f["name"]) for f in declared if isinstance(f, dict) and "name" in f]
    root = str(lookups.root)
    found = None
    try:  # the package model's path gate and byte budget, as for the snapshots
        path = resolve_reference(lookups.root, str(resource.get("path")))
        if regular_file_size(path) <= MAX_TABLE_BYTES:
            found = diagnose(path.read_bytes(), fields)
    except (PackageError, OSError):
        pass
    if found is not None and error.code == "wrong-delimiter" and found.delimiter is not None and not found.encoding:
        return dataclasses.replace(error, hint=delimiter_hint(found.delimiter, root))
    if found is not None and error.code == "encoding-error" and found.encoding is not None and not found.delimiter:
        return dataclasses.replace(error, hint=encoding_hint(found.encoding, root))
    if found is None or found.encoding is None or found.delimiter is None:
        hint = error.hint and error.hint.replace("nme-data fmt PATH", fmt_command(root))
        return dataclasses.replace(error, hint=hint)
    message = f"{error.path or error.table} {', and '.join(found.problems())}"
    command = fmt_command(root, encoding=found.encoding, delimiter=found.delimiter)
    return dataclasses.replace(error, message=message, hint=f"convert it with '{command}'")


def add_hints(
    errors: list[Finding],
    descriptor_path: Path,
    safe: dict[str, Any] | None,
    descriptor: dict[str, Any] | None = None,
    tables: dict[str, Table] | None = None,
) -> list[Finding]:
    """The errors with `path`, `line`, `value` and `hint` filled in where known, duplicate-key twins dropped.

    `safe` is the descriptor pre-flight let through (None when it let nothing through): only its tables
    are read. `descriptor` is the package's descriptor as the package model parsed it, which names the
    file of each error; the descriptor file itself is never opened again here. `tables`, the package model's
    tables pre-flight kept, by name, are read through their kept bytes (`Table.records`), not opened again.
    """
    tables = tables or {}
    root = descriptor_path.parent
    original = _resources(descriptor)
    readable = _resources(safe)
    duplicate_keys = {(e.table, e.row) for e in errors if e.code == "primary-key"}
    blank_rows = {(e.table, e.row) for e in errors if e.code == "blank-row"}
    kept = [
        e
        for e in errors
        if not (e.code == "unique-error" and (e.table, e.row) in duplicate_keys)
        and not (e.code == "primary-key" and (e.table, e.row) in blank_rows)  # a blank row is one error, not two
    ]

    wanted: dict[str, set[int]] = defaultdict(set)
    for error in kept:
        if error.table in readable and error.row is not None and error.code not in ("nul-byte", "encoding-error"):
            wanted[error.table].add(error.row)
    rows: dict[str, dict[int, _Row]] = {}
    for table, numbers in wanted.items():
        reference = readable[table].get("path")
        if isinstance(reference, str):
            rows[table] = _read_rows(root / reference, numbers, tables.get(table))
    lookups = _Lookups(root, readable, budget=MAX_EVIDENCE_HINTS, tables=tables)
    fields = {
        name: {f["name"]: f for f in r.get("schema", {}).get("fields", []) if isinstance(f, dict) and "name" in f}
        for name, r in readable.items()
        if isinstance(r.get("schema"), dict)
    }
    return [_described(e, original, rows, fields, lookups) for e in kept]


def _path_of(error: Finding, original: dict[str, dict[str, Any]]) -> str:
    resource = original.get(error.table or "")
    reference = resource.get("path") if resource is not None else None
    in_descriptor = error.code.startswith("profile-") and error.row is None  # the tool-owned profile's descriptor rules
    if error.code in DESCRIPTOR_CODES or in_descriptor or not isinstance(reference, str):
        return DESCRIPTOR_NAME
    return reference


def _described(
    error: Finding,
    original: dict[str, dict[str, Any]],
    rows: dict[str, dict[int, _Row]],
    fields: dict[str, dict[str, dict[str, Any]]],
    lookups: _Lookups,
) -> Finding:
    path = _path_of(error, original)
    line = error.row if error.code in ("nul-byte", "encoding-error") else None
    value, hint = error.value, None  # a value the layer gave (schema-differs: the JSON path) stands
    row = rows.get(error.table or "", {}).get(error.row or 0)
    if row is not None:
        line = row.line
        if error.field in row.cells:
            value = row.cells[error.field]
        elif error.code == "primary-key":
            value = row.cells.get("id")
        field = fields.get(error.table or "", {}).get(error.field or "")
        if error.code == "constraint-error" and field is not None and value is not None:
            hint = _enum_hint(value, field)
        elif error.code == "label-mismatch":
            hint = _label_hint(row.cells)
        elif error.code == "evidence-not-verbatim":
            hint = _evidence_hint(row.cells, lookups)
        elif error.code == "foreign-key" and value:
            hint = _reference_hint(error, value, lookups)
        elif error.code == "quote-misses-row":
            hint = _naming_hint(error.table or "", row.cells, lookups)
    if error.code in SPREADSHEET_CODES and error.table in original:
        return _spreadsheet(dataclasses.replace(error, path=path, line=line), original[error.table or ""], lookups)
    if error.code in ANCHOR_CODES:
        hint = f"run 'nme-data anchor {shlex.quote(str(lookups.root))}' to write the anchors of every quote"
    return dataclasses.replace(
        error, path=path, line=line, value=None if value is None else _truncate(value), hint=hint or error.hint
    )
