"""Numbers are in the quote: a numeric typed value must be written in its row's quote.

A numeric field (``number`` or ``integer``: percent bounds, years, counts) declares, under the custom
field property ``nme:inQuote`` of ``datapackage.json`` (documented in docs/cues.md), the forms its value
takes in the article, and which value of a qualifier field it is filled for::

    "nme:inQuote": {"forms": ["{value}%"],
                    "filledWhen": {"frequency_qualifier": ["upper_bound", "range", "point"]}}

* ``forms``: phrases with ``{value}``, the cell written plainly (``70``, ``12.5``: no ``+``, no trailing
  zeros). The quote must hold one of them as whole words: ``70`` needs "70%", not "170%" nor "70.5%".
* ``filledWhen`` (optional): the field is filled exactly when the named field holds one of the listed
  values (an upper bound has a maximum and no minimum; a range has both).
* ``read``: the column holding the text (default ``evidence``).

Two codes (declared by `RULE`, at the end):

* ``number-not-in-quote``: the cell's value is in none of the declared forms in the quote;
* ``number-qualifier-mismatch``: the cell is filled (or empty) against its ``filledWhen`` declaration.

What the qualifier itself says ("as many as 70%" is an upper bound, "between 10 and 20%" a range) is the
qualifier's ``nme:cues``, whose phrases name the bounds (``"as many as {frequency_max_percent}%"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.package.canonical import IN_QUOTE_PROPERTY as PROPERTY
from nme_data.package.canonical import in_quote_declaration_problem
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import Rule, check_name

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

EVIDENCE = "evidence"
VALUE = "{value}"


@dataclass(frozen=True)
class InQuote:
    """One numeric field's declaration."""

    field: str
    forms: tuple[str, ...]
    read: str
    filled_when: tuple[tuple[str, tuple[str, ...]], ...]
    #: The field's minimum and maximum constraints: a value outside them is the spec layer's error alone.
    bounds: tuple[Decimal | None, Decimal | None] = (None, None)


def declared(fields: list[dict[str, Any]]) -> list[InQuote]:
    """The nme:inQuote declarations of a table (a malformed one is the package model's schema-error)."""
    names = {str(spec.get("name")) for spec in fields}
    found = []
    for spec in fields:
        declaration = spec.get(PROPERTY)
        if declaration is None or in_quote_declaration_problem(declaration, names):
            continue
        filled = declaration.get("filledWhen") or {}
        found.append(
            InQuote(
                field=str(spec["name"]),
                forms=tuple(declaration["forms"]),
                read=str(declaration.get("read", EVIDENCE)),
                filled_when=tuple((str(k), tuple(str(v) for v in values)) for k, values in filled.items()),
                bounds=_bounds(spec.get("constraints")),
            )
        )
    return found


def _bounds(constraints: Any) -> tuple[Decimal | None, Decimal | None]:
    if not isinstance(constraints, dict):
        return (None, None)
    low, high = (written(constraints.get(name)) for name in ("minimum", "maximum"))
    return (None if low is None else Decimal(low), None if high is None else Decimal(high))


def written(value: Any) -> str | None:
    """A cell's number as the article writes it (`70`, `12.5`); None for an empty or unreadable cell."""
    if value is None or value is pd.NA or isinstance(value, bool):
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


@lru_cache(maxsize=4096)
def _form(form: str, number: str) -> re.Pattern[str]:
    """A form with its number, as whole words: not preceded by a digit, word or point, not followed by a
    word or by a decimal part."""
    body = re.escape(form).replace(re.escape(VALUE), re.escape(number))
    return re.compile(r"(?<![\w.])" + body + r"(?!\w|[.,]\d)", re.IGNORECASE)


def in_quote(declaration: InQuote, value: Any, text: Any) -> bool:
    """Whether the text holds the value in one of the declared forms (an empty cell or text: not judged)."""
    number = written(value)
    if number is None or not isinstance(text, str) or not text:
        return True
    low, high = declaration.bounds
    if (low is not None and Decimal(number) < low) or (high is not None and Decimal(number) > high):
        return True  # outside the field's constraints: the spec layer's constraint-error
    return any(_form(form, number).search(text) for form in declaration.forms)


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def number_checks(fields: list[dict[str, Any]], present: set[str]) -> list[Rule]:
    """`number-not-in-quote` and `number-qualifier-mismatch` for every declared field whose columns exist."""
    rules = []
    for declaration in declared(fields):
        if {declaration.field, declaration.read} <= present:
            rules.append(_in_quote_rule(declaration))
        for qualifier, values in declaration.filled_when:
            if {declaration.field, qualifier} <= present:
                rules.append(_filled_rule(declaration.field, qualifier, values))
    return rules


def _in_quote_rule(declaration: InQuote) -> Rule:
    def holds(frame: pd.DataFrame) -> pd.Series:
        judged: dict[tuple[str, Any], bool] = {}
        verdicts = []
        for value, text in zip(frame[declaration.field].tolist(), frame[declaration.read].tolist(), strict=True):
            key = (_cell(value), text if isinstance(text, str) else None)
            verdict = judged.get(key)
            if verdict is None:
                verdict = judged[key] = in_quote(declaration, value, text)
            verdicts.append(verdict)
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    forms = " or ".join(f"'{form}'" for form in declaration.forms)
    where = "the quote" if declaration.read == EVIDENCE else declaration.read
    message = f"{declaration.field}'s value is not written in {where} (as {forms})"
    return Rule(holds, name=check_name("number-not-in-quote", declaration.field, message))


def _filled_rule(field: str, qualifier: str, values: tuple[str, ...]) -> Rule:
    def agrees(frame: pd.DataFrame) -> pd.Series:
        verdicts = []
        for value, kind in zip(frame[field].tolist(), frame[qualifier].tolist(), strict=True):
            kind_text = _cell(kind)
            if not kind_text:
                verdicts.append(True)  # no qualifier: row-rule's error where a bound is filled
                continue
            verdicts.append((written(value) is not None) == (kind_text in values))
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    listed = ", ".join(values)
    message = f"{field} must be filled exactly when {qualifier} is one of: {listed}"
    return Rule(agrees, name=check_name("number-qualifier-mismatch", field, message))


def declarations(fields: list[dict[str, Any]]) -> Mapping[str, InQuote]:
    """field -> declaration (for the data dictionary and the tests)."""
    return {d.field: d for d in declared(fields)}


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return number_checks(table.fields, names)


RULE = plugin(
    __name__,
    "numbers",
    rules,
    {
        "number-not-in-quote": Code(
            "semantic",
            "A numeric typed value (a percent bound, a year) is not written in its row's quote in any form its field "
            "declares (nme:inQuote): the quote says 70%, the cell must be 70.",
            "associations nme-glucagonoma-frequency frequency_max_percent 100 for 'as many as 70% of persons'",
        ),
        "number-qualifier-mismatch": Code(
            "semantic",
            "A numeric bound is filled (or empty) against its qualifier (nme:inQuote filledWhen): an upper bound has "
            "a maximum and no minimum, a range has both.",
            "associations frequency_min_percent 70 beside frequency_qualifier upper_bound",
        ),
    },
    properties=(PROPERTY,),
    summary="numbers written in the quote (fields declaring nme:inQuote)",
)
