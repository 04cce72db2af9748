"""The release zip: the package byte for byte, its Croissant description and every other export, reproducibly.

One file to cite and download: extracted, it is the Data Package (frictionless reads it), a Croissant
dataset (`croissant.json` beside `data/`) and, under `exports/`, the files the other formats produce.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from nme_data.export._common import ExportError, as_package, atomic_target, target_in
from nme_data.export._common import out_dir as make_out_dir
from nme_data.export.registry import ZIP_FORMATS, Staged, run_writers
from nme_data.package import DESCRIPTOR_NAME, DataPackage, PackageError

#: The earliest timestamp a zip entry can hold: a constant so that the archive does not depend on file times.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_PERMISSIONS = 0o644
ZIP_COMPRESSLEVEL = 9
#: The table whose `path` column names the source snapshots the zip carries.
SOURCES_TABLE = "sources"


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _member(package: DataPackage, relative: str) -> Path:
    """A package file named by the descriptor or sources.csv, through the package model's path gate."""
    try:
        return package.resolve(relative)
    except PackageError as exc:
        raise ExportError(f"{relative}: file named by the descriptor is missing or unsafe: {exc}") from None


def snapshot_paths(package: DataPackage) -> list[str]:
    """The snapshot files `sources.csv` names in its `path` column (the profile keeps them inside source/)."""
    table = package.sound_tables.get(SOURCES_TABLE)
    if table is None or "path" not in table.field_names:
        return []
    records = table.records()
    if not records:
        return []
    column = records[0].cells.index("path") if "path" in records[0].cells else None
    if column is None:
        return []
    return sorted({r.cells[column] for r in records[1:] if column < len(r.cells) and r.cells[column]})


def zip_members(package: DataPackage) -> dict[str, Path]:
    """Archive name -> file: the descriptor, every resource file and the source snapshots `sources.csv`
    names, sorted by name. Nothing else found on disk goes in: a stray file under source/ or data/ (notes,
    an old table, something that should not be published) is left out, whatever it is."""
    members = {DESCRIPTOR_NAME: package.descriptor_path}
    for resource in package.descriptor.get("resources", []):
        for relative in _as_list(resource.get("path") if isinstance(resource, dict) else None):
            members[relative] = _member(package, relative)
    for relative in snapshot_paths(package):
        members[relative] = _member(package, relative)
    return dict(sorted(members.items()))


def zip_name(package: DataPackage) -> str:
    """`nme-data-<version>.zip`, for a SemVer version only (the profile's rule, checked again here)."""
    import re

    from nme_data.rules.profile import SEMVER

    version = package.descriptor.get("version")
    if not isinstance(version, str) or not re.match(SEMVER, version):
        raise ExportError(f"datapackage.json version {str(version)[:80]!r} is not SemVer; the zip is named after it")
    return f"nme-data-{version}.zip"


#: A zip member name: a relative POSIX path of plain components (no '..', no backslash, no control character).
_MEMBER = r"[A-Za-z0-9_][A-Za-z0-9_.+-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*"


def _checked_member(name: str) -> str:
    import re

    if not re.fullmatch(_MEMBER, name) or ".." in name.split("/"):
        raise ExportError(f"refusing to archive {name!r}: not a plain relative path")
    return name


def _export_members(staged: Staged) -> dict[str, Path]:
    """Archive name -> file for the other formats' files, already written (staged) by their writers."""
    members: dict[str, Path] = {}
    for fmt, prefix in ZIP_FORMATS.items():
        directory, paths = staged[fmt]
        for path in paths:
            relative = path.relative_to(directory).as_posix()
            if fmt == "croissant" and relative.startswith("data/"):
                continue  # the zip already holds the package's own data files at these names
            members[f"{prefix}/{relative}" if prefix else relative] = path
    return members


def export_zip(
    package: DataPackage | str | Path | None,
    out_dir: str | Path,
    *,
    include_exports: bool = True,
    staged: Staged | None = None,
) -> Path:
    """Write `nme-data-<version>.zip`: the package's declared files byte for byte, reproducible (fixed order,
    times and modes): the descriptor, its tables and the snapshots `sources.csv` names (`zip_members`).

    With include_exports (the release zip), `croissant.json` and an `exports/` folder with every other
    format are added; without it the zip is the package alone. `staged` passes files the writers of
    ZIP_FORMATS already wrote (as `export` does), so that none runs twice; the missing ones run here.
    """
    package = as_package(package)
    members = zip_members(package)
    target = target_in(make_out_dir(out_dir), zip_name(package))
    with tempfile.TemporaryDirectory(prefix=".nme-data-zip.", dir=target.parent) as work:
        if include_exports:
            ready = dict(staged or {})
            ready.update(run_writers(package, [f for f in ZIP_FORMATS if f not in ready], Path(work)))
            extra = _export_members(ready)
            clash = sorted(set(extra) & set(members))
            if clash:
                raise ExportError(f"the package already holds files named like exports: {', '.join(clash)}")
            members = dict(sorted({**members, **extra}.items()))
        tables = {table.path: table for table in package.tables.values()}
        with atomic_target(target) as temporary, zipfile.ZipFile(temporary, "w") as archive:
            for name, path in members.items():
                try:  # a table's bytes as the package model read them; other files once, here
                    data = tables[path].read_bytes() if path in tables else path.read_bytes()
                except (OSError, PackageError) as exc:
                    raise ExportError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
                info = zipfile.ZipInfo(_checked_member(name), date_time=ZIP_DATE_TIME)
                info.create_system = 3  # Unix, so that the permission bits below mean the same everywhere
                info.external_attr = (0o100000 | ZIP_PERMISSIONS) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_COMPRESSLEVEL)
    return target
