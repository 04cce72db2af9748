"""`evidence-too-short` and `evidence-not-verbatim`: evidence is a quote, and every part of it is verbatim in the
snapshot its row cites."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.rules.base import plugin, semantic
from nme_data.rules.rule import Rule, check_name, per_distinct
from nme_data.text.sentences import EVIDENCE_SEPARATOR

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

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


def _is_a_quote_or_empty(quote: Any) -> bool:
    """`evidence_is_a_quote`, passing an empty or missing cell (the required constraint's error, not this one's)."""
    return not isinstance(quote, str) or not quote or evidence_is_a_quote(quote)


def evidence_check(context: Context) -> list[Rule]:
    """Evidence is a quote (`evidence-too-short`) and every part of it is verbatim in the cited snapshot
    (`evidence-not-verbatim`)."""

    def is_a_quote(frame: pd.DataFrame) -> pd.Series:
        return per_distinct(frame, ("evidence",), _is_a_quote_or_empty)

    def verbatim(frame: pd.DataFrame) -> pd.Series:
        def quoted(source_id: Any, quote: Any) -> bool:
            text = context.source_texts.get(source_id) if isinstance(source_id, str) else None
            if text is None or not isinstance(quote, str):
                return True  # an unknown source is a foreign-key error, reported by the spec layer
            return all(part in text for part in quote.split(EVIDENCE_SEPARATOR))

        return per_distinct(frame, ("source_id", "evidence"), quoted)

    return [
        Rule(is_a_quote, name=check_name("evidence-too-short", "evidence")),
        Rule(verbatim, name=check_name("evidence-not-verbatim", "evidence")),
    ]


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return evidence_check(context)


RULE = plugin(
    __name__,
    "evidence",
    rules,
    {
        "evidence-too-short": semantic(
            "An evidence quote is no quote: a part around ' [...] ' is empty or has no word of 4 letters, "
            "or a cut quote has no part of at least 3 words.",
            '" [...] ", "the [...] of"',
        ),
        "evidence-not-verbatim": semantic(
            "An evidence quote (or a part between ' [...] ') is not verbatim in the source snapshot it cites.",
            "a paraphrase, a changed word",
        ),
    },
    fields={"evidence", "source_id"},
    summary="evidence is a quote, and each part of it is verbatim in the cited snapshot",
)
