"""The KGX export: every node and edge instantiates as its Biolink 4.x pydantic class, every predicate is a
Biolink predicate, and the graph holds one edge per fact row and one node per entity."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from interop_helpers import PACKAGE, csv_rows
from nme_data.export import export
from nme_data.export.kgx import EDGES_NAME, KNOWLEDGE_LEVELS, LIST_SEPARATOR, NODES_NAME

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-kgx")

LIST_COLUMNS = {"category", "xref", "provided_by", "publications", "supporting_text", "qualifiers"}
FLOAT_COLUMNS = {"has_percentage"}


@pytest.fixture(scope="module")
def kgx_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    written = export(PACKAGE, "kgx", tmp_path_factory.mktemp("kgx"))
    assert [p.name for p in written] == [NODES_NAME, EDGES_NAME]
    return {"nodes": written[0], "edges": written[1]}


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def as_biolink(record: dict[str, str]) -> dict[str, Any]:
    """A TSV record as keyword arguments: KGX lists split on '|', empty cells left out."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if value == "":
            continue
        if key in LIST_COLUMNS:
            out[key] = value.split(LIST_SEPARATOR)
        elif key in FLOAT_COLUMNS:
            out[key] = float(value)
        else:
            out[key] = value
    return out


def biolink_class(category: str) -> type:
    from biolink_model.datamodel import pydanticmodel_v2

    name = category.removeprefix("biolink:")
    assert hasattr(pydanticmodel_v2, name), f"{category} is not a Biolink class"
    return getattr(pydanticmodel_v2, name)


@cache
def biolink_slots() -> dict[str, dict[str, Any]]:
    from importlib import resources

    import yaml

    text = (resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["slots"]


def is_predicate(slot: str) -> bool:
    """A Biolink predicate: a slot whose is_a chain reaches 'related to'."""
    slots = biolink_slots()
    name = slot.removeprefix("biolink:").replace("_", " ")
    seen = set()
    while name and name not in seen:
        if name == "related to":
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False


def test_every_node_instantiates_as_its_biolink_class(kgx_files: dict[str, Path]) -> None:
    nodes = read_tsv(kgx_files["nodes"])
    assert nodes
    for record in nodes:
        biolink_class(record["category"])(**as_biolink(record))


def test_every_edge_instantiates_as_its_biolink_class(kgx_files: dict[str, Path]) -> None:
    edges = read_tsv(kgx_files["edges"])
    assert edges
    for record in edges:
        biolink_class(record["category"])(**as_biolink(record))


def test_pydantic_check_can_fail(kgx_files: dict[str, Path]) -> None:
    """The instantiation above means something: a wrong category or knowledge level is refused."""
    from pydantic import ValidationError

    record = as_biolink(read_tsv(kgx_files["edges"])[0])
    with pytest.raises(ValidationError):
        biolink_class(record["category"][0])(**{**record, "knowledge_level": "hunch"})
    node = as_biolink(read_tsv(kgx_files["nodes"])[0])
    with pytest.raises(ValidationError):
        biolink_class("biolink:Disease")(**{**node, "category": ["biolink:Gene"]})


def test_predicates_are_biolink_predicates(kgx_files: dict[str, Path]) -> None:
    predicates = {record["predicate"] for record in read_tsv(kgx_files["edges"])}
    assert predicates
    for predicate in predicates:
        assert predicate.startswith("biolink:")
        assert is_predicate(predicate), predicate
    assert not is_predicate("biolink:name"), "a node property is not a predicate"


def test_edges_point_at_nodes_and_ids_are_unique(kgx_files: dict[str, Path]) -> None:
    nodes = read_tsv(kgx_files["nodes"])
    edges = read_tsv(kgx_files["edges"])
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))
    assert len({e["id"] for e in edges}) == len(edges)
    for edge in edges:
        assert edge["subject"] in ids, edge["id"]
        assert edge["object"] in ids, edge["id"]


