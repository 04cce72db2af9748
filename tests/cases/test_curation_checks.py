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
from conftest import ROOT, Validated, ValidatedCopy, read_rows, shared_case, tree_hashes, write_rows
from nme_data.rules.curation import CERTAINTY_CUES, OPEN_LIST_CUES, cues_in

Location = tuple[str | None, int | None, str | None, str]
Edit = tuple[str, str, str, str]  # table, row id, field, new value


def row_of(table: str, row_id: str) -> int:
    """The row number the validator reports for a row id (the header is row 1)."""
    rows = read_rows(ROOT / "data" / f"{table}.csv")
    return next(number for number, row in enumerate(rows, start=1) if row[0] == row_id)


def apply(root: Path, edits: list[Edit]) -> None:
    for table, row_id, field, value in edits:
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[row_of(table, row_id) - 1][rows[0].index(field)] = value
        write_rows(path, rows)


#: case -> (edits, expected errors as (table, row id, field, code))
CASES: dict[str, tuple[list[Edit], list[tuple[str, str, str, str]]]] = {
    "may-stated": (
        [("sites", "intro-lower-abdomen", "certainty", "stated")],
        [("sites", "intro-lower-abdomen", "certainty", "certainty-overstated")],
    ),
    "is-considered-stated": (
        [("associations", "nme-part-of-glucagonoma-syndrome", "certainty", "stated")],
        [("associations", "nme-part-of-glucagonoma-syndrome", "certainty", "certainty-overstated")],
    ),
    "suggested-stated": (
        [("causes", "proposed-zinc-deficiency", "certainty", "stated")],
        [("causes", "proposed-zinc-deficiency", "certainty", "certainty-overstated")],
    ),
    "hedge-dropped-from-feature-quote": (
        [("clinical_features", "synchronous-stages", "certainty", "stated")],
        [("clinical_features", "synchronous-stages", "certainty", "certainty-overstated")],
    ),
    "plain-fact-hedged": (
        [("clinical_features", "red-rash", "certainty", "hedged")],
        [("clinical_features", "red-rash", "certainty", "certainty-unsupported")],
    ),
    "may-read-as-attributed": (
        [("sites", "features-thighs", "certainty", "attributed")],
        [("sites", "features-thighs", "certainty", "certainty-unsupported")],
    ),
    "closed-list-marked-open": (
        [("associations", "nme-glucagonoma", "open_list", "true")],
        [("associations", "nme-glucagonoma", "open_list", "open-list-mismatch")],
    ),
    "include-list-marked-closed": (
        [("histology", "epidermal-necrosis", "open_list", "false")],
        [("histology", "epidermal-necrosis", "open_list", "open-list-mismatch")],
    ),
    "exact-on-related-synonym": (
        [("mappings", "epidermal-hyperplasia-hp", "predicate_id", "skos:exactMatch")],
        [("mappings", "epidermal-hyperplasia-hp", "predicate_id", "predicate-overstated")],
    ),
    "exact-on-unscoped-synonym": (
        [
            ("mappings", "glucagonoma-syndrome-mondo", "predicate_id", "skos:exactMatch"),
            ("mappings", "glucagonoma-syndrome-mondo", "matched_name", "glucagonoma syndrome"),
        ],
        [
            ("mappings", "glucagonoma-syndrome-mondo", "predicate_id", "predicate-overstated"),
            ("mappings", "glucagonoma-syndrome-mondo", "object_id", "duplicate-exact-match"),
            ("mappings", "glucagonoma-mondo", "object_id", "duplicate-exact-match"),
        ],
    ),
    "matched-name-not-a-name": (
        [("mappings", "red-patches-hp", "matched_name", "Redness")],
        [("mappings", "red-patches-hp", "matched_name", "matched-name-mismatch")],
    ),
    "one-object-two-subjects": (
        [("mappings", "lower-abdomen-uberon", "predicate_id", "skos:exactMatch")],
        [
            ("mappings", "abdomen-uberon", "object_id", "duplicate-exact-match"),
            ("mappings", "lower-abdomen-uberon", "object_id", "duplicate-exact-match"),
        ],
    ),
    "phenotype-and-disease-both-exact": (
        [("mappings", "diabetes-mellitus-hp", "predicate_id", "skos:exactMatch")],
        [
            ("mappings", "diabetes-mellitus-hp", "predicate_id", "cross-kind-exact-match"),
            ("mappings", "diabetes-mellitus-mondo", "predicate_id", "cross-kind-exact-match"),
        ],
    ),
}


def expected_locations(case: str) -> list[Location]:
    return sorted(
        ((table, row_of(table, row_id), field, code) for table, row_id, field, code in CASES[case][1]), key=str
    )


def overstated(validated_copy: ValidatedCopy, case: str) -> Validated:
    """The case's edited copy and its report, made once for the library and the CLI test of the case."""
    return validated_copy(f"curation:{case}", lambda root: apply(root, CASES[case][0]), tree_hashes)


@pytest.mark.parametrize("case", [shared_case("curation", c) for c in sorted(CASES)])
def test_library_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = overstated(validated_copy, case)
    found = sorted(((e.table, e.row, e.field, e.code) for e in copy.report.errors), key=str)
    assert found == expected_locations(case)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", [shared_case("curation", c) for c in sorted(CASES)])
def test_cli_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = overstated(validated_copy, case)
    assert copy.cli_exit_code == 1, copy.cli_output + copy.cli_stderr  # the CLI's own validation, fresh cache
    document = json.loads(copy.cli_output)
    found = sorted(((e["table"], e["row"], e["field"], e["code"]) for e in document["errors"]), key=str)
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


FACT_TABLES = [
    "sites",
    "clinical_features",
    "associations",
    "causes",
    "histology",
    "management",
    "history",
    "classifications",
]


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
