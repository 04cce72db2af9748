"""Elisions keep meaning: a quote's ``[...]`` may not cut a cue that governs the next part.

A quote may skip text with `` [...] `` (`nme_data.text.sentences.EVIDENCE_SEPARATOR`); each part is verbatim
and the parts are found in the snapshot in order (`nme_data.rules.anchors.place`). Two codes:

* ``parts-out-of-order``: a part sits before the part it follows in the quote (parts keep the article's
  order);
* ``elision-hides-cue``: the elided text *governing the next part* holds a cue for a weaker value than the
  row claims; the message names the cue (one error per row, for the first such cue).

The elided text that counts is the end of the skipped stretch that lies in the same clause as the part
after it: from the last clause end in the stretch (``.`` or ``;`` before a space or line end, ``:`` before a
space, or a line break not followed by an indented list item) to the part. Hedges, qualifiers, list
openers, prominence contrasts and negations precede what they govern in the article's English, and a list
opener's colon at a line end continues its clause through the indented items of its list (which end at
the next unindented line, such as a blank one). A cue left before the last clause end in the stretch
governs other text, so "The histopathologic features of NME are nonspecific [...] The vacuolated ... are
most characteristic" may skip "and include:" with the list it opens.

What is weaker (documented in docs/cues.md):

* ``certainty``: ``hedged`` is weaker than ``attributed`` and ``proposed``, and all three are weaker than
  ``stated`` (their cues are the curation rules' ``may``, ``is considered``, ``suggested``, ...);
* ``open_list``: ``true`` (an item of a non-exhaustive list) is weaker than ``false``;
* a field with ``nme:cues`` values: for ``categoriesOrdered`` an earlier enum value is weaker, for a boolean
  ``false`` is weaker than ``true``, and where the declaration says ``"restricts": true`` (a qualifier such
  as ``typically`` or ``as many as``) every filled value is weaker than the empty cell;
* a negation or comparison phrase (``nme:scopes``) is always a cue not to cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.package.dtypes import DEFAULT_FALSE, DEFAULT_TRUE
from nme_data.rules.anchors import place
from nme_data.rules.base import Code, plugin
from nme_data.rules.cues import FieldCues, enforced, found_cues, shipped_scopes
from nme_data.rules.curation import CERTAINTY_CUES, OPEN_LIST_CUES
from nme_data.rules.rule import Rule, check_name, shared
from nme_data.text.sentences import EVIDENCE_SEPARATOR

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

EVIDENCE, SOURCE = "evidence", "source_id"
#: Where a clause ends inside elided text (see the module's notes).
CLAUSE_END = re.compile(r"[.;](?=\s|$)|:(?=[ \t])|\n(?![ \t])")
SCOPE = "nme:scopes"
#: A certainty cue's value and the values it is weaker than: a hedge claims least, a plain statement most.
CERTAINTY_WEAKER_THAN: dict[str, tuple[str, ...]] = {
    "hedged": ("attributed", "proposed", "stated"),
    "attributed": ("stated",),
    "proposed": ("stated",),
}


@dataclass(frozen=True)
class Weigher:
    """One field's cues and which stored values each cue's value is weaker than."""

    field: str
    cues: tuple[tuple[str, tuple[str, ...]], ...]  # value -> phrases (plain, or FieldCues for placeholders)
    weaker_than: tuple[tuple[str, tuple[str, ...]], ...]  # cue value -> stored values it is weaker than
    declared: FieldCues | None = None

    def hiding(self, stored: str, text: str, row: Mapping[str, str]) -> tuple[int, str] | None:
        """The first cue in text of a value weaker than the stored one, with its place (None: none)."""
        above = dict(self.weaker_than)
        hits: list[tuple[int, str]] = []
        if self.declared is not None:
            found = found_cues(self.declared, text, row)
            hits = [(_position(text, cue, row), cue) for value, cue in found.items() if stored in above.get(value, ())]
        for value, phrases in self.cues:
            if stored in above.get(value, ()):
                for phrase in phrases:
                    match = _words(phrase).search(text)
                    if match:
                        hits.append((match.start(), phrase))
        return min(hits, key=lambda hit: (hit[0], -len(hit[1]))) if hits else None


def _words(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


def _position(text: str, cue: str, row: Mapping[str, str]) -> int:
    literal = re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: row.get(m.group(1), ""), cue)
    found = text.lower().find(literal.lower())
    return found if found >= 0 else len(text)


def weighers(table_name: str, fields: list[dict[str, Any]], present: set[str]) -> list[Weigher]:
    """What the elision rule weighs in a table with these columns."""
    found: list[Weigher] = []
    names = {str(spec.get("name")): spec for spec in fields}
    if "certainty" in present:
        weaker = tuple((value, CERTAINTY_WEAKER_THAN[value]) for value, cues in CERTAINTY_CUES.items() if cues)
        found.append(Weigher("certainty", tuple((v, c) for v, c in CERTAINTY_CUES.items() if c), weaker))
    if "open_list" in present:
        found.append(Weigher("open_list", (("true", OPEN_LIST_CUES),), (("true", ("false",)),)))
    for cues in enforced(table_name, fields):
        if not cues.columns <= present:
            continue
        spec = names.get(cues.field, {})
        order = _order(spec, cues)
        if order:
            found.append(Weigher(cues.field, (), order, cues))
    return found


def _order(spec: Mapping[str, Any], cues: FieldCues) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """cue value -> the values it is weaker than, from the field's declaration (see the module's notes)."""
    values = [value for value, _ in cues.values]
    enum = [str(v) for v in (spec.get("constraints") or {}).get("enum", ())]
    declaration = spec.get("nme:cues") or {}
    if spec.get("categoriesOrdered") and enum:
        return tuple((v, tuple(enum[enum.index(v) + 1 :])) for v in values if v in enum)
    if cues.boolean:
        return (("false", ("true",)),)
    if declaration.get("restricts") is True:
        return tuple((v, ("",)) for v in values if v)
    return ()


def counted(gap: str) -> str:
    """The elided text that governs the part after it: from the gap's last clause end to its end."""
    ends = [match.end() for match in CLAUSE_END.finditer(gap)]
    return gap[ends[-1] :] if ends else gap


