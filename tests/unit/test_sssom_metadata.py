"""The mapping set's SSSOM metadata (the `sssom` property of the mappings resource) is complete.

An SSSOM exporter builds the YAML header from this metadata and the subject CURIEs from
`subject_curie_template`; these tests make sure nothing it needs is missing or disagrees with the rows.
"""

from __future__ import annotations

import re

import pytest

import nme_data
from nme_data.text.ontology import prefix

DESCRIPTOR = nme_data.descriptor()
RESOURCE = next(r for r in DESCRIPTOR["resources"] if r["name"] == "mappings")
SSSOM = RESOURCE["sssom"]
MAPPINGS = nme_data.load("mappings")
#: subject_table -> the column that names its rows (SSSOM subject_label).
NAME_COLUMN = {
    "conditions": "name",
    "anatomical_sites": "name",
    "clinical_features": "feature",
    "histology": "finding",
    "management": "intervention",
}
CURIE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_./-]+$")


@pytest.mark.parametrize(
    "key",
    [
        "mapping_set_id",
        "mapping_set_version",
        "license",
        "curie_map",
        "mapping_date",
        "subject_source",
        "subject_source_version",
        "subject_curie_template",
        "object_source_map",
    ],
)
def test_required_metadata_is_explicit(key: str) -> None:
    assert SSSOM.get(key), f"sssom.{key} is missing or empty (sssom-py would fill some of these silently)"


def test_urls_versions_and_date() -> None:
    assert SSSOM["mapping_set_id"].startswith("https://")
    assert SSSOM["license"].startswith("https://creativecommons.org/")
    assert SSSOM["mapping_set_version"] == DESCRIPTOR["version"]
    assert SSSOM["subject_source_version"] == DESCRIPTOR["version"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", SSSOM["mapping_date"])


def test_curie_map_declares_every_prefix_used() -> None:
    used = {prefix(curie) for curie in MAPPINGS["object_id"]}
    used |= {prefix(p) for p in MAPPINGS["predicate_id"]} | {prefix(j) for j in MAPPINGS["mapping_justification"]}
    used |= {prefix(SSSOM["subject_source"]), prefix(SSSOM["subject_curie_template"])}
    used |= {prefix(s) for s in SSSOM["object_source_map"].values() if not s.startswith("http")}
    assert used <= set(SSSOM["curie_map"]), used - set(SSSOM["curie_map"])
    assert all(iri.startswith("http") for iri in SSSOM["curie_map"].values())


def test_object_source_map_covers_every_object_source() -> None:
    assert set(MAPPINGS["object_source"]) <= set(SSSOM["object_source_map"])


def test_subject_curies_are_well_formed_and_unique_per_subject() -> None:
    curies = {
        SSSOM["subject_curie_template"].format(subject_table=table, subject_id=subject)
        for table, subject in zip(MAPPINGS["subject_table"], MAPPINGS["subject_id"], strict=True)
    }
    assert all(CURIE.match(curie) for curie in curies)
    subjects = set(zip(MAPPINGS["subject_table"], MAPPINGS["subject_id"], strict=True))
    assert len(curies) == len(subjects)


@pytest.mark.parametrize("mapping_id", list(MAPPINGS["id"]))
def test_subject_label_is_the_subject_rows_name(mapping_id: str) -> None:
    row = MAPPINGS.set_index("id").loc[mapping_id]
    table = nme_data.load(row["subject_table"]).set_index("id")
    assert row["subject_label"] == table.loc[row["subject_id"], NAME_COLUMN[row["subject_table"]]]
