"""`formula-injection`: no free-text cell begins like a spreadsheet formula (=, +, -, @, tab, CR)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from nme_data.package.dtypes import enum_values
from nme_data.rules.base import plugin, semantic
from nme_data.rules.context import as_text
from nme_data.rules.rule import ANY_FIELD, ONE_PASS_ROWS, Rule, all_pass, cells, check_name

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _no_formula_start(frame: pd.DataFrame, columns: list[str]) -> bool:
    """True when no cell of these columns of a small frame begins like a formula; False when one may (or
    when unsure: a large frame, a cell that is not text). The same test as the rule's, one pass in Python:
    cheaper than a pandas string operation per column on a small table (#31)."""
    if len(frame) > ONE_PASS_ROWS:
        return False
    found = (value for column in columns for value in cells(frame, column))
    return all(isinstance(value, str) and FORMULA_START.match(value) is None for value in found)


def formula_check(columns: list[str]) -> Rule:
    """One check per table over its text columns; the validator names the offending cells afterwards."""

    def no_formula(frame: pd.DataFrame) -> pd.Series:
        ok = all_pass(frame)
        if _no_formula_start(frame, columns):
            return ok
        for column in columns:
            ok &= ~as_text(frame[column]).str.match(FORMULA_START).fillna(False).astype(bool)
        return ok

    return Rule(no_formula, name=check_name("formula-injection", ANY_FIELD))


def formula_cells(row: pd.Series, columns: list[str]) -> list[str]:
    """The text columns of a failing row that begin like a formula."""
    return [column for column in columns if isinstance(row[column], str) and FORMULA_START.match(row[column])]


def text_fields(table: Table, present: set[str] | None = None) -> list[str]:
    """Free-text fields: strings without an enum, where formula injection can hide."""
    return [
        spec["name"]
        for spec in table.fields
        if (present is None or spec["name"] in present)
        and spec.get("type", "string") == "string"
        and enum_values(spec) is None
    ]


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    texts = text_fields(table, names)
    return [formula_check(texts)] if texts else []


RULE = plugin(
    __name__,
    "formula",
    rules,
    {
        "formula-injection": semantic(
            "A text cell begins with =, +, -, @, a tab or a carriage return, which spreadsheets run as a formula.",
            '=HYPERLINK("http://x")',
        ),
    },
    summary="free-text cells (strings without an enum) do not begin like a formula",
)
