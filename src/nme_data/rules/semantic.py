"""The semantic rules: what a Table Schema cannot express, as plain functions of a table's frame.

Each builder returns `nme_data.rules.rule.Rule`s. They run on both views of a table: the raw text of a CSV
(every cell a string, missing = ""), which the validator checks after frictionless has checked the
spec, and the loader's typed frame, which `nme_data.schemas` checks with pandera. No pandera here:
the validator calls the rules directly (see `nme_data.rules.rule`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nme_data.package import DataPackage, PackageError, Table, UnsafePathError
from nme_data.package.dtypes import enum_values
from nme_data.package.raw import read_text_frame
from nme_data.rules.anchors import TABLE as ANCHORS
from nme_data.rules.anchors import Quotes, anchor_checks, missing_check
from nme_data.rules.cues import cue_checks
from nme_data.rules.curation import curation_checks
from nme_data.rules.elisions import elision_checks
from nme_data.rules.naming import naming_checks
from nme_data.rules.numbers import number_checks
from nme_data.rules.profile import profile_rules
from nme_data.rules.rule import ANY_FIELD, Rule, check_name
from nme_data.rules.sections import section_checks
from nme_data.text import ontology
from nme_data.text.sentences import EVIDENCE_SEPARATOR

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


class Ids(Collection[str]):
    """A table's ids as one pyarrow array, not a Python set of a million strings: `is_in` hands the array to
    pyarrow as is; `in` and iteration (rarely needed) build the set once, on first use."""

    def __init__(self, column: pd.Series) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        text = column if isinstance(column.dtype, pd.StringDtype) else column.astype("string")
        array = pa.array(text.array, from_pandas=True)
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        self.array = pc.unique(pc.drop_null(array))
        self._set: set[str] | None = None

    def _values(self) -> set[str]:
        if self._set is None:
            self._set = set(self.array.to_pylist())
        return self._set

    def __contains__(self, value: object) -> bool:
        return value in self._values()

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self.array)


@dataclass
class Context:
    """What cross-table rules need: the other tables' ids, the cited texts and the ontology snapshot."""

    ids: dict[str, Collection[str]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
    source_problems: dict[str, tuple[str, str]] = field(default_factory=dict)
    terms: dict[str, ontology.Term] = field(default_factory=ontology.snapshot)
    #: Snapshots read by this context, by resolved path: one validation reads each file once, and nothing
    #: outlives the call (a process-wide memo keyed on mtime and size answered for edited bytes).
    snapshots: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    #: Each fact row's evidence parts and the anchors of evidence_anchors (nme_data.rules.anchors).
    quotes: Quotes = field(default_factory=Quotes, repr=False)

    @classmethod
    def from_frames(cls, package: DataPackage | Path, frames: dict[str, pd.DataFrame]) -> Context:
        context = cls()
        package = _as_package(package)
        for name, frame in frames.items():
            context.add(package, name, frame)
        return context

    def add(self, package: DataPackage | Path, name: str, frame: pd.DataFrame) -> None:
        """Remember what other tables need of this one: its ids and, for sources, the cited texts.

        Snapshots are opened only through the package model's path gate, so pass the package (a root
        directory is still accepted, and opened as a package).
        """
        package = _as_package(package)
        if name == ANCHORS:
            self.quotes.add_anchors(frame)
        else:
            self.quotes.add_facts(name, frame)
        if "id" in frame.columns:
            self.ids[name] = Ids(frame["id"])
        if {"id", "name"} <= set(frame.columns):  # what a quote may call a row of this table (rules.naming)
            pairs = zip(frame["id"].tolist(), frame["name"].tolist(), strict=True)
            self.names[name] = {str(i): n for i, n in pairs if isinstance(n, str)}
        if name == "sources" and {"id", "path"} <= set(frame.columns):
            digests = frame["sha256"].tolist() if "sha256" in frame.columns else [""] * len(frame)
            first: dict[tuple[str, str], str] = {}  # each (snapshot, digest) is opened and judged once
            for source_id, path, digest in zip(frame["id"].tolist(), frame["path"].tolist(), digests, strict=True):
                key = (str(path), str(digest))
                if key in first:
                    self._same_as(str(source_id), first[key])
                    continue
                first[key] = str(source_id)
                self._read_source(package, str(source_id), str(path), str(digest))

    def _same_as(self, source_id: str, earlier: str) -> None:
        """A source citing the snapshot and digest an earlier one cited gets that one's text and verdict."""
        if earlier in self.source_problems:
            self.source_problems[source_id] = self.source_problems[earlier]
        if earlier in self.source_texts:
            self.source_texts[source_id] = self.source_texts[earlier]

    def _read_source(self, package: DataPackage, source_id: str, path: str, digest: str) -> None:
        """A snapshot is opened only through the package model's path gate, and hashed as a stream."""
        if not path:
            self.source_problems[source_id] = ("source-missing", "the source has no snapshot path")
            return
        try:
            text, actual = self._read_snapshot(package, path)
        except UnsafePathError as exc:
            self.source_problems[source_id] = ("unsafe-path", f"snapshot {exc.message}")
            return
        except PackageError as exc:
            code = "file-too-large" if exc.code == "file-too-large" else "source-missing"
            self.source_problems[source_id] = (code, exc.message)
            return
        except OSError as exc:
            self.source_problems[source_id] = ("source-missing", f"snapshot {path!r}: {exc.strerror or exc}")
            return
        if actual != digest:
            self.source_problems[source_id] = (
                "source-hash-mismatch",
                f"snapshot {path!r} does not have SHA-256 {digest}",
            )
        self.source_texts[source_id] = text

    def _read_snapshot(self, package: DataPackage, reference: str) -> tuple[str, str]:
        """A snapshot's text and SHA-256, read once per context however many rows cite it."""
        key = str(package.resolve(reference).resolve())
        if key not in self.snapshots:
            self.snapshots[key] = package.read_snapshot(reference)
        return self.snapshots[key]


def _as_package(package: DataPackage | Path) -> DataPackage:
    return package if isinstance(package, DataPackage) else DataPackage.open(package)


def _text(series: pd.Series) -> pd.Series:
    """The column as nullable strings, converting only when it is not text already."""
    return series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")


def _present(series: pd.Series) -> pd.Series:
    text = _text(series)
    return text.notna() & (text != "")


def is_in(series: pd.Series, values: Collection[str]) -> pd.Series:
    """`series.astype("string").isin(list(values))`, as one pyarrow kernel call: pandas' own isin on
    arrow strings boxes every value of the set in Python first (a missing cell is never in the set)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")
    array = pa.array(text.array, from_pandas=True)
    if isinstance(values, Ids):  # a table's ids, kept as a pyarrow array
        value_set = values.array.cast(array.type)
    else:
        value_set = pa.array([value for value in values if isinstance(value, str)], type=array.type)
    found = pc.fill_null(pc.is_in(array, value_set=value_set), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index, dtype=bool)


def per_unique(series: pd.Series, predicate: Callable[[Any], bool]) -> pd.Series:
    """Run a Python predicate once per distinct value, not once per row."""
    values = _text(series)
    verdicts = {value: predicate(value) for value in values.dropna().unique()}
    return values.map(verdicts).fillna(True).astype(bool)


# ---- checks on one column ------------------------------------------------------------------------


def formula_check(columns: list[str]) -> Rule:
    """One check per table over its text columns; the validator names the offending cells afterwards."""

    def no_formula(frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        for column in columns:
            ok &= ~_text(frame[column]).str.match(FORMULA_START).fillna(False).astype(bool)
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


def identifier_checks(context: Context) -> list[Rule]:
    """Form, existence and currency of object_id, judged once per distinct identifier."""

    def rule(predicate: Callable[[str], bool]) -> Callable[[pd.DataFrame], pd.Series]:
        def check(frame: pd.DataFrame) -> pd.Series:
            return ~_present(frame["object_id"]) | per_unique(frame["object_id"], predicate)

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


# ---- checks on whole rows ------------------------------------------------------------------------


#: A part of an evidence quote must hold a word of at least this many letters ("Erythemas", "groin"
#: pass; "", "a", "of the", "..." do not).
EVIDENCE_WORD_LETTERS = 4
#: A quote cut with " [...] " must keep one part of at least this many words: the phrase that anchors
#: the cut; the other parts may be single items of a list ("Lung cancer").
EVIDENCE_ANCHOR_WORDS = 3
_EVIDENCE_WORD = re.compile(rf"[^\W\d_]{{{EVIDENCE_WORD_LETTERS},}}")


def evidence_is_a_quote(quote: str) -> bool:
    """Whether an evidence cell quotes something: no empty or trivial part around the separator, and a
    cut quote keeps a phrase of a few words. Verbatim-ness is checked separately (see `evidence_check`)."""
    parts = quote.split(EVIDENCE_SEPARATOR)
    if any(not part.strip() or not _EVIDENCE_WORD.search(part) for part in parts):
        return False
    return len(parts) == 1 or max(len(part.split()) for part in parts) >= EVIDENCE_ANCHOR_WORDS


def evidence_check(context: Context) -> list[Rule]:
    """Evidence is a quote (`evidence-too-short`) and every part of it is verbatim in the cited snapshot
    (`evidence-not-verbatim`)."""

    def is_a_quote(frame: pd.DataFrame) -> pd.Series:
        evidence = _text(frame["evidence"])  # an empty cell is the required constraint's error, not this one's
        return ~_present(evidence) | per_unique(evidence, evidence_is_a_quote)

    def verbatim(frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        source_ids = _text(frame["source_id"])
        for source_id in source_ids.dropna().unique():
            text = context.source_texts.get(source_id)
            if text is None:
                continue  # an unknown source is a foreign-key error, reported by the spec layer
            rows = source_ids == source_id
            quoted = lambda q, text=text: all(part in text for part in q.split(EVIDENCE_SEPARATOR))  # noqa: E731
            ok[rows.fillna(False)] = per_unique(frame.loc[rows.fillna(False), "evidence"], quoted)
        return ok

    return [
        Rule(is_a_quote, name=check_name("evidence-too-short", "evidence")),
        Rule(verbatim, name=check_name("evidence-not-verbatim", "evidence")),
    ]


def mapping_checks(context: Context) -> list[Rule]:
    def system_matches(frame: pd.DataFrame) -> pd.Series:
        both = _present(frame["object_id"]) & _present(frame["object_source"])
        prefixes = frame["object_id"].astype("string").str.split(":", n=1).str[0]
        return ~both | (prefixes == frame["object_source"].astype("string")).fillna(False)

    def label_matches(frame: pd.DataFrame) -> pd.Series:
        curies = frame["object_id"].astype("string")
        labels = frame["object_label"].astype("string")
        expected = curies.map({curie: term.label for curie, term in context.terms.items() if term.label})
        unlabelled = [curie for curie, term in context.terms.items() if not term.label]
        agrees = expected.isna() | (expected == labels).fillna(False)
        return agrees & ~(curies.isin(unlabelled).fillna(False) & _present(labels))

    def subject_exists(frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        for table, rows in frame.groupby(_text(frame["subject_table"]), sort=False):
            if table in context.ids:  # an unknown subject_table is the enum's error, not this one's
                ok[rows.index] = is_in(rows["subject_id"], context.ids[table])
        return ok

    return [
        Rule(system_matches, name=check_name("identifier-system-mismatch", "object_source")),
        Rule(label_matches, name=check_name("label-mismatch", "object_label")),
        Rule(subject_exists, name=check_name("subject-not-found", "subject_id")),
    ]


def source_checks(context: Context) -> list[Rule]:
    def problem(code: str) -> Callable[[pd.DataFrame], pd.Series]:
        def ok(frame: pd.DataFrame) -> pd.Series:
            return ~frame["id"].astype("string").map(
                lambda i: context.source_problems.get(i, ("", ""))[0] == code
            ).fillna(False).astype(bool)

        return ok

    return [
        Rule(problem("source-missing"), name=check_name("source-missing", "path")),
        Rule(problem("source-hash-mismatch"), name=check_name("source-hash-mismatch", "sha256")),
        Rule(problem("file-too-large"), name=check_name("file-too-large", "path")),
        Rule(problem("unsafe-path"), name=check_name("unsafe-path", "path")),
    ]


def row_rules(columns: set[str]) -> list[Rule]:
    """Rules between cells of one row, applied wherever a table has the fields they name."""
    checks = []
    if {"status", "factor_id"} <= columns:

        def factor_matches_status(frame: pd.DataFrame) -> pd.Series:
            proposed = frame["status"].astype("string") == "proposed"
            return (proposed == _present(frame["factor_id"])).fillna(True)

        checks.append(
            Rule(
                factor_matches_status,
                name=check_name(
                    "row-rule",
                    "factor_id",
                    "factor_id must be filled when status is proposed and empty when it is unknown",
                ),
            )
        )
    if {"frequency_min_percent", "frequency_max_percent", "frequency_qualifier"} <= columns:

        def qualified_frequency(frame: pd.DataFrame) -> pd.Series:
            has_number = _present(frame["frequency_min_percent"]) | _present(frame["frequency_max_percent"])
            return has_number == _present(frame["frequency_qualifier"])

        def ordered_bounds(frame: pd.DataFrame) -> pd.Series:
            low = _numbers(frame["frequency_min_percent"])
            high = _numbers(frame["frequency_max_percent"])
            return ~(low > high).fillna(False)

        checks.append(
            Rule(
                qualified_frequency,
                name=check_name(
                    "row-rule",
                    "frequency_qualifier",
                    "frequency_qualifier must be filled exactly when a frequency bound is",
                ),
            )
        )
        checks.append(
            Rule(
                ordered_bounds,
                name=check_name(
                    "row-rule", "frequency_min_percent", "frequency_min_percent is above frequency_max_percent"
                ),
            )
        )
    return checks


def _numbers(column: pd.Series) -> pd.Series:
    """A text column's numbers; empty and unreadable cells are missing."""
    import pandas as pd

    text = column.astype("string")
    numbers: pd.Series = pd.to_numeric(text.where(text != ""), errors="coerce")
    return numbers


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
            return ~_present(frame[column]) | is_in(frame[column], context.ids.get(target, ()))

        checks.append(Rule(points_somewhere, name=check_name("foreign-key", column)))
    return checks


# ---- what applies to a table --------------------------------------------------------------------


def semantic_rules(table: Table, context: Context, names: set[str] | None = None, typed: bool = False) -> list[Rule]:
    """Every semantic rule that applies to a table with these fields (default: all of its schema's).

    With typed=True, the foreign keys are checked too: on raw text frictionless checks them, on a
    typed frame nothing else would.
    """
    names = set(table.field_names) if names is None else set(table.field_names) & names
    texts = text_fields(table, names)
    rules: list[Rule] = [formula_check(texts)] if texts else []
    rules.extend(profile_rules(table, names))  # the tool-owned profile's cell rules (nme_data.rules.profile)
    if {"object_id", "object_source"} <= names:
        rules.extend(identifier_checks(context))
    if {"evidence", "source_id"} <= names:
        rules.extend(evidence_check(context))
    if {"object_id", "object_label", "object_source", "subject_table", "subject_id"} <= names:
        rules.extend(mapping_checks(context))
    if table.name == "sources" and {"id", "path", "sha256"} <= names:
        rules.extend(source_checks(context))
    rules.extend(row_rules(names))
    rules.extend(curation_checks(names, context.terms))  # certainty, open lists, predicates
    rules.extend(cue_checks(table.name, table.fields, names))  # every value its quote's words decide (nme:cues)
    rules.extend(naming_checks(table.fields, table.foreign_keys, names, context.names))  # nme:namesRow
    rules.extend(number_checks(table.fields, names))  # numbers written in the quote (nme:inQuote)
    rules.extend(section_checks(table.fields, names, context.source_texts))  # nme:sections
    rules.extend(elision_checks(table.name, table.fields, names, context.source_texts))  # ' [...] ' keeps cues
    if table.name == ANCHORS:  # quote anchors: offsets in the snapshot (nme_data.rules.anchors)
        rules.extend(anchor_checks(names, context.quotes, context.source_texts))
    else:
        rules.extend(missing_check(table.name, names, context.quotes, context.source_texts))
    if typed:
        rules.extend(foreign_key_checks(table, context))
    return rules


def package_context(package: DataPackage) -> Context:
    """The context of a whole package, every table read as raw text."""
    frames = {name: read_text_frame(table) for name, table in package.tables.items()}
    return Context.from_frames(package, frames)
