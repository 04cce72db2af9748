"""Curation rules: typed columns may not say more than their quote, nor mappings more than their release.

Each rule is a `nme_data.rules.rule.Rule` named ``code|field`` (see `nme_data.rules.rule.check_name`), so a failure
becomes a located error with a stable code (declared by `RULE`, at the end of the module):

* ``certainty-overstated``: a row marked ``stated`` whose quote holds a hedge cue ("may", "is
  considered", "suggested", "proposed");
* ``certainty-unsupported``: a row marked ``hedged``, ``attributed`` or ``proposed`` whose quote lacks
  that value's cue;
* ``open-list-mismatch``: ``open_list`` disagrees with the quote's non-exhaustive-list cue
  ("including", "a number of", "include");
* ``predicate-overstated``: a ``skos:exactMatch`` whose ``matched_name`` is, in the shipped ontology
  snapshot, neither the term's label nor an EXACT synonym;
* ``matched-name-mismatch``: a ``matched_name`` that is not a name of the term at all;
* ``duplicate-exact-match``: one object identifier exactMatched from two different subjects;
* ``cross-kind-exact-match``: one subject exactMatched to both an HPO phenotype and a MONDO disease.

The cues are the rules' definition and live here; the descriptor documents the same lists
(``enumCues``, ``openListCues``) and a test keeps the two equal. The module works on both views the
validator uses: the raw text of a CSV and the loader's typed frame.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.package.dtypes import DEFAULT_FALSE, DEFAULT_TRUE
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import Rule, check_name, per_distinct
from nme_data.text.ontology import EXACT_SCOPES, prefix

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context
    from nme_data.text.ontology import Term

#: certainty value -> the cue words that mark it in a quote ("stated" has none: it is their absence).
CERTAINTY_CUES: dict[str, tuple[str, ...]] = {
    "stated": (),
    "hedged": ("may",),
    "attributed": ("is considered", "are considered"),
    "proposed": ("suggested", "proposed"),
}
#: Cue words of a list the article marks as non-exhaustive.
OPEN_LIST_CUES: tuple[str, ...] = ("including", "a number of", "include", "includes")
EXACT = "skos:exactMatch"
#: Object systems whose terms are phenotypes and diseases: a subject is exactMatch to at most one kind.
PHENOTYPE_SYSTEM, DISEASE_SYSTEM = "HP", "MONDO"
KINDS = frozenset({PHENOTYPE_SYSTEM, DISEASE_SYSTEM})


def _words(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(cue) for cue in cues) + r")\b", re.IGNORECASE)


CERTAINTY_PATTERNS = {value: _words(cues) for value, cues in CERTAINTY_CUES.items() if cues}
OPEN_LIST_PATTERN = _words(OPEN_LIST_CUES)


def _cells(series: pd.Series) -> list[Any]:
    """A column as Python values, missing cells as None: the tables are small, and per-row Python is
    cheaper here than a chain of pandas operations (and still linear for grown copies)."""
    values = series.tolist()
    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:  # text with no missing cell: as is
        return values
    return [None if value is None or value is pd.NA or value != value else value for value in values]


def _cell(value: Any) -> Any:
    """One cell as `_cells` gives it: a missing one as None."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def _verdicts(frame: pd.DataFrame, values: list[bool]) -> pd.Series:
    return pd.Series(values, index=frame.index, dtype=bool)


@lru_cache(maxsize=4096)
def cues_in(quote: str) -> frozenset[str]:
    """The non-stated certainty values whose cue appears in a quote."""
    return frozenset(value for value, pattern in CERTAINTY_PATTERNS.items() if pattern.search(quote))


@lru_cache(maxsize=4096)
def marks_open_list(quote: str) -> bool:
    """Whether a quote holds a cue of a non-exhaustive list."""
    return bool(OPEN_LIST_PATTERN.search(quote))


def _flag(value: Any) -> bool | None:
    """open_list as True/False/None, from the typed boolean or the raw text."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    return True if value in DEFAULT_TRUE else False if value in DEFAULT_FALSE else None


# ---- fact tables: certainty and open_list against the quote ------------------------------------


def certainty_checks() -> list[Rule]:
    def not_overstated(frame: pd.DataFrame) -> pd.Series:
        def verdict(c: Any, q: Any) -> bool:
            return not (_cell(c) == "stated" and isinstance(q, str) and bool(cues_in(q)))

        return per_distinct(frame, ("certainty", "evidence"), verdict)

    def supported(frame: pd.DataFrame) -> pd.Series:
        def verdict(c: Any, q: Any) -> bool:
            c = _cell(c)
            return c not in CERTAINTY_PATTERNS or not isinstance(q, str) or c in cues_in(q)

        return per_distinct(frame, ("certainty", "evidence"), verdict)

    return [
        Rule(not_overstated, name=check_name("certainty-overstated", "certainty")),
        Rule(supported, name=check_name("certainty-unsupported", "certainty")),
    ]


def open_list_check() -> Rule:
    def agrees(frame: pd.DataFrame) -> pd.Series:
        def verdict(value: Any, quote: Any) -> bool:
            flag = _flag(_cell(value))  # a missing or unreadable cell is the spec layer's error
            return flag is None or not isinstance(quote, str) or flag == marks_open_list(quote)

        return per_distinct(frame, ("open_list", "evidence"), verdict)

    return Rule(agrees, name=check_name("open-list-mismatch", "open_list"))


# ---- mappings: predicate against the release, and across rows ------------------------------------


def name_checks(terms: Mapping[str, Term]) -> list[Rule]:
    def scopes(curie: Any, name: Any) -> set[str] | None:
        """A row's matched_name scopes in its term; None where the term or the name is unknown."""
        curie, name = _cell(curie), _cell(name)
        return terms[curie].scopes_of(name) if curie in terms and isinstance(name, str) else None

    def is_a_name(frame: pd.DataFrame) -> pd.Series:
        def verdict(curie: Any, name: Any) -> bool:
            found = scopes(curie, name)
            return found is None or bool(found)

        return per_distinct(frame, ("object_id", "matched_name"), verdict)

    def exact_allowed(frame: pd.DataFrame) -> pd.Series:
        def verdict(predicate: Any, curie: Any, name: Any) -> bool:
            found = scopes(curie, name)
            return _cell(predicate) != EXACT or not found or bool(found & EXACT_SCOPES)

        return per_distinct(frame, ("predicate_id", "object_id", "matched_name"), verdict)

    return [
        Rule(is_a_name, name=check_name("matched-name-mismatch", "matched_name")),
        Rule(exact_allowed, name=check_name("predicate-overstated", "predicate_id")),
    ]


