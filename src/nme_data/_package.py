"""Find and describe a copy of the data package, with the standard library only.

`import nme_data` and `nme-data --help` go through here, so nothing heavier than
`json` and `csv` may be imported at module level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

DESCRIPTOR_NAME = "datapackage.json"
#: Where the wheel carries the package data (see pyproject.toml's force-include).
BUNDLE_DIR = "_package"


class PackageError(Exception):
    """A copy of the package cannot be found or read."""


class UnknownTableError(KeyError):
    """A table name that the descriptor does not define."""

    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid

    def __str__(self) -> str:
        return f"unknown table {self.name!r}; valid tables: {', '.join(self.valid)}"


def bundled_root() -> Path:
    """The directory of the copy shipped with this library: wheel data first, then a checkout."""
    bundled = resources.files("nme_data") / BUNDLE_DIR / DESCRIPTOR_NAME
    if bundled.is_file():
        return Path(str(bundled)).parent
    checkout = Path(__file__).resolve().parents[2]
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
        raise PackageError(f"{path}: no such data package descriptor")
    return path


def read_json(path: Path) -> Any:
    """Parse a descriptor, accepting a UTF-8 byte-order mark."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{path.name}: not valid UTF-8 JSON: {exc}") from exc


@dataclass(frozen=True)
class Table:
    """One tabular resource of the descriptor, with its file resolved against the package root."""

    name: str
    path: Path
    descriptor: dict[str, Any]

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
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def missing_values(self) -> list[str]:
        return list(self.schema.get("missingValues", [""]))

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict[str, Any]]:
        return list(self.schema.get("foreignKeys", []))

    def count_rows(self) -> int:
        """Data records in the file (header excluded), counted with the csv module."""
        import csv

        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


@dataclass
class DataPackage:
    """A parsed descriptor and its root directory: the single source of truth for tables and fields."""

    descriptor_path: Path
    descriptor: dict[str, Any] = field(repr=False)

    @classmethod
    def open(cls, source: str | Path | None = None) -> DataPackage:
        path = resolve_descriptor(source)
        descriptor = read_json(path)
        if not isinstance(descriptor, dict):
            raise PackageError(f"{path.name}: the descriptor must be a JSON object")
        return cls(path, descriptor)

    @property
    def root(self) -> Path:
        return self.descriptor_path.parent

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "0+unknown"))

    @cached_property
    def tables(self) -> dict[str, Table]:
        tables = {}
        for resource in self.descriptor.get("resources", []):
            if (
                isinstance(resource, dict)
                and isinstance(resource.get("path"), str)
                and isinstance(resource.get("name"), str)
            ):
                tables[resource["name"]] = Table(resource["name"], self.root / resource["path"], resource)
        return tables

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownTableError(name, list(self.tables)) from None
