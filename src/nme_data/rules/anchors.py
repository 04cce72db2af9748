"""Quote anchors: where each evidence part sits in its snapshot (``evidence_anchors``).

Each part of a fact row's evidence (parts are joined by " [...] ") has one row in the table
``evidence_anchors``: ``(table, row_id, part)`` and the code-point offsets ``start``/``end`` (end
exclusive) of the part in the snapshot of ``source_id``, as a W3C Web Annotation TextPositionSelector
gives them. Three rules hold the table to the facts:

- ``anchor-mismatch``: ``snapshot[start:end]`` is not the part (or the anchor cites another source than
  its row);
- ``anchor-missing``: a part of a fact row's evidence, verbatim in the snapshot, has no anchor row;
- ``anchor-orphan``: an anchor names a table, row or part that does not exist.

A part that is not verbatim in its snapshot is ``evidence-not-verbatim``'s error, not these rules'.

`find_anchors` computes the rows (``nme-data anchor``, ``reground --apply``). Where a part occurs
more than once in the snapshot, the occurrence meant is, in this order: the first one after the
previous part of the same quote (a quote reads forward; " [...] " skips text); else the one nearest to
the row's other parts; else (a one-part quote) the first one inside the stretch of the row's
``nme:sections`` value, if the table declares one; else the first one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nme_data.rules.rule import Rule, check_name
from nme_data.sentences import EVIDENCE_SEPARATOR

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import DataPackage

#: The table this module checks, and its fields.
TABLE = "evidence_anchors"
FIELDS = ("table", "row_id", "part", "start", "end", "source_id")
#: The fact tables whose rows carry evidence (the enum of evidence_anchors.table).
EVIDENCE, SOURCE = "evidence", "source_id"
#: What an anchor's row_id may be (the fact tables' id pattern): a row with another id cannot be anchored.
ROW_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Anchor:
    """One evidence part's place in its snapshot."""

    table: str
    row_id: str
    part: int
    start: int
    end: int
    source_id: str

    def record(self) -> list[str]:
        return [self.table, self.row_id, str(self.part), str(self.start), str(self.end), self.source_id]


def occurrences(text: str, part: str) -> list[int]:
    """Every start of `part` in `text`, overlapping ones included."""
    found, start = [], text.find(part) if part else -1
    while start >= 0:
        found.append(start)
        start = text.find(part, start + 1)
    return found


def place(text: str, quote: str, stretch: tuple[int, int] | None = None) -> list[tuple[int, int] | None]:
    """The (start, end) meant of each part of a quote (None: not in the text); see the module's notes."""
    return [span for span, _why in placed(text, quote, stretch)]


def placed(text: str, quote: str, stretch: tuple[int, int] | None = None) -> list[tuple[tuple[int, int] | None, str]]:
    """`place`, with why each part of several occurrences was put where it is (empty for the others)."""
    parts = quote.split(EVIDENCE_SEPARATOR)
    found = [occurrences(text, part) for part in parts]
    spans: list[tuple[int, int] | None] = [None] * len(parts)
    reasons = [""] * len(parts)
    for index, starts in enumerate(found):  # unique parts first: they fix where the quote is
        if len(starts) == 1:
            spans[index] = (starts[0], starts[0] + len(parts[index]))
    for index, starts in enumerate(found):
        if len(starts) < 2:
            continue
        size = len(parts[index])
        before = [span for span in spans[:index] if span is not None]
        after = [span for span in spans[index + 1 :] if span is not None]
        following = [s for s in starts if before and s >= before[-1][1] and (not after or s + size <= after[0][0])]
        if following:
            start, reasons[index] = following[0], "the first after the quote's previous part"
        elif before or after:
            near = [span[0] for span in (*before, *after)]
            start = min(starts, key=lambda s: (min(abs(s - n) for n in near), s))
            reasons[index] = "the one nearest the quote's other parts"
        elif stretch is not None and any(stretch[0] <= s and s + size <= stretch[1] for s in starts):
            start = next(s for s in starts if stretch[0] <= s and s + size <= stretch[1])
            reasons[index] = "the first in the row's section"
        else:
            start, reasons[index] = starts[0], "the first"
        spans[index] = (start, start + size)
    return list(zip(spans, reasons, strict=True))


def _truncate(part: str, size: int = 60) -> str:
    return part if len(part) <= size else part[: size - 3] + "..."


