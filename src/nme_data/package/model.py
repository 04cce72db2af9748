"""DataPackage and Table: the one reader of a package copy that every layer goes through.

`DataPackage.open` parses datapackage.json within budgets; on first use of `tables` it checks
the descriptor against the canonical form and resolves every path through `paths`, so a table
only exists here with a safe `path`. The validator reads `problems` and `normalised`; the
loader, the semantic rules and the exports read `tables`, and a refused table raises the
same message the validator reports.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from nme_data.package import limits, reader
from nme_data.package.canonical import Normalised, normalise
from nme_data.package.cells import Cells, CellsError, budget_problems, decode, parse
from nme_data.package.csvfile import Header, header_of, header_problems, read_header, scan_bytes
from nme_data.package.errors import (
    DescriptorError,
    Finding,
    HeaderError,
    MissingFileError,
    PackageError,
    TableError,
    UnknownTableError,
    error_for,
)
from nme_data.package.jsonfile import read_json_file
from nme_data.package.limits import CHUNK_BYTES, MAX_CELL_CHARS, MAX_SNAPSHOT_BYTES
from nme_data.package.paths import regular_file_size, resolve_reference

DESCRIPTOR_NAME = "datapackage.json"
#: Where the wheel carries the package data (see pyproject.toml's force-include).
BUNDLE_DIR = "_package"
#: What makes a table a fact table, read off its schema: each row has an id and quotes its evidence from a
#: cited source. The one definition of the role (the rules, reground, the site and the anchors' `table`
#: enum, which a test holds equal to it, all go by it).
FACT_FIELDS = frozenset({"id", "evidence", "source_id"})


def bundled_root() -> Path:
    """The directory of the copy shipped with this library: wheel data first, then a checkout."""
    bundled = resources.files("nme_data") / BUNDLE_DIR / DESCRIPTOR_NAME
    if bundled.is_file():
        return Path(str(bundled)).parent
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / DESCRIPTOR_NAME).is_file():
        return checkout
    raise PackageError("the bundled data package is missing from this installation")


def resolve_descriptor(source: str | Path | None = None, must_exist: bool = True) -> Path:
    """Map a directory, a descriptor path or None (the bundled copy) to the descriptor file.

    The validator passes must_exist=False: a missing descriptor is an error it reports, not raises.
    """
    if source is None:
        return bundled_root() / DESCRIPTOR_NAME
    path = Path(source)
    if path.is_dir():
        path = path / DESCRIPTOR_NAME
    if must_exist and not path.is_file():
        raise DescriptorError(f"{path}: no such data package descriptor", code="descriptor-not-found")
    return path


def copy_header(descriptor: Path | str | None, version: str | None) -> str:
    """The first line of every report for people: which copy was read (its descriptor) and its version."""
    return f"package {descriptor or '(none)'}, version {version or 'unknown'}"


def nearest_descriptor(start: Path | None = None) -> Path | None:
    """The datapackage.json in `start` (default: the working directory) or its nearest parent, as git finds
    its repository; None when there is none. What is there is returned even if it is not a readable file
    (a dangling link, a directory): opening it then reports why, rather than a copy further up being used."""
    import os

    here = (Path.cwd() if start is None else start).absolute()
    for folder in (here, *here.parents):
        candidate = folder / DESCRIPTOR_NAME
        if os.path.lexists(candidate):
            return candidate
    return None


def read_json(path: Path) -> Any:
    """Parse a descriptor within the budgets (size, depth, number length; no NaN)."""
    try:
        return read_json_file(path, path.name)
    except MissingFileError:
        raise DescriptorError(f"{path} does not exist", code="descriptor-not-found") from None


@dataclass(frozen=True)
class Table:
    """One tabular resource of the normalised descriptor, with its file resolved safely inside the package.

    Every read of the file goes through `read_bytes` (the package model's one opener): the bytes are kept
    while the file's signature (inode, size, times) is unchanged, so a command reads each table once.
    """

    name: str
    path: Path
    descriptor: dict[str, Any]
    _read: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title", self.name))

    @property
    def description(self) -> str:
        return str(self.descriptor.get("description", ""))

    @property
    def schema(self) -> dict[str, Any]:
        schema = self.descriptor.get("schema", {})
        return schema if isinstance(schema, dict) else {}

    @property
    def fields(self) -> list[dict[str, Any]]:
        return list(self.schema.get("fields", []))

    @property
    def is_fact_table(self) -> bool:
        """Whether each row of this table is a fact quoting its evidence (`FACT_FIELDS`)."""
        return set(self.field_names) >= FACT_FIELDS

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def missing_values(self) -> list[str]:
        """The strings that mean "missing" (Table Schema v2 also allows {"value": ..., "label": ...})."""
        values = self.schema.get("missingValues", [""])
        return [v["value"] if isinstance(v, dict) else v for v in values]

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict[str, Any]]:
        return list(self.schema.get("foreignKeys", []))

    @property
    def file(self) -> str:
        """The path as the descriptor writes it, for messages."""
        return str(self.descriptor.get("path", self.path.name))

    def read_bytes(self) -> bytes:
        """The file's bytes, within MAX_TABLE_BYTES (TableError beyond); read again only once it changed."""
        before = reader.signature(self.path)
        kept = self._read.get("bytes")
        if kept is not None and before is not None and kept[0] == before:
            data: bytes = kept[1]
            return data
        fresh = reader.read_file(self.path, self.name)
        self._read.pop("bytes", None)
        self._read.pop("cells", None)
        if before is not None and reader.signature(self.path) == before:  # not rewritten while read
            self._read["bytes"] = (before, fresh)
        return fresh

    def text(self) -> str:
        """The file as text: UTF-8 with a byte-order mark dropped; invalid UTF-8 is a located TableError."""
        return self.cells().text

    def cells(self) -> Cells:
        """The one parse of the file (`nme_data.package.cells`), kept with its bytes while they are unchanged.

        Raises TableError for invalid UTF-8 and CellsError where the csv module cannot read the file."""
        with self._read.setdefault("lock", threading.Lock()):  # tier 1's thread and the rules: one parse
            data = self.read_bytes()
            kept = self._read.get("cells")
            if kept is not None and kept[0] is data:
                parsed: Cells = kept[1]
                return parsed
            parsed = parse(data, self.path, self.name)
            if self._read.get("bytes", (None, None))[1] is data:
                self._read["cells"] = (data, parsed)
            return parsed

    def records(self) -> list[reader.Record]:
        """Every record with its row number and the line it starts on (the header is row 1), from `cells`."""
        return self.cells().records()

    def scan(self) -> list[Finding]:
        """The validator's byte checks (NUL, UTF-8, budgets), as problems, from the one read of the file;
        the cell and row budgets of a file large enough to break them, on its one parse."""
        try:
            data = self.read_bytes()
        except PackageError as exc:
            return [exc.problem(self.name)]
        problems = scan_bytes(self.path, self.name, data)
        if problems or len(data) <= MAX_CELL_CHARS:
            return problems
        try:
            cells = self.cells()
        except CellsError as exc:
            return budget_problems(self.path, self.name, decode(data, self.path, self.name), exc)
        except TableError:
            return []  # other damage: frictionless locates it
        budget = limits.row_budget(self.name)
        if cells.row_count > budget:
            message = f"{self.path.name} has more than {budget} data rows"
            return [Finding(self.name, None, None, "too-many-rows", message)]
        return []

    def header(self) -> Header:
        """The header row as written, from the file's bytes (read once, shared by every reader)."""
        try:
            data = self.read_bytes()
        except TableError as exc:
            if exc.code != "file-too-large":
                raise
            return read_header(self.path, self.name)  # over the byte budget: the header alone, within its own
        stream = io.BytesIO(data)
        return header_of(stream.read, len(data), self.path, self.name)

    def header_problems(self, header: Header) -> list[Finding]:
        return header_problems(self.name, self.file, header.labels, self.field_names)

    def check_header(self) -> Header:
        """The header, or the PackageError the validator would report for it: the loader refuses the same."""
        try:
            header = self.header()
        except TableError as exc:
            raise type(exc)(f"{self.name}: {exc.message}", code=exc.code, table=self.name) from None
        problems = self.header_problems(header)
        if problems:
            message = "; ".join(p.message for p in problems)
            raise HeaderError(f"{self.name}: {message}", code=problems[0].code, table=self.name)
        return header

    def count_rows(self) -> int:
        """Data records in the file (header excluded), from its one parse."""
        return self.cells().row_count


@dataclass
class DataPackage:
    """A parsed descriptor and its root directory: the single source of truth for tables and fields."""

    descriptor_path: Path
    descriptor: dict[str, Any] = field(repr=False)

    @classmethod
    def open(cls, source: str | Path | None = None) -> DataPackage:
        """Read a copy's descriptor (within the budgets); PackageError if it is missing or not a package."""
        path = resolve_descriptor(source)
        try:  # a copy's descriptor may be a link, but not one that leaves its directory
            resolve_reference(path.parent, path.name)
        except MissingFileError:
            raise DescriptorError(f"{path} does not exist", code="descriptor-not-found") from None
        descriptor = read_json(path)
        if not isinstance(descriptor, dict):
            raise DescriptorError(f"{path.name}: the descriptor must be a JSON object")
        if not isinstance(descriptor.get("resources"), list):
            raise DescriptorError(f"{path.name}: the descriptor's 'resources' must be a list")
        if not descriptor["resources"]:
            raise DescriptorError(f"{path.name} lists no resources")
        return cls(path, descriptor)

    @property
    def root(self) -> Path:
        return self.descriptor_path.parent

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "0+unknown"))

    @property
    def header(self) -> str:
        """`copy_header` of this copy: reports start with it."""
        return copy_header(self.descriptor_path.absolute(), self.version)

    @cached_property
    def _normalised(self) -> Normalised:
        return normalise(self.resolve, self.descriptor)

    @property
    def normalised(self) -> dict[str, Any]:
        """The descriptor every reader uses: canonical resources only, schemas inline, no dialects."""
        return self._normalised.descriptor

    @property
    def problems(self) -> list[Finding]:
        """Why parts of the descriptor were refused (unsupported features, unsafe paths, missing files)."""
        return list(self._normalised.problems)

    @property
    def fact_tables(self) -> list[Table]:
        """The fact tables (`Table.is_fact_table`), in the descriptor's order; a refused resource raises."""
        return [table for table in self.tables.values() if table.is_fact_table]

    @property
    def resource_names(self) -> list[str]:
        """Every named resource of the descriptor, refused ones included, in descriptor order."""
        return list(self._normalised.names)

    @cached_property
    def sound_tables(self) -> dict[str, Table]:
        """The tables the model accepted, in descriptor order; the validator reads these and reports the rest."""
        paths = self._normalised.paths
        return {r["name"]: Table(r["name"], paths[r["name"]], r) for r in self.normalised["resources"]}

    @property
    def tables(self) -> dict[str, Table]:
        """Every table, for readers that want them all: a refused resource raises its error, never vanishes."""
        if self._normalised.problems:
            raise error_for(self._normalised.problems[0])
        return self.sound_tables

    def table(self, name: str) -> Table:
        """A table by name; UnknownTableError for a name the descriptor lacks, PackageError for a refused one."""
        try:
            return self.sound_tables[name]
        except KeyError:
            refused = self._normalised.refused.get(name)
            if refused:
                raise error_for(refused[0]) from None
            raise UnknownTableError(name, self.resource_names) from None

    def resolve(self, reference: object) -> Path:
        """A path named by the copy (a snapshot in sources.csv, say) as a regular file inside the package.

        Raises UnsafePathError for anything else (URL, absolute, '..', a link out, a FIFO, ...) and
        MissingFileError for a safe path that names nothing; neither opens the file.
        """
        return resolve_reference(self.root, reference, self._real_root)

    @cached_property
    def _real_root(self) -> str:
        import os

        return os.path.realpath(self.root)

    def read_snapshot(self, reference: str) -> tuple[str, str]:
        """A source snapshot's text and SHA-256, hashed as a stream within MAX_SNAPSHOT_BYTES."""
        path = self.resolve(reference)
        if regular_file_size(path) > MAX_SNAPSHOT_BYTES:
            raise TableError(
                f"snapshot {reference!r} is larger than the budget of {MAX_SNAPSHOT_BYTES} bytes",
                code="file-too-large",
            )
        import hashlib  # here, not at module level: `import nme_data` stays light

        digest = hashlib.sha256()
        parts = []
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                parts.append(chunk)
                if sum(map(len, parts)) > MAX_SNAPSHOT_BYTES:
                    raise TableError(
                        f"snapshot {reference!r} grew beyond the budget of {MAX_SNAPSHOT_BYTES} bytes while read",
                        code="file-too-large",
                    )
        return b"".join(parts).decode("utf-8", errors="replace"), digest.hexdigest()
