"""The article as sentences: one splitter for the coverage test, evidence hints and re-grounding.

A sentence is a stretch of one line ending in '.', '!' or '?' followed by white space, or the rest of
the line; list items and headings are lines of their own. Evidence quotes never span lines, so a quote
is either inside one sentence or spans several of the same line.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from nme_data.errors import NmeDataError

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


class TooManySentences(NmeDataError, ValueError):
    """A text with more sentences than the caller's budget (no article has anywhere near as many)."""


def split_sentences(text: str, limit: int | None = None) -> list[Sentence]:
    """Every non-blank sentence of `text`, stripped, in order; past `limit` sentences, TooManySentences
    (raised as soon as the budget is passed, so a hostile text costs no more than the budget)."""
    sentences: list[Sentence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        sentences.extend(Sentence(part.strip(), number) for part in _BOUNDARY.split(line.strip()) if part.strip())
        if limit is not None and len(sentences) > limit:
            raise TooManySentences(f"the text has more than {limit} sentences")
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
    match it fully. None when no sentence matches at least MIN_SIMILARITY of the quote. This compares the
    quote with every sentence; for a whole article use `SentenceIndex`, which compares it with a few.
    """
    if not quote:
        return None
    best: tuple[str, float, float] | None = None
    for sentence in sentences:
        key = _score(quote, sentence)
        if key is None:
            continue
        if best is None or key > best[1:]:
            best = (sentence, *key)
    return (best[0], best[1]) if best else None


def _score(quote: str, sentence: str) -> tuple[float, float] | None:
    matcher = difflib.SequenceMatcher(None, quote, sentence, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks() if block.size >= MIN_BLOCK)
    share = matched / len(quote)
    if share < MIN_SIMILARITY:
        return None
    return share, matcher.ratio()


# ---- searching a whole revision in linear time ---------------------------------------------------------

#: Budgets of the nearest-sentence search (`reground`, the evidence hints); docs/security.md lists them.
#: A sentence longer than this is searched as overlapping windows of this many characters.
WINDOW_CHARS = 600
#: Sentences (windows) indexed; a text with more is searched in its first MAX_SENTENCES only.
MAX_SENTENCES = 1_000_000
#: A word in more sentences than this is too common to choose candidates by.
MAX_POSTINGS = 2_000
#: The rarest words of a quote that choose its candidates, and how many candidates are compared with it.
RARE_WORDS = 8
CANDIDATES = 5
_WORD = re.compile(r"\w{3,}")


def _windows(sentence: str) -> list[str]:
    if len(sentence) <= WINDOW_CHARS:
        return [sentence]
    step = WINDOW_CHARS // 2
    return [sentence[start : start + WINDOW_CHARS] for start in range(0, len(sentence) - step, step)]


class SentenceIndex:
    """The sentences of a text, indexed by word, so that `nearest` compares a quote with a few candidates.

    Building it reads each sentence once; a query looks up the quote's rarest words (each in at most
    MAX_POSTINGS sentences) and runs difflib on the CANDIDATES sentences sharing most of them, each at
    most WINDOW_CHARS long: time linear in the text, and bounded per quote, however hostile the text.
    With `quotes`, only their words are indexed (what `reground` knows before it searches).
    """

    def __init__(self, sentences: Iterable[str], quotes: Iterable[str] | None = None) -> None:
        self.windows: list[str] = []
        vocabulary = None if quotes is None else {w for q in quotes for w in _WORD.findall(q.casefold())}
        postings: dict[str, list[int]] = {}
        for sentence in sentences:
            for window in _windows(sentence):
                if len(self.windows) >= MAX_SENTENCES:
                    break
                number = len(self.windows)
                self.windows.append(window)
                found_words = _WORD.findall(window.casefold())
                words = set(found_words) if vocabulary is None else vocabulary.intersection(found_words)
                for word in words:
                    found = postings.setdefault(word, [])
                    if len(found) <= MAX_POSTINGS:
                        found.append(number)
        self._postings = postings

    def candidates(self, quote: str) -> list[int]:
        """The windows sharing most of the quote's rarest words (ties: first in the text)."""
        words = {w for w in _WORD.findall(quote.casefold()) if 0 < len(self._postings.get(w, ())) <= MAX_POSTINGS}
        rare = sorted(words, key=lambda w: (len(self._postings[w]), w))[:RARE_WORDS]
        counts: dict[int, int] = {}
        for word in rare:
            for number in self._postings[word]:
                counts[number] = counts.get(number, 0) + 1
        return sorted(counts, key=lambda n: (-counts[n], n))[:CANDIDATES]

    def nearest(self, quote: str) -> tuple[str, float] | None:
        """As `nearest`, over the candidates only; the sentence returned is the window that matched."""
        if not quote:
            return None
        return nearest(quote[: 4 * WINDOW_CHARS], (self.windows[n] for n in self.candidates(quote)))


