"""The SSSOM export passes sssom-py's validator and converter, keeps every row, and states its metadata itself."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import descriptor_of
from interop_helpers import PACKAGE, csv_rows, tool
from nme_data.cli import main
from nme_data.export import ExportError, export
from nme_data.export.sssom import SSSOM_NAME

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-sssom")

METADATA = PACKAGE.table("mappings").descriptor["sssom"]


@pytest.fixture(scope="module")
def sssom_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    [path] = export(PACKAGE, "sssom", tmp_path_factory.mktemp("sssom"))
    assert path.name == SSSOM_NAME
    return path


def header_of(path: Path) -> dict[str, Any]:
    lines = [line[1:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    return yaml.safe_load("\n".join(lines))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_sssom_validate_passes(sssom_file: Path) -> None:
    result = run(tool("sssom"), "validate", str(sssom_file))
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_sssom_validate_can_fail(sssom_file: Path, tmp_path: Path) -> None:
    """The check above means something: sssom validate rejects a predicate whose prefix is not declared."""
    broken = tmp_path / "broken.sssom.tsv"
    text = sssom_file.read_text(encoding="utf-8")
    broken.write_text(re.sub(r"\tskos:(\w+Match)\t", r"\tundeclared:\1\t", text), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != text
    assert run(tool("sssom"), "validate", str(broken)).returncode != 0


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_sssom_converts_to_owl(sssom_file: Path, tmp_path: Path) -> None:
    import rdflib

    owl = tmp_path / "mappings.owl"
    result = run(tool("sssom"), "convert", str(sssom_file), "-O", "owl", "-o", str(owl))
    assert result.returncode == 0, result.stderr[-2000:]
    graph = rdflib.Graph().parse(owl, format="turtle")
    curie_map = METADATA["curie_map"]

    def iri(curie: str) -> rdflib.URIRef:
        prefix, local = curie.split(":", 1)
        return rdflib.URIRef(curie_map[prefix] + local)

    subjects = {str(s) for s in graph.subjects()} | {str(o) for o in graph.objects()}
    for row in csv_rows("mappings"):
        assert str(iri(row["object_id"])) in subjects, row["id"]
        subject = METADATA["subject_curie_template"].format(**row)
        assert str(iri(subject)) in subjects, row["id"]


def test_header_states_set_metadata_explicitly(sssom_file: Path) -> None:
    """sssom-py invents a mapping_set_id and licence when they are missing: ours must be in the file itself."""
    header = header_of(sssom_file)
    assert header["mapping_set_id"] == METADATA["mapping_set_id"]
    assert header["license"] == METADATA["license"]
    assert header["curie_map"] == METADATA["curie_map"]
    for key in ("mapping_date", "subject_source_version", "mapping_set_version"):
        assert header.get(key) == METADATA[key], key
    assert "subject_curie_template" not in header, "instructions to the exporter are not SSSOM slots"
    assert "object_source_map" not in header


def test_every_mapping_row_survives_a_round_trip(sssom_file: Path) -> None:
    from sssom.parsers import parse_sssom_table

    frame = parse_sssom_table(str(sssom_file)).df.fillna("")
    expected = csv_rows("mappings")
    assert len(frame) == len(expected)
    source_map = METADATA["object_source_map"]
    prefix = METADATA["subject_curie_template"].split(":", 1)[0]
    by_record = {record["record_id"]: record for record in frame.to_dict("records")}
    assert len(by_record) == len(expected), "record ids are unique"
    for row in expected:
        record = by_record[f"{prefix}:mappings/{row['id']}"]
        assert record["subject_id"] == METADATA["subject_curie_template"].format(**row)
        for column in ("subject_label", "predicate_id", "object_id", "object_label", "mapping_justification"):
            assert record[column] == row[column], (row["id"], column)
        assert record["object_source_version"] == row["object_source_version"], row["id"]
        assert record["object_source"] == source_map[row["object_source"]], row["id"]
        assert record["comment"] == row["comment"], row["id"]


def test_export_is_deterministic(sssom_file: Path, tmp_path: Path) -> None:
    [again] = export(PACKAGE, "sssom", tmp_path)
    assert again.read_bytes() == sssom_file.read_bytes()


@pytest.mark.parametrize("key", ["mapping_set_id", "license"])
def test_missing_set_metadata_is_refused(package_copy: Path, tmp_path: Path, key: str) -> None:
    descriptor = descriptor_of(package_copy)
    for resource in descriptor["resources"]:
        if resource["name"] == "mappings":
            del resource["sssom"][key]
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    with pytest.raises(ExportError, match=key):
        export(package_copy, "sssom", tmp_path / "out", check=False)
    result = CliRunner().invoke(
        main, ["export", str(package_copy), "--format", "sssom", "--out", str(tmp_path / "cli")]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "cli").exists() or not any((tmp_path / "cli").iterdir()), "nothing was written"
