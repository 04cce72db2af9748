"""The spec layer runs in a forked child where it can; both ways give the same report, and a child that
fails still yields a clean error rather than a hang or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import nme_data
from nme_data.validation import spec


def locations(report: nme_data.validation.Report) -> list[tuple]:
    return [(e.table, e.row, e.field, e.code, e.message) for e in report.sorted_errors()]


@pytest.mark.parametrize("damaged", [False, True], ids=["valid", "damaged"])
def test_forked_and_serial_reports_agree(
    edit_cell, package_copy: Path, monkeypatch: pytest.MonkeyPatch, damaged: bool
) -> None:
    if damaged:
        edit_cell("history", 2, "year", "nineteen")
        edit_cell("sites", 3, "prominence", "often")
    forked = nme_data.validate(package_copy)
    monkeypatch.setenv("NME_DATA_SERIAL", "1")
    serial = nme_data.validate(package_copy)
    assert locations(forked) == locations(serial)
    assert forked.valid is (not damaged)


def test_failing_child_is_reported(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(descriptor: dict, root: Path) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(spec, "validate_spec", explode)
    report = nme_data.validate(package_copy)
    assert [(e.table, e.code) for e in report.errors] == [(None, "check-error")]
    assert "boom" in report.errors[0].message


def test_killed_child_is_reported(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def die(descriptor: dict, root: Path) -> list:
        os._exit(3)

    monkeypatch.setattr(spec, "validate_spec", die)
    report = nme_data.validate(package_copy)
    assert [(e.code, e.message) for e in report.errors] == [
        ("check-error", "frictionless validation ended without a result (exit code 3)")
    ]
