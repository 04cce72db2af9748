"""pandera schemas derived from datapackage.json, with the semantic rules of `nme_data.rules.semantic`.

Two views of each table come from one builder:

* `schema(name)` checks a typed DataFrame as `nme_data.load` returns it: dtypes, required,
  unique, enum, pattern, length and range constraints, primary and foreign keys, and the
  semantic rules;
* `semantic_schema(name)` checks the raw text of a CSV (every cell a string, missing = "")
  with the semantic rules only: the rules the validator runs after frictionless has checked
  the spec (it calls the same functions directly; a test keeps the two runners' verdicts equal).

Check names are `code|field` or `code|field|message` (`nme_data.rules.rule.check_name`), so that a failure
maps to a stable error code, a field and, where the code's general meaning is not enough, a specific
message. A row check over several columns (the formula guard) uses the field `*`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandera.pandas as pa

from nme_data.package import DataPackage, Table
from nme_data.package.dtypes import pandas_dtype
from nme_data.rules.rule import ANY_FIELD, Rule, check_name
from nme_data.rules.semantic import (
    EVIDENCE_ANCHOR_WORDS,
    EVIDENCE_WORD_LETTERS,
    Context,
    evidence_is_a_quote,
    formula_cells,
    package_context,
    per_unique,
    semantic_rules,
    text_fields,
)
from nme_data.text.patterns import compile_linear
from nme_data.text.sentences import EVIDENCE_SEPARATOR

__all__ = [
    "ANY_FIELD",
    "EVIDENCE_ANCHOR_WORDS",
    "EVIDENCE_SEPARATOR",
    "EVIDENCE_WORD_LETTERS",
    "Context",
    "build_schema",
    "check_name",
    "constraint_checks",
    "evidence_is_a_quote",
    "formula_cells",
    "schema",
    "schemas",
    "semantic_schema",
    "text_fields",
]


def as_check(rule: Rule) -> pa.Check:
    """A semantic rule as a pandera check of the whole frame, under the rule's name."""
    return pa.Check(rule.check, name=rule.name)


def constraint_checks(spec: dict[str, Any]) -> list[pa.Check]:
    """Table Schema constraints as pandera checks (typed view only; frictionless covers raw files)."""
    constraints = spec.get("constraints") or {}
    name = check_name("constraint-error", spec["name"])
    checks = []
    if "enum" in constraints:
        allowed = list(constraints["enum"])
        checks.append(pa.Check(lambda s: s.isin(allowed), name=name, ignore_na=True))
    if "pattern" in constraints:  # RE2, linear in the cell: a crafted pattern cannot hang the caller
        matches = compile_linear(constraints["pattern"])
        checks.append(pa.Check(lambda s: per_unique(s, matches), name=name, ignore_na=True))
    if "minLength" in constraints or "maxLength" in constraints:
        low, high = constraints.get("minLength", 0), constraints.get("maxLength", float("inf"))
        checks.append(pa.Check(lambda s: s.astype("string").str.len().between(low, high), name=name, ignore_na=True))
    if "minimum" in constraints:
        minimum = constraints["minimum"]
        checks.append(pa.Check(lambda s: s >= minimum, name=name, ignore_na=True))
    if "maximum" in constraints:
        maximum = constraints["maximum"]
        checks.append(pa.Check(lambda s: s <= maximum, name=name, ignore_na=True))
    return checks


# ---- builders ------------------------------------------------------------------------------------


def build_schema(table: Table, context: Context, typed: bool, present: set[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one table; with typed=False, the semantic rules only, on raw text."""
    columns: dict[str, pa.Column] = {}
    for spec in table.fields if typed else ():
        name = spec["name"]
        constraints = spec.get("constraints") or {}
        columns[name] = pa.Column(
            pandas_dtype(spec),
            checks=constraint_checks(spec),
            nullable=not constraints.get("required", False),
            unique=bool(constraints.get("unique", False)),
            required=True,
            name=name,
        )
    rules = semantic_rules(table, context, present, typed=typed)
    return pa.DataFrameSchema(
        columns,
        checks=[as_check(rule) for rule in rules],
        name=table.name,
        unique=table.primary_key if typed and table.primary_key else None,
        strict=typed,
        ordered=typed,
    )


def schema(name: str, source: str | Path | None = None) -> pa.DataFrameSchema:
    """The full pandera schema of a typed table, as `nme_data.load(name)` returns it."""
    package = DataPackage.open(source)
    return build_schema(package.table(name), package_context(package), typed=True)


def semantic_schema(name: str, source: str | Path | None = None) -> pa.DataFrameSchema:
    """The semantic rules of a table, for its raw text (see `nme_data.package.raw.read_text_frame`)."""
    package = DataPackage.open(source)
    return build_schema(package.table(name), package_context(package), typed=False)


def schemas(source: str | Path | None = None) -> dict[str, pa.DataFrameSchema]:
    """Every table's typed schema, sharing one context."""
    package = DataPackage.open(source)
    context = package_context(package)
    return {name: build_schema(table, context, typed=True) for name, table in package.tables.items()}
