"""Every fact row quotes the shipped article verbatim, and the snapshot is the one the package names."""

from __future__ import annotations

import hashlib

import pytest

import nme_data
from conftest import ROOT
from nme_data.frames.schemas import EVIDENCE_SEPARATOR
from nme_data.text.sentences import is_quoted, split_sentences

SNAPSHOT = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
DESCRIPTOR = nme_data.descriptor()
FACT_TABLES = [r["name"] for r in DESCRIPTOR["resources"] if "evidence" in [f["name"] for f in r["schema"]["fields"]]]
CURATION_TABLES = {"sources", "mappings", "evidence_anchors"}  # evidence_anchors: where each quote sits


def evidence_cases() -> list[tuple[str, str, str]]:
    cases = []
    for table in FACT_TABLES:
        frame = nme_data.load(table)
        cases.extend((table, row_id, evidence) for row_id, evidence in zip(frame["id"], frame["evidence"], strict=True))
    return cases


EVIDENCE = evidence_cases()


def test_every_table_but_curation_is_a_fact_table() -> None:
    every = {r["name"] for r in DESCRIPTOR["resources"]}
    assert set(FACT_TABLES) == every - CURATION_TABLES


def test_every_part_is_anchored_where_it_sits() -> None:
    """evidence_anchors holds one row per evidence part, and snapshot[start:end] is the part."""
    anchors = nme_data.load("evidence_anchors")
    spans = {
        (t, r, int(p)): (int(s), int(e))
        for t, r, p, s, e in zip(*(anchors[c] for c in ("table", "row_id", "part", "start", "end")), strict=True)
    }
    parts = {(t, r, n): part for t, r, ev in EVIDENCE for n, part in enumerate(ev.split(EVIDENCE_SEPARATOR), start=1)}
    assert set(spans) == set(parts)
    for key, (start, end) in spans.items():
        assert SNAPSHOT[start:end] == parts[key], key
    enum = nme_data.descriptor()["resources"][nme_data.table_names().index("evidence_anchors")]["schema"]["fields"][0]
    assert enum["constraints"]["enum"] == FACT_TABLES


def test_the_fact_table_role_is_read_off_the_schema_and_matches_the_anchors_enum() -> None:
    """One definition of a fact table (package.FACT_FIELDS): the package model's fact tables are the tables an
    anchor may point into, and every table with evidence."""
    from nme_data.package import DataPackage

    package = DataPackage.open()
    names = [table.name for table in package.fact_tables]
    enum = nme_data.descriptor()["resources"][nme_data.table_names().index("evidence_anchors")]["schema"]["fields"][0]
    assert names == enum["constraints"]["enum"] == FACT_TABLES
    assert not package.table("sources").is_fact_table
    assert not package.table("evidence_anchors").is_fact_table


@pytest.mark.parametrize("table", FACT_TABLES)
def test_fact_tables_require_evidence_and_source(table: str) -> None:
    fields = {
        f["name"]: f
        for f in nme_data.descriptor()["resources"][nme_data.table_names().index(table)]["schema"]["fields"]
    }
    assert fields["evidence"]["constraints"]["required"] is True
    assert fields["source_id"]["constraints"]["required"] is True
    frame = nme_data.load(table)
    assert len(frame) > 0
    assert frame["evidence"].notna().all()
    assert (frame["evidence"].str.strip() != "").all()


@pytest.mark.parametrize(("table", "row_id", "evidence"), EVIDENCE, ids=lambda v: str(v)[:40])
def test_evidence_is_verbatim(table: str, row_id: str, evidence: str) -> None:
    for part in evidence.split(EVIDENCE_SEPARATOR):
        assert part, f"{table}/{row_id}: empty quote part"
        assert part in SNAPSHOT, f"{table}/{row_id}: not verbatim in the article: {part!r}"


def test_snapshot_hash_matches_sources_table_and_descriptor() -> None:
    digest = hashlib.sha256((ROOT / "source" / "necrolytic-migratory-erythema.txt").read_bytes()).hexdigest()
    sources = nme_data.load("sources")
    assert sources.loc[sources["id"] == "wikipedia-nme", "sha256"].item() == digest
    assert any(digest in s["title"] for s in DESCRIPTOR["sources"])


def test_every_article_list_item_has_a_row() -> None:
    """The article's bulleted lines (disorders, histology) each appear in some evidence."""
    quotes = " | ".join(e for _, _, e in EVIDENCE)
    items = [line.strip() for line in SNAPSHOT.splitlines() if line.startswith(" ") and line.strip()]
    assert items, "the snapshot has bulleted lines"
    for item in items:
        assert item in quotes, f"article line without a row: {item!r}"


def test_every_condition_is_used_by_a_fact() -> None:
    tables = nme_data.load_all()
    used: set[str] = set()
    for name, frame in tables.items():
        if name in ("conditions", "mappings", "sources"):
            continue
        for column in frame.columns:
            if column.endswith("_id") and column not in ("id", "source_id"):
                used |= set(frame[column].dropna())
    used |= set(tables["conditions"]["parent_id"].dropna())
    assert set(tables["conditions"]["id"]) <= used


#: Lines of the article that are headings, not facts (the README maps each to its tables).
HEADINGS = {
    "Signs and symptoms",
    "Clinical features",
    "Associated conditions",
    "Cause",
    "Mechanism",
    "Diagnosis",
    "Histology",
    "Management",
    "See also",
    "References",
    "External links",
}


def article_sentences() -> list[str]:
    """The library's splitter, so that re-grounding and this test agree on what a sentence is."""
    return [s.text for s in split_sentences(SNAPSHOT) if s.text not in HEADINGS]


@pytest.mark.parametrize("sentence", article_sentences(), ids=lambda s: s[:40])
def test_every_sentence_of_the_article_is_quoted_by_a_row(sentence: str) -> None:
    parts = {part for _, _, evidence in EVIDENCE for part in evidence.split(EVIDENCE_SEPARATOR)}
    assert is_quoted(sentence, parts), f"no row quotes: {sentence!r}"


def test_every_anatomical_site_is_named_by_a_statement() -> None:
    anatomical = nme_data.load("anatomical_sites")
    sites = nme_data.load("sites")
    assert set(anatomical["id"]) == set(sites["anatomical_site_id"])


@pytest.mark.parametrize("row_id", list(nme_data.load("sites")["id"]))
def test_site_statement_keeps_the_article_words(row_id: str) -> None:
    sites = nme_data.load("sites").set_index("id")
    assert sites.loc[row_id, "site"] in sites.loc[row_id, "evidence"]


@pytest.mark.parametrize("row_id", list(nme_data.load("clinical_features")["id"]))
def test_hedged_feature_text_keeps_the_hedge(row_id: str) -> None:
    """A feature the article hedges ("may be observed") keeps "may" in its text, not only in certainty."""
    row = nme_data.load("clinical_features").set_index("id").loc[row_id]
    assert (" may " in f" {row['feature']} ") == (row["certainty"] == "hedged"), row["feature"]
