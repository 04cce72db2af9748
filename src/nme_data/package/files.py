"""Every file a validation of a copy can read, enumerated through the package model (never a directory walk).

Why: the validation cache must answer only for the bytes the validator reads. A directory walk misses
what the path gate accepts (a hidden folder, a symlinked `data/`) and counts what no reader opens. Here
the model itself says what it resolves: the descriptor, each resource's table, schema and dialect files
(the same `normalise` pass the validator runs, with a resolver that records each answer) and the source
snapshots `sources.csv` may name (every cell of that table is tried, a superset of the `path` column).
A reference that resolves to nothing is recorded with its refusal, so a file appearing later changes it.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nme_data.package.canonical import normalise
from nme_data.package.csvfile import field_limit
from nme_data.package.errors import PackageError
from nme_data.package.limits import MAX_CELL_CHARS, MAX_TABLE_BYTES
from nme_data.package.model import DESCRIPTOR_NAME, DataPackage, Table

#: The table whose cells may name source snapshots (see nme_data.rules.semantic.Context).
SOURCES_TABLE = "sources"


@dataclass(frozen=True)
class Reference:
    """One reference the model resolved: the file it names, or why it names none (`refusal`)."""

    reference: str
    path: Path | None
    refusal: str = ""


class _Recorder:
    """The package's path gate, remembering every answer it gives."""

    def __init__(self, package: DataPackage) -> None:
        self.package = package
        self.found: dict[str, Reference] = {}

    def __call__(self, reference: object) -> Path:
        key = repr(reference)
        try:
            path = self.package.resolve(reference)
        except PackageError as exc:
            self.found.setdefault(key, Reference(key, None, f"{exc.code}: {exc.message}"))
            raise
        self.found.setdefault(key, Reference(key, path))
        return path

    def attempt(self, reference: str) -> None:
        with contextlib.suppress(PackageError):
            self(reference)


def sources_table(package: DataPackage, path: Path) -> Table:
    """The package's own `sources` table when it resolves to `path` (its bytes are then read once, for the
    enumeration, the cache key and the validator alike); else a table of that file alone."""
    table = package.sound_tables.get(SOURCES_TABLE)
    if table is not None and table.path == path:
        return table
    return Table(SOURCES_TABLE, path, {})


def referenced_files(package: DataPackage) -> list[Reference]:
    """The descriptor and every reference the model resolves, in a stable order (see the module docstring).

    Raises PackageError or OSError when the sources table cannot be read as CSV: a caller that must not
    miss a file (the cache) then does not answer at all.
    """
    recorder = _Recorder(package)
    descriptor = Reference(repr(DESCRIPTOR_NAME), package.descriptor_path)
    result = normalise(recorder, package.descriptor)
    sources = result.paths.get(SOURCES_TABLE)
    if sources is not None and sources.stat().st_size <= MAX_TABLE_BYTES:  # larger: the validator refuses it
        text = sources_table(package, sources).text()  # the model's one read, kept for the validator
        with field_limit(MAX_CELL_CHARS):
            try:
                for row in csv.reader(io.StringIO(text, newline="")):
                    for cell in row:
                        if cell:
                            recorder.attempt(cell)
            except csv.Error as exc:
                raise PackageError(f"{SOURCES_TABLE}: cannot be read as CSV: {exc}") from None
    return [descriptor, *sorted(recorder.found.values(), key=lambda found: found.reference)]
