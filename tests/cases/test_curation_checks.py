"""The curation rules hold on the shipped data and catch each kind of overstatement in a damaged copy.

Each case edits a temporary copy of the package, validates it through the library and through the
CLI (both tests of a case share the copy and its validation), and compares the (table, row, field,
code) of every error to an exact expected list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nme_data
from catalogue import found_locations
from conftest import ROOT, ValidatedCopy, shared_case, tree_hashes
from curation_cases import CASES, FACT_TABLES, apply, expected_locations, overstated, row_of
from nme_data.rules.curation import CERTAINTY_CUES, OPEN_LIST_CUES, cues_in


@pytest.mark.parametrize("case", [shared_case("curation", c) for c in sorted(CASES)])
def test_library_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = overstated(validated_copy, case)
    found = found_locations(copy.report.errors)
    assert found == expected_locations(case)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", [shared_case("curation", c) for c in sorted(CASES)])
def test_cli_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = overstated(validated_copy, case)
    assert copy.cli_exit_code == 1, copy.cli_output + copy.cli_stderr  # the CLI's own validation, fresh cache
    document = json.loads(copy.cli_output)
    found = found_locations(document["errors"])
    assert found == expected_locations(case)


def test_shipped_data_passes_every_curation_rule() -> None:
    codes = {e.code for e in nme_data.validate().errors}
    assert codes == set()


def test_typed_schema_runs_the_same_rules(package_copy: Path) -> None:
    """The pandera schema of a loaded table (typed view) catches what the raw-text validator does."""
    import pandera.errors

    from nme_data import schemas

    frame = nme_data.load("sites")
    frame.loc[frame["id"] == "intro-groin", "certainty"] = "stated"
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("sites").validate(frame, lazy=True)
    assert "certainty-overstated|certainty" in set(caught.value.failure_cases["check"].astype(str))


@pytest.mark.parametrize(
    ("quote", "cues"),
    [
        ("It particularly affects the skin around the mouth", set()),
        ("but may also be found on the lower abdomen", {"hedged"}),
        ('it may be considered "pseudoglucagonoma syndrome"', {"hedged"}),
        ("NME is considered part of the glucagonoma syndrome", {"attributed"}),
        ("various mechanisms have been suggested. These include", {"proposed"}),
        ("Mayo clinic", set()),  # a cue is a whole word
    ],
)
def test_cues_in(quote: str, cues: set[str]) -> None:
    assert cues_in(quote) == cues


def test_descriptor_documents_the_rules_cues() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        if "certainty" in fields:
            assert fields["certainty"]["enumCues"] == {k: list(v) for k, v in CERTAINTY_CUES.items()}
            assert fields["certainty"]["constraints"]["enum"] == list(CERTAINTY_CUES)
            assert "categoriesOrdered" not in fields["certainty"]
        if "open_list" in fields:
            assert fields["open_list"]["openListCues"] == list(OPEN_LIST_CUES)


@pytest.mark.parametrize("table", FACT_TABLES)
def test_every_fact_table_has_certainty_and_open_list(table: str) -> None:
    frame = nme_data.load(table)
    assert frame["certainty"].notna().all()
    assert frame["open_list"].notna().all()


def test_unreadable_certainty_is_the_enum_error_only(package_copy: Path) -> None:
    """An unknown certainty is reported once, by the spec layer; the curation rule does not pile on."""
    apply(package_copy, [("sites", "intro-groin", "certainty", "definite")])
    found = [(e.table, e.row, e.field, e.code) for e in nme_data.validate(package_copy).errors]
    assert found == [("sites", row_of("sites", "intro-groin"), "certainty", "constraint-error")]
