"""Numbers are in the quote (nme_data.rules.numbers): a numeric typed value is written in its row's quote."""

from __future__ import annotations

from typing import Any

import pytest

import nme_data
from conftest import ROOT
from nme_data.package import DataPackage
from nme_data.package.canonical import in_quote_declaration_problem
from nme_data.rules.numbers import InQuote, declarations, in_quote, written

PERCENT = InQuote("frequency_max_percent", ("{value}%",), "evidence", ())
YEAR = InQuote("year", ("{value}",), "evidence", ())


@pytest.mark.parametrize(
    ("cell", "text"), [("70", "70"), (70.0, "70"), ("70.50", "70.5"), ("+70", "70"), ("", None), ("x", None)]
)
def test_written(cell: Any, text: str | None) -> None:
    assert written(cell) == text


@pytest.mark.parametrize(
    ("declaration", "value", "quote", "holds"),
    [
        (PERCENT, "70", "as many as 70% of persons", True),
        (PERCENT, "70.0", "as many as 70% of persons", True),
        (PERCENT, "100", "as many as 70% of persons", False),
        (PERCENT, "70", "as many as 170% of persons", False),  # whole words
        (PERCENT, "70", "as many as 70.5% of persons", False),  # not a decimal part's start
        (PERCENT, "70", "as many as 70 of persons", False),  # the form needs the percent sign
        (YEAR, "1942", "in 1942", True),
        (YEAR, "1850", "in 1942", False),
        (YEAR, "194", "in 1942", False),
        (PERCENT, "", "anything", True),  # an empty cell is not judged here
    ],
)
def test_in_quote(declaration: InQuote, value: str, quote: str, holds: bool) -> None:
    assert in_quote(declaration, value, quote) is holds


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ({"forms": ["{value}%"]}, None),
        ({"forms": []}, "forms must be"),
        ({"forms": ["70%"]}, "forms must be"),
        ({"forms": ["{value}"], "filledWhen": {"no_such": ["x"]}}, "no_such"),
        ({"forms": ["{value}"], "filledWhen": ["x"]}, "filledWhen"),
        ("{value}", "must be an object"),
    ],
)
def test_declaration_problem(declaration: Any, problem: str | None) -> None:
    found = in_quote_declaration_problem(declaration, {"evidence", "year"})
    assert found is None if problem is None else problem in str(found)


def test_every_numeric_column_of_a_fact_table_declares_its_forms() -> None:
    package = DataPackage.open(ROOT)
    for table in package.tables.values():
        if "evidence" not in table.field_names:
            continue
        numeric = {f["name"] for f in table.fields if f.get("type") in ("number", "integer", "year")}
        assert numeric == set(declarations(table.fields)), table.name


def test_typed_schema_runs_the_number_rule() -> None:
    """The pandera schema of a loaded table catches a number its quote does not hold."""
    import pandera.errors

    from nme_data import schemas

    frame = nme_data.load("history")
    frame["year"] = frame["year"] + 1
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("history").validate(frame, lazy=True)
    checks = set(caught.value.failure_cases["check"].astype(str))
    assert any(check.startswith("number-not-in-quote|year|") for check in checks)


def test_a_loaded_frequency_licenses_its_qualifier() -> None:
    """On a typed frame 70.0 is written 70: the qualifier's cue 'as many as {frequency_max_percent}%' holds."""
    from nme_data import schemas

    schemas.schema("associations").validate(nme_data.load("associations"), lazy=True)
