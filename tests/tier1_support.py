"""Tier 1's verdict on a copy, checked against frictionless: shared by the differential suite
(tests/cases/test_tier1.py) and the fuzzing suite (tests/fuzz/test_tier1_fuzz.py)."""

from __future__ import annotations

from pathlib import Path

from nme_data.package import DataPackage, PackageError
from nme_data.validation.preflight import run_preflight
from nme_data.validation.spec_worker import validate_spec
from nme_data.validation.tier1 import prove_spec
from nme_data.validation.tier1_ops import ArrowOps, ListOps


def tier1_verdict(root: Path) -> str | None:
    """Tier 1's answer for a copy, checked against frictionless: None (proved) only where frictionless agrees.

    Returns "not a package" when the model refuses the descriptor (tier 1 is never reached)."""
    try:
        package = DataPackage.open(root)
    except PackageError:
        return "not a package"
    pre = run_preflight(package)
    answers = {ops.name: prove_spec(pre, ops) for ops in (ListOps, ArrowOps)}  # each back-end, forced
    answers["auto"] = why = prove_spec(pre)
    for answer in answers.values():
        assert answer is None or not answer.startswith("tier 1 failed"), answers  # a crash fails the test
    if None in answers.values():
        assert pre.descriptor is not None
        assert validate_spec(pre.descriptor, pre.root) == [], f"tier 1 proved a copy frictionless refuses: {answers}"
    assert (answers["python"] is None) == (answers["arrow"] is None), answers  # one verdict, either back-end
    return why
