"""Identifier systems and the shipped ontology snapshot the validator checks mappings against."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: CURIE prefix -> the full form of an identifier of that system.
SYSTEMS: dict[str, re.Pattern[str]] = {
    "HP": re.compile(r"HP:\d{7}"),
    "MONDO": re.compile(r"MONDO:\d{7}"),
    "UBERON": re.compile(r"UBERON:\d{7}"),
    "CHEBI": re.compile(r"CHEBI:\d+"),
    "ICD10WHO": re.compile(r"ICD10WHO:[A-Z]\d{2}(\.\d{1,2})?"),
    "ORPHA": re.compile(r"ORPHA:\d+"),
    "MESH": re.compile(r"MESH:[CD]\d{6,9}"),
}

SNAPSHOT = "ontology_terms.csv"


@dataclass(frozen=True)
class Term:
    """One identifier as a named release spells it."""

    id: str
    label: str
    obsolete: bool
    source: str
    source_version: str


def prefix(curie: str) -> str:
    return curie.split(":", 1)[0] if ":" in curie else ""


def is_well_formed(curie: str) -> bool:
    pattern = SYSTEMS.get(prefix(curie))
    return bool(pattern and pattern.fullmatch(curie))


@cache
def snapshot() -> dict[str, Term]:
    """The dated extract of the releases (see reference/README.md), keyed by identifier."""
    text = (resources.files("nme_data") / "reference" / SNAPSHOT).read_text(encoding="utf-8")
    return {
        row["id"]: Term(row["id"], row["label"], row["obsolete"] == "true", row["source"], row["source_version"])
        for row in csv.DictReader(io.StringIO(text))
    }
