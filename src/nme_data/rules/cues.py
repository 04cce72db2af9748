"""Cue rules: a typed value the article's wording decides must be licensed by its row's quote.

The cues are declared on each field in ``datapackage.json`` under the custom property ``nme:cues``
(documented in docs/cues.md), so a copy's descriptor states, and its validator enforces, what each value
means::

    "nme:cues": {"values": {"characteristic": ["particularly", "characteristic"],
                            "common": ["commonly"], "less_common": ["less commonly", "may also"]},
                 "default": null, "read": "evidence"}

* ``values``: each value and the phrases that license it. A phrase matches whole words, case-insensitive;
  ``{column}`` in a phrase stands for that row's cell of the column (``"marked {finding}"``). Where phrases
  overlap the leftmost, then the longest wins: "less commonly" is not also "commonly".
* ``default``: the value a row holds when its text has no cue ("" for an empty cell); absent or null:
  every value needs its cue.
* ``read``: the column whose text holds the cues (default ``evidence``, the row's quote).
* A field whose value words cannot decide says so instead: ``{"decidedBy": "...", "coveredBy": [codes]}``.

Negation and comparison are declared once, at the top of the descriptor (``nme:scopes``): a phrase of
``negation`` ("in the absence of") or ``comparison`` ("than") opens a span that runs to the end of its
clause (the next ``,``, ``;``, ``:`` or ``.``, an elision, or the text's end); a cue found inside such a
span licenses nothing: "in the absence of a glucagonoma" is no cue of context ``glucagonoma``.

Two codes (declared by `RULE`, at the end), each rule named ``code|field|message`` so that the
message names the value and the cue:

* ``value-unlicensed``: the text has no cue, yet the cell holds a value other than the default;
* ``value-contradicted``: the text holds a cue of another value, and none of the stored value's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from nme_data.package import DataPackage, PackageError
from nme_data.package.canonical import CUES_PROPERTY as PROPERTY
from nme_data.package.canonical import cue_declaration_problem
from nme_data.package.dtypes import DEFAULT_FALSE, DEFAULT_TRUE
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import Rule, check_name, factorized, first_cells, shared

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

EVIDENCE = "evidence"
#: The descriptor's top-level property declaring negation and comparison phrases (docs/cues.md).
SCOPES_PROPERTY = "nme:scopes"
SCOPE_KINDS = ("negation", "comparison")
#: Where a negated or compared span ends: the clause's punctuation or an elision.
_CLAUSE_END = re.compile(r"[,;:.](?:\s|$)|\s\[\.\.\.\]\s")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class FieldCues:
    """One field's declaration: value -> cue phrases, the no-cue default (None: none) and the column read."""

    field: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    default: str | None
    read: str
    boolean: bool = False
    #: The phrases opening a negated or compared span (nme:scopes): cues inside one license nothing.
    scopes: tuple[str, ...] = ()

    def cues_of(self, value: str) -> tuple[str, ...]:
        return dict(self.values).get(value, ())

    @property
    def columns(self) -> set[str]:
        """Every column the rules need: the field, the text read, and the placeholders' columns."""
        placeholders = {name for _, cues in self.values for cue in cues for name in _PLACEHOLDER.findall(cue)}
        return {self.field, self.read, *placeholders}


def scope_phrases(descriptor: Mapping[str, Any]) -> tuple[str, ...]:
    """The negation and comparison phrases a descriptor declares (nme:scopes), longest first."""
    declaration = descriptor.get(SCOPES_PROPERTY)
    if not isinstance(declaration, dict):
        return ()
    phrases = {
        phrase.strip()
        for kind in SCOPE_KINDS
        for phrase in declaration.get(kind) or ()
        if isinstance(phrase, str) and phrase.strip()
    }
    return tuple(sorted(phrases, key=lambda phrase: (-len(phrase), phrase)))


@lru_cache(maxsize=1)
def shipped_scopes() -> tuple[str, ...]:
    """The scopes of the copy shipped with this library (a copy's descriptor equals the release's)."""
    try:
        return scope_phrases(DataPackage.open(None).descriptor)
    except (PackageError, OSError):
        return ()


