"""Parquet export: one file per table with the loader's dtypes, for dataframe users who skip this library."""

from __future__ import annotations

from pathlib import Path

from nme_data.export._common import as_package, atomic_target, read_frame, target_in
from nme_data.export._common import out_dir as make_out_dir
from nme_data.package import DataPackage


def export_parquet(package: DataPackage | str | Path | None, out_dir: str | Path) -> list[Path]:
    """Write one `<table>.parquet` per table with the loader's dtypes (categoricals, nullable types)."""
    package = as_package(package)
    frames = {name: read_frame(table) for name, table in package.tables.items()}  # all readable before any write
    directory = make_out_dir(out_dir)
    written = []
    for name, frame in frames.items():
        target = target_in(directory, f"{name}.parquet")  # a plain name inside directory, or ExportError
        with atomic_target(target) as temporary:
            frame.to_parquet(temporary, engine="pyarrow", index=False)
        written.append(target)
    return written