def _cell(value: Any, boolean: bool = False) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if boolean:
        return "true" if value in DEFAULT_TRUE else "false" if value in DEFAULT_FALSE else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Verdict = tuple[str, str] | None  # (field, cue) of the first hidden cue, or ("", "order") for disorder


def judge(
    quote: Any, text: str | None, row: Mapping[str, str], found: list[Weigher], scopes: tuple[str, ...]
) -> Verdict:
    """What is wrong with one row's elisions: parts out of order, or the first cue an elision hides."""
    if not isinstance(quote, str) or EVIDENCE_SEPARATOR not in quote or text is None:
        return None
    return _judge(quote, text, tuple(sorted(row.items())), tuple(found), scopes)


@lru_cache(maxsize=8192)
def _judge(
    quote: str, text: str, cells: tuple[tuple[str, str], ...], found: tuple[Weigher, ...], scopes: tuple[str, ...]
) -> Verdict:
    row = dict(cells)
    spans = place(text, quote)
    if any(span is None for span in spans):
        return None  # a part not in the snapshot: evidence-not-verbatim's error
    located = [span for span in spans if span is not None]
    pairs = list(itertools.pairwise(located))
    if any(after[0] < before[1] for before, after in pairs):
        return ("", "order")
    for before, after in pairs:
        governing = counted(text[before[1] : after[0]])
        hits: list[tuple[int, str, str]] = []
        for phrase in scopes:
            match = _words(phrase).search(governing)
            if match:
                hits.append((match.start(), SCOPE, phrase))
        for weigher in found:
            hit = weigher.hiding(row.get(weigher.field, ""), governing, row)
            if hit is not None:
                hits.append((hit[0], weigher.field, hit[1]))
        if hits:
            _, field, cue = min(hits, key=lambda hit: (hit[0], -len(hit[2])))
            return (field, cue)
    return None


