"""Tier 1: a vectorised proof that frictionless would find nothing in a copy, so that it need not run.

Why: frictionless checks a table row by row in Python (about 17,000 rows a second here), and most
validations (CI, pre-commit) are of valid copies. Tier 1 checks the same things column-wise with
pyarrow (`tier1_tables`) after a gate on the descriptor (`tier1_descriptor`). It answers only "proved"
(frictionless would report no error) or "cannot decide" with a reason; it never reports an error
itself. Whenever it cannot decide, the pipeline (`validation.pipeline`, which runs tier 1 in a thread
beside the semantic rules) runs tier 2, frictionless in its worker, so an invalid copy's report is exactly
what it always was. The semantic rules run either way, the same function for both tiers.
"""

from __future__ import annotations

import pickle
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


def prove_spec(pre: Preflight, ops: Ops | None = None) -> str | None:
    """None when frictionless would report no error for the pre-flight's descriptor; else why tier 1
    cannot tell (then tier 2 decides). Never raises: a tier-1 failure is only a reason to fall back.
    `ops` forces a column back-end (tests); by default it depends on each table's size."""
    try:
        _prove(pre, ops)
    except _Undecided as exc:
        return str(exc)
    except Exception as exc:
        return f"tier 1 failed: {exc!r}"[:300]
    return None


def _prove(pre: Preflight, ops: Ops | None) -> None:
    from nme_data.validation.tier1_tables import check_foreign_keys, check_table, field_list

    if pre.errors or pre.descriptor is None or pre.damaged:
        raise _Undecided("the pre-flight found problems")
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
    for name, resource in resources.items():
        for foreign in resource["schema"].get("foreignKeys", []):
            keep[name].update(field_list(foreign["fields"]))
            keep[foreign["reference"]["resource"]].update(field_list(foreign["reference"]["fields"]))
    checked = {
        name: check_table(tables[name], resource, patterns, keep[name], ops) for name, resource in resources.items()
    }
    for name, resource in resources.items():
        check_foreign_keys(checked, name, resource["schema"])
