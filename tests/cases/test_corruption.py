"""Every kind of damage to a package copy is caught, located and explained; nothing crashes or changes.

Each case copies the package, applies one corruption, validates through the library and the
CLI, and compares the errors' (table, row, field, code) to an exact expected list. The tests of one
case (here and in test_curate_reports) share its damaged copy and its validation (`validated_copy`).
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
    read_rows,
    schema_edited,
    shared_case,
    tree_hashes,
    write_rows,
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
from nme_data.cli import main

Location = tuple[str | None, int | None, str | None, str]


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
    return validated_copy(f"corruption:{case}", CASES[case][0], tree_hashes)


#: Every case, as parameters whose tests share one damaged copy (test_curate_reports uses them too).
SHARED_CASES = [shared_case("corruption", name) for name in CASES]
LOCATED_CASES = [shared_case("corruption", name) for name, (_, expected) in CASES.items() if expected is not None]


@pytest.mark.parametrize("case", LOCATED_CASES)
def test_corruption_is_reported_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = corrupted(validated_copy, case)
    report = copy.report
    if schema_edited(copy.root):  # since 3.0.0 a damaged descriptor is refused first, as schema-differs
        assert_schema_refused([e.code for e in report.errors], report.tables_checked)
    else:
        assert sorted(locations(report), key=str) == sorted(CASES[case][1], key=str)
    assert all(e.message for e in report.errors)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", LOCATED_CASES)
def test_corruption_through_the_cli(validated_copy: ValidatedCopy, case: str) -> None:
    copy, expected = corrupted(validated_copy, case), CASES[case][1]
    assert copy.cli_exit_code == 1, copy.cli_output + copy.cli_stderr  # the CLI's own validation, fresh cache
    assert "Traceback" not in copy.cli_stderr
    document = json.loads(copy.cli_output)
    assert document["valid"] is False
    got = {(e["table"], e["row"], e["field"], e["code"]) for e in document["errors"]}
    if schema_edited(copy.root):
        assert_schema_refused([e["code"] for e in document["errors"]], document["tables"])
    else:
        assert got == set(expected)
    assert document["errors"] == copy.report.to_dict()["errors"], "the CLI and the library give one verdict"
    text = copy.cli()  # the text report of the same verdict
    assert text.exit_code == 1
    assert "Traceback" not in text.output
    assert text.output.strip().splitlines()[-1].startswith("invalid: ")


@pytest.mark.parametrize("case", [shared_case("corruption", "bare-carriage-return")])
def test_bare_carriage_return_is_reported(validated_copy: ValidatedCopy, case: str) -> None:
    report = corrupted(validated_copy, case).report
    assert not report.valid
    assert {e.table for e in report.errors} == {"history"}


def test_renamed_column(package_copy: Path) -> None:
    rewrite_rows("history", lambda r: ["who" if c == "person" else c for c in r])(package_copy)
    assert locations(nme_data.validate(package_copy)) == [("history", None, "person", "incorrect-label")]


@pytest.mark.parametrize("case", [shared_case("corruption", "source-snapshot-edited")])
def test_edited_snapshot_fails_hash_and_every_quote(validated_copy: ValidatedCopy, case: str) -> None:
    report = corrupted(validated_copy, case).report
    codes = {e.code for e in report.errors}
    assert codes == {"source-hash-mismatch", "evidence-not-verbatim"}
    curation = ("sources", "mappings", "evidence_anchors")  # the tables without evidence of their own
    fact_rows = sum(len(nme_data.load(t)) for t in nme_data.table_names() if t not in curation)
    assert sum(e.code == "evidence-not-verbatim" for e in report.errors) == fact_rows


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.replace(b"\n", b"\r\n"),
        lambda b: b"\xef\xbb\xbf" + b,
        lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),
    ],
    ids=["crlf", "bom", "bom-crlf"],
)
@pytest.mark.parametrize("table", ["sites", "sources", "mappings"])
def test_line_endings_and_bom_are_accepted(package_copy: Path, change: Callable[[bytes], bytes], table: str) -> None:
    rewrite_bytes(table, change)(package_copy)
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()
    assert len(nme_data.load(table, source=package_copy, validate=False)) == len(nme_data.load(table))


def test_untouched_copy_is_valid_and_unchanged(package_copy: Path) -> None:
    before = tree_hashes(package_copy)
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()
    assert tree_hashes(package_copy) == before


def test_nothing_outside_the_package_is_read(package_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("id\nleaked-value\n", encoding="utf-8")
    (package_copy / "data" / "sites.csv").unlink()  # the release's path, a link out of the copy
    (package_copy / "data" / "sites.csv").symlink_to(secret)
    report = nme_data.validate(package_copy)
    assert locations(report) == [("sites", None, None, "unsafe-path")]
    assert "leaked-value" not in report.to_json()
    (package_copy / "data" / "link.csv").symlink_to(secret)  # a descriptor naming it: the release's schema refuses
    edit_descriptor(lambda d: sites_resource(d).update(path="data/link.csv"))(package_copy)
    report = nme_data.validate(package_copy)
    assert locations(report) == [("sites", None, None, "schema-differs")]
    assert "leaked-value" not in report.to_json()


def test_huge_cell_is_reported_briefly(package_copy: Path) -> None:
    set_cell("history", 2, "person", "x" * 5_000_000)(package_copy)
    report = nme_data.validate(package_copy)
    assert locations(report) == [("history", 2, "person", "cell-too-large")]
    assert len(report.to_json()) < 5_000


@pytest.mark.slow
def test_hundred_thousand_rows_are_handled(package_copy: Path) -> None:
    path = package_copy / "data" / "causes.csv"
    rows = read_rows(path)
    body = [[f"{row[0]}-{i}", *row[1:]] for i in range(100_000 // len(rows[1:]) + 1) for row in rows[1:]]
    write_rows(path, [rows[0], *body[:100_000]])
    anchors = read_rows(package_copy / "data" / "evidence_anchors.csv")  # each new row's quote, anchored
    spans = {row[1]: row[3:] for row in anchors[1:] if row[0] == "causes"}
    kept = [row for row in anchors if row[0] != "causes"]
    write_rows(
        package_copy / "data" / "evidence_anchors.csv",
        kept + [["causes", row[0], "1", *spans[row[0].rsplit("-", 1)[0]]] for row in body[:100_000]],
    )
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()[:2000]


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_directory_without_descriptor(tmp_path: Path) -> None:
    report = nme_data.validate(tmp_path)
    assert locations(report) == [(None, None, None, "descriptor-not-found")]
