"""Safe paths inside a package copy for the curator tools.

The package model (`DataPackage.resolve`) is the one place path safety lives; until every copy of
the library has it, this falls back to the validator's pre-flight rule, which refuses the same paths.
"""

from __future__ import annotations

from pathlib import Path

from nme_data._package import DataPackage, PackageError, Table


class CurateError(PackageError):
    """A curator command refuses to act; the message says why and what to do."""


def resolve(package: DataPackage, reference: str) -> Path:
    """A file named in the package (relative to its root), refused if it would leave the package."""
    resolver = getattr(package, "resolve", None)
    if resolver is not None:
        return resolver(reference)
    from nme_data.validation.preflight import unsafe_reason

    reason = unsafe_reason(reference, package.root)
    if reason:
        raise CurateError(f"{reference!r} {reason}")
    return package.root / reference


def table_file(package: DataPackage, table: Table) -> Path:
    """A table's CSV, checked to lie inside the package."""
    reference = table.descriptor.get("path")
    if not isinstance(reference, str):
        raise CurateError(f"{table.name}: the resource has no single file path")
    return resolve(package, reference)


def relative(package: DataPackage, path: Path) -> str:
    """How messages name a file: relative to the package root, with forward slashes."""
    try:
        return path.relative_to(package.root).as_posix()
    except ValueError:
        return str(path)
