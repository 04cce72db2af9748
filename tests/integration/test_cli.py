"""The CLI through click's CliRunner and through the installed console script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, read_rows
from nme_data.cli import main

TABLES = nme_data.table_names()


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_validate_bundled_package() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"valid: {len(TABLES)} tables checked, no errors"


@pytest.mark.parametrize("path_kind", ["directory", "descriptor"])
def test_validate_json_is_one_document(package_copy: Path, path_kind: str) -> None:
    target = package_copy if path_kind == "directory" else package_copy / "datapackage.json"
    result = run("validate", str(target), "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["valid"] is True
    assert document["errors"] == []
    assert document["tables"] == TABLES


def test_validate_json_errors_have_every_key(edit_cell) -> None:
    root = edit_cell("history", 2, "year", "nineteen")
    result = run("validate", str(root), "--format", "json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    [expected] = nme_data.validate(root).errors  # the library's message for the same bytes, not the CLI's own
    assert error == {
        "table": "history",
        "row": 2,
        "field": "year",
        "code": "type-error",
        "message": expected.message,
        "path": "data/history.csv",
        "line": 2,
        "value": "nineteen",
        "hint": None,
    }
    assert "nineteen" in error["message"]


def test_validate_text_names_table_row_field_and_code(edit_cell) -> None:
    root = edit_cell("sites", 3, "prominence", "often")
    result = run("validate", str(root))
    assert result.exit_code == 1
    header, first, hint, summary = result.output.strip().splitlines()
    assert header == f"package {(root / 'datapackage.json').absolute()}, version {nme_data.descriptor()['version']}"
    assert first.startswith("sites, row 3, field 'prominence': [constraint-error]")
    assert hint.startswith("  hint: allowed values: less_common, common, characteristic (a new value must be added")
    assert summary == f"invalid: 1 error in 1 of {len(TABLES)} tables"


@pytest.mark.parametrize(
    "args",
    [["validate", "--format", "yaml"], ["validate", "/no/such/path"], ["show"], ["show", "nope"], ["nope"]],
    ids=["bad-format", "missing-path", "no-table", "unknown-table", "unknown-command"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.output


def test_unknown_table_lists_valid_names() -> None:
    result = run("show", "nope")
    assert "unknown table 'nope'" in result.output
    for name in TABLES:
        assert name in result.output


def test_tables_lists_counts_and_descriptions() -> None:
    result = run("tables")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == TABLES
    for info, line in zip(nme_data.tables(), lines, strict=True):
        assert re.search(rf"\b{info.rows} rows\b", line)
        assert info.description[:40] in line


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_show_every_table_in_every_format(table: str, fmt: str) -> None:
    result = run("show", table, "--format", fmt)
    assert result.exit_code == 0, result.output
    rows = read_rows(nme_data.table_path(table))
    if fmt == "csv":
        assert result.output.splitlines()[0] == ",".join(rows[0])
        assert len(result.output.splitlines()) >= len(rows)
    elif fmt == "json":
        records = json.loads(result.output)
        assert len(records) == len(rows) - 1
        assert [r[rows[0][0]] for r in records] == [
            row[0] for row in rows[1:]
        ]  # the first column (evidence_anchors: table)
    else:
        assert rows[0][0] in result.output.splitlines()[0]
        assert rows[1][0] in result.output


def test_show_reads_another_copy(edit_cell) -> None:
    root = edit_cell("history", 2, "person", "Someone Else")
    result = run("show", "history", str(root), "--format", "json")
    assert json.loads(result.stdout)[0]["person"] == "Someone Else"


def test_source_option_is_a_deprecated_alias(edit_cell) -> None:
    root = edit_cell("history", 2, "person", "Someone Else")
    result = run("show", "history", "--format", "json", "--source", str(root))
    assert json.loads(result.stdout)[0]["person"] == "Someone Else"
    assert "--source is deprecated" in result.stderr
    both = run("show", "history", str(root), "--source", str(root))
    assert both.exit_code == 2


def test_show_damaged_copy_is_a_clear_error(edit_cell) -> None:
    root = edit_cell("history", 2, "year", "nineteen")
    result = run("show", "history", str(root))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "history, row 2, field 'year': [type-error]" in result.stderr  # the validator's report
    assert "Traceback" not in result.output


def test_version_is_the_dataset_version() -> None:
    result = run("--version")
    assert result.output.strip() == f"nme-data {nme_data.descriptor()['version']}"


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"nme-data {name}" in readme, f"README does not document `nme-data {name}`"


def console_script() -> str:
    script = Path(sys.executable).parent / "nme-data"
    found = str(script) if script.exists() else shutil.which("nme-data")
    assert found, "the nme-data console script is installed"
    return found


@pytest.mark.parametrize(("args", "code"), [(["validate"], 0), (["--help"], 0), (["show", "nope"], 2)])
def test_console_script(args: list[str], code: int, tmp_path: Path) -> None:
    result = subprocess.run([console_script(), *args], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.spec_worker  # the installed script end to end, as a user runs it (no NME_DATA_SERIAL)
def test_console_script_json_on_damaged_copy(edit_cell) -> None:
    root = edit_cell("sites", 3, "evidence", "It particularly affects the distal extremities")  # not verbatim
    result = subprocess.run(
        [console_script(), "validate", str(root), "--format", "json"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert [(e["table"], e["row"], e["field"], e["code"]) for e in document["errors"]] == [
        ("sites", 3, "evidence", "evidence-not-verbatim")
    ]


def test_console_script_is_the_quick_exit_entry_point() -> None:
    """The installed script runs `nme_data.console.run` (exit handlers, flush, no teardown), as pyproject says."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"] == {"nme-data": "nme_data.console:run"}
    assert "nme_data.console import run" in Path(console_script()).read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "code"), [(["--version"], 0), (["validate", "--format", "json"], 0), (["nope"], 2)])
def test_quick_exit_runs_exit_handlers_and_flushes(args: list[str], code: int, tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    program = (
        "import atexit, pathlib, sys, tempfile, weakref\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "kept = tempfile.TemporaryDirectory()\n"
        f"pathlib.Path({str(tmp_path / 'tempdir')!r}).write_text(kept.name)\n"
        f"sys.argv = ['nme-data', *{args!r}]\n"
        "from nme_data.console import run\n"
        "run()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == code, result.stderr
    assert marker.read_text(encoding="utf-8") == "yes"
    assert not Path((tmp_path / "tempdir").read_text(encoding="utf-8")).exists()  # weakref.finalize ran
    if args[0] == "validate":
        assert json.loads(result.stdout)["valid"] is True  # the whole document, flushed
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("exit_code", "expected"), [(None, 0), (0, 0), (3, 3), ("a message", 1)])
def test_exit_codes_follow_python(exit_code: object, expected: int, capsys: pytest.CaptureFixture[str]) -> None:
    from nme_data.console import _exit_code

    assert _exit_code(SystemExit(exit_code)) == expected
    assert capsys.readouterr().err == ("a message\n" if isinstance(exit_code, str) else "")


def test_every_error_code_is_documented() -> None:
    from nme_data.validation.errors import CODES

    validation = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    section = validation.split("## Validation error codes", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(CODES)
