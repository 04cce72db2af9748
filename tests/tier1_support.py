"""Tier 1's verdict on a copy, checked against frictionless: shared by the differential suite
(tests/cases/test_tier1.py, tests/cases/test_table_proofs.py) and the fuzzing suite
(tests/fuzz/test_tier1_fuzz.py).

Tier 1 proves tables one by one; every table it proves, on either column back-end, must be one frictionless
finds nothing in. That is checked on every copy, partly proved ones included. A table's check depends only
on the descriptor, its bytes and those of the tables its foreign keys point at, so a table checked clean once
(most damaged copies leave most tables as shipped) is not checked again in this process.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nme_data.package import DataPackage, PackageError
from nme_data.validation.preflight import Preflight, run_preflight
from nme_data.validation.spec_worker import validate_spec
from nme_data.validation.tier1 import Proof, prove_tables
from nme_data.validation.tier1_ops import ARROW_FROM_BYTES, ArrowOps, ListOps

#: Keys (see `table_key`) of tables frictionless was seen to find nothing in, in this process.
CLEAN: set[str] = set()


def tier1_verdict(root: Path) -> str | None:
    """Tier 1's answer for a copy (None: every table proved), checked against frictionless.

    Returns "not a package" when the model refuses the descriptor (tier 1 is never reached)."""
    proof = tier1_proof(root)
    return "not a package" if proof is None else proof.why


def tier1_proof(root: Path) -> Proof | None:
    """Tier 1's proof for a copy, checked: each back-end proves the same tables, none crashes, and
    frictionless finds nothing in any proved table. None when the model refuses the descriptor."""
    try:
        package = DataPackage.open(root)
    except PackageError:
        return None
    pre = run_preflight(package)
    proofs = {ops.name: prove_tables(pre, ops) for ops in (ListOps, ArrowOps)}  # each back-end, forced
    # auto chooses the back-end by each table's size: with every table small it is the plain-list run again
    proofs["auto"] = proof = proofs[ListOps.name] if all_small(pre) else prove_tables(pre)
    for answer in proofs.values():
        assert answer.why is None or not answer.why.startswith("tier 1 failed"), proofs  # a crash fails the test
    assert len({answer.undecided for answer in proofs.values()}) == 1, proofs  # one verdict, either back-end
    assert_frictionless_agrees(pre, proved_tables(pre, proof))
    return proof


def all_small(pre: Preflight) -> bool:
    """Whether every table is read on plain lists by default (under ARROW_FROM_BYTES)."""
    try:
        return all(len(table.read_bytes()) < ARROW_FROM_BYTES for table in pre.tables)
    except (OSError, PackageError):
        return False


def proved_tables(pre: Preflight, proof: Proof) -> list[str]:
    """The tables of the pre-flight's descriptor the proof vouches for."""
    if pre.descriptor is None or proof.undecided is None:
        return []
    return [r["name"] for r in pre.descriptor["resources"] if r["name"] not in proof.undecided]


def assert_frictionless_agrees(pre: Preflight, proved: list[str]) -> None:
    """frictionless, on the same pre-flight descriptor, reports no error in any of these tables."""
    if not proved:
        return
    assert pre.descriptor is not None
    keys = {name: table_key(pre, name) for name in proved}
    unseen = [name for name in proved if keys[name] not in CLEAN]
    if not unseen:
        return
    errors = validate_spec(pre.descriptor, pre.root, tables=unseen)
    assert errors == [], f"tier 1 proved tables frictionless refuses: {unseen}: {errors[:5]}"
    CLEAN.update(keys[name] for name in unseen)


def table_key(pre: Preflight, name: str) -> str:
    """What frictionless' verdict on one table depends on: the package's own metadata, the table's resource
    and bytes, and those of the tables its foreign keys point at. (Another resource's metadata could only
    make frictionless refuse the whole package: that resource's own table, checked here when proved, or the
    pipeline's whole-package fallback, when not, shows it.)"""
    assert pre.descriptor is not None
    resources = {r["name"]: r for r in pre.descriptor["resources"]}
    package = {key: value for key, value in pre.descriptor.items() if key != "resources"}
    digest = hashlib.sha256(json.dumps(package, sort_keys=True, default=repr).encode())
    tables = {table.name: table for table in pre.tables}
    targets = [fk["reference"]["resource"] for fk in resources[name]["schema"].get("foreignKeys", [])]
    for involved in dict.fromkeys([name, *targets]):
        digest.update(json.dumps(resources[involved], sort_keys=True, default=repr).encode())
        digest.update(involved.encode() + b"\0" + hashlib.sha256(tables[involved].read_bytes()).digest())
    return digest.hexdigest()
