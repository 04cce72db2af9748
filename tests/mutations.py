"""Single-cell mutations of the fact tables, judged by the semantic layer alone (no frictionless, no copy).

A mutation changes one typed cell whose value the quote's wording decides to another value the schema
allows, and keeps the quote. `judge` runs the semantic rules the validator runs on the mutated raw frame
and says whether the mutated row now fails one of them. Used by tests/cases/test_mutations.py and, for the
figures in the changelog, by `python tests/mutations.py`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from nme_data.package import DataPackage, Table
from nme_data.package.raw import read_text_frame
from nme_data.rules.anchors import KEY_JOIN as ANCHOR_KEY_JOIN
from nme_data.rules.curation import CERTAINTY_CUES, OPEN_LIST_CUES
from nme_data.rules.rule import Rule, shared_reads
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


@dataclass(frozen=True)
class Elision:
    """A cue cut out of a row's quote with ' [...] ', and the value it decided made stronger."""

    table: str
    row: int
    row_id: str
    cue: str
    quote: str
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return (
            f"{self.table}/{self.row_id}: cut {self.cue!r} -> {self.quote!r}, {self.field} {self.old!r} -> {self.new!r}"
        )


def cue_phrases(table: Table, row: dict[str, str]) -> list[tuple[str, str, str]]:
    """Every (field, value, phrase) cue of a row's columns, its placeholders filled from the row: the curation
    cues of certainty and open_list and the nme:cues values of the other columns."""
    found = [("certainty", value, cue) for value, cues in CERTAINTY_CUES.items() for cue in cues]
    found += [("open_list", "true", cue) for cue in OPEN_LIST_CUES]
    for spec in table.fields:
        values = (spec.get("nme:cues") or {}).get("values")
        if not isinstance(values, dict) or (spec["nme:cues"].get("read") or "evidence") != "evidence":
            continue
        for value, cues in values.items():
            for cue in cues:
                filled = re.sub(r"\{(\w+)\}", lambda m: row.get(m.group(1), ""), cue)
                found.append((spec["name"], value, filled))
    return found


def stronger_values(spec: dict, value: str) -> list[str]:
    """The values of a field that claim more than `value` (open_list: a closed list claims more than an
    open one; otherwise `is_stronger`)."""
    if spec["name"] == "open_list":
        return ["false"] if value == "true" else []
    return [new for new in allowed(spec) if new != value and is_stronger(spec, value, new)]


