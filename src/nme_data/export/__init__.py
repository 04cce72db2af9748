"""Export the package to the formats other tools load directly, each checked by that format's reference tool.

- sqlite: one database with keys, checks and views, plus a Datasette `metadata.json`;
- parquet: one file per table with the loader's dtypes;
- sssom: the mapping set as SSSOM TSV with its YAML metadata header;
- hpoa: the article's phenotype facts in HPO's `phenotype.hpoa` annotation format;
- kgx: nodes and edges TSV for knowledge-graph builders (Biolink model);
- croissant: Croissant 1.1 JSON-LD describing the CSVs (dataset search, ML loaders);
- dismech: one LinkML `Disease` of Monarch's dismech knowledge base, with the article snapshot it cites;
- webannotation: W3C Web Annotation JSON-LD, one annotation per quote part, targeting the snapshot it quotes;
- zip: the reproducible release archive: the package, its Croissant file and every export.

Only the standard library loads at import time; pandas and pyarrow load when a frame is needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from nme_data.errors import ExportError, InvalidPackageError

if TYPE_CHECKING:
    from nme_data.export.archive import (
        ZIP_COMPRESSLEVEL,
        ZIP_DATE_TIME,
        ZIP_PERMISSIONS,
        export_zip,
        snapshot_paths,
        zip_members,
    )
    from nme_data.export.croissant import croissant_metadata
    from nme_data.export.formats import FORMATS, WRITERS, export, write_formats
    from nme_data.export.parquet import export_parquet
    from nme_data.export.sqlite import (
        SQLITE_NAME,
        SQLITE_TYPES,
        create_table_sql,
        dependency_order,
        export_sqlite,
        table_rows,
    )

#: Public name -> the module that defines it. Loaded on first use (PEP 562), so a command that only
#: lists the formats (`nme-data validate` builds its CLI with `export --format`'s choices) does not load
#: the writers' modules (croissant, sqlite, the zip's), a measurable part of a cold validation (#31).
_HOME = {
    **dict.fromkeys(
        ("ZIP_COMPRESSLEVEL", "ZIP_DATE_TIME", "ZIP_PERMISSIONS", "export_zip", "snapshot_paths", "zip_members"),
        "archive",
    ),
    "croissant_metadata": "croissant",
    **dict.fromkeys(("FORMATS", "WRITERS", "export", "write_formats"), "formats"),
    "export_parquet": "parquet",
    **dict.fromkeys(
        ("SQLITE_NAME", "SQLITE_TYPES", "create_table_sql", "dependency_order", "export_sqlite", "table_rows"),
        "sqlite",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMATS",
    "SQLITE_NAME",
    "SQLITE_TYPES",
    "WRITERS",
    "ZIP_COMPRESSLEVEL",
    "ZIP_DATE_TIME",
    "ZIP_PERMISSIONS",
    "ExportError",
    "InvalidPackageError",
    "create_table_sql",
    "croissant_metadata",
    "dependency_order",
    "export",
    "export_parquet",
    "export_sqlite",
    "export_zip",
    "snapshot_paths",
    "table_rows",
    "write_formats",
    "zip_members",
]
