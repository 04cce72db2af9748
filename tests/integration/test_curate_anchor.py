"""`nme-data anchor`: a curator's new row gets its evidence anchors from the command the validator names."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package, read_rows, write_rows
from nme_data.cli import main
from nme_data.curate.anchor import anchor_package
from nme_data.validation import validate

ANCHORS = Path("data") / "evidence_anchors.csv"


def add_site_row(root: Path, row_id: str, evidence: str | None = None) -> None:
    """A new `sites` row: a copy of the first one under a new id (and, if given, other evidence)."""
    rows = read_rows(root / "data" / "sites.csv")
    new = list(rows[1])
    new[rows[0].index("id")] = row_id
    if evidence is not None:
        new[rows[0].index("evidence")] = evidence
    write_rows(root / "data" / "sites.csv", [*rows, new])


def test_a_new_row_is_anchored_by_the_command_its_error_names(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "my copy")  # a space: the command must quote the path
    add_site_row(root, "intro-perioral-skin-again")
    report = validate(root)
    missing = [e for e in report.errors if e.code == "anchor-missing"]
    assert [(e.table, e.code) for e in report.errors] == [("sites", "anchor-missing")]
    hint = missing[0].hint or ""
    assert "nme-data anchor" in hint
    command = shlex.split(hint[hint.index("'") + 1 : hint.rindex("'")])
    assert command[:2] == ["nme-data", "anchor"]
    assert Path(command[2]) == root
    result = CliRunner().invoke(main, command[1:])
    assert result.exit_code == 0, result.output
    assert "(written)" in result.output
    assert validate(root).valid
    anchored = [row for row in read_rows(root / ANCHORS) if row[:3] == ["sites", "intro-perioral-skin-again", "1"]]
    assert len(anchored) == 1


def test_every_choice_for_a_repeated_passage_is_printed(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "copy")
    first = read_rows(root / "data" / "sites.csv")[1][read_rows(root / "data" / "sites.csv")[0].index("evidence")]
    add_site_row(root, "intro-repeated", f"{first} [...] glucagonoma")
    result = CliRunner().invoke(main, ["anchor", str(root)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("sites/intro-repeated part 2")]
    assert len(notes) == 1, result.output
    assert "'glucagonoma' occurs" in notes[0]
    assert "the first after the quote's previous part" in notes[0]
    text = (root / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
    start = int(notes[0].split("anchored at ")[1].split()[0])
    assert text[start : start + len("glucagonoma")] == "glucagonoma"
    assert start > text.index(first), "the occurrence after the quote's first part"


def test_check_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "copy")
    add_site_row(root, "intro-perioral-skin-again")
    before = (root / ANCHORS).read_bytes()
    result = CliRunner().invoke(main, ["anchor", str(root), "--check"])
    assert result.exit_code == 1
    assert f"nme-data anchor {shlex.quote(str(root))}" in result.output
    assert (root / ANCHORS).read_bytes() == before
    assert anchor_package(root).written
    assert not anchor_package(root).changed


def test_the_bundled_anchors_are_current_and_the_script_agrees() -> None:
    assert not anchor_package(ROOT).changed
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "anchor_evidence.py"), "--root", str(ROOT), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "already up to date" in done.stdout


@pytest.mark.parametrize("table", ["evidence_anchors"])
def test_a_copy_without_the_table_is_refused_in_one_line(tmp_path: Path, table: str) -> None:
    import json

    root = copy_package(tmp_path / "copy")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != table]
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(main, ["anchor", str(root)])
    assert result.exit_code == 1
    assert f"declares no {table} table" in result.output
    assert "Traceback" not in result.output
