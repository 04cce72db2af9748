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
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import (
    ROOT,
    Validated,
    ValidatedCopy,
    assert_schema_refused,
    descriptor_of,
    read_rows,
    schema_edited,
    shared_case,
    tree_hashes,
    write_rows,
)
from damage import resource
from nme_data.cli import main
from nme_data.package import DataPackage
from nme_data.rules.cues import PROPERTY, declared, found_cues
from nme_data.rules.naming import PROPERTY as NAMES
from nme_data.rules.naming import names
from nme_data.rules.sections import anchor, stretch

Edit = tuple[str, str, str, str]  # table, row id, field, new value
Expected = tuple[str, str | None, str | None, str]  # table, row id, field, code


def row_of(table: str, row_id: str) -> int:
    """A row's line; an anchor of evidence_anchors is named 'table:row id:part'."""
    rows = read_rows(ROOT / "data" / f"{table}.csv")
    if table == "evidence_anchors":
        return next(number for number, row in enumerate(rows, start=1) if ":".join(row[:3]) == row_id)
    return next(number for number, row in enumerate(rows, start=1) if row[0] == row_id)


def set_cells(edits: list[Edit]) -> Callable[[Path], None]:
    def damage(root: Path) -> None:
        for table, row_id, field, value in edits:
            path = root / "data" / f"{table}.csv"
            rows = read_rows(path)
            rows[row_of(table, row_id) - 1][rows[0].index(field)] = value
            write_rows(path, rows)

    return damage


