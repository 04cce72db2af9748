"""Tier 1: a vectorised proof that frictionless would find nothing in a copy, so that it need not run.

Why: frictionless checks a table row by row in Python (about 17,000 rows a second here), and most
validations (CI, pre-commit) are of valid copies. Tier 1 checks the same things column-wise with
pyarrow (`tier1_tables`) after a gate on the descriptor (`tier1_descriptor`). It answers only "proved"
(frictionless would report no error) or "cannot decide" with a reason; it never reports an error
itself. Whenever it cannot decide, the caller runs tier 2, frictionless in its worker, so an invalid
copy's report is exactly what it always was. The semantic rules run afterwards either way, the same
function for both tiers, so new rules apply to both at once.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING

from nme_data.text.patterns import vet_patterns
from nme_data.validation.tier1_descriptor import Undecided, check_descriptor

if TYPE_CHECKING:
    from nme_data.validation.preflight import Preflight
    from nme_data.validation.spec import PendingSpec
    from nme_data.validation.tier1_ops import Ops

#: The engines `validate` accepts: auto (tier 1, falling back to tier 2) or frictionless (tier 2 only).
ENGINES = ("auto", "frictionless")


#: Peak memory of tier 1 and the semantic rules side by side, per byte of table files (measured: about 12 on
#: a copy of a million rows); under an address-space limit they run one after the other when it is short.
BYTES_PER_TABLE_BYTE = 12


def room_for_both(table_bytes: int) -> bool:
    """Whether the process's address-space limit (RLIMIT_AS, if any) leaves room for tier 1 and the semantic
    rules at once on tables of this size: a CI runner's 2 GiB then validates a million rows, more slowly."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return True
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft == resource.RLIM_INFINITY or table_bytes * BYTES_PER_TABLE_BYTE < soft


class TierOne:
    """Tier 1 in a thread, then tier 2's worker if it cannot prove the copy: `result()` gives both."""

    def __init__(self, pre: Preflight, engine: str = "auto", max_errors: int | None = None) -> None:
        self.pre, self.engine, self.max_errors = pre, engine, max_errors
        self._why: str | None = "tier 1 did not run"
        self._pending: PendingSpec | None = None
        self._thread = threading.Thread(target=self._run, name="nme-data tier 1", daemon=True)

    def start(self) -> TierOne:
        """A copy of small tables is decided at once, here, before the semantic rules import pandas: an
        invalid one then starts frictionless as early as before tier 1; large ones in the thread."""
        from nme_data.package import PackageError
        from nme_data.validation.tier1_ops import ARROW_FROM_BYTES

        try:  # the bytes the pre-flight read (kept by the package model): no file is opened again
            sizes = [len(table.read_bytes()) for table in self.pre.tables]
        except (OSError, PackageError):
            sizes = [ARROW_FROM_BYTES]
        small = all(size < ARROW_FROM_BYTES for size in sizes)
        if small or not room_for_both(sum(sizes)):
            self._run()  # small: at once; large under a memory limit: one after the other, not side by side
        else:
            self._thread.start()
        return self

    def _run(self) -> None:
        from nme_data.validation.spec import in_process, start_spec

        try:
            self._why = prove_spec(self.pre) if self.engine == "auto" else "--engine frictionless"
            if self._why is not None and not in_process():  # the worker starts now, beside the semantic rules
                assert self.pre.descriptor is not None
                self._pending = start_spec(self.pre.descriptor, self.pre.root, self.max_errors)
        except BaseException as exc:  # the caller always gets a result, never a silent pass
            from nme_data.validation.spec import failure_spec

            self._why = self._why or "tier 1 failed"
            self._pending = failure_spec(exc)

    def result(self) -> tuple[str | None, PendingSpec]:
        """Why tier 1 could not decide (None: proved), and the spec layer's pending errors.

        frictionless in this process (NME_DATA_SERIAL) runs here, in the caller's thread, after the
        semantic rules, as it always did: never two csv readers at once (the cell limit is process-wide)."""
        from nme_data.validation.spec import PendingSpec, start_spec

        if self._thread.ident is not None:
            self._thread.join()
        if self._pending is None:
            if self._why is None or self.pre.descriptor is None:
                self._pending = PendingSpec([])
            else:
                self._pending = start_spec(self.pre.descriptor, self.pre.root, self.max_errors)
        return self._why, self._pending


def prove_spec(pre: Preflight, ops: Ops | None = None) -> str | None:
    """None when frictionless would report no error for the pre-flight's descriptor; else why tier 1
    cannot tell (then tier 2 decides). Never raises: a tier-1 failure is only a reason to fall back.
    `ops` forces a column back-end (tests); by default it depends on each table's size."""
    try:
        _prove(pre, ops)
    except Undecided as exc:
        return str(exc)
    except Exception as exc:
        return f"tier 1 failed: {exc!r}"[:300]
    return None


def _prove(pre: Preflight, ops: Ops | None) -> None:
    from nme_data.validation.tier1_tables import check_foreign_keys, check_table, field_list

    if pre.errors or pre.descriptor is None or pre.damaged:
        raise Undecided("the pre-flight found problems")
    descriptor = copy.deepcopy(pre.descriptor)  # vet_patterns takes the patterns out, as tier 2 does
    check_descriptor(descriptor)
    problems, patterns = vet_patterns(descriptor)
    if problems:
        raise Undecided("a pattern cannot be evaluated")
    tables = {table.name: table for table in pre.tables}
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    if set(tables) != set(resources):
        raise Undecided("the tables read differ from the descriptor's resources")
    keep: dict[str, set[str]] = {name: set() for name in resources}
    for name, resource in resources.items():
        for foreign in resource["schema"].get("foreignKeys", []):
            keep[name].update(field_list(foreign["fields"]))
            keep[foreign["reference"]["resource"]].update(field_list(foreign["reference"]["fields"]))
    checked = {
        name: check_table(tables[name], resource, patterns, keep[name], ops) for name, resource in resources.items()
    }
    for name, resource in resources.items():
        check_foreign_keys(checked, name, resource["schema"])
