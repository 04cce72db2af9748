"""The article as sentences: one splitter for the coverage test, evidence hints and re-grounding.

A sentence is a stretch of one line ending in '.', '!' or '?' followed by white space, or the rest of
the line; list items and headings are lines of their own. Evidence quotes never span lines, so a quote
is either inside one sentence or spans several of the same line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Evidence cells that need several quotes join them with this; each part is verbatim on its own.
EVIDENCE_SEPARATOR = " [...] "
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=\S)")
#: Below this similarity a "nearest sentence" is noise, not a hint.
MIN_SIMILARITY = 0.6
#: Matches shorter than this are letters in common, not words in common.
MIN_BLOCK = 3


@dataclass(frozen=True)
class Sentence:
    """One sentence and the line of the text it is on (1-based)."""

    text: str
    line: int


def split_sentences(text: str) -> list[Sentence]:
    """Every non-blank sentence of `text`, stripped, in order."""
    sentences: list[Sentence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        sentences.extend(Sentence(part.strip(), number) for part in _BOUNDARY.split(line.strip()) if part.strip())
    return sentences


def quote_parts(evidence: str) -> list[str]:
    """The verbatim parts of an evidence cell."""
    return evidence.split(EVIDENCE_SEPARATOR)


def is_quoted(sentence: str, quotes: Iterable[str]) -> bool:
    """A sentence is covered when a quote lies inside it or it lies inside a quote."""
    return any(quote in sentence or sentence in quote for quote in quotes if quote)


def nearest(quote: str, sentences: Iterable[str]) -> tuple[str, float] | None:
    """The sentence that most nearly contains `quote`, and the share of the quote it matches (0..1).

    The share, not difflib's symmetric ratio, is the measure: a short quote inside a long sentence should
    match it fully. None when no sentence matches at least MIN_SIMILARITY of the quote.
    """
    if not quote:
        return None
    best: tuple[str, float, float] | None = None
    for sentence in sentences:
        matcher = difflib.SequenceMatcher(None, quote, sentence, autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks() if block.size >= MIN_BLOCK)
        share = matched / len(quote)
        if share < MIN_SIMILARITY:
            continue
        key = (share, matcher.ratio())
        if best is None or key > best[1:]:
            best = (sentence, *key)
    return (best[0], best[1]) if best else None