def covered(sentences: list[str], quotes: Iterable[str]) -> list[bool]:
    """`is_quoted` for every sentence at once, in time linear in the text.

    A quote inside a sentence: one RE2 automaton of every quote scans the sentences joined by newlines
    (no quote holds one), restarting at the next sentence after each hit, so it makes at most one call
    per sentence. A sentence inside a quote: looked up by its first characters among the quotes'.
    """
    import re2

    quotes = sorted({q for q in quotes if q})
    result = [False] * len(sentences)
    if not quotes:
        return result
    options = re2.Options()
    options.max_mem = 256 << 20
    one_line = [q.encode("utf-8", errors="surrogatepass") for q in quotes if "\n" not in q]  # no sentence holds more
    inside = re2.compile(b"|".join(re2.escape(q) for q in one_line), options) if one_line else None
    encoded = [s.encode("utf-8", errors="surrogatepass") for s in sentences]
    starts = []
    offset = 0
    for raw in encoded:
        starts.append(offset)
        offset += len(raw) + 1
    text = b"\n".join(encoded)
    position = 0
    while inside is not None and (match := inside.search(text, position)) is not None:
        number = bisect.bisect_right(starts, match.start()) - 1
        result[number] = True
        position = starts[number + 1] if number + 1 < len(starts) else len(text)
    joined = "\x00".join(quotes)
    prefixes = {q[i : i + _PREFIX] for q in quotes for i in range(max(len(q) - _PREFIX + 1, 1))}
    longest = max(map(len, quotes))
    for number, sentence in enumerate(sentences):
        if "\n" in sentence:  # never from split_sentences; judged directly, as is_quoted does
            result[number] = is_quoted(sentence, quotes)
        elif not result[number] and len(sentence) <= longest:
            result[number] = (
                (len(sentence) < _PREFIX or sentence[:_PREFIX] in prefixes)
                and sentence in joined
                and "\x00" not in sentence
            )
    return result


_PREFIX = 8


# ---- showing a difference ----------------------------------------------------------------------------


def word_diff(quote: str, sentence: str) -> str:
    """Which words of the quote differ from the sentence that nearly contains it: `'a' -> 'b'`, `'c' removed`,
    `'d' added`, joined by '; ' ('' when the quote is in the sentence). Only the stretch of the sentence
    the quote matches is compared, so the rest of a long sentence is not reported as added."""
    old, new = quote.split(), sentence.split()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if blocks:  # the stretch of the sentence the quote spans, from its first to its last matching word
        start = max(blocks[0].b - blocks[0].a, 0)
        end = min(blocks[-1].b + blocks[-1].size + (len(old) - blocks[-1].a - blocks[-1].size), len(new))
        new = new[start:end]
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        if tag == "replace":
            changes.append(f"{before!r} -> {after!r}")
        elif tag == "delete":
            changes.append(f"{before!r} removed")
        elif tag == "insert":
            changes.append(f"{after!r} added")
    return "; ".join(changes)


def similarity_label(share: float, identical: bool) -> str:
    """A share as a whole percentage, rounded down: '100%' only for an identical text, never for a changed one."""
    percent = int(share * 100)
    return f"{100 if identical else min(percent, 99)}%"
