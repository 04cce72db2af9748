"""Croissant 1.1 JSON-LD: the package described for dataset search engines and ML data loaders.

Google Dataset Search reads schema.org `Dataset` markup, and `mlcroissant` (or TFDS, Hugging Face) loads
records from it. Everything is derived from `datapackage.json`: one FileObject per CSV with its SHA-256,
one RecordSet per table whose fields extract the CSV columns by name. Foreign keys are not given as
Croissant `references`: mlcroissant turns those into joins, which change what a record set yields.
contentUrl is relative to the package root, so `croissant.json` belongs beside `datapackage.json`
(the release zip puts it there) and loading it reads local files only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from nme_data.export._common import ExportError, write_bytes
from nme_data.export._escape import web_url
from nme_data.package import DataPackage, PackageError, Table

CROISSANT_NAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
#: Google Dataset Search's bounds for a dataset description.
DESCRIPTION_LENGTH = (50, 5000)

#: The Croissant 1.1 JSON-LD context, as the specification publishes it.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

#: Table Schema type -> schema.org data type that mlcroissant parses the column as.
DATA_TYPES: dict[str, str] = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "year": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _file_id(table: Table) -> str:
    return f"{table.name}-csv"


def _sha256(table: Table) -> str:
    try:
        return hashlib.sha256(table.read_bytes()).hexdigest()
    except PackageError as exc:
        raise ExportError(f"cannot read table {table.name!r} from {table.path}: {exc}") from None


def _relative_path(package: DataPackage, table: Table) -> str:
    """The resource path as the descriptor gives it (POSIX, relative to the package root, never leaving it)."""
    relative = str(table.descriptor["path"])
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative:
        raise ExportError(f"{table.name}: resource path {relative!r} must stay inside the package")
    return relative


def _file_object(package: DataPackage, table: Table) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": _file_id(table),
        "name": _relative_path(package, table),
        "description": f"{table.title}: the CSV file of the '{table.name}' table.",
        "contentUrl": _relative_path(package, table),
        "encodingFormat": "text/csv",
        "sha256": _sha256(table),
    }


def _field(table: Table, field: dict[str, Any]) -> dict[str, Any]:
    name = field["name"]
    kind = field.get("type", "string")
    if kind not in DATA_TYPES:
        raise ExportError(f"{table.name}.{name}: Table Schema type {kind!r} has no Croissant data type")
    entry: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{table.name}/{name}",
        "name": name,
        "description": str(field.get("description", "")) or f"Column {name} of {table.name}.",
        "dataType": DATA_TYPES[kind],
        "source": {"fileObject": {"@id": _file_id(table)}, "extract": {"column": name}},
    }
    return entry


def _record_set(table: Table) -> dict[str, Any]:
    record_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": table.name,
        "name": table.name,
        "description": table.description or table.title,
        "field": [_field(table, field) for field in table.fields],
    }
    key = table.primary_key
    if key:
        ids = [{"@id": f"{table.name}/{name}"} for name in key]
        record_set["key"] = ids[0] if len(ids) == 1 else ids
    return record_set


def _creators(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    creators = []
    for contributor in descriptor.get("contributors", []) or []:
        if isinstance(contributor, dict) and "creator" in _as_list(contributor.get("roles")):
            creator = {"@type": "sc:Organization", "name": str(contributor.get("title", ""))}
            if contributor.get("path"):
                creator["url"] = web_url(contributor["path"], "datapackage.json contributor path")
            creators.append(creator)
    return creators


def _authors(descriptor: dict[str, Any]) -> list[str]:
    return [
        str(c.get("title", ""))
        for c in descriptor.get("contributors", []) or []
        if isinstance(c, dict) and "author" in _as_list(c.get("roles"))
    ]


def _citation(descriptor: dict[str, Any], version: str) -> str:
    """A plain-text citation built from the descriptor: creators, title, version, source and licence."""
    creators = ", ".join(c["name"] for c in _creators(descriptor)) or "nme-data contributors"
    title = str(descriptor.get("title", descriptor.get("name", "")))
    text = f"{creators}. {title}. Version {version}."
    sources = [s for s in descriptor.get("sources", []) or [] if isinstance(s, dict)]
    authors = _authors(descriptor)
    for source in sources:
        by = f"{', '.join(authors)}, " if authors else ""
        text += f" Derived from {by}{source.get('title', '')}, {source.get('path', '')}."
    licences = [lic.get("name") for lic in descriptor.get("licenses", []) or [] if isinstance(lic, dict)]
    if licences:
        text += f" Licence: {', '.join(str(name) for name in licences)}."
    return text


def _license(descriptor: dict[str, Any]) -> str | list[str]:
    licences = [
        str(lic.get("path") or lic.get("name"))
        for lic in descriptor.get("licenses", []) or []
        if isinstance(lic, dict) and (lic.get("path") or lic.get("name"))
    ]
    if not licences:
        raise ExportError("datapackage.json declares no licence; Croissant requires one")
    return licences[0] if len(licences) == 1 else licences


def croissant_metadata(package: DataPackage) -> dict[str, Any]:
    """The Croissant 1.1 JSON-LD document for a package, as a dict (embed it in a web page or write it out).

    Deterministic: the same descriptor and CSV files give the same document.
    """
    descriptor = package.descriptor
    description = str(descriptor.get("description", ""))
    low, high = DESCRIPTION_LENGTH
    if not low <= len(description) <= high:
        raise ExportError(
            f"the package description has {len(description)} characters; dataset search needs {low}-{high}"
        )
    version = package.version
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": str(descriptor.get("name", "")),
        "alternateName": str(descriptor.get("title", "")),
        "description": description,
        "version": version,
        "license": _license(descriptor),
        "citeAs": _citation(descriptor, version),
        "creator": _creators(descriptor),
        "keywords": [str(k) for k in descriptor.get("keywords", []) or []],
        "inLanguage": "en",
        "isLiveDataset": False,
    }
    if descriptor.get("homepage"):
        document["url"] = web_url(descriptor["homepage"], "datapackage.json homepage")
    if descriptor.get("created"):
        document["datePublished"] = str(descriptor["created"])
    sources = [
        web_url(s.get("path"), "datapackage.json sources path")
        for s in descriptor.get("sources", []) or []
        if isinstance(s, dict)
    ]
    if sources:
        document["isBasedOn"] = sources[0] if len(sources) == 1 else sources
    try:
        tables = list(package.tables.values())  # the package model refuses paths that leave the package
    except PackageError as exc:
        raise ExportError(str(exc)) from None
    document["distribution"] = [_file_object(package, table) for table in tables]
    document["recordSet"] = [_record_set(table) for table in tables]
    return document


def croissant_json(package: DataPackage) -> bytes:
    """The Croissant document as UTF-8 JSON text with a final newline."""
    return (json.dumps(croissant_metadata(package), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_croissant(package: DataPackage, directory: Path) -> list[Path]:
    """Write `croissant.json` and a copy of each CSV it describes at its package path, so directory loads alone."""
    written = [write_bytes(directory / CROISSANT_NAME, croissant_json(package))]
    for table in package.tables.values():
        relative = _relative_path(package, table)
        target = directory.joinpath(*relative.split("/"))
        try:
            data = table.read_bytes()
        except PackageError as exc:
            raise ExportError(f"cannot read table {table.name!r}: {exc}") from None
        written.append(write_bytes(target, data))
    return written
