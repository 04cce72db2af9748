"""Single-cell mutations of the fact tables, judged by the semantic layer alone (no frictionless, no copy).

A mutation changes one typed cell whose value the quote's wording decides to another value the schema
allows, and keeps the quote. `judge` runs the semantic rules the validator runs on the mutated raw frame
and says whether the mutated row now fails one of them. Used by tests/test_mutations.py and, for the
figures in the changelog, by `python tests/mutations.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nme_data.package import DataPackage, Table
from nme_data.raw import read_text_frame
from nme_data.rules.rule import Rule
from nme_data.rules.semantic import Context, package_context, semantic_rules

ROOT = Path(__file__).resolve().parents[1]
#: Columns covered by the curation rules of 2.0 (nme_data.rules.curation), decided by words too.
CURATION_COLUMNS = ("certainty", "open_list")
#: Of two allowed values, the one that claims more (a hedge, a qualifier or an empty cell claims less).
CERTAINTY_STRENGTH = {"hedged": 0, "attributed": 1, "proposed": 1, "stated": 2}
#: Columns whose filled value is a restriction: emptying them claims more ("typically resolves" -> resolves).
QUALIFIERS = frozenset({"outcome_qualifier", "frequency_qualifier"})


@dataclass(frozen=True)
class Mutation:
    table: str
    row: int  # as the validator reports it (the header is row 1)
    row_id: str
    field: str
    old: str
    new: str
    stronger: bool

    def __str__(self) -> str:
        return f"{self.table}/{self.row_id}.{self.field}: {self.old!r} -> {self.new!r}"


def fact_tables(package: DataPackage) -> list[Table]:
    return [t for t in package.tables.values() if {"evidence", "certainty"} <= set(t.field_names)]


def cue_columns(table: Table) -> list[str]:
    """The columns whose value the quote's words decide: declared with nme:cues values, and the curation ones."""
    return [
        spec["name"]
        for spec in table.fields
        if spec["name"] in CURATION_COLUMNS or isinstance((spec.get("nme:cues") or {}).get("values"), dict)
    ]


def allowed(spec: dict) -> list[str]:
    """Every raw value the schema allows in the column ('' where it is optional)."""
    constraints = spec.get("constraints") or {}
    values = list(constraints["enum"]) if "enum" in constraints else ["true", "false"]
    return values if constraints.get("required") else [*values, ""]


def is_stronger(spec: dict, old: str, new: str) -> bool:
    """Whether new claims more than old: fills an empty cell, ranks higher, turns a flag on, drops a hedge
    or a qualifier."""
    name = spec["name"]
    if name == "certainty":
        return CERTAINTY_STRENGTH[new] > CERTAINTY_STRENGTH[old]
    if name in QUALIFIERS:
        return new == "" and old != ""
    if old == "" and new != "":
        return True
    if spec.get("type") == "boolean":
        return old == "false" and new == "true"
    if spec.get("categoriesOrdered") and old and new:
        order = spec["constraints"]["enum"]
        return order.index(new) > order.index(old)
    return False


def mutations(package: DataPackage, columns: dict[str, list[str]] | None = None) -> Iterator[Mutation]:
    """Every single-cell change of every fact row (default columns: `cue_columns`)."""
    for table in fact_tables(package):
        frame = read_text_frame(table)
        specs = {spec["name"]: spec for spec in table.fields}
        names = cue_columns(table) if columns is None else [c for c in columns.get(table.name, []) if c in specs]
        for row in frame.index:
            for name in names:
                old = frame.at[row, name]
                for new in allowed(specs[name]):
                    if new != old:
                        stronger = is_stronger(specs[name], old, new)
                        yield Mutation(table.name, int(row), frame.at[row, "id"], name, old, new, stronger)


def numeric_columns(table: Table) -> list[str]:
    """The numeric typed columns of a fact table (percent bounds, years, counts)."""
    return [spec["name"] for spec in table.fields if spec.get("type") in ("number", "integer", "year")]


def number_mutations(package: DataPackage) -> Iterator[Mutation]:
    """Every numeric cell of every fact row changed: one more, one less, the field's bounds, and a filled
    cell emptied (where the field is optional) or an empty one filled. Each claims what the quote does not."""
    for table in fact_tables(package):
        frame = read_text_frame(table)
        specs = {spec["name"]: spec for spec in table.fields}
        for name in numeric_columns(table):
            constraints = specs[name].get("constraints") or {}
            low, high = constraints.get("minimum", 0), constraints.get("maximum", 100)
            for row in frame.index:
                old = frame.at[row, name]
                if old:
                    value = float(old)
                    news = {value + 1, value - 1, low, high, (low + high) / 2}
                    candidates = [_written(v) for v in sorted(news) if low <= v <= high and v != value]
                    if not constraints.get("required"):
                        candidates.append("")
                else:
                    candidates = [_written((low + high) / 2)]
                for new in candidates:
                    yield Mutation(table.name, int(row), frame.at[row, "id"], name, old, new, True)


def _written(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class Judge:
    """Runs the semantic rules on a table with one cell changed; frames and the context are read once."""

    def __init__(self, package: DataPackage) -> None:
        self.package = package
        self.context: Context = package_context(package)
        self.frames = {t.name: read_text_frame(t) for t in fact_tables(package)}
        self.rules = {
            name: semantic_rules(package.tables[name], self.context, set(frame.columns))
            for name, frame in self.frames.items()
        }

    def reported(self, mutation: Mutation) -> list[str]:
        """The codes the semantic layer reports on the mutated row."""
        frame = self.frames[mutation.table].loc[[mutation.row]].copy()
        frame.at[mutation.row, mutation.field] = mutation.new
        return sorted({rule.code for rule in self.rules[mutation.table] if not _holds(rule, frame, mutation.row)})


def _holds(rule: Rule, frame: pd.DataFrame, row: int) -> bool:
    """The rule's verdict on the row, read as the validator reads it (`nme_data.validation.semantic.verdicts`:
    a missing verdict fails). The rules of the fact tables judge each row alone, so the row's own one-row
    frame gives the verdict the whole table would, at a fraction of the cost."""
    found = rule.check(frame)
    value = found.get(row) if isinstance(found, pd.Series) else found
    return bool(value) if value is not None and value is not pd.NA else False


def figures(package: DataPackage, columns: dict[str, list[str]] | None = None) -> dict[str, tuple[int, int]]:
    """(caught, total) for all mutations and for the stronger ones."""
    judge = Judge(package)
    every = list(mutations(package, columns))
    caught = {m for m in every if judge.reported(m)}
    stronger = [m for m in every if m.stronger]
    return {
        "all": (len(caught), len(every)),
        "stronger": (sum(m in caught for m in stronger), len(stronger)),
    }


if __name__ == "__main__":  # python tests/mutations.py [package]: the figures for the changelog
    package = DataPackage.open(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    for label, (hit, total) in figures(package).items():
        print(f"{label}: {hit}/{total} caught ({100 * hit / max(total, 1):.0f}%)")
