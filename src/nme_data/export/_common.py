"""What every exporter shares: opening the package, one error type, and writes that are all-or-nothing.

Each format writes into a fresh staging directory first; only when every file of the export exists are
they moved into the user's directory, so a failure never leaves a half-written export behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.errors import ExportError as ExportError  # the writers' error, re-exported where they import it
from nme_data.package import DataPackage, PackageError, Table
from nme_data.package.atomic import atomic_target as package_atomic_target

if TYPE_CHECKING:
    import pandas as pd

EXPORT_PERMISSIONS = 0o644
DIRECTORY_PERMISSIONS = 0o755


def as_package(package: DataPackage | str | Path | None) -> DataPackage:
    """Accept an opened package, a path to one, or None for the bundled copy; every table must be readable."""
    try:
        package = package if isinstance(package, DataPackage) else DataPackage.open(package)
        package.tables  # noqa: B018 - a table the package model refuses is an error, never left out
    except PackageError as exc:
        raise ExportError(str(exc)) from None
    return package


def out_dir(path: str | Path) -> Path:
    """Create the output directory, turning OS errors into one clear message."""
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create output directory {directory}: {exc.strerror or exc}") from None
    if not directory.is_dir():
        raise ExportError(f"cannot write to {directory}: not a directory")
    return directory


#: A file name an export builds from the copy's tokens (a version, a table name): one plain path component.
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,200}")


def target_in(directory: Path, name: str) -> Path:
    """directory/name for a name built from the copy's tokens, refused unless it is one plain file name that
    resolves inside directory (no '/', no '..', no link out): an export never writes outside its folder."""
    if not _FILE_NAME.fullmatch(name) or ".." in name:
        raise ExportError(f"refusing to write {name!r}: not a plain file name (built from the package's descriptor)")
    target = directory / name
    real_directory = os.path.realpath(directory)
    if Path(os.path.realpath(target)).parent != Path(real_directory):
        raise ExportError(f"refusing to write {target}: it resolves outside {directory}")
    return target


def no_links_inside(directory: Path, relative: Path) -> None:
    """Refuse a path inside --out whose existing folders or file are symbolic links: nothing is written
    through a link (`--out/data -> elsewhere`); --out itself may be a link, it is the user's choice."""
    current = directory
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise ExportError(f"refusing to write through the symbolic link {current} inside the output folder")


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary file next to target that replaces it only if the body succeeds (no half-written exports)."""
    try:
        with package_atomic_target(target, EXPORT_PERMISSIONS) as temporary:
            yield temporary  # exports are meant to be shared: EXPORT_PERMISSIONS, not mkstemp's private mode
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def staging(target_dir: str | Path) -> Iterator[Path]:
    """A private directory inside target_dir to write an export into; its files move into target_dir on success.

    The staging directory sits inside the target so that every move is a same-filesystem rename.
    Nothing reaches target_dir if the body raises.
    """
    directory = out_dir(target_dir)
    try:
        stage = Path(tempfile.mkdtemp(prefix=".nme-data-export.", dir=directory))
    except OSError as exc:
        raise ExportError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, target_dir: Path, written: list[Path]) -> list[Path]:
    """Move the staged files (paths inside stage) into target_dir, keeping relative paths; return the targets."""
    published = []
    try:
        for path in written:
            relative = path.relative_to(stage)
            no_links_inside(target_dir, relative)
            target = target_dir / relative
            for parent in reversed(relative.parents[:-1]):
                (target_dir / parent).mkdir(exist_ok=True)
                (target_dir / parent).chmod(DIRECTORY_PERMISSIONS)
            path.chmod(EXPORT_PERMISSIONS)
            path.replace(target)
            published.append(target)
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot write into {target_dir}: {exc}") from None
    return published


def write_bytes(path: Path, data: bytes) -> Path:
    """Write one staged file; OS errors become an ExportError naming the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write {path.name}: {exc.strerror or exc}") from None
    return path


def read_frame(table: Table) -> pd.DataFrame:
    """The loader's typed frame, with read errors of a damaged copy as an ExportError."""
    from nme_data.frames.loader import read_table

    try:
        return read_table(table)
    except (OSError, UnicodeDecodeError, ValueError, PackageError) as exc:
        raise ExportError(
            f"cannot read table {table.name!r} from {table.path}: {exc} (run 'nme-data validate' for every error)"
        ) from None


def rows(table: Table) -> list[dict[str, Any]]:
    """A table's rows as dicts of typed values (the loader's), with None for every missing cell."""
    frame = read_frame(table)
    columns = {name: frame[name].tolist() for name in table.field_names}
    out = []
    for index in range(len(frame)):
        row = {}
        for name, values in columns.items():
            value = values[index]
            row[name] = None if _is_missing(value) else value
        out.append(row)
    return out


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (not isinstance(value, str) and bool(pd.isna(value)))
