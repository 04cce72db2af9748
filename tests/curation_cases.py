"""The curation-rule catalogue (tests/cases/test_curation_checks.py): each case's cell edits, the errors they must
give, and the shared runner that damages and validates a copy once per case; also the fact tables. The rule-runner
and mutation suites use them too."""

from __future__ import annotations

from pathlib import Path

from catalogue import Location, case_copy
from conftest import ROOT, Validated, ValidatedCopy, read_rows, write_rows

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
    return case_copy(validated_copy, "curation", case, lambda root: apply(root, CASES[case][0]))


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