def test_one_edge_per_fact_row(kgx_files: dict[str, Path]) -> None:
    """Every row of the fact tables is an edge, except causes that name no factor ('the cause is unknown') and
    comparisons ('less common than NME with glucagonoma': no association is stated)."""
    from nme_data.export.kgx import COMPARISONS

    edges = read_tsv(kgx_files["edges"])
    expected = 0
    for table in ("clinical_features", "sites", "histology", "management"):
        expected += len(csv_rows(table))
    expected += sum(1 for row in csv_rows("associations") if row["relation"] not in COMPARISONS)
    assert any(row["relation"] in COMPARISONS for row in csv_rows("associations"))
    expected += sum(1 for row in csv_rows("causes") if row["factor_id"])
    assert len(edges) == expected
    source_url = csv_rows("sources")[0]["url"]
    for edge in edges:
        assert edge["publications"] == source_url
        assert edge["knowledge_level"] in KNOWLEDGE_LEVELS.values()
        assert edge["agent_type"] == "manual_agent"
        assert edge["supporting_text"], edge["id"]


def test_certainty_and_frequency_reach_the_edges(kgx_files: dict[str, Path]) -> None:
    from nme_data.export.kgx import COMPARISONS

    edges = {e["id"].rsplit(".", 1)[-1]: e for e in read_tsv(kgx_files["edges"])}
    for row in csv_rows("associations"):
        if row["relation"] in COMPARISONS:
            assert row["id"] not in edges, "a comparison is no association edge"
            continue
        edge = edges[row["id"]]
        assert edge["knowledge_level"] == KNOWLEDGE_LEVELS[row["certainty"]]
        assert f"certainty/{row['certainty']}" in edge["qualifiers"]
        if row["frequency_qualifier"] == "upper_bound":
            assert f"max-percent/{row['frequency_max_percent']}" in edge["qualifiers"]
            assert edge["has_percentage"] == "", "a bound is never a point estimate"


def test_node_ids_prefer_the_exact_ontology_term(kgx_files: dict[str, Path]) -> None:
    nodes = {n["name"]: n for n in read_tsv(kgx_files["nodes"])}
    exact = {
        (m["subject_table"], m["subject_id"]): m["object_id"]
        for m in csv_rows("mappings")
        if m["predicate_id"] == "skos:exactMatch" and m["object_id"].startswith("MONDO:")
    }
    for condition in csv_rows("conditions"):
        mondo = exact.get(("conditions", condition["id"]))
        node = nodes[condition["name"]]
        if mondo and node["category"] == "biolink:Disease":
            assert node["id"] == mondo, condition["id"]


def test_ids_are_curies_kgx_accepts(kgx_files: dict[str, Path]) -> None:
    """kgx validate's CURIE rule (no '/', ' ', ':' after the prefix), checked here since kgx cannot share this venv."""
    import re

    curie = re.compile(r"^[^ <()>:]*:[^/ :]+$")
    for record in read_tsv(kgx_files["nodes"]):
        assert curie.match(record["id"]), record["id"]
    for record in read_tsv(kgx_files["edges"]):
        for column in ("id", "subject", "object"):
            assert curie.match(record[column]), record[column]


def test_export_is_deterministic(kgx_files: dict[str, Path], tmp_path: Path) -> None:
    again = export(PACKAGE, "kgx", tmp_path)
    assert [p.read_bytes() for p in again] == [kgx_files["nodes"].read_bytes(), kgx_files["edges"].read_bytes()]


def enum_of(table: str, field: str) -> list[str]:
    [spec] = [f for f in PACKAGE.table(table).fields if f["name"] == field]
    return list(spec["constraints"]["enum"])


def test_every_enum_value_has_a_documented_mapping() -> None:
    """A new relation, category or certainty in the descriptor needs a README-documented mapping first."""
    from nme_data.export.kgx import COMPARISONS, CONDITION_CATEGORIES, RELATION_PREDICATES

    assert set(enum_of("associations", "relation")) <= set(RELATION_PREDICATES) | COMPARISONS
    assert set(enum_of("conditions", "category")) <= set(CONDITION_CATEGORIES)
    assert set(enum_of("associations", "certainty")) <= set(KNOWLEDGE_LEVELS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for relation, (predicate, _) in RELATION_PREDICATES.items():
        assert f"`associations` `{relation}`" in readme, relation
        assert f"`{predicate}`" in readme, predicate
    for relation in COMPARISONS:
        assert f"`associations` `{relation}` | no edge" in readme, relation
