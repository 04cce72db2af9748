"""Tier 1: a vectorised proof that frictionless would find nothing in a copy, so that it need not run.

Why: frictionless checks a table row by row in Python (about 17,000 rows a second here), and most
validations (CI, pre-commit) are of valid copies. Tier 1 checks the same things column-wise with
pyarrow (`tier1_tables`) after a gate on the descriptor (`tier1_descriptor`). It answers table by table,
only "proved" (frictionless would report no error in that table) or "cannot decide" with a reason; it never
reports an error itself. For the tables it cannot prove, the pipeline (`validation.pipeline`, which runs
tier 1 in a thread beside the semantic rules) runs tier 2, frictionless in its worker, on those tables only,
so an invalid copy's report is exactly what it always was. The semantic rules run either way, the same
function for both tiers.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nme_data.text.patterns import vet_patterns
from nme_data.validation.tier1_descriptor import _Undecided, check_descriptor

if TYPE_CHECKING:
    from nme_data.validation.preflight import Preflight
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


@dataclass(frozen=True)
class Proof:
    """Tier 1's answer, table by table. `why` is None when every table is proved (frictionless would report
    nothing), else the first reason it could not decide; `undecided` names the tables it could not prove, in
    the descriptor's order (None: none could be judged on its own, so frictionless checks the whole copy).

    Why per table: one damaged table used to send every table of the copy through frictionless, row by row;
    now frictionless reads only the tables tier 1 cannot vouch for, and their report is the same."""

    why: str | None
    undecided: tuple[str, ...] | None = None

    @property
    def proved(self) -> bool:
        return self.why is None


def prove_tables(pre: Preflight, ops: Ops | None = None) -> Proof:
    """Which tables of the pre-flight's descriptor frictionless would find nothing in. A table is proved when
    its rows pass tier 1, every table its foreign keys point at passes too, and its keys are all found there:
    frictionless' report on that table is then empty, whatever the other tables hold. Never raises: a
    tier-1 failure is only a reason to leave the tables to frictionless. `ops` forces a column back-end
    (tests); by default it depends on each table's size."""
    try:
        return _prove(pre, ops)
    except _Undecided as exc:
        return Proof(str(exc))
    except Exception as exc:
        return Proof(f"tier 1 failed: {exc!r}"[:300])


def _prove(pre: Preflight, ops: Ops | None) -> Proof:
    from nme_data.validation.tier1_tables import CheckedTable, check_foreign_keys, check_table, field_list

    if pre.descriptor is None:
        raise _Undecided("the pre-flight kept no table")
    # The pre-flight's descriptor leaves out the tables it kept away (and the keys into them): frictionless
    # is only ever given this one, so the tables in it are all tier 1 has to prove.
    # vet_patterns takes the patterns out, as tier 2 does: a copy (pickle's round trip copies the parsed JSON
    # exactly, shared parts shared, in a fraction of deepcopy's time: #31)
    descriptor = pickle.loads(pickle.dumps(pre.descriptor, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes
    check_descriptor(descriptor)
    problems, patterns = vet_patterns(descriptor)
    if problems:
        raise _Undecided("a pattern cannot be evaluated")
    tables = {table.name: table for table in pre.tables}
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    if set(tables) != set(resources):
        raise _Undecided("the tables read differ from the descriptor's resources")
    keep: dict[str, set[str]] = {name: set() for name in resources}
    targets: dict[str, list[str]] = {name: [] for name in resources}
    for name, resource in resources.items():
        for foreign in resource["schema"].get("foreignKeys", []):
            keep[name].update(field_list(foreign["fields"]))
            target = foreign["reference"]["resource"]
            keep[target].update(field_list(foreign["reference"]["fields"]))
            targets[name].append(target)
    checked: dict[str, CheckedTable] = {}
    reasons: dict[str, str] = {}
    for name, resource in resources.items():
        try:
            checked[name] = check_table(tables[name], resource, patterns, keep[name], ops)
        except _Undecided as exc:
            reasons[name] = str(exc)
    key_reasons: dict[str, str] = {}
    for name, resource in resources.items():
        if name not in checked:
            continue
        unread = [target for target in targets[name] if target not in checked]
        if unread:
            key_reasons[name] = f"a table its foreign keys point at cannot be proved: {unread[0]!r}"
            continue
        try:
            check_foreign_keys(checked, name, resource["schema"])
        except _Undecided as exc:
            key_reasons[name] = str(exc)
    undecided = tuple(name for name in resources if name in reasons or name in key_reasons)
    if not undecided:
        return Proof(None, ())
    why = next(iter(reasons.values()), None) or next(iter(key_reasons.values()))
    return Proof(why, undecided)
