"""The cue rules (nme_data.rules.cues): each typed value the quote's words decide is licensed by its quote;
and the naming rule (nme_data.rules.naming): each quote names its row.

Each case edits a temporary copy (cells and, for some, the copy's own descriptor), validates it through the
library and through the CLI (both tests of a case share the copy), and compares every error's (table, row,
field, code) to an exact list; the message must name the cue the rule found. Since 3.0.0 a case that edits
the copy's cue declarations (adds, drops, breaks them) is refused as `schema-differs`: the release's
declarations are the only ones applied.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nme_data
from catalogue import found_locations
from conftest import (
    ROOT,
    ValidatedCopy,
    assert_schema_refused,
    schema_edited,
    shared_case,
    tree_hashes,
)
from cue_cases import (
    CASES,
    damaged,
    expected,
    set_cells,
)
from nme_data.package import DataPackage
from nme_data.rules.cues import PROPERTY, declared, found_cues
from nme_data.rules.naming import PROPERTY as NAMES
from nme_data.rules.naming import names
from nme_data.rules.sections import anchor, stretch


@pytest.mark.parametrize("case", [shared_case("cues", c) for c in sorted(CASES)])
def test_library_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = damaged(validated_copy, case)
    if schema_edited(copy.root):  # since 3.0.0: a copy's own cue declarations are refused, never applied
        assert_schema_refused([e.code for e in copy.report.errors], copy.report.tables_checked)
        assert tree_hashes(copy.root) == copy.before
        return
    found = found_locations(copy.report.errors)
    assert found == expected(case)
    assert any(CASES[case][2] in e.message for e in copy.report.errors)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", [shared_case("cues", c) for c in sorted(CASES)])
def test_cli_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = damaged(validated_copy, case)
    root = copy.root
    # `nme-data validate ROOT --format json`, the CLI's own validation of the copy (on a fresh cache)
    assert copy.cli_exit_code == 1, copy.cli_output + copy.cli_stderr
    errors = json.loads(copy.cli_output)["errors"]
    if schema_edited(root):
        assert_schema_refused([e["code"] for e in errors])
        return
    assert found_locations(errors) == expected(case)
    assert any(CASES[case][2] in e["message"] for e in errors)


def test_typed_schema_runs_the_cue_rules() -> None:
    """The pandera schema of a loaded table catches what the raw-text validator does."""
    import pandera.errors

    from nme_data import schemas

    frame = nme_data.load("histology")
    frame.loc[frame["id"] == "epidermal-necrosis", "most_characteristic"] = True
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("histology").validate(frame, lazy=True)
    checks = set(caught.value.failure_cases["check"].astype(str))
    assert any(check.startswith("value-unlicensed|most_characteristic|") for check in checks)


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("although less commonly the abdomen", {"less_common": "less commonly"}),  # not also 'commonly'
        ("It commonly affects the limbs", {"common": "commonly"}),
        ("It particularly affects", {"characteristic": "particularly"}),
        ("but may also be found on", {"less_common": "but may also"}),  # the contrast, not 'also'
        ("it may also be found on", {}),
        ("uncommonly seen", {}),  # a cue is whole words
        ("It PARTICULARLY affects", {"characteristic": "particularly"}),
    ],
)
def test_found_cues_prominence(text: str, cues: dict[str, str]) -> None:
    prominence = next(c for c in declared(DataPackage.open(ROOT).table("sites").fields) if c.field == "prominence")
    assert found_cues(prominence, text, {}) == cues


@pytest.mark.parametrize(
    ("finding", "found"),
    [
        ("papillary dermal hyperplasia", {"marked": "marked {finding}"}),
        ("epidermal hyperplasia", {}),  # 'marked' is in the quote, but not before this finding
        ("dermal (hyperplasia", {}),  # the cell is literal text, never a pattern
    ],
)
def test_placeholders_read_the_rows_cell(finding: str, found: dict[str, str]) -> None:
    severity = next(c for c in declared(DataPackage.open(ROOT).table("histology").fields) if c.field == "severity")
    quote = "confluent parakeratosis, epidermal hyperplasia, and marked papillary dermal hyperplasia"
    assert found_cues(severity, quote, {"finding": finding}) == found


def test_every_typed_column_of_a_fact_table_says_what_decides_it() -> None:
    """Each enum or flag of a fact table declares its cues, or what decides it and which check covers it."""
    package = DataPackage.open(ROOT)
    for table in package.tables.values():
        if not {"evidence", "certainty"} <= set(table.field_names):
            continue
        for spec in table.fields:
            typed = "enum" in (spec.get("constraints") or {}) or spec.get("type") == "boolean"
            if typed:
                declaration = spec.get(PROPERTY)
                assert isinstance(declaration, dict), (table.name, spec["name"])
                assert "values" in declaration or declaration["coveredBy"], (table.name, spec["name"])


@pytest.mark.parametrize(
    ("quote", "candidates", "named"),
    [
        ("a red, blistering rash", ["red rash"], True),  # words, in any order, case ignored
        ("It commonly affects the limbs and skin surrounding the lips", ["skin around the mouth"], False),
        ("Tumors that secrete insulin- or insulin-like growth factor 2", ["Tumors that secrete insulin"], True),
        ("The pathogenesis is also unknown.", ["cause"], False),
        ("The cause of NME is unknown", ["pathogenesis", "cause"], True),  # one name is enough
    ],
)
def test_names(quote: str, candidates: list[str], named: bool) -> None:
    assert names(quote, candidates) is named


def test_every_fact_table_declares_what_names_its_rows() -> None:
    package = DataPackage.open(ROOT)
    for table in package.tables.values():
        if {"evidence", "certainty"} <= set(table.field_names):
            assert any(NAMES in spec for spec in table.fields), table.name


@pytest.mark.parametrize(
    ("start", "end", "stretch_text"),
    [
        (None, "Signs and symptoms", "intro.\n\n"),
        ("Clinical features", "Associated conditions", "features.\n\n"),
        ("External links", None, "Erythemas"),
        ("No such heading", None, None),
    ],
)
def test_stretch(start: str | None, end: str | None, stretch_text: str | None) -> None:
    text = (
        "intro.\n\nSigns and symptoms\n\nClinical features\nfeatures.\n\nAssociated conditions\n"
        "External links \nErythemas"
    )
    span = stretch(text, start, end)
    assert (text[span[0] : span[1]] if span else None) == stretch_text


def test_anchor_finds_each_part_after_the_previous_one() -> None:
    text = "include: a. b include: a. c"
    assert anchor(text, "b [...] a.") == [(12, 13), (23, 25)]  # the second 'a.' is the one meant


@pytest.mark.parametrize(
    ("field", "text", "cues"),
    [
        ("context", "When NME is identified in the absence of a glucagonoma, it may be considered", {}),
        (
            "context",
            "Less common than NME with glucagonoma, pseudoglucagonoma syndrome",
            {"pseudoglucagonoma_syndrome": "pseudoglucagonoma"},
        ),
        (
            "context",
            "It is not seen without glucagonoma; it is strongly associated with glucagonoma",
            {"glucagonoma": "glucagonoma"},
        ),  # the negated span ends at its clause
        ("relation", "it may be considered a risk", {}),  # 'be considered' names only with quotation marks
        ("relation", 'it may be considered "pseudoglucagonoma syndrome"', {"termed": 'be considered "'}),
    ],
)
def test_cues_respect_negation_comparison_and_naming(field: str, text: str, cues: dict[str, str]) -> None:
    """nme:scopes: a cue inside a negated or compared span licenses nothing."""
    declaration = next(c for c in declared(DataPackage.open(ROOT).table("associations").fields) if c.field == field)
    assert found_cues(declaration, text, {}) == cues


def test_the_descriptor_declares_negation_and_comparison_once() -> None:
    from nme_data.rules.cues import SCOPES_PROPERTY, blocked, scope_phrases

    descriptor = DataPackage.open(ROOT).descriptor
    phrases = scope_phrases(descriptor)
    assert {"in the absence of", "than"} <= set(phrases)
    assert not any(SCOPES_PROPERTY in r.get("schema", {}) for r in descriptor["resources"])
    text = "When NME is identified in the absence of a glucagonoma, it may be considered"
    assert [text[a:b] for a, b in blocked(text, phrases)] == ["in the absence of a glucagonoma"]


def test_frequency_range_needs_between_n_and_m_percent() -> None:
    qualifier = next(
        c for c in declared(DataPackage.open(ROOT).table("associations").fields) if c.field == "frequency_qualifier"
    )
    row = {"frequency_min_percent": "10", "frequency_max_percent": "20"}
    assert found_cues(qualifier, "between 10 and 20% of persons", row) == {
        "range": "between {frequency_min_percent} and {frequency_max_percent}%"
    }
    assert found_cues(qualifier, "seen between the folds in 20% of persons", row) == {}


@pytest.mark.parametrize(("table", "field", "value"), [("associations", "frequency_qualifier", "point")])
def test_a_value_no_declaration_licenses_says_so_and_where_to_declare_one(
    package_copy: Path, table: str, field: str, value: str
) -> None:
    set_cells([(table, "nme-glucagonoma", field, value)])(package_copy)
    errors = [e for e in nme_data.validate(package_copy).errors if e.code == "value-unlicensed" and e.field == field]
    assert len(errors) == 1
    assert "none declared" not in errors[0].message
    assert "nme:cues" in errors[0].message
    assert "store an empty cell" in errors[0].message