def find_anchors(
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    texts: Mapping[str, str],
    stretches: Callable[[str, Mapping[str, Any], str], tuple[int, int] | None] | None = None,
) -> tuple[list[Anchor], list[str]]:
    """The anchor of every evidence part of these tables' rows (name -> rows as mappings), in table,
    row and part order, and the problems: parts not in their snapshot, parts that occur several times
    (listed so a curator checks the choice by hand). `stretches(table, row, text)` may give the span of
    the row's section (the one-part tie-break)."""
    anchors: list[Anchor] = []
    notes: list[str] = []
    for name, rows in tables.items():
        for row in rows:
            quote, source, row_id = row.get(EVIDENCE), row.get(SOURCE), row.get("id")
            if not isinstance(quote, str) or not quote or not isinstance(source, str) or source not in texts:
                continue
            text = texts[source]
            stretch = stretches(name, row, text) if stretches is not None else None
            for number, (part, (span, why)) in enumerate(
                zip(quote.split(EVIDENCE_SEPARATOR), placed(text, quote, stretch), strict=True), start=1
            ):
                where = f"{name}/{row_id} part {number}"
                if span is None:
                    notes.append(f"{where}: not in the snapshot of {source}: {part!r}")
                    continue
                if why:
                    starts = occurrences(text, part)
                    notes.append(
                        f"{where}: {_truncate(part)!r} occurs {len(starts)} times (at {', '.join(map(str, starts))}); "
                        f"anchored at {span[0]} (line {text.count(chr(10), 0, span[0]) + 1}), {why}"
                    )
                anchors.append(Anchor(name, str(row_id), number, span[0], span[1], source))
    return anchors, notes


# ---- the rules -------------------------------------------------------------------------------------


@dataclass
class Quotes:
    """What the anchor rules need of a package: each fact row's evidence parts and source, and the
    anchors (None: the package has no evidence_anchors table, so no part can be missing one)."""

    parts: dict[tuple[str, str], tuple[list[str] | None, str]]
    anchored: set[tuple[str, str, int]] | None = None
    #: The fact tables read: an anchor into a table that was not read (unsound, unparseable) is not judged.
    read: set[str] = field(default_factory=set)
    #: Row ids a table holds twice (the primary key's error): their anchors cannot be judged.
    duplicated: set[tuple[str, str]] = field(default_factory=set)

    def add_facts(self, name: str, frame: pd.DataFrame) -> None:
        """Each row's parts (None: an empty quote, the required constraint's error) and source."""
        if not {"id", EVIDENCE, SOURCE} <= set(frame.columns):
            return
        self.read.add(name)
        for row_id, quote, source in zip(frame["id"], frame[EVIDENCE], frame[SOURCE], strict=True):
            if isinstance(row_id, str):
                if (name, row_id) in self.parts:
                    self.duplicated.add((name, row_id))
                parts = quote.split(EVIDENCE_SEPARATOR) if isinstance(quote, str) and quote else None
                self.parts[(name, row_id)] = (parts, source if isinstance(source, str) else "")

    def add_anchors(self, frame: pd.DataFrame) -> None:
        if not {"table", "row_id", "part"} <= set(frame.columns):
            return
        self.anchored = set()
        for table, row_id, part in zip(frame["table"], frame["row_id"], frame["part"], strict=True):
            number = _integer(part)
            if isinstance(table, str) and isinstance(row_id, str) and number is not None:
                self.anchored.add((table, row_id, number))


def _integer(value: Any) -> int | None:
    """A cell's integer (raw text or typed), None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and value.is_integer() else None
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def missing_check(name: str, present: set[str], quotes: Quotes, texts: Mapping[str, str]) -> list[Rule]:
    """`anchor-missing` on a fact table's evidence: every verbatim part has its anchor row."""
    if not {"id", EVIDENCE, SOURCE} <= present:
        return []

    def anchored(frame: pd.DataFrame) -> pd.Series:
        import pandas as pd

        verdicts = []
        for row_id, quote, source in zip(frame["id"], frame[EVIDENCE], frame[SOURCE], strict=True):
            text = texts.get(source) if isinstance(source, str) else None
            unjudged = not isinstance(row_id, str) or not ROW_ID.match(row_id) or (name, row_id) in quotes.duplicated
            if quotes.anchored is None or text is None or not isinstance(quote, str) or unjudged:
                verdicts.append(True)  # no anchors table, unknown source, empty quote, bad id: other rules' errors
                continue
            parts = quote.split(EVIDENCE_SEPARATOR)
            verdicts.append(
                all(
                    (name, row_id, number) in quotes.anchored or not part or part not in text
                    for number, part in enumerate(parts, start=1)
                )
            )
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    message = "a part of the evidence has no row in evidence_anchors"
    return [Rule(anchored, name=check_name("anchor-missing", EVIDENCE, message))]


