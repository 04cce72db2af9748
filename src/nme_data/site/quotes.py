"""Where each row's evidence sits in the article text, and the highlights a reader sees.

A row's evidence is one or more verbatim parts joined by " [...] ". Each part is highlighted where its
anchor (the package's evidence_anchors table: code-point offsets in the snapshot) puts it; a part without
a valid anchor is looked for after the previous part of the same quote (an ellipsis skips forward),
falling back to its first occurrence.
Spans that overlap or touch are merged into one highlight that knows every row citing any part of it,
so a reader sees each continuous quoted passage once, with all its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: The separator of quote parts, as every evidence field's description in datapackage.json defines it.
EVIDENCE_SEPARATOR = " [...] "


@dataclass(frozen=True, order=True)
class RowRef:
    """A row of a table, named by its primary key text."""

    table: str
    key: str


@dataclass
class Highlight:
    """One continuous passage of the text quoted by at least one row."""

    index: int
    start: int
    end: int
    rows: list[RowRef] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"q-{self.index}"


def locate(text: str, evidence: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each non-blank part of a quote; parts not in the text are left out."""
    spans: list[tuple[int, int]] = []
    position = 0
    for part in evidence.split(EVIDENCE_SEPARATOR):
        if not part.strip():
            continue
        start = text.find(part, position)
        if start < 0:
            start = text.find(part)
        if start < 0:
            continue
        spans.append((start, start + len(part)))
        position = start + len(part)
    return spans


#: Anchors by (table, row key, part number from 1): the part's (start, end) in code points.
Anchors = Mapping[tuple[str, str, int], tuple[int, int]]


def anchored(text: str, row: RowRef, evidence: str, anchors: Anchors) -> list[tuple[int, int]]:
    """The spans of a quote's non-blank parts, each at its anchor when the anchor holds the part (else
    where `locate` finds it)."""
    spans: list[tuple[int, int]] = []
    for number, part in enumerate(evidence.split(EVIDENCE_SEPARATOR), start=1):
        if not part.strip():
            continue
        span = anchors.get((row.table, row.key, number))
        if span is None or text[span[0] : span[1]] != part:
            after = spans[-1][1] if spans else 0
            start = text.find(part, after)
            start = text.find(part) if start < 0 else start
            span = None if start < 0 else (start, start + len(part))
        if span is not None:
            spans.append(span)
    return spans


def highlights(
    text: str, quotes: Iterable[tuple[RowRef, str]], anchors: Anchors | None = None
) -> tuple[list[Highlight], dict[RowRef, int]]:
    """Merge every span (at its anchor, else located) into highlights; also each row's first highlight
    (its link target)."""
    located: list[tuple[int, int, RowRef]] = []
    for row, evidence in quotes:
        spans = locate(text, evidence) if anchors is None else anchored(text, row, evidence, anchors)
        located.extend((start, end, row) for start, end in spans)
    located.sort(key=lambda item: (item[0], item[1], item[2]))
    merged: list[Highlight] = []
    for start, end, row in located:
        if merged and start <= merged[-1].end:
            current = merged[-1]
            current.end = max(current.end, end)
        else:
            current = Highlight(len(merged) + 1, start, end)
            merged.append(current)
        if row not in current.rows:
            current.rows.append(row)
    first: dict[RowRef, int] = {}
    for highlight in merged:
        highlight.rows.sort()
        for row in highlight.rows:
            first.setdefault(row, highlight.index)
    return merged, first


def quoted_characters(highlights: Iterable[Highlight]) -> int:
    """How many characters of the text at least one row quotes."""
    return sum(h.end - h.start for h in highlights)
