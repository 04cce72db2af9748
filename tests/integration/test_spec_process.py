"""The spec layer runs in a fresh interpreter (never a fork); run in-process instead it gives the same report,
and a worker that fails, dies, runs out of time or memory still yields a clean, located error."""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import pytest

import nme_data
from nme_data.validation import spec


def locations(report: nme_data.validation.Report) -> list[tuple]:
    return [(e.table, e.row, e.field, e.code, e.message) for e in report.sorted_errors()]


@pytest.mark.parametrize("damaged", [False, True], ids=["valid", "damaged"])
def test_worker_and_serial_reports_agree(
    edit_cell, package_copy: Path, monkeypatch: pytest.MonkeyPatch, damaged: bool
) -> None:
    if damaged:
        edit_cell("history", 2, "year", "nineteen")
        edit_cell("sites", 3, "prominence", "often")
        edit_cell("sites", 4, "id", "Not An Id")  # a pattern, now checked by RE2
        # (a broken pattern in the copy's descriptor no longer reaches the worker: it is schema-differs)
    in_worker = nme_data.validate(package_copy)
    monkeypatch.setenv("NME_DATA_SERIAL", "1")
    serial = nme_data.validate(package_copy)
    assert locations(in_worker) == locations(serial)
    assert in_worker.valid is (not damaged)
    if damaged:
        found = {(e.table, e.row, e.field, e.code) for e in in_worker.errors}
        assert {
            ("history", 2, "year", "type-error"),
            ("sites", 3, "prominence", "constraint-error"),
            ("sites", 4, "id", "constraint-error"),
        } <= found


def test_validate_never_forks_after_load_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow's threads are running after load_all(); a fork there may deadlock (Python warns). None happens."""
    nme_data.load_all()
    calls: list[str] = []

    def no_fork() -> int:
        calls.append("fork")
        raise AssertionError("os.fork called")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.delenv("NME_DATA_SERIAL", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = nme_data.validate()
    assert report.valid, report.to_text()
    assert calls == []


def worker_running(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Replace the worker by a small program, to see how the caller reads what it leaves."""
    monkeypatch.delenv("NME_DATA_SERIAL", raising=False)
    monkeypatch.setattr(spec, "worker_command", lambda: [sys.executable, "-c", code])


def test_failing_worker_is_reported(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worker_running(monkeypatch, "raise RuntimeError('boom')")
    report = nme_data.validate(package_copy, engine="frictionless")  # the worker is tier 2
    assert [(e.table, e.code) for e in report.errors] == [(None, "check-error")]
    assert "exit code 1" in report.errors[0].message
    assert "boom" in report.errors[0].message


def test_killed_worker_is_reported(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worker_running(monkeypatch, "import os; os._exit(3)")
    report = nme_data.validate(package_copy, engine="frictionless")
    assert [(e.code, e.message) for e in report.errors] == [
        ("check-error", "frictionless validation ended without a result (exit code 3)")
    ]


def test_worker_over_its_time_budget_is_stopped_and_names_the_table(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker_running(
        monkeypatch,
        "import sys, time; sys.stderr.write('nme-data-spec table: \"sites\"\\n'); sys.stderr.flush(); time.sleep(120)",
    )
    monkeypatch.setattr(spec, "SPEC_TIMEOUT", 2.0)
    report = nme_data.validate(package_copy, engine="frictionless")
    assert [(e.table, e.code) for e in report.errors] == [("sites", "budget-exceeded")]
    assert "2 s budget" in report.errors[0].message


def test_worker_over_its_memory_budget_is_reported(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worker_running(
        monkeypatch,
        "from nme_data.validation.sandbox import limit_memory; limit_memory(400 * 2**20); b = bytearray(2**30)",
    )
    report = nme_data.validate(package_copy, engine="frictionless")
    assert [(e.table, e.code) for e in report.errors] == [(None, "budget-exceeded")]


def test_worker_gets_an_empty_directory_and_no_proxies(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "https_proxy", "ALL_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    seen = (
        "import json, os; print(json.dumps([{'table': None, 'row': None, 'field': None, 'code': 'probe', "
        "'message': json.dumps([os.listdir('.'), sorted(k for k in os.environ if k.lower().endswith('_proxy'))])}]))"
    )
    worker_running(monkeypatch, seen)
    monkeypatch.chdir(package_copy)  # the caller's working directory holds the package; the worker's does not
    report = nme_data.validate(package_copy, engine="frictionless")
    probes = [e for e in report.errors if e.code == "probe"]
    assert [json.loads(e.message) for e in probes] == [[[], []]]
