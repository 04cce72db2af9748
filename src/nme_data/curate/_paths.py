"""Paths inside a package copy for the curator tools, through the package model's path gate."""

from __future__ import annotations

from pathlib import Path

from nme_data.package import DataPackage, PackageError, Table


class CurateError(PackageError):
    """A curator command refuses to act; the message says why and what to do."""


def resolve(package: DataPackage, reference: str) -> Path:
    """A file named in the package (relative to its root); UnsafePathError if it would leave the package."""
    return package.resolve(reference)


def table_file(package: DataPackage, table: Table) -> Path:
    """A table's CSV: the model resolved it safely inside the package when it accepted the table."""
    return table.path


def relative(package: DataPackage, path: Path) -> str:
    """How messages name a file: relative to the package root, with forward slashes."""
    try:
        return path.relative_to(package.root).as_posix()
    except ValueError:
        return str(path)