def elision_checks(
    table_name: str, fields: list[dict[str, Any]], present: set[str], texts: Mapping[str, str]
) -> list[Rule]:
    """`parts-out-of-order` and one `elision-hides-cue` rule per cue that an elision could hide."""
    if not {EVIDENCE, SOURCE} <= present:
        return []
    found = weighers(table_name, fields, present)
    scopes = shipped_scopes()
    booleans = {str(spec.get("name")) for spec in fields if spec.get("type") == "boolean"}
    columns = sorted(
        {EVIDENCE, SOURCE, *(w.field for w in found), *(c for w in found if w.declared for c in w.declared.columns)}
    )

    def verdicts(frame: pd.DataFrame) -> tuple[Any, dict[Verdict, int]]:
        """Each row's verdict as a code (numpy), and the code of each distinct verdict: judged once per
        distinct record, as written (a repeated row costs one lookup), then per distinct converted row."""

        def compute() -> tuple[Any, dict[Verdict, int]]:
            import numpy as np

            memo: dict[Hashable, Verdict] = {}
            seen: dict[Hashable, int] = {}
            ids: dict[Verdict, int] = {}
            codes = []
            # records are keys as written only where every cell is text (1 == True would merge otherwise)
            text = all(isinstance(frame[c].dtype, pd.StringDtype) for c in columns)
            for record in zip(*(frame[c].tolist() for c in columns), strict=True):
                code = seen.get(record) if text else None
                if code is None:
                    row = {c: _cell(v, c in booleans) for c, v in zip(columns, record, strict=True)}
                    key = tuple(row.values())
                    if key not in memo:
                        memo[key] = judge(row[EVIDENCE], texts.get(row[SOURCE]), row, found, scopes)
                    code = ids.setdefault(memo[key], len(ids))
                    seen[record] = code
                codes.append(code)
            return np.array(codes, dtype=np.int64), ids

        return shared(frame, ("elisions", table_name, tuple(columns)), compute)

    def rule(target: tuple[str, str]) -> Callable[[pd.DataFrame], pd.Series]:
        def check(frame: pd.DataFrame) -> pd.Series:
            codes, ids = verdicts(frame)
            return pd.Series(codes != ids.get(target, -1), index=frame.index)

        return check

    rules = [
        Rule(
            rule(("", "order")),
            name=check_name("parts-out-of-order", EVIDENCE, "a part of the quote sits before the part it follows"),
        )
    ]
    targets: list[tuple[str, str]] = [(SCOPE, phrase) for phrase in scopes]
    for weigher in found:
        if weigher.declared is not None:
            targets.extend((weigher.field, cue) for _, cues in weigher.declared.values for cue in cues)
        else:
            targets.extend((weigher.field, phrase) for _, phrases in weigher.cues for phrase in phrases)
    for field, cue in dict.fromkeys(targets):
        what = "a negation or comparison" if field == SCOPE else f"a cue of a weaker {field} than the row's"
        message = f"the elision ' [...] ' cuts '{cue}', {what}, from the clause of the part after it"
        rules.append(Rule(rule((field, cue)), name=check_name("elision-hides-cue", EVIDENCE, message)))
    return rules


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return elision_checks(table.name, table.fields, names, context.source_texts)


RULE = plugin(
    __name__,
    "elisions",
    rules,
    {
        "elision-hides-cue": Code(
            "semantic",
            "An elision ' [...] ' of the row's quote cuts, from the clause of the part after it, a cue for a weaker "
            "value than the row claims (a hedge, a list opener, a qualifier, a prominence contrast) or a negation or "
            "comparison (nme:scopes); the message names the cue. See docs/cues.md for which elided text counts.",
            "sites intro-groin, characteristic and stated, quoting 'It particularly affects [...] groin'",
        ),
        "parts-out-of-order": Code(
            "semantic",
            "The parts of a quote joined by ' [...] ' are not in the article's order: a part sits before the one it "
            "follows.",
            "'After resection, the rash typically resolves within days. [...] Managing the original condition'",
        ),
    },
    properties=("nme:cues", SCOPE),
    summary="an elision ' [...] ' keeps the cues of the row's values, and the parts keep the article's order",
)
