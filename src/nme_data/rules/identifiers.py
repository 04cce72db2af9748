"""`identifier-*`: the form, existence and currency of a mapping's object_id in the shipped ontology snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nme_data.rules.base import plugin, semantic
from nme_data.rules.context import per_unique, present
from nme_data.rules.rule import Rule, check_name
from nme_data.text import ontology

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table
    from nme_data.rules.context import Context


def identifier_checks(context: Context) -> list[Rule]:
    """Form, existence and currency of object_id, judged once per distinct identifier."""

    def rule(predicate: Callable[[str], bool]) -> Callable[[pd.DataFrame], pd.Series]:
        def check(frame: pd.DataFrame) -> pd.Series:
            return ~present(frame["object_id"]) | per_unique(frame["object_id"], predicate)

        return check

    def known(curie: str) -> bool:
        return not ontology.is_well_formed(curie) or curie in context.terms

    def current(curie: str) -> bool:
        return curie not in context.terms or not context.terms[curie].obsolete

    return [
        Rule(rule(ontology.is_well_formed), name=check_name("identifier-malformed", "object_id")),
        Rule(rule(known), name=check_name("identifier-unknown", "object_id")),
        Rule(rule(current), name=check_name("identifier-obsolete", "object_id")),
    ]


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return identifier_checks(context)


RULE = plugin(
    __name__,
    "identifiers",
    rules,
    {
        "identifier-malformed": semantic("An identifier does not have its system's form.", "HP:12"),
        "identifier-unknown": semantic(
            "An identifier is not in the ontology snapshot shipped with the validator.", "HP:9999999"
        ),
        "identifier-obsolete": semantic(
            "An identifier is obsolete in the shipped ontology snapshot.", "a deprecated HPO term"
        ),
    },
    fields={"object_id", "object_source"},
    summary="the form, existence and currency of object_id in the shipped ontology snapshot",
)