def elision_mutations(package: DataPackage) -> Iterator[Elision]:
    """For every fact row and every cue in its quote: the quote with the cue cut out (` [...] ` in its
    place, each part still verbatim), and the value the cue decides set to each stronger value."""
    for table in fact_tables(package):
        frame = read_text_frame(table)
        specs = {spec["name"]: spec for spec in table.fields}
        for index in frame.index:
            row = {str(k): ("" if v is None else str(v)) for k, v in frame.loc[index].items()}
            quote = row["evidence"]
            for field, value, phrase in cue_phrases(table, row):
                match = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", quote, re.IGNORECASE)
                if match is None or field not in specs:
                    continue
                left, right = quote[: match.start()].rstrip(" "), quote[match.end() :].lstrip(" ")
                if not left or not right or left.endswith("[...]") or right.startswith("[...]"):
                    continue  # nothing to elide between
                cut = f"{left} [...] {right}"
                for new in stronger_values(specs[field], value):
                    yield Elision(table.name, int(index), row["id"], match.group(0), cut, field, row[field], new)


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
        return self.reported_row(mutation.table, mutation.row, {mutation.field: mutation.new})

    def reported_all(self, changes: Iterable[Mutation]) -> dict[Mutation, list[str]]:
        """`reported` of every mutation, judged in rounds: a round changes one cell in each of several rows of a
        table (each row as its own mutation leaves it) and runs every rule once on those rows. The rules of
        the fact tables judge each row alone (`_holds`), so a row's verdict in a round is its verdict alone;
        should a rule answer once for the whole frame, not row by row, the round's rows are judged one by one."""
        found: dict[Mutation, list[str]] = {}
        rows: dict[str, dict[int, list[Mutation]]] = {}
        for mutation in changes:
            assert mutation.field != "evidence", "a changed quote is re-anchored: use reported_row"
            rows.setdefault(mutation.table, {}).setdefault(mutation.row, []).append(mutation)
        for table, by_row in rows.items():
            for turn in range(max(len(queued) for queued in by_row.values())):
                batch = [queued[turn] for queued in by_row.values() if len(queued) > turn]
                frame = self.frames[table].loc[[m.row for m in batch]].copy()
                for mutation in batch:
                    frame.at[mutation.row, mutation.field] = mutation.new
                with shared_reads():  # as the validator runs them: what rules derive from the frame is shared
                    verdicts = [(rule.code, rule.check(frame)) for rule in self.rules[table]]
                if all(isinstance(verdict, pd.Series) for _, verdict in verdicts):
                    for mutation in batch:
                        found[mutation] = sorted(
                            {code for code, verdict in verdicts if not _held(verdict, mutation.row)}
                        )
                else:
                    found.update((mutation, self.reported(mutation)) for mutation in batch)
        return found

    def reported_row(self, table: str, row: int, cells: dict[str, str]) -> list[str]:
        """The codes the semantic layer reports on a row with these cells changed. A changed quote is
        re-anchored: every part gets its anchor row, as `scripts/anchor_evidence.py` would write it."""
        frame = self.frames[table].loc[[row]].copy()
        for field, value in cells.items():
            frame.at[row, field] = value
        anchored = self.context.quotes.anchored  # per table, the anchors' "row_id<US>part" keys (pyarrow)
        held = anchored.get(table) if anchored is not None else None
        if "evidence" in cells and anchored is not None:
            row_id = str(frame.at[row, "id"])
            parts = range(1, cells["evidence"].count(" [...] ") + 2)
            added = pa.array([f"{row_id}{ANCHOR_KEY_JOIN}{n}" for n in parts], type=pa.large_string())
            anchored[table] = added if held is None else pa.concat_arrays([held, added])
        try:
            with shared_reads():  # as the validator runs them: what rules derive from the frame is shared
                return sorted({rule.code for rule in self.rules[table] if not _holds(rule, frame, row)})
        finally:
            if anchored is not None:
                if held is None:
                    anchored.pop(table, None)
                else:
                    anchored[table] = held


def _holds(rule: Rule, frame: pd.DataFrame, row: int) -> bool:
    """The rule's verdict on the row, read as the validator reads it (`nme_data.validation.semantic.verdicts`:
    a missing verdict fails). The rules of the fact tables judge each row alone, so the row's own one-row
    frame gives the verdict the whole table would, at a fraction of the cost."""
    return _held(rule.check(frame), row)


def _held(found: object, row: int) -> bool:
    """A row's verdict in what a rule's check returned: one verdict per row (a Series) or one for all."""
    value = found.get(row) if isinstance(found, pd.Series) else found
    return bool(value) if value is not None and value is not pd.NA else False


def figures(package: DataPackage, columns: dict[str, list[str]] | None = None) -> dict[str, tuple[int, int]]:
    """(caught, total) for all mutations and for the stronger ones."""
    judge = Judge(package)
    every = list(mutations(package, columns))
    caught = {m for m, codes in judge.reported_all(every).items() if codes}
    stronger = [m for m in every if m.stronger]
    return {
        "all": (len(caught), len(every)),
        "stronger": (sum(m in caught for m in stronger), len(stronger)),
    }


if __name__ == "__main__":  # python tests/mutations.py [package]: the figures for the changelog
    package = DataPackage.open(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    for label, (hit, total) in figures(package).items():
        print(f"{label}: {hit}/{total} caught ({100 * hit / max(total, 1):.0f}%)")
