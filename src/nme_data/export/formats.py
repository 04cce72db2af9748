"""Every export format by name, and `export`: validate once, write all requested formats, publish atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nme_data.errors import ExportError, InvalidPackageError
from nme_data.export._common import as_package, publish, staging
from nme_data.package import DataPackage

Writer = Callable[[DataPackage, Path], list[Path]]


def _sqlite(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.datasette import write_datasette_metadata
    from nme_data.export.sqlite import export_sqlite

    return [export_sqlite(package, directory), write_datasette_metadata(package, directory)]


def _parquet(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.parquet import export_parquet

    return export_parquet(package, directory)


def _zip(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.archive import export_zip

    return [export_zip(package, directory)]


def _sssom(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.sssom import write_sssom

    return [write_sssom(package, directory)]


def _hpoa(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.hpoa import write_hpoa

    return [write_hpoa(package, directory)]


def _kgx(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.kgx import write_kgx

    return write_kgx(package, directory)


def _croissant(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.croissant import write_croissant

    return write_croissant(package, directory)


#: Format name -> writer into an empty directory. `all` means every one of them.
WRITERS: dict[str, Writer] = {
    "sqlite": _sqlite,
    "parquet": _parquet,
    "sssom": _sssom,
    "hpoa": _hpoa,
    "kgx": _kgx,
    "croissant": _croissant,
    "zip": _zip,
}
FORMATS = (*WRITERS, "all")


def export(
    package: DataPackage | str | Path | None,
    formats: str | Iterable[str],
    out_dir: str | Path,
    *,
    check: bool = True,
) -> list[Path]:
    """Write the named formats ("all" for every one) into out_dir; return the files written, in format order.

    The package is validated first (check=False skips that, for a caller that just did): an invalid copy
    raises InvalidPackageError and writes nothing. Every file is written into a staging directory and
    moved into out_dir only when all formats succeeded, so a failure leaves out_dir as it was.
    """
    names = [formats] if isinstance(formats, str) else list(formats)
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    selected = list(WRITERS) if "all" in names else list(dict.fromkeys(names))
    if check:  # before the package model reads any table, so a damaged copy gets the whole report
        from nme_data.validation import validate

        report = validate(package.descriptor_path if isinstance(package, DataPackage) else package)
        if not report.valid:
            raise InvalidPackageError(report, "nothing was exported")
    package = as_package(package)
    target = Path(out_dir)
    with staging(target) as stage:
        written: list[tuple[Path, Path]] = []
        for name in selected:
            directory = stage / name
            directory.mkdir()
            written.extend((directory, path) for path in WRITERS[name](package, directory))
        return _publish_all(target, written)


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
    published = []
    for directory, path in moves:
        published.extend(publish(directory, target, [path]))
    return published
