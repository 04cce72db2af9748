"""A quote names its row: a real quote attached to the wrong row is an error (``quote-misses-row``).

The fields that name a row's subject or object carry the custom property ``nme:namesRow`` in
``datapackage.json`` (documented in docs/cues.md): a text field (``site``, ``feature``, ``finding``) names
the row by its own words; a foreign key (``object_id``, ``factor_id``) by the ``name`` of the row it
points to. The quote must hold every word of at least one of the row's names, or of a synonym declared
for it (``{"synonyms": {"affected areas may be left dry or fissured": ["areas may be left dry"]}}``).
Words, not substrings: "red rash" is named by "a red, blistering rash"; case is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.package.canonical import NAMES_PROPERTY as PROPERTY
from nme_data.package.canonical import names_declaration_problem
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import Rule, check_name, per_distinct

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

EVIDENCE = "evidence"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Naming:
    """A field that names its row: the table its foreign key points to (None: its own text), its synonyms."""

    field: str
    target: str | None
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]


def namings(fields: list[dict[str, Any]], foreign_keys: list[dict[str, Any]]) -> list[Naming]:
    """The naming fields a table declares (a malformed declaration is the package model's schema-error)."""
    targets: dict[str, str] = {}
    for key in foreign_keys:
        columns = key.get("fields")
        column = (
            columns
            if isinstance(columns, str)
            else columns[0]
            if isinstance(columns, list) and len(columns) == 1
            else None
        )
        resource = (key.get("reference") or {}).get("resource")
        if column and resource:
            targets[column] = resource
    found = []
    for spec in fields:
        declaration = spec.get(PROPERTY)
        if declaration is None or names_declaration_problem(declaration):
            continue
        synonyms = tuple((str(k), tuple(v)) for k, v in (declaration.get("synonyms") or {}).items())
        found.append(Naming(str(spec["name"]), targets.get(str(spec["name"])), synonyms))
    return found


@lru_cache(maxsize=8192)
def words(text: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in _WORD.findall(text))


def names(quote: str, candidates: list[str]) -> bool:
    """Whether the quote holds every word of one of the candidate names."""
    said = words(quote)
    return any(words(name) and words(name) <= said for name in candidates)


def naming_check(found: list[Naming], names_of: Mapping[str, Mapping[str, str]]) -> Rule:
    """`quote-misses-row` on the evidence field; `names_of` maps a table to its ids' names."""

    def candidates(row: Mapping[str, Any]) -> list[str] | None:
        """The row's names; None when a key points to a name this validation does not know (a damaged or
        missing table, a dangling key): that damage is reported where it is, and this row is not judged."""
        result = []
        for naming in found:
            cell = row.get(naming.field)
            if not isinstance(cell, str) or not cell:
                continue
            name = names_of.get(naming.target, {}).get(cell) if naming.target else cell
            if not name:
                return None
            result.append(name)
            result.extend(dict(naming.synonyms).get(name, ()))
        return result

    def named(frame: pd.DataFrame) -> pd.Series:
        columns = (EVIDENCE, *(naming.field for naming in found))

        def verdict(*record: Any) -> bool:  # rows repeat quotes and keys: each combination once
            row = dict(zip(columns, record, strict=True))
            quote, options = row[EVIDENCE], candidates(row)
            return not isinstance(quote, str) or not quote or not options or names(quote, options)

        return per_distinct(frame, columns, verdict)

    fields = ", ".join(naming.field for naming in found)
    message = f"the quote names none of the row's {fields} (nor a declared synonym): is it the quote of another row?"
    return Rule(named, name=check_name("quote-misses-row", EVIDENCE, message))


def naming_checks(
    fields: list[dict[str, Any]],
    foreign_keys: list[dict[str, Any]],
    present: set[str],
    names_of: Mapping[str, Mapping[str, str]],
) -> list[Rule]:
    found = [n for n in namings(fields, foreign_keys) if n.field in present]
    return [naming_check(found, names_of)] if found and EVIDENCE in present else []


def needs_names(fields: list[dict[str, Any]], foreign_keys: list[dict[str, Any]]) -> bool:
    """Whether the table's naming rule reads other tables' names (then it is checked after every table)."""
    return any(n.target for n in namings(fields, foreign_keys))


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return naming_checks(table.fields, table.foreign_keys, names, context.names)


RULE = plugin(
    __name__,
    "naming",
    rules,
    {
        "quote-misses-row": Code(
            "semantic",
            "The row's quote names neither its subject nor its object: it holds no name of a field marked "
            "nme:namesRow (the site, feature or finding words, the name of the condition a key points to) nor a "
            "declared synonym. A real quote attached to the wrong row.",
            "sites intro-lower-abdomen with the quote "
            "'although less commonly the abdomen, perineum ... may be affected'",
        ),
    },
    properties=(PROPERTY,),
    summary="the quote names its row (fields declaring nme:namesRow)",
)