def _exact_rows(frame: pd.DataFrame) -> list[tuple[int, str, tuple[str, str]]]:
    """(position, object_id, subject) of every exactMatch row with its object and subject filled."""
    columns = (frame["predicate_id"], frame["object_id"], frame["subject_table"], frame["subject_id"])
    return [
        (position, curie, (table, subject))
        for position, (predicate, curie, table, subject) in enumerate(zip(*map(_cells, columns), strict=True))
        if predicate == EXACT and curie and table and subject
    ]


def exact_match_checks() -> list[Rule]:
    def one_subject_per_object(frame: pd.DataFrame) -> pd.Series:
        exact = _exact_rows(frame)
        subjects: dict[str, set[tuple[str, str]]] = {}
        for _, curie, subject in exact:
            subjects.setdefault(curie, set()).add(subject)
        verdicts = [True] * len(frame)
        for position, curie, _ in exact:
            verdicts[position] = len(subjects[curie]) == 1
        return _verdicts(frame, verdicts)

    def one_kind_per_subject(frame: pd.DataFrame) -> pd.Series:
        exact = _exact_rows(frame)
        systems: dict[tuple[str, str], set[str]] = {}
        for _, curie, subject in exact:
            systems.setdefault(subject, set()).add(prefix(curie))
        verdicts = [True] * len(frame)
        for position, curie, subject in exact:
            mixed = systems[subject] >= KINDS
            verdicts[position] = not (mixed and prefix(curie) in KINDS)
        return _verdicts(frame, verdicts)

    return [
        Rule(one_subject_per_object, name=check_name("duplicate-exact-match", "object_id")),
        Rule(one_kind_per_subject, name=check_name("cross-kind-exact-match", "predicate_id")),
    ]


def curation_checks(fields: set[str], terms: Mapping[str, Term]) -> list[Rule]:
    """Every curation rule that applies to a table with these fields."""
    checks: list[Rule] = []
    if {"certainty", "evidence"} <= fields:
        checks.extend(certainty_checks())
    if {"open_list", "evidence"} <= fields:
        checks.append(open_list_check())
    if {"predicate_id", "object_id", "matched_name"} <= fields:
        checks.extend(name_checks(terms))
    if {"predicate_id", "object_id", "subject_table", "subject_id"} <= fields:
        checks.extend(exact_match_checks())
    return checks


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return curation_checks(names, context.terms)


RULE = plugin(
    __name__,
    "curation",
    rules,
    {
        "certainty-overstated": Code(
            "semantic",
            "certainty is 'stated' but the row's quote hedges its fact ('may', 'is considered', 'suggested', "
            "'proposed').",
            "certainty stated for 'but may also be found on the lower abdomen'",
        ),
        "certainty-unsupported": Code(
            "semantic",
            "certainty is hedged, attributed or proposed but the row's quote lacks that value's cue "
            "('may'; 'is considered'; 'suggested' or 'proposed').",
            "certainty hedged for 'a red, blistering rash'",
        ),
        "open-list-mismatch": Code(
            "semantic",
            "open_list disagrees with the quote: true needs a non-exhaustive-list cue ('including', 'a number of', "
            "'include'), and such a cue needs true.",
            "open_list false for 'are nonspecific and include: [...] epidermal necrosis'",
        ),
        "predicate-overstated": Code(
            "semantic",
            "A skos:exactMatch whose matched_name the shipped ontology snapshot gives as neither the term's label "
            "nor an EXACT synonym.",
            "exactMatch HP:0025092 on 'Epidermal hyperplasia', a RELATED synonym",
        ),
        "matched-name-mismatch": Code(
            "semantic",
            "matched_name is neither the label nor a synonym of object_id in the shipped ontology snapshot.",
            "matched_name 'Redness' for HP:0010783",
        ),
        "duplicate-exact-match": Code(
            "semantic",
            "One object identifier is skos:exactMatch from two different subjects (exactMatch is transitive: "
            "it would make the two subjects the same).",
            "UBERON:0001416 exactMatch from both abdomen and lower-abdomen",
        ),
        "cross-kind-exact-match": Code(
            "semantic",
            "One subject is skos:exactMatch to both an HPO phenotype and a MONDO disease, which would make the two "
            "terms equivalent; one of them must be a closeMatch.",
            "diabetes-mellitus exactMatch to HP:0000819 and MONDO:0005015",
        ),
    },
    summary="certainty and open_list against their quote; mapping predicates against the ontology snapshot",
)
