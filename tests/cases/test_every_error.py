"""Every error, always: an exception in any layer is a located check-error in the report, the other layers'
errors are kept, and the report can always be written, whatever the terminal can encode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nme_data
from nme_data.frames.schemas import evidence_is_a_quote
from nme_data.validation import preflight, semantic
from nme_data.validation.errors import Finding
from nme_data.validation.report import Report


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_preflight_crash_is_a_check_error(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "run_preflight", boom)
    report = nme_data.validate(package_copy)
    assert [(e.table, e.code) for e in report.errors] == [(None, "check-error")]
    assert "boom" in report.errors[0].message


def test_semantic_crash_keeps_the_spec_errors(edit_cell, package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_cell("history", 2, "year", "nineteen")
    monkeypatch.setattr(semantic, "validate_semantics", boom)
    report = nme_data.validate(package_copy)
    found = {(e.table, e.field, e.code) for e in report.errors}
    assert (None, None, "check-error") in found
    assert ("history", "year", "type-error") in found


def report_with(text: str) -> Report:
    return Report(package=f"copy-{text}", errors=[Finding(text, 2, "id", "check-error", text)], tables_checked=[text])


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1", "no-such-codec"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_report_renders_for_any_output(fmt: str, encoding: str) -> None:
    name = "sit\ud800es é ✓"
    rendered = report_with(name).render(fmt, encoding)
    codec = encoding if encoding != "no-such-codec" else "ascii"
    rendered.encode(codec)  # never raises
    if fmt == "json":
        document = json.loads(rendered)
        assert document["errors"][0]["table"] == name  # the escapes decode to exactly what the package held
    else:
        assert "sit\\ud800es" in rendered


@pytest.mark.parametrize(
    ("quote", "is_quote"),
    [
        ("Erythemas", True),  # a category's own name, quoted alone
        ("Lung cancer", True),
        ("It commonly affects the limbs and skin surrounding the lips", True),
        ("is also seen in a number of other conditions including [...] Lung cancer", True),
        (" [...] ", False),
        ("[...]", False),
        ("It commonly affects the limbs [...] ", False),
        (" [...] It commonly affects the limbs", False),
        ("It commonly affects [...]  [...] the limbs", False),
        ("the [...] of", False),
        ("a b c", False),
        ("   ", False),
        ("Lung [...] cancer", False),  # stitched from single words: no anchoring phrase
    ],
)
def test_evidence_must_be_a_quote(quote: str, is_quote: bool) -> None:
    assert evidence_is_a_quote(quote) is is_quote


@pytest.mark.parametrize("evidence", [" [...] ", "but may also be found on the lower abdomen [...] "])
def test_trivial_evidence_is_reported(edit_cell, package_copy: Path, evidence: str) -> None:
    edit_cell("sites", 4, "evidence", evidence)
    report = nme_data.validate(package_copy)
    assert ("sites", 4, "evidence", "evidence-too-short") in {(e.table, e.row, e.field, e.code) for e in report.errors}


def test_shipped_evidence_is_all_quotes() -> None:
    import csv

    for table in nme_data.table_names():
        path = nme_data.table_path(table)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("evidence"):
                    assert evidence_is_a_quote(row["evidence"]), (table, row.get("id"), row["evidence"])