def with_descriptor(change: Callable[[dict], None], edits: list[Edit]) -> Callable[[Path], None]:
    def damage(root: Path) -> None:
        descriptor = descriptor_of(root)
        change(descriptor)
        (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        set_cells(edits)(root)

    return damage


def drop_every_declaration(descriptor: dict) -> None:
    for item in descriptor["resources"]:
        for spec in item["schema"]["fields"]:
            spec.pop(PROPERTY, None)


def declare_see_also(descriptor: dict) -> None:
    kind = next(f for f in resource(descriptor, "classifications")["schema"]["fields"] if f["name"] == "kind")
    kind[PROPERTY] = {"values": {"see_also": ["List of"], "article_category": []}, "default": "article_category"}


def malformed(descriptor: dict) -> None:
    prominence = next(f for f in resource(descriptor, "sites")["schema"]["fields"] if f["name"] == "prominence")
    prominence[PROPERTY] = {"values": "particularly"}


def unknown_column(descriptor: dict) -> None:
    severity = next(f for f in resource(descriptor, "histology")["schema"]["fields"] if f["name"] == "severity")
    severity[PROPERTY]["values"]["marked"] = ["marked {no_such_field}"]


def drop_synonyms(descriptor: dict) -> None:
    feature = next(f for f in resource(descriptor, "clinical_features")["schema"]["fields"] if f["name"] == "feature")
    feature[NAMES] = {}


def malformed_names(descriptor: dict) -> None:
    site = next(f for f in resource(descriptor, "sites")["schema"]["fields"] if f["name"] == "site")
    site[NAMES] = {"synonyms": ["mouth"]}


def malformed_sections(descriptor: dict) -> None:
    kind = next(f for f in resource(descriptor, "classifications")["schema"]["fields"] if f["name"] == "kind")
    kind["nme:sections"] = {"see_also": "See also"}


ABDOMEN = "although less commonly the abdomen, perineum, thighs, buttocks, and groin may be affected"
CROHN = "pseudoglucagonoma syndrome may occur in a number of systemic disorders: [...] Crohn's disease"
PUSTULES = "The histopathologic features of NME are nonspecific and include: [...] subcorneal pustules"

#: case -> (damage, expected errors, words the message of one of them must hold)
CASES: dict[str, tuple[Callable[[Path], None], list[Expected], str]] = {
    "less-commonly-read-as-characteristic": (
        set_cells([("sites", "features-abdomen", "prominence", "characteristic")]),
        [("sites", "features-abdomen", "prominence", "value-contradicted")],
        "'less commonly'",
    ),
    "may-also-read-as-common": (
        set_cells([("sites", "intro-groin", "prominence", "common")]),
        [("sites", "intro-groin", "prominence", "value-contradicted")],
        "'but may also'",
    ),
    "strong-without-strongly": (
        set_cells([("associations", "nme-glucagonoma-frequency", "strength", "strong")]),
        [("associations", "nme-glucagonoma-frequency", "strength", "value-unlicensed")],
        "'strongly'",
    ),
    "occur-read-as-part-of": (
        set_cells([("associations", "pseudoglucagonoma-syndrome-celiac-disease", "relation", "part_of")]),
        [("associations", "pseudoglucagonoma-syndrome-celiac-disease", "relation", "value-contradicted")],
        "'occur'",
    ),
    "typically-dropped": (
        set_cells([("management", "surgical-resection", "outcome_qualifier", "")]),
        [("management", "surgical-resection", "outcome_qualifier", "value-contradicted")],
        "'typically'",
    ),
    "marked-on-the-wrong-finding": (
        set_cells([("histology", "epidermal-hyperplasia", "severity", "marked")]),
        [("histology", "epidermal-hyperplasia", "severity", "value-unlicensed")],
        "'marked {finding}'",
    ),
    "present-read-as-usually-negative": (
        set_cells([("histology", "epidermal-necrosis", "result", "usually_negative")]),
        [("histology", "epidermal-necrosis", "result", "value-unlicensed")],
        "'usually negative'",
    ),
    "layer-read-in-the-finding": (
        set_cells([("histology", "suppurative-folliculitis", "layer", "epidermis")]),
        [("histology", "suppurative-folliculitis", "layer", "value-contradicted")],
        "'folliculitis'",
    ),
    "most-characteristic-without-its-words": (
        set_cells([("histology", "epidermal-necrosis", "most_characteristic", "TRUE")]),
        [("histology", "epidermal-necrosis", "most_characteristic", "value-unlicensed")],
        "'most characteristic'",
    ),
    "copy-drops-its-declarations": (  # the shipped declarations still hold: a copy may not loosen them
        with_descriptor(drop_every_declaration, [("sites", "features-abdomen", "prominence", "common")]),
        [("sites", "features-abdomen", "prominence", "value-contradicted")],
        "'less commonly'",
    ),
    "copy-adds-a-declaration": (
        with_descriptor(
            declare_see_also, [("classifications", "nme-cutaneous-conditions", "kind", "article_category")]
        ),
        [
            ("classifications", "nme-cutaneous-conditions", "kind", "section-mismatch"),
            ("classifications", "nme-cutaneous-conditions", "kind", "value-contradicted"),
        ],
        "'List of'",
    ),
    "malformed-declaration": (
        with_descriptor(malformed, []),
        [("sites", None, None, "schema-error")],
        "nme:cues",
    ),
    "another-rows-quote-on-a-site": (
        set_cells([("sites", "intro-lower-abdomen", "evidence", ABDOMEN)]),
        [
            ("sites", "intro-lower-abdomen", "evidence", "quote-misses-row"),
            ("sites", "intro-lower-abdomen", "section", "section-mismatch"),  # and it sits in another section
            ("evidence_anchors", "sites:intro-lower-abdomen:1", "start", "anchor-mismatch"),  # a stale anchor
        ],
        "names none of the row's site",
    ),
    "another-rows-quote-on-an-association": (  # the object's name is looked up in conditions
        set_cells([("associations", "pseudoglucagonoma-syndrome-celiac-disease", "evidence", CROHN)]),
        [
            ("associations", "pseudoglucagonoma-syndrome-celiac-disease", "evidence", "quote-misses-row"),
            (
                "evidence_anchors",
                "associations:pseudoglucagonoma-syndrome-celiac-disease:2",
                "start",
                "anchor-mismatch",
            ),
        ],
        "names none of the row's object_id",
    ),
    "another-rows-quote-on-a-finding": (
        set_cells([("histology", "epidermal-necrosis", "evidence", PUSTULES)]),
        [
            ("histology", "epidermal-necrosis", "evidence", "quote-misses-row"),
            ("evidence_anchors", "histology:epidermal-necrosis:2", "start", "anchor-mismatch"),  # its old part 2
        ],
        "names none of the row's finding",
    ),
    "synonym-dropped": (  # 'affected areas' is not in the quote; only its declared synonym is
        with_descriptor(drop_synonyms, []),
        [("clinical_features", "dry-or-fissured-skin", "evidence", "quote-misses-row")],
        "names none of the row's feature",
    ),
    "a-features-quote-filed-under-the-introduction": (
        set_cells([("sites", "features-limbs", "section", "introduction")]),
        [("sites", "features-limbs", "section", "section-mismatch")],
        "part of the article section names",
    ),
    "a-category-filed-as-see-also": (
        set_cells([("classifications", "nme-erythemas", "kind", "see_also")]),
        [("classifications", "nme-erythemas", "kind", "section-mismatch")],
        "part of the article kind names",
    ),
    "frequency-raised-to-100": (  # 'as many as 70%': the bound and its qualifier's cue both name 70
        set_cells([("associations", "nme-glucagonoma-frequency", "frequency_max_percent", "100")]),
        [
            ("associations", "nme-glucagonoma-frequency", "frequency_max_percent", "number-not-in-quote"),
            ("associations", "nme-glucagonoma-frequency", "frequency_qualifier", "value-unlicensed"),
        ],
        "is not written in the quote",
    ),
    "a-minimum-beside-an-upper-bound": (
        set_cells([("associations", "nme-glucagonoma-frequency", "frequency_min_percent", "70")]),
        [("associations", "nme-glucagonoma-frequency", "frequency_min_percent", "number-qualifier-mismatch")],
        "filled exactly when frequency_qualifier",
    ),
    "history-year-moved": (
        set_cells([("history", "becker-1942", "year", "1850")]),
        [("history", "becker-1942", "year", "number-not-in-quote")],
        "year's value is not written in the quote",
    ),
    "malformed-sections-declaration": (
        with_descriptor(malformed_sections, []),
        [("classifications", None, None, "schema-error")],
        "nme:sections",
    ),
    "malformed-names-declaration": (
        with_descriptor(malformed_names, []),
        [("sites", None, None, "schema-error")],
        "nme:namesRow",
    ),
    "declaration-names-no-field": (
        with_descriptor(unknown_column, []),
        [("histology", None, None, "schema-error")],
        "no_such_field",
    ),
}


def expected(case: str) -> list[tuple[str, int | None, str | None, str]]:
    return sorted(
        ((t, row_of(t, r) if r else None, f, c) for t, r, f, c in CASES[case][1]),
        key=str,
    )


def damaged(validated_copy: ValidatedCopy, case: str) -> Validated:
    return validated_copy(f"cues:{case}", CASES[case][0], tree_hashes)


@pytest.mark.parametrize("case", [shared_case("cues", c) for c in sorted(CASES)])
def test_library_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = damaged(validated_copy, case)
    if schema_edited(copy.root):  # since 3.0.0: a copy's own cue declarations are refused, never applied
        assert_schema_refused([e.code for e in copy.report.errors], copy.report.tables_checked)
        assert tree_hashes(copy.root) == copy.before
        return
    found = sorted(((e.table, e.row, e.field, e.code) for e in copy.report.errors), key=str)
    assert found == expected(case)
    assert any(CASES[case][2] in e.message for e in copy.report.errors)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", [shared_case("cues", c) for c in sorted(CASES)])
def test_cli_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    root = damaged(validated_copy, case).root
    result = CliRunner().invoke(main, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    errors = json.loads(result.output)["errors"]
    if schema_edited(root):
        assert_schema_refused([e["code"] for e in errors])
        return
    assert sorted(((e["table"], e["row"], e["field"], e["code"]) for e in errors), key=str) == expected(case)
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
