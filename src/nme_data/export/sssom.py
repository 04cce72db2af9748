"""SSSOM/TSV: the mappings table as a mapping set that Monarch, the Mapping Commons and OxO ingest.

The YAML header comes from the `sssom` object on the mappings resource in datapackage.json (mapping set
id, licence, curie map, dates, source versions); the rows from `data/mappings.csv`, with subject CURIEs
built by the declared `subject_curie_template` and each object_source written as the entity reference
`object_source_map` gives for it. Two keys of that object instruct this exporter and are not copied:
`subject_curie_template` and `object_source_map`. Nothing is filled in silently: a missing
`mapping_set_id` or `license` is an error here, although sssom-py would invent one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from nme_data.export._common import ExportError, rows, write_bytes
from nme_data.export._curies import MAPPINGS_TABLE, TEMPLATE_KEY, local_curies, sssom_metadata
from nme_data.export._escape import tsv_cell, web_url, yaml_key
from nme_data.package import DataPackage

SSSOM_NAME = "nme-data.sssom.tsv"
#: Metadata keys that tell this exporter how to build rows; they are not SSSOM slots.
INSTRUCTIONS = frozenset({TEMPLATE_KEY, "object_source_map"})
#: Mapping-set slots that must be explicit in the header (sssom-py would fill them with defaults).
REQUIRED = ("mapping_set_id", "license", "curie_map")
#: Columns of the TSV, in SSSOM's order; a column every row leaves empty is dropped.
COLUMNS = (
    "record_id",
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "object_source",
    "object_source_version",
    "other",
    "comment",
)


def _yaml_scalar(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted strings and numbers are valid YAML, and need no YAML library."""
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _yaml_lines(key: str, value: Any) -> list[str]:
    """One metadata slot as YAML lines: keys checked plain, values JSON-quoted (so no value spans a line)."""
    key = yaml_key(key, "the mappings' sssom metadata")
    if isinstance(value, dict):
        where = f"the mappings' sssom.{key}"
        return [f"{key}:"] + [f"  {yaml_key(k, where)}: {_yaml_scalar(v)}" for k, v in value.items()]
    if isinstance(value, list):
        return [f"{key}:"] + [f"  - {_yaml_scalar(v)}" for v in value]
    return [f"{key}: {_yaml_scalar(value)}"]


#: Metadata slots whose values are web addresses (http or https only).
URL_SLOTS = ("mapping_set_id", "license")


def header(package: DataPackage) -> dict[str, Any]:
    """The mapping-set metadata as written in the YAML header (instruction keys removed, required keys checked)."""
    metadata = sssom_metadata(package)
    missing = [key for key in REQUIRED if not metadata.get(key)]
    if missing:
        raise ExportError(f"the mappings' sssom metadata lacks {', '.join(missing)}; SSSOM needs them explicit")
    for key in URL_SLOTS:
        web_url(metadata[key], f"the mappings' sssom.{key}")
    for prefix, expansion in (metadata.get("curie_map") or {}).items():
        web_url(expansion, f"the mappings' sssom.curie_map.{prefix}")
    return {key: value for key, value in metadata.items() if key not in INSTRUCTIONS}


def _object_source(metadata: dict[str, Any], row: dict[str, Any]) -> str:
    source_map = metadata.get("object_source_map") or {}
    source = row.get("object_source")
    if source is None:
        return ""
    if source not in source_map:
        raise ExportError(f"mappings row {row['id']!r}: object_source {source!r} is not in sssom.object_source_map")
    return str(source_map[source])


def mapping_records(package: DataPackage) -> list[dict[str, str]]:
    """One SSSOM record per row of the mappings table, in file order."""
    metadata = sssom_metadata(package)
    curies = local_curies(package)
    table = package.table(MAPPINGS_TABLE)
    records = []
    for row in rows(table):
        other = f"matched_name={row['matched_name']}" if row.get("matched_name") else ""
        justification = row.get("mapping_justification")
        if not justification:  # a copy without the field: SSSOM requires it on every record
            raise ExportError(f"mappings row {row['id']!r} has no mapping_justification, which SSSOM requires")
        records.append(
            {
                "record_id": curies.row(MAPPINGS_TABLE, row["id"]),
                "subject_id": curies.row(row["subject_table"], row["subject_id"]),
                "subject_label": str(row.get("subject_label") or ""),
                "predicate_id": row["predicate_id"],
                "object_id": row["object_id"],
                "object_label": str(row.get("object_label") or ""),
                "mapping_justification": justification,
                "object_source": _object_source(metadata, row),
                "object_source_version": str(row.get("object_source_version") or ""),
                "other": other,
                "comment": str(row.get("comment") or ""),
            }
        )
    return records


def sssom_text(package: DataPackage) -> str:
    """The whole SSSOM/TSV file: `#`-prefixed YAML metadata, then the mapping table."""
    lines: list[str] = []
    for key, value in header(package).items():
        lines.extend(_yaml_lines(key, value))
    records = mapping_records(package)
    columns = [c for c in COLUMNS if any(r[c] for r in records)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(
        {
            column: tsv_cell(value, f"mappings record {record['record_id']!r} {column}")
            for column, value in record.items()
        }
        for record in records
    )
    return "".join(f"#{line}\n" for line in lines) + buffer.getvalue()


def write_sssom(package: DataPackage, directory: Path) -> Path:
    """Write `nme-data.sssom.tsv` into directory."""
    return write_bytes(directory / SSSOM_NAME, sssom_text(package).encode("utf-8"))
