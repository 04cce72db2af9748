"""File names, anchors and outside links of the site: one place, so every link agrees with its target."""

from __future__ import annotations

import re

from nme_data.text import ontology

INDEX = "index.html"
STATIC_DIR = "static"
EXPORTS_DIR = "exports"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

#: Where a person looks an identifier up; the link is written, never fetched.
BROWSERS: dict[str, str] = {
    "HP": "https://hpo.jax.org/browse/term/{curie}",
    "MONDO": "https://monarchinitiative.org/{curie}",
    "UBERON": "https://www.ebi.ac.uk/ols4/ontologies/uberon/classes?obo_id={curie}",
    "CHEBI": "https://www.ebi.ac.uk/chebi/searchId.do?chebiId={curie}",
    "ICD10WHO": "https://icd.who.int/browse10/2019/en#/{local}",
    "ORPHA": "https://www.orpha.net/en/disease/detail/{local}",
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={local}",
    "DRUGBANK": "https://go.drugbank.com/drugs/{local}",
}


def slug(text: str) -> str:
    """An id- and file-name-safe form of any text: other characters become ~XX per UTF-8 byte (so '~' too)."""
    return _UNSAFE.sub(lambda m: "".join(f"~{b:02x}" for b in m.group().encode("utf-8")), text)


def table_page(table: str) -> str:
    return f"table-{slug(table)}.html"


def article_page(source_id: str) -> str:
    return f"article-{slug(source_id)}.html"


def row_anchor(key: str) -> str:
    return f"row-{slug(key)}"


def row_link(table: str, key: str) -> str:
    return f"{table_page(table)}#{row_anchor(key)}"


def browser_url(value: str) -> str | None:
    """The public page of an ontology identifier, or None when the text is not one we know."""
    system = ontology.prefix(value)
    template = BROWSERS.get(system)
    if template is None:
        return None
    if system in ontology.SYSTEMS and not ontology.is_well_formed(value):
        return None
    local = value.split(":", 1)[1]
    if not local or not re.fullmatch(r"[A-Za-z0-9._]+", local):
        return None
    return template.format(curie=value, local=local)


def web_url(value: str) -> str | None:
    """A cell that is one http(s) address (and nothing else, no 'javascript:') becomes a link."""
    return value if re.fullmatch(r"https?://[^\s<>\"']+", value) else None
