"""The CLI is thin: the library builds usage reports and runs diff; only the library's refusals
(NmeDataError) and OS errors become one-line messages, so a library bug is never passed off as bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_package, read_rows, write_rows
from nme_data.cli import main
from nme_data.curate.diff import compare
from nme_data.errors import InvalidPackageError
from nme_data.package import PackageError
from nme_data.validation.report import usage_report

#: command line (with {copy} and {other} for two copies) -> the library function it calls, by module path.
COMMANDS = {
    "tables": (["tables", "{copy}"], "nme_data.package.model.Table.count_rows"),
    "show": (["show", "history", "{copy}"], "nme_data.frames.loader.read_table"),
    "fmt": (["fmt", "{copy}"], "nme_data.curate.fmt.format_package"),
    "fmt-check": (["fmt", "--check", "{copy}"], "nme_data.curate.fmt.format_package"),
    "diff": (["diff", "{copy}", "{other}"], "nme_data.curate.diff.diff_packages"),
    "reground": (["reground", "{text}", "{copy}"], "nme_data.curate.reground.reground"),
    "docs": (["docs", "{copy}", "--out", "{out}"], "nme_data.docs.data_dictionary"),
}
BUGS = [KeyError("resources"), TypeError("'NoneType' object is not subscriptable"), ValueError("bug"), RecursionError()]


def _args(template: list[str], tmp_path: Path) -> list[str]:
    copy = copy_package(tmp_path / "copy")
    places = {"copy": copy, "other": copy, "text": copy / "source" / "necrolytic-migratory-erythema.txt"}
    places["out"] = tmp_path / "dictionary.md"
    return [part.format(**{k: str(v) for k, v in places.items()}) for part in template]


def _raiser(error: BaseException) -> Callable[..., None]:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    return broken


@pytest.mark.parametrize("bug", BUGS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_library_bug_is_not_reported_as_a_damaged_package(
    command: str, bug: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template, target = COMMANDS[command]
    args = _args(template, tmp_path)
    monkeypatch.setattr(target, _raiser(bug))
    result = CliRunner().invoke(main, args)
    assert result.exception is bug, (result.exit_code, result.output)
    assert "cannot read the package" not in result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_library_refusal_is_one_line(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template, target = COMMANDS[command]
    args = _args(template, tmp_path)
    monkeypatch.setattr(target, _raiser(PackageError("the copy is damaged here")))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "the copy is damaged here" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_os_error_is_one_line(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template, target = COMMANDS[command]
    args = _args(template, tmp_path)
    monkeypatch.setattr(target, _raiser(PermissionError(13, "Permission denied", "data/history.csv")))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Permission denied" in result.output


@pytest.mark.parametrize("code", ["usage-error", "descriptor-not-found", "check-error"])
def test_usage_reports_come_from_the_library(code: str) -> None:
    report = usage_report("what went wrong", code, "/some/copy")
    document = json.loads(report.to_json())
    assert document["valid"] is False
    assert [(e["code"], e["message"]) for e in document["errors"]] == [(code, "what went wrong")]
    assert document["errors"][0]["path"] == ("datapackage.json" if code == "descriptor-not-found" else None)


def test_the_cli_prints_the_librarys_usage_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json", "--no-such-option"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [e["code"] for e in document["errors"]] == ["usage-error"]
    assert document == json.loads(usage_report(document["errors"][0]["message"]).to_json())


def _damage(copy: Path, field: str, value: str) -> Path:
    rows = read_rows(copy / "data" / "history.csv")
    rows[1][rows[0].index(field)] = value
    write_rows(copy / "data" / "history.csv", rows)
    return copy


@pytest.mark.parametrize("side", ["OLD", "NEW"])
def test_compare_refuses_an_unreadable_copy_with_its_report(tmp_path: Path, side: str) -> None:
    good, bad = copy_package(tmp_path / "good"), _damage(copy_package(tmp_path / "bad"), "year", "nineteen")
    old, new = (bad, good) if side == "OLD" else (good, bad)
    with pytest.raises(InvalidPackageError, match=f"{side} cannot be compared") as caught:
        compare(old, new)
    assert [(e.table, e.code) for e in caught.value.report.errors] == [("history", "type-error")]


def test_compare_warns_about_semantic_errors(tmp_path: Path) -> None:
    old = copy_package(tmp_path / "a")
    new = _damage(copy_package(tmp_path / "b"), "evidence", "William Becker described NME in 1942")
    changes = compare(old, new)
    assert changes.counts()["cells_changed"] == 1
    assert changes.warnings[-1] == (  # a quote not in the article licenses none of the row's values either
        f"NEW ({new}) has 2 semantic errors under this validator (evidence-not-verbatim, value-unlicensed)"
    )
