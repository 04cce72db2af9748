"""Curation rules: typed columns may not say more than their quote, nor mappings more than their release.

Each rule is a pandera check named ``code|field`` (see `nme_data.schemas.check_name`), so a failure
becomes a located error with a stable code (documented in `nme_data.validation.errors.CODES`):

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
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import pandera.pandas as pa

from nme_data.dtypes import DEFAULT_FALSE, DEFAULT_TRUE
from nme_data.ontology import prefix

if TYPE_CHECKING:
    from nme_data.ontology import Term

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


def _words(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(cue) for cue in cues) + r")\b", re.IGNORECASE)


CERTAINTY_PATTERNS = {value: _words(cues) for value, cues in CERTAINTY_CUES.items() if cues}
OPEN_LIST_PATTERN = _words(OPEN_LIST_CUES)


def _code(code: str, field: str) -> str:
    """The check name the validator maps to a code and a field (as `nme_data.schemas.check_name`)."""
    return f"{code}|{field}"


def _text(series: pd.Series) -> pd.Series:
    return series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")


def _per_quote(evidence: pd.Series, verdict: Callable[[str], Any]) -> pd.Series:
    """A verdict for each row's quote, computed once per distinct quote (missing quote: NA)."""
    quotes = _text(evidence)
    verdicts = {quote: verdict(quote) for quote in quotes.dropna().unique()}
    return quotes.map(verdicts)


def cues_in(quote: str) -> set[str]:
    """The non-stated certainty values whose cue appears in a quote."""
    return {value for value, pattern in CERTAINTY_PATTERNS.items() if pattern.search(quote)}


def _flag(series: pd.Series) -> pd.Series:
    """open_list as True/False/NA, from the typed boolean or the raw text."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    text = _text(series)
    return text.map(lambda v: True if v in DEFAULT_TRUE else False if v in DEFAULT_FALSE else pd.NA).astype("boolean")


# ---- fact tables: certainty and open_list against the quote ------------------------------------


def certainty_checks() -> list[pa.Check]:
    def not_overstated(frame: pd.DataFrame) -> pd.Series:
        stated = (_text(frame["certainty"]) == "stated").fillna(False)
        hedged_quote = _per_quote(frame["evidence"], lambda q: bool(cues_in(q))).fillna(False).astype(bool)
        return ~(stated & hedged_quote)

    def supported(frame: pd.DataFrame) -> pd.Series:
        certainty = _text(frame["certainty"])
        cues = _per_quote(frame["evidence"], cues_in)
        verdicts = [
            value not in CERTAINTY_PATTERNS or not isinstance(found, set) or value in found
            for value, found in zip(certainty, cues, strict=True)
        ]
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    return [
        pa.Check(not_overstated, name=_code("certainty-overstated", "certainty")),
        pa.Check(supported, name=_code("certainty-unsupported", "certainty")),
    ]


def open_list_check() -> pa.Check:
    def agrees(frame: pd.DataFrame) -> pd.Series:
        flagged = _flag(frame["open_list"])
        cued = _per_quote(frame["evidence"], lambda q: bool(OPEN_LIST_PATTERN.search(q))).astype("boolean")
        return (flagged == cued).fillna(True).astype(bool)  # a missing cell is the spec layer's error

    return pa.Check(agrees, name=_code("open-list-mismatch", "open_list"))


# ---- mappings: predicate against the release, and across rows ------------------------------------


def name_checks(terms: Mapping[str, Term]) -> list[pa.Check]:
    def scopes(frame: pd.DataFrame) -> pd.Series:
        pairs = zip(_text(frame["object_id"]), _text(frame["matched_name"]), strict=True)
        return pd.Series(
            [
                terms[curie].scopes_of(name)
                if isinstance(curie, str) and curie in terms and isinstance(name, str)
                else None
                for curie, name in pairs
            ],
            index=frame.index,
            dtype=object,
        )

    def is_a_name(frame: pd.DataFrame) -> pd.Series:
        return scopes(frame).map(lambda found: found is None or bool(found)).astype(bool)

    def exact_allowed(frame: pd.DataFrame) -> pd.Series:
        exact = (_text(frame["predicate_id"]) == EXACT).fillna(False)
        found = scopes(frame)
        allowed = found.map(lambda s: s is None or not s or bool(s & {"LABEL", "EXACT"})).astype(bool)
        return ~exact | allowed

    return [
        pa.Check(is_a_name, name=_code("matched-name-mismatch", "matched_name")),
        pa.Check(exact_allowed, name=_code("predicate-overstated", "predicate_id")),
    ]


def _exact_rows(frame: pd.DataFrame) -> pd.DataFrame:
    exact = (_text(frame["predicate_id"]) == EXACT).fillna(False)
    rows = pd.DataFrame(
        {
            "object_id": _text(frame["object_id"]),
            "subject": _text(frame["subject_table"]) + "/" + _text(frame["subject_id"]),
        },
        index=frame.index,
    )
    return rows[exact & rows["object_id"].notna() & rows["subject"].notna()]


def exact_match_checks() -> list[pa.Check]:
    def one_subject_per_object(frame: pd.DataFrame) -> pd.Series:
        exact = _exact_rows(frame)
        subjects = exact.groupby("object_id")["subject"].nunique()
        shared = exact["object_id"].isin(subjects[subjects > 1].index)
        return pd.Series(~frame.index.isin(exact.index[shared]), index=frame.index)

    def one_kind_per_subject(frame: pd.DataFrame) -> pd.Series:
        exact = _exact_rows(frame)
        systems = exact["object_id"].map(prefix)
        kinds = exact.assign(system=systems).groupby("subject")["system"].agg(set)
        mixed = kinds[kinds.map(lambda s: {PHENOTYPE_SYSTEM, DISEASE_SYSTEM} <= s)].index
        offending = exact["subject"].isin(mixed) & systems.isin([PHENOTYPE_SYSTEM, DISEASE_SYSTEM])
        return pd.Series(~frame.index.isin(exact.index[offending]), index=frame.index)

    return [
        pa.Check(one_subject_per_object, name=_code("duplicate-exact-match", "object_id")),
        pa.Check(one_kind_per_subject, name=_code("cross-kind-exact-match", "predicate_id")),
    ]


def curation_checks(fields: set[str], terms: Mapping[str, Term]) -> list[pa.Check]:
    """Every curation rule that applies to a table with these fields."""
    checks: list[pa.Check] = []
    if {"certainty", "evidence"} <= fields:
        checks.extend(certainty_checks())
    if {"open_list", "evidence"} <= fields:
        checks.append(open_list_check())
    if {"predicate_id", "object_id", "matched_name"} <= fields:
        checks.extend(name_checks(terms))
    if {"predicate_id", "object_id", "subject_table", "subject_id"} <= fields:
        checks.extend(exact_match_checks())
    return checks
