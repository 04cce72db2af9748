"""Every export format by name, and `export`: validate once, write all requested formats, publish atomically."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from nme_data.errors import ExportError
from nme_data.export._common import as_package, no_links_inside, publish, staging
from nme_data.export.archive import export_zip
from nme_data.export.registry import EXPORTERS, FILE_WRITERS, ZIP_FORMATS, Exporter, Staged, Writer, run_writers
from nme_data.package import DataPackage, PackageError


def _zip(package: DataPackage, directory: Path) -> list[Path]:
    return [export_zip(package, directory)]


#: The release zip, declared as the other formats are (it packs them, so it is not in the registry's list).
ZIP = Exporter("zip", _zip, None, "the release archive (package, croissant.json, exports/)")
#: Format name -> writer into an empty directory (the registry's, plus the zip). `all` means every one.
WRITERS: dict[str, Writer] = {**FILE_WRITERS, ZIP.name: ZIP.writer}
FORMATS = (*WRITERS, "all")
#: `nme-data export --format`'s help, from the declarations.
FORMAT_HELP = "; ".join(f"{e.name}: {e.help}" for e in (*EXPORTERS, ZIP)) + "; all: every format."


def export(
    package: DataPackage | str | Path | None,
    formats: str | Iterable[str],
    out_dir: str | Path,
    *,
    check: bool = True,
) -> list[Path]:
    """Write the named formats ("all" for every one) into out_dir; return the files written, in format order.

    The package is validated first (`validation.gate.require_valid`, through the verdict cache; check=False
    skips that, for a caller that just did): an invalid copy raises InvalidPackageError and writes nothing.
    Every file is written into a staging directory and moved into out_dir only when all formats succeeded,
    so a failure leaves out_dir as it was.
    """
    names = [formats] if isinstance(formats, str) else list(formats)
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    selected = list(WRITERS) if "all" in names else list(dict.fromkeys(names))
    if check:  # before the writers read any table, so a damaged copy gets the whole report
        from nme_data.validation.gate import PUBLISH, require_valid

        if not isinstance(package, DataPackage):  # opened once: validation and writers share its reads
            with contextlib.suppress(PackageError):  # else the validator reports why, in full
                package = DataPackage.open(package)
        require_valid(package, "nothing was exported", PUBLISH)
    package = as_package(package)
    target = Path(out_dir)
    with staging(target) as stage:
        staged = write_formats(package, selected, stage)
        written = [(staged[name][0], path) for name in selected for path in staged[name][1]]
        return _publish_all(target, written)


def write_formats(package: DataPackage, names: list[str], stage: Path) -> Staged:
    """Run the named formats' writers into folders of `stage` (the caller's, empty), each writer once.

    The zip packs the other formats' files as they were staged, so asking for the zip runs the formats it
    carries (ZIP_FORMATS) once, whether or not they were asked for; the result holds them all.
    """
    files = [name for name in names if name != "zip"]
    if "zip" in names:
        files += [name for name in ZIP_FORMATS if name not in files]
    staged = run_writers(package, files, stage, WRITERS)
    if "zip" in names:
        staged["zip"] = _zip_of(package, stage / "zip", staged)
    return staged


def _zip_of(package: DataPackage, directory: Path, staged: Staged) -> tuple[Path, list[Path]]:
    """The release zip, from the files the other formats' writers staged (WRITERS["zip"] when replaced)."""
    directory.mkdir()
    if WRITERS["zip"] is not _zip:  # a replaced zip writer (a test's, say) is called as it is
        return directory, WRITERS["zip"](package, directory)
    return directory, [export_zip(package, directory, staged={name: staged[name] for name in ZIP_FORMATS})]


def _publish_all(target: Path, written: list[tuple[Path, Path]]) -> list[Path]:
    """Move each format's files from its staging folder into target, refusing two formats writing one name."""
    seen: dict[Path, Path] = {}
    moves: list[tuple[Path, Path]] = []
    for directory, path in written:
        relative = path.relative_to(directory)
        if relative in seen:
            if seen[relative].read_bytes() != path.read_bytes():
                raise ExportError(f"two formats write different files named {relative}")
            continue
        seen[relative] = path
        moves.append((directory, path))
    for directory, path in moves:  # every target checked before the first move: all or nothing
        no_links_inside(target, path.relative_to(directory))
    published = []
    for directory, path in moves:
        published.extend(publish(directory, target, [path]))
    return published
