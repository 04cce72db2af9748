"""The export formats by name, and how to run them: the one table both `export` and the release zip read.

A writer turns a package into files inside an empty directory. This module knows every writer but none
of their consumers (`formats.export`, `archive.export_zip`), so the consumers import it and never each
other: no import circle. Writers load lazily, so listing the formats needs neither pandas nor pyarrow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nme_data.package import DataPackage

Writer = Callable[[DataPackage, Path], list[Path]]
#: What a run of writers leaves: format -> (its staging directory, the files it wrote there).
Staged = dict[str, tuple[Path, list[Path]]]


def _sqlite(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.datasette import write_datasette_metadata
    from nme_data.export.sqlite import export_sqlite

    return [export_sqlite(package, directory), write_datasette_metadata(package, directory)]


def _parquet(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.parquet import export_parquet

    return export_parquet(package, directory)


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


def _dismech(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.dismech import write_dismech

    return write_dismech(package, directory)


def _webannotation(package: DataPackage, directory: Path) -> list[Path]:
    from nme_data.export.webannotation import write_webannotation

    return write_webannotation(package, directory)


#: Format name -> writer into an empty directory: every format but the zip, which packs the others.
FILE_WRITERS: dict[str, Writer] = {
    "sqlite": _sqlite,
    "parquet": _parquet,
    "sssom": _sssom,
    "hpoa": _hpoa,
    "kgx": _kgx,
    "croissant": _croissant,
    "dismech": _dismech,
    "webannotation": _webannotation,
}


def run_writers(
    package: DataPackage, names: Iterable[str], stage: Path, writers: dict[str, Writer] | None = None
) -> Staged:
    """Run each named writer once, each into its own new folder `stage/<name>`; return what each wrote."""
    table = FILE_WRITERS if writers is None else writers
    staged: Staged = {}
    for name in names:
        directory = stage / name
        directory.mkdir()
        staged[name] = (directory, table[name](package, directory))
    return staged
