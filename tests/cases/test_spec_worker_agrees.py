"""The frictionless worker gives the report frictionless gives in the caller's process, on damaged copies.

The damage catalogues run with NME_DATA_SERIAL (tests/conftest.py: frictionless in the test's process, not
a fresh interpreter per copy). These cases, one of each kind of damage tier 1 cannot decide (quoting,
rows, blank rows, types, keys), are validated both ways: the reports are identical, so
the catalogues' exact expectations hold for the worker as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nme_data
from conftest import copy_package
from corruption_cases import CASES

#: One case per kind of damage that reaches frictionless: quoting, rows, blank rows, types, keys. (Damage the
#: pre-flight finds, in bytes or a header, keeps its table away from frictionless: tier 1 decides the rest.)
FALLBACK_CASES = ("truncated-unbalanced-quote", "extra-cell", "blank-row", "wrong-type", "dangling-foreign-key")


@pytest.mark.spec_worker
@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_worker_and_in_process_reports_are_identical(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_package(tmp_path / "package")
    CASES[case][0](root)
    in_worker = nme_data.validate(root)
    monkeypatch.setenv("NME_DATA_SERIAL", "1")
    in_process = nme_data.validate(root)
    assert (in_worker.engine or {})["tier"] == 2, "a case tier 1 decides never starts the worker"
    assert in_worker.errors, "a damaged copy"
    assert in_worker.to_dict() == in_process.to_dict()
