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
    ValidatedCopy,
    assert_schema_refused,
    read_rows,
    schema_edited,
    shared_case,
    tree_hashes,
    write_rows,
)
from corruption_cases import (
    CASES,
    LOCATED_CASES,
    corrupted,
    locations,
    sites_resource,
)
from damage import (
    edit_descriptor,
    rewrite_bytes,
    rewrite_rows,
    set_cell,
)
from nme_data.cli import main


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
