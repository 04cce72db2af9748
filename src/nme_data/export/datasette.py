"""Datasette `metadata.json` for the SQLite export: titles, licence, source and every table and column described.

Datasette shows this beside the tables (`datasette nme-data.sqlite -m metadata.json`, or `datasette DIR`
for a directory holding both), so a browser user reads the same descriptions as `datapackage.json` has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nme_data.export._common import write_bytes
from nme_data.export._escape import web_url
from nme_data.export.sqlite import RANK_SUFFIX, RANKED_VIEWS, SQLITE_NAME, VIEWS, ranked_fields
from nme_data.package import DataPackage

METADATA_NAME = "metadata.json"


def _licence(descriptor: dict[str, Any]) -> dict[str, str]:
    licences = [lic for lic in descriptor.get("licenses", []) or [] if isinstance(lic, dict)]
    if not licences:
        return {}
    first = licences[0]
    url = first.get("path")
    return {"license": str(first.get("name", "")), **({"license_url": _url(url)} if url else {})}


def _url(value: object) -> str:
    """Datasette renders these as links: http(s) only, whatever the copy says (the profile refuses the rest)."""
    return web_url(value, "datapackage.json licence or source path")


def _source(descriptor: dict[str, Any]) -> dict[str, str]:
    sources = [s for s in descriptor.get("sources", []) or [] if isinstance(s, dict)]
    if not sources:
        return {}
    url = sources[0].get("path")
    return {"source": str(sources[0].get("title", "")), **({"source_url": _url(url)} if url else {})}


def _rank_description(name: str, values: list[Any]) -> str:
    """What a `<field>_rank` column holds, so that Datasette users sort and aggregate by it."""
    ranks = ", ".join(f"{rank} = {value}" for rank, value in enumerate(values, start=1))
    return (
        f"The rank of {name} in its declared order ({ranks}); empty when {name} is. Sort or aggregate by this "
        f"column, not by the text: MAX({name}{RANK_SUFFIX}) is the strongest {name}, MAX({name}) is alphabetical."
    )


def datasette_metadata(package: DataPackage) -> dict[str, Any]:
    """Datasette's metadata document for the SQLite export of package (tables and views described)."""
    descriptor = package.descriptor
    tables: dict[str, Any] = {}
    for table in package.tables.values():
        columns = {f["name"]: str(f.get("description", "")) for f in table.fields}
        for name, values in ranked_fields(table):
            columns[name + RANK_SUFFIX] = _rank_description(name, values)
        tables[table.name] = {"title": table.title, "description": table.description, "columns": columns}
    for view in (*VIEWS, *RANKED_VIEWS):
        tables[view.name] = {"title": view.title, "description": view.description}
    database = {"title": str(descriptor.get("title", "")), "tables": tables}
    return {
        "title": str(descriptor.get("title", "")),
        "description": str(descriptor.get("description", "")),
        **_licence(descriptor),
        **_source(descriptor),
        "databases": {Path(SQLITE_NAME).stem: database},
    }


def write_datasette_metadata(package: DataPackage, directory: Path) -> Path:
    """Write `metadata.json` for the database that `export_sqlite` writes into the same directory."""
    text = json.dumps(datasette_metadata(package), indent=2, ensure_ascii=False) + "\n"
    return write_bytes(directory / METADATA_NAME, text.encode("utf-8"))
