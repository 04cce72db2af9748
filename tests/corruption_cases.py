"""The corruption catalogue (tests/cases/test_corruption.py) and its shared runner: one damage per case and the exact
(table, row, field, code) errors it must give; the rule-runner, tier-1 and curator-report suites run it too."""

from __future__ import annotations

import nme_data
from catalogue import Location, case_copy
from conftest import (
    ROOT,
    Validated,
    ValidatedCopy,
    read_rows,
    shared_case,
)
from damage import (
    Corruption,
    descriptor_text,
    edit_descriptor,
    rewrite_bytes,
    rewrite_rows,
    set_cell,
    spreadsheet_save,
)


def anchor_of(table: str, row_id: str, part: int = 1) -> int:
    """The line of a row's evidence anchor in data/evidence_anchors.csv: a renamed row orphans it."""
    rows = read_rows(ROOT / "data" / "evidence_anchors.csv")
    return next(n for n, row in enumerate(rows, start=1) if row[:3] == [table, row_id, str(part)])


def sites_resource(descriptor: dict) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == "sites")


write_descriptor_text = descriptor_text


# Row 5 of sites.csv is "intro-buttocks"; row 2 of history.csv is William Becker's 1942 description.
CASES: dict[str, tuple[Corruption, list[Location]]] = {
    # structure
    "empty-file": (rewrite_bytes("sites", lambda b: b""), [("sites", None, None, "empty-file")]),
    "missing-file": (lambda root: (root / "data" / "sites.csv").unlink(), [("sites", None, None, "file-not-found")]),
    "nul-byte": (
        rewrite_bytes("sites", lambda b: b.replace(b"intro-buttocks", b"intro-butt\x00ocks", 1)),
        [("sites", 5, None, "nul-byte")],
    ),
    "not-utf8": (
        rewrite_bytes("sites", lambda b: b.replace(b",buttocks,", b",butt\xe9ocks,", 1)),
        [("sites", 5, None, "encoding-error")],
    ),
    "utf-16": (spreadsheet_save("history", "\t", "utf-16"), [("history", 1, None, "encoding-error")]),
    # a spreadsheet's delimiter: one error per table, not one per label
    "semicolon-delimited": (spreadsheet_save("sites", ";"), [("sites", None, None, "wrong-delimiter")]),
    "tab-delimited": (spreadsheet_save("history", "\t"), [("history", None, None, "wrong-delimiter")]),
    "blank-row": (
        rewrite_bytes("sites", lambda b: b.replace(b"\nintro-buttocks", b"\n\nintro-buttocks", 1)),
        [("sites", 5, None, "blank-row")],  # one blank row, one error: not a primary-key error as well
    ),
    "extra-cell": (
        rewrite_bytes("history", lambda b: b.replace(b"wikipedia-nme", b"wikipedia-nme,extra", 1)),
        [("history", 2, None, "extra-cell")],
    ),
    "missing-cell": (
        rewrite_bytes("history", lambda b: b.replace(b",wikipedia-nme", b"", 1)),
        [("history", 2, "source_id", "constraint-error"), ("history", 2, "source_id", "missing-cell")],
    ),
    "truncated-unbalanced-quote": (
        rewrite_bytes("history", lambda b: b[: b.index(b"William Becker first") - 1] + b'"William Becker first'),
        [
            ("history", 2, "evidence", "constraint-error"),
            ("history", 2, "evidence", "missing-cell"),
            ("history", 2, "open_list", "type-error"),
            ("history", 2, "source_id", "constraint-error"),
            ("history", 2, "source_id", "missing-cell"),
        ],
    ),
    "bare-carriage-return": (
        rewrite_bytes("history", lambda b: b.replace(b",William Becker,", b",William\rBecker,")),
        None,  # checked separately: the header is misread, which must be reported, not crash
    ),
    # header
    "column-extra": (
        rewrite_rows("history", lambda r: [*r, "notes" if r[0] == "id" else "x"]),
        [("history", None, "notes", "extra-label")],
    ),
    "column-duplicated": (
        rewrite_rows("history", lambda r: [*r, r[0]]),
        [("history", None, "id", "duplicate-label")],
    ),
    "column-missing-last": (
        rewrite_rows("history", lambda r: r[:-1]),
        [("history", None, "source_id", "missing-label")],
    ),
    "columns-reordered": (
        rewrite_rows("history", lambda r: [r[0], r[1], r[3], r[2], *r[4:]]),
        [("history", None, None, "header-order")],
    ),
    # types and constraints
    "wrong-type": (set_cell("history", 2, "year", "nineteen"), [("history", 2, "year", "type-error")]),
    "out-of-range": (set_cell("history", 2, "year", "1700"), [("history", 2, "year", "constraint-error")]),
    "not-in-enum": (set_cell("sites", 5, "prominence", "often"), [("sites", 5, "prominence", "constraint-error")]),
    "pattern": (  # the renamed row's anchor now names a row that does not exist
        set_cell("history", 2, "id", "Becker_1942"),
        [
            ("history", 2, "id", "constraint-error"),
            ("evidence_anchors", anchor_of("history", "becker-1942"), "row_id", "anchor-orphan"),
        ],
    ),
    "required-empty": (set_cell("history", 2, "person", ""), [("history", 2, "person", "constraint-error")]),
    "duplicate-primary-key": (
        set_cell("causes", 3, "id", "nme-cause-unknown"),
        [  # one error per duplicate key: no unique-error twin; the renamed row's anchor is orphaned
            ("causes", 3, None, "primary-key"),
            ("evidence_anchors", anchor_of("causes", "nme-pathogenesis-unknown"), "row_id", "anchor-orphan"),
        ],
    ),
    "padded-primary-key": (
        set_cell("causes", 3, "id", " nme-cause-unknown"),
        [
            ("causes", 3, "id", "constraint-error"),
            ("evidence_anchors", anchor_of("causes", "nme-pathogenesis-unknown"), "row_id", "anchor-orphan"),
        ],
    ),
    "dangling-foreign-key": (
        set_cell("history", 2, "object_id", "no-such-condition"),
        [("history", 2, "object_id", "foreign-key")],
    ),
    "row-rule": (  # without its factor the row's quote names nothing of it ("mechanisms" names no aspect)
        set_cell("causes", 4, "factor_id", ""),
        [("causes", 4, "factor_id", "row-rule"), ("causes", 4, "evidence", "quote-misses-row")],
    ),
    # semantics
    "evidence-paraphrased": (
        set_cell("history", 2, "evidence", "William Becker first described NME and glucagonoma in 1942"),
        [("history", 2, "evidence", "evidence-not-verbatim")],
    ),
    "evidence-second-part-wrong": (
        set_cell(
            "management",
            3,
            "evidence",
            "Managing the original condition, glucagonoma, by octreotide or surgery. [...] "
            "After resection, the rash typically resolves within days, cured",
        ),
        [("management", 3, "evidence", "evidence-not-verbatim")],
    ),
    "identifier-malformed": (
        set_cell("mappings", 2, "object_id", "HP:12"),
        [("mappings", 2, "object_id", "constraint-error"), ("mappings", 2, "object_id", "identifier-malformed")],
    ),
    "identifier-unknown": (
        set_cell("mappings", 2, "object_id", "HP:9999999"),
        [("mappings", 2, "object_id", "identifier-unknown")],
    ),
    "identifier-other-system": (
        set_cell("mappings", 2, "object_source", "MONDO"),
        [("mappings", 2, "object_source", "identifier-system-mismatch")],
    ),
    "label-mismatch": (
        set_cell("mappings", 2, "object_label", "Blisters"),
        [("mappings", 2, "object_label", "label-mismatch")],
    ),
    "mapping-subject-missing": (
        set_cell("mappings", 2, "subject_id", "no-such-feature"),
        [("mappings", 2, "subject_id", "subject-not-found")],
    ),
    "source-snapshot-edited": (
        lambda root: (root / "source" / "necrolytic-migratory-erythema.txt").write_text("edited", encoding="utf-8"),
        None,  # checked separately: every evidence row fails too
    ),
    # descriptor
    "invalid-json": (write_descriptor_text("{not json"), [(None, None, None, "descriptor-invalid-json")]),
    "descriptor-not-object": (write_descriptor_text("[]"), [(None, None, None, "descriptor-invalid")]),
    "no-resources": (edit_descriptor(lambda d: d.update(resources=[])), [(None, None, None, "descriptor-invalid")]),
    "unknown-field-type": (
        edit_descriptor(lambda d: sites_resource(d)["schema"]["fields"][2].update(type="strnig")),
        [("sites", None, None, "field-error")],
    ),
    "resource-without-name": (
        edit_descriptor(lambda d: sites_resource(d).pop("name")),
        [(None, None, None, "descriptor-invalid")],
    ),
    "absolute-path": (
        edit_descriptor(lambda d: sites_resource(d).update(path="/etc/passwd")),
        [("sites", None, None, "unsafe-path")],
    ),
    "climbing-path": (
        edit_descriptor(lambda d: sites_resource(d).update(path="../../etc/passwd")),
        [("sites", None, None, "unsafe-path")],
    ),
    "url-path": (
        edit_descriptor(lambda d: sites_resource(d).update(path="https://example.org/sites.csv")),
        [("sites", None, None, "unsafe-path")],
    ),
    "url-schema": (
        edit_descriptor(lambda d: sites_resource(d).update(schema="https://example.org/schema.json")),
        [("sites", None, None, "unsafe-path")],
    ),
    "url-profile": (
        edit_descriptor(lambda d: d.update({"$schema": "https://example.org/profile.json"})),
        [(None, None, None, "unsafe-path")],
    ),
    # spreadsheet safety
    **{
        f"formula-{name}": (
            set_cell("history", 2, "person", f"{start}SUM(A1)"),
            [("history", 2, "person", "formula-injection")]
            # a tab or carriage return is also a control character (the tool-owned profile, tests/cases/test_profile.py)
            + ([("history", 2, "person", "profile-control-character")] if start in "\t\r" else []),
        )
        for name, start in [("equals", "="), ("plus", "+"), ("minus", "-"), ("at", "@"), ("tab", "\t"), ("cr", "\r")]
    },
}


def locations(report: nme_data.validation.Report) -> list[Location]:
    return [(e.table, e.row, e.field, e.code) for e in report.sorted_errors()]


def corrupted(validated_copy: ValidatedCopy, case: str) -> Validated:
    """The case's damaged copy and its report, made once for every test of the case."""
    return case_copy(validated_copy, "corruption", case, CASES[case][0])


#: Every case, as parameters whose tests share one damaged copy (test_curate_reports uses them too).
SHARED_CASES = [shared_case("corruption", name) for name in CASES]


LOCATED_CASES = [shared_case("corruption", name) for name, (_, expected) in CASES.items() if expected is not None]