def blocked(text: str, scopes: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """The negated or compared spans of a text: from each scope phrase to the end of its clause."""
    if not scopes or not text:
        return ()
    spans = []
    for match in _scope_pattern(scopes).finditer(text):
        end = _CLAUSE_END.search(text, match.end())
        spans.append((match.start(), end.start() if end else len(text)))
    return tuple(spans)


@lru_cache(maxsize=64)
def _scope_pattern(scopes: tuple[str, ...]) -> re.Pattern[str]:
    """The scope phrases' one pattern, built once per set of scopes, not once per text (#31)."""
    return _pattern(tuple(_bounded(re.escape(phrase), phrase) for phrase in scopes))


def declared(fields: list[dict[str, Any]], scopes: tuple[str, ...] | None = None) -> list[FieldCues]:
    """The cue declarations of a table's fields that can be enforced (scopes: default the shipped ones)."""
    scopes = shipped_scopes() if scopes is None else scopes
    names = {str(spec.get("name")) for spec in fields}
    found = []
    for spec in fields:
        declaration = spec.get(PROPERTY)
        if declaration is None or cue_declaration_problem(declaration, names):
            continue  # the package model refuses such a table (descriptor-invalid) before any rule runs
        values = declaration.get("values")
        if not isinstance(values, dict):
            continue  # decided by something other than words: the declaration names the covering check
        default = declaration.get("default")
        found.append(
            FieldCues(
                field=str(spec.get("name")),
                values=tuple((str(value), tuple(cues)) for value, cues in values.items()),
                default=None if default is None else str(default),
                read=str(declaration.get("read", EVIDENCE)),
                boolean=spec.get("type") == "boolean",
                scopes=scopes,
            )
        )
    return found


def _phrase(cue: str, row: Mapping[str, str]) -> str:
    """A cue as a regular expression, its placeholders replaced by the row's cells (literally); an edge that
    is a word character must be a word's edge (`be considered "` ends at its quotation mark)."""
    pieces: list[str] = []
    literal: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(cue):
        pieces.append(re.escape(cue[last : match.start()]))
        pieces.append(re.escape(row.get(match.group(1), "")))
        literal.extend((cue[last : match.start()], row.get(match.group(1), "")))
        last = match.end()
    pieces.append(re.escape(cue[last:]))
    literal.append(cue[last:])
    return _bounded("".join(pieces), "".join(literal))


def _bounded(regex: str, literal: str) -> str:
    if not literal:
        return ""
    start = r"(?<!\w)" if re.match(r"\w", literal[0]) else ""
    end = r"(?!\w)" if re.match(r"\w", literal[-1]) else ""
    return f"{start}{regex}{end}"


@lru_cache(maxsize=4096)
def _pattern(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern of bounded alternatives (`_bounded`), case-insensitive."""
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives), re.IGNORECASE)


def found_cues(cues: FieldCues, text: str, row: Mapping[str, str]) -> dict[str, str]:
    """value -> the first cue of that value found in the text (non-overlapping; longest first at a place)."""
    cells = tuple(sorted((column, row.get(column, "")) for column in cues.columns - {cues.field, cues.read}))
    return dict(_found(cues, text, cells))


@lru_cache(maxsize=16384)
def _found(cues: FieldCues, text: str, cells: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    row = dict(cells)
    phrases: list[tuple[str, str, str]] = []  # (regex, value, cue as declared)
    for value, declared_cues in cues.values:
        for cue in declared_cues:
            regex = _phrase(cue, row)
            if regex:
                phrases.append((regex, value, cue))
    if not phrases:
        return ()
    phrases.sort(key=lambda item: -len(item[0]))
    pattern = _pattern(tuple(f"(?P<c{index}>{regex})" for index, (regex, _, _) in enumerate(phrases)))
    hits: dict[str, str] = {}
    spans = blocked(text, cues.scopes)
    for match in pattern.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue  # negated or compared: "in the absence of a glucagonoma" licenses no glucagonoma
        index = int((match.lastgroup or "c0")[1:])
        _, value, cue = phrases[index]
        hits.setdefault(value, cue)
    return tuple(hits.items())


def _cell(value: Any, boolean: bool = False) -> str:
    """A cell as the raw text the cues are declared in: a flag as true/false (whatever its spelling in the
    raw text), missing as ""."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a typed frame's 70.0 is the raw text's 70 (cues name numbers as written)
    if boolean:
        return "true" if value in DEFAULT_TRUE else "false" if value in DEFAULT_FALSE else str(value)
    return str(value)


Row = tuple[str, str, dict[str, str], dict[str, str]]


def _row(cues: FieldCues, columns: list[str], record: tuple[Any, ...]) -> Row:
    """One row's (stored value, text read, cells for placeholders, value -> cue found)."""
    pairs = zip(columns, record, strict=True)
    cells = {column: _cell(value, cues.boolean and column == cues.field) for column, value in pairs}
    text = cells[cues.read]
    return (cells[cues.field], text, cells, found_cues(cues, text, cells) if text else {})


def _rows(frame: pd.DataFrame, cues: FieldCues) -> list[Row]:
    """Per row: (stored value, text read, cells for placeholders, value -> cue found)."""
    columns = sorted(cues.columns)
    records = zip(*(frame[column].tolist() for column in columns), strict=True)
    return [_row(cues, columns, record) for record in records]


def _distinct(frame: pd.DataFrame, cues: FieldCues) -> tuple[np.ndarray, list[Row]]:
    """The distinct rows (as `_rows` reads them) and, per row of the frame, the index of its distinct row.

    Quotes and values repeat across rows, so each distinct combination of the columns read is read once.
    Rows are grouped by the cells' text (`_cell`), which is all a row's reading depends on; a column holding
    anything but strings and missing values is read row by row instead.
    """
    columns = sorted(cues.columns)
    combined = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = factorized(frame, column)
        values = uniques.tolist()
        if any(type(value) is not str for value in values):
            rows = _rows(frame, cues)
            return np.arange(len(rows), dtype=np.int64), rows
        # group by the cell text: equal texts share a code; missing (-1) reads as ""
        texts = [_cell(value, cues.boolean and column == cues.field) for value in values]
        text_uniques: dict[str, int] = {}  # codes in order of first appearance, as pd.factorize gives them
        lookup = np.array([text_uniques.setdefault(text, len(text_uniques)) for text in [*texts, ""]], dtype=np.int64)
        cell_codes = lookup[np.where(codes < 0, len(values), codes)]
        combined = combined * (len(text_uniques) + 1) + cell_codes
        _, first, combined = np.unique(combined, return_index=True, return_inverse=True)
        combined = combined.astype(np.int64).reshape(-1)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    picked = zip(*(first_cells(frame, column, first) for column in columns), strict=True)
    return inverse.astype(np.int64).reshape(-1), [_row(cues, columns, record) for record in picked]


def _each_row(frame: pd.DataFrame, cues: FieldCues, verdict: Callable[[Row], bool]) -> pd.Series:
    """`verdict` of every row of the frame, computed once per distinct row."""
    if frame.empty:
        return _verdicts(frame, [])
    inverse, rows = shared(frame, ("cues", cues), lambda: _distinct(frame, cues))
    distinct = np.fromiter((verdict(row) for row in rows), dtype=bool, count=len(rows))
    return pd.Series(distinct[inverse], index=frame.index)  # a bool array: no dtype to convert (#31)


def _verdicts(frame: pd.DataFrame, values: list[bool]) -> pd.Series:
    return pd.Series(values, index=frame.index, dtype=bool)


def _quoted(cues: tuple[str, ...]) -> str:
    return " or ".join(f"'{cue}'" for cue in cues)


def unlicensed_rule(cues: FieldCues, value: str, known: tuple[str, ...] | None = None) -> Rule:
    """A row holding `value` (not the default) whose text has no cue of any value.

    `known`: the value's cues in every declaration enforced on the field (the copy's and the release's), which
    the message names; a value no declaration gives a cue is said to be so, with where to declare one.
    """

    def licensed(frame: pd.DataFrame) -> pd.Series:
        def verdict(row: Row) -> bool:
            stored, text, _, hits = row
            return not (stored == value and text and not hits)

        return _each_row(frame, cues, verdict)

    where = "the quote" if cues.read == EVIDENCE else f"{cues.read}"
    phrases = cues.cues_of(value) if known is None else known
    if phrases:
        message = f"{cues.field} {value!r} needs a cue in {where} ({_quoted(phrases)}), which has none"
    else:
        default = "an empty cell" if not cues.default else repr(cues.default)
        message = (
            f"{cues.field} {value!r} is licensed by no cue phrase (the field's nme:cues in datapackage.json declares "
            f"none for it) and {where} holds no cue of another value: store {default}, or declare a cue for {value!r}"
        )
    return Rule(licensed, name=check_name("value-unlicensed", cues.field, message))


def contradicted_rule(cues: FieldCues, value: str, cue: str, allowed: set[str] | None = None) -> Rule:
    """A row whose text holds `cue` (licensing `value`) but no cue of the value it stores; a stored value
    the schema does not allow is the spec layer's error, not this one's."""

    def agrees(frame: pd.DataFrame) -> pd.Series:
        def verdict(row: Row) -> bool:
            stored, text, _, hits = row
            known = allowed is None or stored in allowed
            return not (hits.get(value) == cue and stored not in hits and text and known)

        return _each_row(frame, cues, verdict)

    where = "the quote" if cues.read == EVIDENCE else f"{cues.read}"
    message = f"{where} holds the cue '{cue}', which licenses {cues.field} {value!r}, not the stored value"
    return Rule(agrees, name=check_name("value-contradicted", cues.field, message))


def enforced(table_name: str, fields: list[dict[str, Any]]) -> list[FieldCues]:
    """The table's declared cues. A copy's declarations are the release's (anything else is `schema-differs`
    before a rule runs), so no floor of shipped cues is needed any more; `table_name` is kept for callers."""
    del table_name
    return declared(fields)


def cue_checks(table_name: str, fields: list[dict[str, Any]], present: set[str]) -> list[Rule]:
    """Every cue rule of a table's declared fields (and the shipped ones) whose columns are all present."""
    rules: list[Rule] = []
    every = enforced(table_name, fields)
    known: dict[tuple[str, str], dict[str, None]] = {}  # (field, value) -> its cues in every declaration enforced
    for cues in every:
        for value, phrases in cues.values:
            known.setdefault((cues.field, value), {}).update(dict.fromkeys(phrases))
    for cues in every:
        if not cues.columns <= present:
            continue
        stored_values = {value for value, _ in cues.values}
        enum = _enum(fields, cues.field)
        for value in sorted((enum or stored_values) - {cues.default}, key=str):
            rules.append(unlicensed_rule(cues, value, tuple(known.get((cues.field, value), {}))))
        for value, declared_cues in cues.values:
            rules.extend(contradicted_rule(cues, value, cue, enum) for cue in declared_cues)
    return rules


def _enum(fields: list[dict[str, Any]], name: str) -> set[str] | None:
    """The values a field allows: its enum (and "" when optional), true/false for a boolean."""
    for spec in fields:
        if spec.get("name") != name:
            continue
        constraints = spec.get("constraints") or {}
        allowed = {str(v) for v in constraints.get("enum", ())} if "enum" in constraints else None
        if allowed is None and spec.get("type") == "boolean":
            allowed = {"true", "false"}
        if allowed is not None and not constraints.get("required"):
            allowed.add("")
        return allowed
    return None


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return cue_checks(table.name, table.fields, names)


RULE = plugin(
    __name__,
    "cues",
    rules,
    {
        "value-unlicensed": Code(
            "semantic",
            "A typed value the article's wording decides is not licensed by its row's text: the field's nme:cues "
            "declaration gives the value cue phrases and the text holds none of any value, and the value is not the "
            "field's no-cue default.",
            "associations strength 'strong' for 'NME has been described in as many as 70% of persons'",
        ),
        "value-contradicted": Code(
            "semantic",
            "The row's text holds a cue (named in the message) that licenses another value of the field, and no cue "
            "of the stored value (the field's nme:cues declaration).",
            "sites prominence 'characteristic' for 'although less commonly the abdomen ... may be affected'",
        ),
    },
    properties=(PROPERTY, SCOPES_PROPERTY),
    summary="every value its quote's words decide (fields declaring nme:cues)",
)