def anchor_checks(present: set[str], quotes: Quotes, texts: Mapping[str, str]) -> list[Rule]:
    """`anchor-orphan` and `anchor-mismatch` on the evidence_anchors table."""
    if not set(FIELDS) <= present:
        return []
    import pandas as pd

    def known_row(table: Any, row_id: Any) -> tuple[list[str] | None, str] | None:
        """The row an anchor names (None: no such row, or one whose id is duplicated: not judged)."""
        if not isinstance(row_id, str) or (table, row_id) in quotes.duplicated:
            return None
        return quotes.parts.get((table, row_id))

    def part_of(table: Any, row_id: Any, part: Any) -> str | None:
        """The part the anchor names (None: no such row or part, or a row with an empty quote)."""
        number = _integer(part)
        known = known_row(table, row_id)
        if known is None or known[0] is None or number is None or not 1 <= number <= len(known[0]):
            return None
        return known[0][number - 1]

    def row_exists(frame: pd.DataFrame) -> pd.Series:
        keys = zip(frame["table"], frame["row_id"], strict=True)
        verdicts = [t not in quotes.read or (t, r) in quotes.parts for t, r in keys]
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    def part_exists(frame: pd.DataFrame) -> pd.Series:
        verdicts = []
        for table, row_id, part in zip(frame["table"], frame["row_id"], frame["part"], strict=True):
            known = known_row(table, row_id)
            unjudged = known is None or known[0] is None or _integer(part) is None
            verdicts.append(unjudged or part_of(table, row_id, part) is not None)
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    def same_source(frame: pd.DataFrame) -> pd.Series:
        verdicts = []
        for table, row_id, source in zip(frame["table"], frame["row_id"], frame["source_id"], strict=True):
            known = known_row(table, row_id)
            verdicts.append(known is None or not known[1] or known[1] == source)
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    def matches(frame: pd.DataFrame) -> pd.Series:
        verdicts = []
        columns = (frame[name] for name in FIELDS)
        for table, row_id, number, start_cell, end_cell, source in zip(*columns, strict=True):
            part = part_of(table, row_id, number)
            text = texts.get(source) if isinstance(source, str) else None
            start, end = _integer(start_cell), _integer(end_cell)
            if not part or text is None or start is None or end is None or part not in text:
                verdicts.append(True)  # orphans, unknown sources, bad integers, non-verbatim parts: judged elsewhere
                continue
            verdicts.append(text[start:end] == part)
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    return [
        Rule(row_exists, name=check_name("anchor-orphan", "row_id", "the anchor names a row that has no evidence")),
        Rule(part_exists, name=check_name("anchor-orphan", "part", "the row's evidence has no such part")),
        Rule(
            same_source,
            name=check_name("anchor-mismatch", "source_id", "the anchor cites another source than its row"),
        ),
        Rule(matches, name=check_name("anchor-mismatch", "start", "snapshot[start:end] is not the evidence part")),
    ]


# ---- a whole package --------------------------------------------------------------------------------


def fact_tables(package: DataPackage) -> list[str]:
    """The tables whose rows carry evidence, in the descriptor's order."""
    return [name for name, table in package.tables.items() if {"id", EVIDENCE, SOURCE} <= set(table.field_names)]


def package_anchors(package: DataPackage, texts: Mapping[str, str] | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors of every evidence part of a package, against its snapshots (or `texts`, by source id:
    a new snapshot's text, for reground), and the notes of `find_anchors`."""
    from nme_data.package.canonical import SECTIONS_PROPERTY as SECTIONS
    from nme_data.raw import read_text_frame
    from nme_data.rules.sections import stretch

    if texts is None:
        sources = read_text_frame(package.table("sources"))
        texts = {
            str(source_id): package.read_snapshot(str(path))[0]
            for source_id, path in zip(sources["id"], sources["path"], strict=True)
        }
    tables: dict[str, list[dict[Any, Any]]] = {}
    declarations: dict[str, tuple[str, dict[str, Any]]] = {}
    for name in fact_tables(package):
        table = package.table(name)
        tables[name] = read_text_frame(table).to_dict("records")
        for spec in table.fields:
            if isinstance(spec.get(SECTIONS), dict):
                declarations[name] = (str(spec["name"]), spec[SECTIONS])

    def section(name: str, row: Mapping[str, Any], text: str) -> tuple[int, int] | None:
        if name not in declarations:
            return None
        column, declared = declarations[name]
        value = row.get(column)
        bounds = declared.get(value) if isinstance(value, str) else None
        return stretch(text, bounds[0], bounds[1]) if isinstance(bounds, list) and len(bounds) == 2 else None

    return find_anchors(tables, texts, section)
