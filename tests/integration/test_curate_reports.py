"""Errors a curator can act on: file, line, value and hint on each error; JSON and GitHub reports on every exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ValidatedCopy, descriptor_of, read_rows, write_rows
from corruption_cases import SHARED_CASES, corrupted
from damage import set_cell
from nme_data.cli import main
from nme_data.package import DataPackage
from nme_data.text import ontology
from nme_data.validation.errors import Finding
from nme_data.validation.hints import MAX_VALUE
from nme_data.validation.report import Report

ERROR_LINE = re.compile(r"^::error (?P<properties>[^\r\n]*?)::(?P<message>[^\r\n]*)$")
PROPERTY = re.compile(r"^(?P<key>file|line|title)=(?P<value>[^,:]*)$")


def check_github(text: str, report: Report) -> list[dict[str, str]]:
    """Every error is one well-formed workflow command; the last line is the summary."""
    *commands, summary = text.splitlines()
    assert summary == report.summary()
    assert len(commands) == len(report.sorted_errors())
    parsed = []
    for command in commands:
        match = ERROR_LINE.match(command)
        assert match, command
        properties = {}
        for item in match["properties"].split(","):
            prop = PROPERTY.match(item)
            assert prop, f"unescaped property in {command!r}"
            properties[prop["key"]] = prop["value"]
        assert properties["title"].startswith("nme-data ")
        parsed.append(properties)
    return parsed


@pytest.mark.parametrize("case", SHARED_CASES)
def test_json_and_github_hold_for_every_corruption(validated_copy: ValidatedCopy, case: str) -> None:
    copy = corrupted(validated_copy, case)
    package_copy, report = copy.root, copy.report
    assert not report.valid
    document = json.loads(report.to_json())
    try:
        resources = {r["name"]: r.get("path") for r in descriptor_of(package_copy)["resources"] if "name" in r}
    except (ValueError, TypeError, KeyError, AttributeError):
        resources = {}
    for error in document["errors"]:
        assert set(error) == {"table", "row", "field", "code", "message", "path", "line", "value", "hint"}
        assert error["path"] == "datapackage.json" or error["path"] == resources.get(error["table"]), error
        if error["path"] != "datapackage.json":
            assert (package_copy / error["path"]).exists() or error["code"] == "file-not-found"
        assert error["value"] is None or len(error["value"]) <= MAX_VALUE
        if error["line"] is not None:
            assert error["line"] >= (error["row"] or 1)
    for properties, error in zip(check_github(report.to_github(), report), document["errors"], strict=True):
        if error["code"] == "descriptor-not-found":
            assert "file" not in properties
            continue
        assert properties.get("file") == error["path"].replace(":", "%3A").replace(",", "%2C")
        if error["path"] != "datapackage.json" and (error["line"] or error["row"]):
            assert properties["line"] == str(error["line"] or error["row"])


def test_the_cli_prints_github_annotations_relative_to_the_checkout(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_cell("sites", 5, "prominence", "comon")(package_copy)
    monkeypatch.chdir(package_copy.parent)
    result = CliRunner().invoke(main, ["validate", "package", "--format", "github"])
    assert result.exit_code == 1
    first, summary = result.stdout.splitlines()
    assert first.startswith("::error file=package/data/sites.csv,line=5,title=nme-data constraint-error::")
    assert "Hint: did you mean 'common'?" in first
    assert summary.startswith("invalid: 1 error in 1 of ")


def test_enum_typo_gets_did_you_mean_and_the_value(edit_cell) -> None:
    root = edit_cell("sites", 5, "prominence", "comon")
    [error] = nme_data.validate(root).errors
    assert (error.code, error.path, error.line, error.value) == ("constraint-error", "data/sites.csv", 5, "comon")
    assert error.hint is not None
    assert error.hint.startswith("did you mean 'common'? allowed values: ")


def test_label_mismatch_names_the_release_label(package_copy: Path) -> None:
    rows = read_rows(package_copy / "data" / "mappings.csv")
    at = rows[0].index("object_id")
    labelled = {curie for curie, term in ontology.snapshot().items() if term.label}
    row = next(i for i, r in enumerate(rows[1:], start=2) if r[at] in labelled)
    curie = rows[row - 1][at]
    term = ontology.snapshot()[curie]
    set_cell("mappings", row, "object_label", "Blisters")(package_copy)
    [error] = nme_data.validate(package_copy).errors
    assert (error.code, error.row, error.value) == ("label-mismatch", row, "Blisters")
    assert error.hint == f"{term.source} {term.source_version} labels {curie} {term.label!r}"


def test_evidence_not_verbatim_shows_the_nearest_sentence(edit_cell) -> None:
    root = edit_cell("history", 2, "evidence", "William Becker first described NME and glucagonoma in 1942")
    [error] = nme_data.validate(root).errors
    assert error.code == "evidence-not-verbatim"
    assert error.hint is not None
    assert "the nearest sentence of source/necrolytic-migratory-erythema.txt is 'William Becker first described" in (
        error.hint
    )


def test_a_dangling_reference_gets_did_you_mean(package_copy: Path) -> None:
    rows = read_rows(package_copy / "data" / "history.csv")
    target = rows[1][rows[0].index("object_id")]
    set_cell("history", 2, "object_id", target[:-1])(package_copy)
    [error] = nme_data.validate(package_copy).errors
    assert (error.code, error.value) == ("foreign-key", target[:-1])
    assert error.hint == f"did you mean {target!r}? no row of conditions has id {target[:-1]!r}"
    set_cell("history", 2, "object_id", "zzzzzz")(package_copy)
    [error] = nme_data.validate(package_copy).errors
    assert error.hint is not None
    assert error.hint.startswith("no row of conditions has id 'zzzzzz'; add that row first")


def test_a_duplicate_key_is_one_error_with_its_value(edit_cell) -> None:
    root = edit_cell("causes", 3, "id", "nme-cause-unknown")
    errors = nme_data.validate(root).errors
    [error] = [e for e in errors if e.code == "primary-key"]
    assert (error.code, error.row, error.value) == ("primary-key", 3, "nme-cause-unknown")
    # the renamed row's evidence anchors now name an id no row has: the only other errors
    assert {(e.table, e.code) for e in errors if e is not error} == {("evidence_anchors", "anchor-orphan")}


def test_line_differs_from_row_after_a_multi_line_cell(edit_cell) -> None:
    root = edit_cell("sites", 3, "site", "two\nlines")
    root = edit_cell("sites", 5, "prominence", "often")
    errors = {e.code: e for e in nme_data.validate(root).errors}
    assert (errors["constraint-error"].row, errors["constraint-error"].line) == (5, 6)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "{missing}", "--format", "json"], "descriptor-not-found"),
        (["validate", "{missing}", "--format=json"], "descriptor-not-found"),
        (["validate", "a", "b", "--format", "json"], "usage-error"),
        (["validate", "--format", "json", "--no-such-option"], "usage-error"),
    ],
    ids=["missing-path", "missing-path-equals", "two-paths", "unknown-option"],
)
def test_json_on_usage_errors(tmp_path: Path, args: list[str], code: str) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "MISSING")) for a in args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert [e["code"] for e in document["errors"]] == [code]
    assert document["summary"].startswith("not checked: "), "an unusable input is no '1 error' verdict"
    github = CliRunner().invoke(main, [a if a not in ("json", "--format=json") else "github" for a in argv])
    if "--format=json" in argv:
        github = CliRunner().invoke(main, [*argv[:-1], "--format=github"])
    assert github.exit_code == 2
    assert github.stdout.startswith(f"::error title=nme-data {code}")


def test_text_usage_error_is_unchanged(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "MISSING")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert result.stdout == ""


def test_an_empty_directory_is_not_one_of_zero_tables(tmp_path: Path) -> None:
    report = nme_data.validate(tmp_path)
    assert report.summary() == "not checked: there is no datapackage.json there"
    assert report.exit_code == 2
    assert [e.path for e in report.errors] == ["datapackage.json"]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("where", ["missing", "empty"])
def test_no_package_there_exits_2_however_it_is_given(tmp_path: Path, fmt: str, where: str) -> None:
    """A path that does not exist and an empty directory are the same code (descriptor-not-found): the input
    is unusable, exit 2, in every format, and no summary calls it 'invalid: 1 error'."""
    target = tmp_path / where
    if where == "empty":
        target.mkdir()
    result = CliRunner().invoke(main, ["validate", str(target), "--format", fmt, "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "invalid: 1 error" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_a_usage_error_is_not_summarised_as_an_invalid_package(fmt: str) -> None:
    result = CliRunner().invoke(main, ["validate", "--format", fmt, "--no-such-option"])
    assert result.exit_code == 2
    assert "invalid: 1 error" not in result.output
    assert "not checked: the command line is wrong" in result.output


def test_summary_counts_package_and_table_errors_apart() -> None:
    errors = [
        Finding(None, None, None, "package-error", "p"),
        Finding("sites", 2, "id", "type-error", "a"),
        Finding("sites", 3, "id", "type-error", "b"),
        Finding("history", 2, "id", "type-error", "c"),
    ]
    report = Report("x/datapackage.json", errors, ["sites", "history", "causes"])
    assert report.summary() == "invalid: 4 errors: 1 in the package, 3 in 2 of 3 tables"


def test_github_escaping() -> None:
    error = Finding(
        "t,1", 2, "f", "type-error", "50% wrong\r\nsecond line", path="data/a,b:c.csv", line=7, hint="use 5%"
    )
    [line, _] = Report("/p/datapackage.json", [error], ["t,1"]).to_github().splitlines()
    assert line == (
        "::error file=data/a%2Cb%3Ac.csv,line=7,title=nme-data type-error::"
        "t,1, row 2, field 'f': 50%25 wrong%0D%0Asecond line Hint: use 5%25"
    )


def test_hints_keep_error_identity() -> None:
    plain = Finding("t", 1, "f", "c", "m")
    hinted = Finding("t", 1, "f", "c", "m", path="data/t.csv", line=1, value="v", hint="h")
    assert plain == hinted
    assert len({plain, hinted}) == 1
    later = Finding("t", 2, "f", "c", "m")
    assert hinted.sort_key() == plain.sort_key()
    ordered = sorted([later, hinted, plain], key=Finding.sort_key)  # by location; equal ones keep their order
    assert [id(e) for e in ordered] == [id(hinted), id(plain), id(later)]
    assert [id(e) for e in sorted([plain, later, hinted], key=Finding.sort_key)] == [id(plain), id(hinted), id(later)]


@pytest.mark.parametrize("fmt", ["json", "github", "text"])
def test_a_validator_failure_still_prints_one_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str) -> None:
    def broken(source: object = None) -> Report:
        raise KeyError("name")

    monkeypatch.setattr("nme_data.validation.validate", broken)
    # an empty cache: a verdict on the bundled copy stored by an earlier test in this worker would skip `broken`
    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["validate", "--format", fmt])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if fmt == "json":
        [error] = json.loads(result.stdout)["errors"]
        assert (error["code"], error["message"]) == ("check-error", "validation could not finish: KeyError('name')")
    else:
        assert "validation could not finish: KeyError('name')" in result.stdout


@pytest.mark.parametrize(("table", "field"), [("sites", "prominence"), ("associations", "relation")])
def test_an_empty_required_enum_cell_lists_the_allowed_values(edit_cell, table: str, field: str) -> None:
    root = edit_cell(table, 2, field, "")
    allowed = next(f["constraints"]["enum"] for f in DataPackage.open(root).table(table).fields if f["name"] == field)
    errors = [e for e in nme_data.validate(root).errors if e.field == field and e.code == "constraint-error"]
    assert len(errors) == 1
    assert "required" in (errors[0].hint or "")
    assert all(value in (errors[0].hint or "") for value in allowed)


@pytest.mark.parametrize("table", ["conditions", "history"])
def test_one_blank_row_is_one_error(package_copy: Path, table: str) -> None:
    path = package_copy / "data" / f"{table}.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:2], b"", *lines[2:]]))
    errors = nme_data.validate(package_copy).errors
    assert [(e.table, e.row, e.code) for e in errors] == [(table, 3, "blank-row")]


def test_a_renamed_condition_names_the_renamed_row_and_where_synonyms_go(package_copy: Path) -> None:
    """The error is on another table (the rows whose quotes used the old name): the hint names the row that
    was renamed, its file, its new name, and where a synonym is declared."""
    path = package_copy / "data" / "conditions.csv"
    rows = read_rows(path)
    row = next(r for r in rows if r[0] == "glucagonoma")
    row[rows[0].index("name")] = "glucagon tumour"
    write_rows(path, rows)
    errors = [e for e in nme_data.validate(package_copy).errors if e.code == "quote-misses-row"]
    assert errors
    assert {e.table for e in errors} == {"associations"}
    for error in errors:
        hint = error.hint or ""
        assert "the conditions row 'glucagonoma' (data/conditions.csv) is named 'glucagon tumour'" in hint
        assert "synonyms" in hint
        assert "associations.object_id" in hint
