"""The export formats, each declared once (`EXPORTERS`: name, writer, zip folder, help), and how to run them:
the one table `export`, the release zip and the CLI's `--format` help read.

A writer turns a package into files inside an empty directory. This module knows every writer but none
of their consumers (`formats.export`, `archive.export_zip`), so the consumers import it and never each
other: no import circle. Writers load lazily, so listing the formats needs neither pandas nor pyarrow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Exporter:
    """One export format, declared once: its name, its writer, where the release zip puts its files (None:
    not in the zip) and the help text of `nme-data export --format`."""

    name: str
    writer: Writer
    zip_folder: str | None
    help: str


#: Where the other formats' files go inside the release zip.
EXPORTS_DIR = "exports"

#: Every format but the zip (which packs the others, `formats.ZIP`), in the order `--format` lists them.
EXPORTERS: tuple[Exporter, ...] = (
    Exporter("sqlite", _sqlite, EXPORTS_DIR, "database with keys and views, plus Datasette metadata.json"),
    Exporter("parquet", _parquet, EXPORTS_DIR, "one file per table"),
    Exporter("sssom", _sssom, EXPORTS_DIR, "mapping set TSV"),
    Exporter("hpoa", _hpoa, EXPORTS_DIR, "HPO annotations"),
    Exporter("kgx", _kgx, EXPORTS_DIR, "Biolink nodes/edges TSV"),
    Exporter("croissant", _croissant, "", "JSON-LD with the CSVs"),  # it describes the package: the zip's root
    Exporter("dismech", _dismech, EXPORTS_DIR, "a LinkML Disease (YAML) with the article it cites"),
    Exporter(
        "webannotation",
        _webannotation,
        EXPORTS_DIR,
        "W3C Web Annotation JSON-LD, one per quote part, with the snapshot",
    ),
)

#: Format name -> writer into an empty directory: every format but the zip.
FILE_WRITERS: dict[str, Writer] = {exporter.name: exporter.writer for exporter in EXPORTERS}
#: Formats whose files the release zip carries, and the folder they go in ("": the zip's root).
ZIP_FORMATS: dict[str, str] = {e.name: e.zip_folder for e in EXPORTERS if e.zip_folder is not None}


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
