"""`foreign-key` on a typed frame: on raw text the spec layer (tier 1 or frictionless) checks the foreign keys;
on the typed frames pandera's `nme_data.frames.schemas` checks, nothing else would."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nme_data.rules.base import Code, plugin
from nme_data.rules.context import is_in, present
from nme_data.rules.rule import Rule, check_name

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table
    from nme_data.rules.context import Context


def foreign_key_checks(table: Table, context: Context) -> list[Rule]:
    checks = []
    for fk in table.foreign_keys:
        fields: Any = fk.get("fields")
        reference = fk.get("reference", {})
        target = reference.get("resource") or table.name
        if not isinstance(fields, str) and len(fields) != 1:
            continue
        column = fields if isinstance(fields, str) else fields[0]

        def points_somewhere(frame: pd.DataFrame, column: str = column, target: str = target) -> pd.Series:
            return ~present(frame[column]) | is_in(frame[column], context.ids.get(target, ()))

        checks.append(Rule(points_somewhere, name=check_name("foreign-key", column)))
    return checks


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return foreign_key_checks(table, context)


RULE = plugin(
    __name__,
    "foreign_keys",
    rules,
    {
        "foreign-key": Code(
            "spec", "A reference points to no row of the referenced table.", "condition_id no-such-condition"
        ),
    },
    typed_only=True,
    summary="single-field foreign keys of a typed frame (the spec layer checks them on raw text)",
)
