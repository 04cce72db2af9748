"""What the curator tools share: their refusal, and how their messages name a file of the package.

Path safety is not here: tables come from the package model with safe paths (`Table.path`), and any other
file a copy names goes through `DataPackage.resolve`.
"""

from __future__ import annotations

from pathlib import Path

from nme_data.package import DataPackage, PackageError


class CurateError(PackageError):
    """A curator command refuses to act; the message says why and what to do."""


def relative(package: DataPackage, path: Path) -> str:
    """How messages name a file: relative to the package root, with forward slashes."""
    try:
        return path.relative_to(package.root).as_posix()
    except ValueError:
        return str(path)
