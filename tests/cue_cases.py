"""The cue, naming and section catalogue (tests/cases/test_cues.py): each case's damage, the errors it must give, and
the shared runner that damages and validates a copy once per case; the rule-runner suite uses it too."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from catalogue import case_copy
from conftest import (
    ROOT,
    Validated,
    ValidatedCopy,
    descriptor_of,
    read_rows,
    write_rows,
)
from damage import resource
from nme_data.rules.cues import PROPERTY
from nme_data.rules.naming import PROPERTY as NAMES

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
    return case_copy(validated_copy, "cues", case, CASES[case][0])
