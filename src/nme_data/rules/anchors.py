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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nme_data.rules.base import Code, plugin
from nme_data.rules.quotes import BATCH_ROWS, EVIDENCE, SOURCE, Quotes, _integers, _keys, _strings
from nme_data.rules.quotes import KEY_JOIN as KEY_JOIN  # re-exported: where the anchors' keys were always found
from nme_data.rules.quotes import TABLE as TABLE
from nme_data.rules.rule import Rule, check_name, shared
from nme_data.text.sentences import EVIDENCE_SEPARATOR

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import DataPackage, Table
    from nme_data.rules.context import Context

#: The table this module checks (`TABLE`), and its fields.
FIELDS = ("table", "row_id", "part", "start", "end", "source_id")
#: What an anchor's row_id may be (the fact tables' id pattern): a row with another id cannot be anchored.
ROW_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: ROW_ID for pyarrow (RE2), whose `$` is the end of the text: Python's also allows one newline before it.
_ROW_ID_RE2 = ROW_ID.pattern[:-1] + r"\n?$"


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


def _series(frame: pd.DataFrame, verdicts: Any) -> pd.Series:
    import numpy as np
    import pandas as pd

    return pd.Series(np.asarray(verdicts, dtype=bool), index=frame.index)


def _distinct(columns: list[Any]) -> tuple[Any, list[tuple[Any, ...]]]:
    """The distinct rows of equal-length pyarrow arrays, as Python tuples, and per row the index of its
    distinct row: a per-value rule runs once per distinct combination, not once per row (each column is
    dictionary-encoded by pyarrow; only the distinct values become Python objects)."""
    import numpy as np
    import pyarrow.compute as pc

    size = len(columns[0]) if columns else 0
    combined = np.zeros(size, dtype=np.int64)
    dictionaries = []
    for column in columns:
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        dictionaries.append(encoded.dictionary.to_pylist())
        codes = np.asarray(encoded.indices, dtype=np.int64)
        combined = combined * (len(dictionaries[-1]) + 1) + codes
        combined = np.unique(combined, return_inverse=True)[1].astype(np.int64).reshape(-1)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    codes_of = [np.asarray(pc.dictionary_encode(c, null_encoding="encode").indices)[first] for c in columns]
    rows = [tuple(d[i] for d, i in zip(dictionaries, at, strict=True)) for at in zip(*codes_of, strict=True)]
    return inverse.astype(np.int64).reshape(-1), rows


def _verbatim(parts: Any, sources: Any, texts: Mapping[str, str]) -> Any:
    """Per part: whether it is non-empty and verbatim in its source's snapshot (a known one), judged once per
    distinct (source, part)."""
    import numpy as np

    inverse, pairs = _distinct([sources, parts])
    found = [isinstance(p, str) and bool(p) and isinstance(s, str) and s in texts and p in texts[s] for s, p in pairs]
    return np.asarray(found, dtype=bool)[inverse] if found else np.zeros(len(inverse), dtype=bool)


def missing_check(name: str, present: set[str], quotes: Quotes, texts: Mapping[str, str]) -> list[Rule]:
    """`anchor-missing` on a fact table's evidence: every verbatim part has its anchor row."""
    if not {"id", EVIDENCE, SOURCE} <= present:
        return []

    def anchored(frame: pd.DataFrame) -> pd.Series:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if quotes.anchored is None or frame.empty:
            return _series(frame, np.ones(len(frame), dtype=bool))  # no anchors table: nothing can be missing
        ids, quote, source = _strings(frame["id"]), _strings(frame[EVIDENCE]), _strings(frame[SOURCE])
        # judged: a well-formed id held once, a quote, a known source (else other rules' errors)
        well_formed = pc.fill_null(pc.match_substring_regex(ids, _ROW_ID_RE2), False)
        counts = pc.value_counts(pc.drop_null(ids))
        twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        once = pc.invert(pc.fill_null(pc.is_in(ids, value_set=twice), False))
        known = pc.is_in(source, value_set=pa.array(list(texts), type=pa.large_string()))
        has_quote = pc.fill_null(pc.greater(pc.utf8_length(quote), 0), False)
        judged = np.asarray(pc.and_(pc.and_(well_formed, once), pc.and_(pc.fill_null(known, False), has_quote)))
        verdicts = np.ones(len(frame), dtype=bool)
        anchors = quotes.anchored.get(name, pa.array([], type=pa.large_string()))
        judged_rows = np.flatnonzero(judged)
        for begin in range(0, len(judged_rows), BATCH_ROWS):  # batches: the parts of a million rows at once
            rows = judged_rows[begin : begin + BATCH_ROWS]  # would cost the memory of another table
            taken = pa.array(rows)
            lists = pc.split_pattern(quote.take(taken), EVIDENCE_SEPARATOR)
            parts = pc.list_flatten(lists)
            parent = np.asarray(pc.list_parent_indices(lists))
            offsets = np.asarray(lists.offsets)[:-1]
            numbers = pa.array(np.arange(len(parts)) - offsets[parent] + 1)
            row_ids = ids.take(taken).take(pa.array(parent))
            has_anchor = np.asarray(pc.fill_null(pc.is_in(_keys(row_ids, numbers), value_set=anchors), False))
            needed = _verbatim(parts, source.take(taken).take(pa.array(parent)), texts)
            bad = needed & ~has_anchor
            verdicts[rows[np.unique(parent[bad])]] = False
        return _series(frame, verdicts)

    message = "a part of the evidence has no row in evidence_anchors"
    return [Rule(anchored, name=check_name("anchor-missing", EVIDENCE, message))]


@dataclass
class _Joined:
    """Each anchor row of a batch against the fact row it names (columns of the batch's length)."""

    exists: Any  # the row exists (or its table was not read)
    judged: Any  # the row is known (held once): its quote and source can judge the anchor
    number: Any  # the anchor's part as an integer (null: not one)
    count: Any  # the parts of the row's quote (null: no row, or an empty quote)
    part: Any  # the part the anchor names (null: no such row or part)
    source: Any  # the row's source (null: no row)


@dataclass
class _Verdicts:
    """Each anchor row's verdict under the four rules, as numpy booleans: what the rules keep of the join.
    A verdict that could not be computed holds the exception its rule raises (a check-error, as before)."""

    exists: Any
    part: Any
    source: Any
    matches: Any


def _lookup(anchors: _AnchorColumns, quotes: Quotes, keys: Any, unique: Any) -> tuple[Any, Any]:
    """Whether each anchor's row exists (or its table was not read), and its position among the fact keys held
    once (-1: none): a hash join by "table<US>row_id" key, once for every anchor (each lookup builds its hash
    table of the fact keys, so it is not repeated per batch)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    key = _keys(anchors.table, anchors.row_id)
    read = pc.is_in(anchors.table, value_set=pa.array(sorted(quotes.read), type=pa.large_string()))
    exists = pc.or_(pc.invert(pc.fill_null(read, False)), pc.fill_null(pc.is_in(key, value_set=keys), False))
    where = np.asarray(pc.fill_null(pc.index_in(key, value_set=unique), -1), dtype=np.int64)
    return np.asarray(exists, dtype=bool), where


def _join(anchors: _AnchorColumns, where: Any, exists: Any, facts: tuple[Any, Any], held_once: Any) -> _Joined:
    """A batch of anchors against the fact rows `_lookup` found for them (`where`): each one's part and source,
    all in pyarrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    null = pa.scalar(None, pa.large_string())
    quote, source = facts
    # index_in gave a position among the keys held once (nulls dropped): map it back to its fact row
    judged = where >= 0
    row = held_once[np.where(judged, where, 0)] if len(held_once) else np.zeros(len(where), dtype=np.int64)
    unjudged = pa.array(~judged)
    picked = pa.array(row)
    row_quote = (
        pc.if_else(unjudged, null, quote.take(picked).combine_chunks())
        if len(quote)
        else pa.nulls(len(where), pa.large_string())
    )
    row_source = pc.if_else(unjudged, null, source.take(picked).combine_chunks()) if len(source) else row_quote
    number = anchors.number
    lists = pc.split_pattern(pc.if_else(pc.equal(row_quote, ""), null, row_quote), EVIDENCE_SEPARATOR)
    del row_quote  # the parts' lists hold the text again: one copy of the batch's quotes at a time
    count = pc.list_value_length(lists)
    in_range = np.asarray(
        pc.fill_null(pc.and_(pc.greater_equal(number, 1), pc.less_equal(number, count)), False), dtype=bool
    )
    flat = pc.list_flatten(lists)
    starts = np.asarray(lists.offsets, dtype=np.int64)[:-1]
    chosen = np.where(in_range, starts + np.asarray(pc.fill_null(number, 1), dtype=np.int64) - 1, 0)
    part = (
        pc.if_else(pa.array(~in_range), null, flat.take(pa.array(chosen)))
        if len(flat)
        else pa.nulls(len(where), pa.large_string())
    )
    return _Joined(exists, judged, number, count, part, row_source)


@dataclass
class _AnchorColumns:
    """The anchors frame's columns as pyarrow arrays (the whole table, or a batch of it)."""

    table: Any
    row_id: Any
    number: Any
    source: Any
    start: Any
    end: Any

    def slice(self, begin: int, size: int) -> _AnchorColumns:
        return _AnchorColumns(*(column.slice(begin, size) for column in vars(self).values()))


def _judge(frame: pd.DataFrame, quotes: Quotes, texts: Mapping[str, str]) -> _Verdicts:
    """The four rules' verdicts on every anchor row, joined in batches of BATCH_ROWS anchors: the batch's
    quotes, parts and sources are dropped once judged, so memory holds booleans per anchor, not its text."""
    import numpy as np
    import pyarrow.compute as pc

    columns = _AnchorColumns(
        _strings(frame["table"]),
        _strings(frame["row_id"]),
        _integers(frame["part"]),
        _strings(frame["source_id"]),
        _integers(frame["start"]),
        _integers(frame["end"]),
    )
    keys, unique, quote, source = quotes.joined()
    held_once = np.flatnonzero(np.asarray(pc.is_valid(unique), dtype=bool))
    exists, where = _lookup(columns, quotes, keys, pc.drop_null(unique))
    del keys, unique
    size = len(frame)
    verdicts = _Verdicts(exists, *(np.ones(size, dtype=bool) for _ in range(3)))
    for begin in range(0, size, BATCH_ROWS):
        batch = columns.slice(begin, BATCH_ROWS)
        stop = begin + len(batch.table)
        found = _join(batch, where[begin:stop], exists[begin:stop], (quote, source), held_once)
        for name, judge in (("part", _part_exists), ("source", _same_source), ("matches", _matches)):
            if isinstance(getattr(verdicts, name), BaseException):
                continue
            try:
                getattr(verdicts, name)[begin:stop] = judge(found, batch, texts)
            except Exception as exc:  # that rule's check-error, as when each rule joined on its own
                setattr(verdicts, name, exc)
    return verdicts


def _part_exists(found: _Joined, batch: _AnchorColumns, texts: Mapping[str, str]) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    # unjudged: no such row (or held twice), an empty quote, a part that is not an integer
    judged = pc.and_(pc.is_valid(found.count), pc.is_valid(found.number))
    return np.asarray(pc.or_(pc.invert(judged), pc.is_valid(found.part)), dtype=bool)


def _same_source(found: _Joined, batch: _AnchorColumns, texts: Mapping[str, str]) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    unjudged = ~found.judged | np.asarray(pc.fill_null(pc.equal(found.source, ""), True))
    agrees = np.asarray(pc.fill_null(pc.equal(found.source, batch.source), False))
    return unjudged | agrees


def _matches(found: _Joined, batch: _AnchorColumns, texts: Mapping[str, str]) -> Any:
    import numpy as np

    inverse, rows = _distinct([found.part, batch.source, batch.start, batch.end])

    def verdict(part: Any, source: Any, start: Any, end: Any) -> bool:
        text = texts.get(source) if isinstance(source, str) else None
        if not part or text is None or start is None or end is None or part not in text:
            return True  # orphans, unknown sources, bad integers, non-verbatim parts: judged elsewhere
        return bool(text[start:end] == part)

    distinct = [verdict(*values) for values in rows]
    return np.asarray(distinct, dtype=bool)[inverse] if distinct else inverse == 0


def anchor_checks(present: set[str], quotes: Quotes, texts: Mapping[str, str]) -> list[Rule]:
    """`anchor-orphan` and `anchor-mismatch` on the evidence_anchors table."""
    if not set(FIELDS) <= present:
        return []

    def judged(frame: pd.DataFrame, name: str) -> pd.Series:
        verdicts = shared(frame, ("anchors", id(quotes)), lambda: _judge(frame, quotes, texts))
        found = getattr(verdicts, name)
        if isinstance(found, BaseException):
            raise found
        return _series(frame, found)

    def row_exists(frame: pd.DataFrame) -> pd.Series:
        return judged(frame, "exists")

    def part_exists(frame: pd.DataFrame) -> pd.Series:
        return judged(frame, "part")

    def same_source(frame: pd.DataFrame) -> pd.Series:
        return judged(frame, "source")

    def matches(frame: pd.DataFrame) -> pd.Series:
        return judged(frame, "matches")

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


def package_anchors(package: DataPackage, texts: Mapping[str, str] | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors of every evidence part of a package, against its snapshots (or `texts`, by source id:
    a new snapshot's text, for reground), and the notes of `find_anchors`."""
    from nme_data.package.canonical import SECTIONS_PROPERTY as SECTIONS
    from nme_data.package.raw import read_text_frame
    from nme_data.rules.sections import stretch

    if texts is None:
        sources = read_text_frame(package.table("sources"))
        texts = {
            str(source_id): package.read_snapshot(str(path))[0]
            for source_id, path in zip(sources["id"], sources["path"], strict=True)
        }
    tables: dict[str, list[dict[Any, Any]]] = {}
    declarations: dict[str, tuple[str, dict[str, Any]]] = {}
    for table in package.fact_tables:
        name = table.name
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


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    if table.name == TABLE:  # the anchors themselves: offsets in the snapshot
        return anchor_checks(names, context.quotes, context.source_texts)
    return missing_check(table.name, names, context.quotes, context.source_texts)  # every part anchored


RULE = plugin(
    __name__,
    "anchors",
    rules,
    {
        "anchor-mismatch": Code(
            "semantic",
            "An evidence_anchors row's offsets do not hold its evidence part: snapshot[start:end] (code points, end "
            "exclusive, as a W3C TextPositionSelector) differs from the part, or the anchor cites another source than "
            "its row. `nme-data anchor PATH` rewrites the anchors (`nme-data reground --apply` for a new snapshot).",
            "evidence_anchors sites/intro-groin part 1 with start moved one character on",
        ),
        "anchor-missing": Code(
            "semantic",
            "A part of a fact row's evidence (verbatim in its snapshot) has no row in evidence_anchors: every part "
            "carries its offsets in the snapshot. `nme-data anchor PATH` writes them.",
            "a new sites row whose quote was never anchored",
        ),
        "anchor-orphan": Code(
            "semantic",
            "An evidence_anchors row names a table row that has no evidence, or a part number past the row's last "
            "part (parts are joined by ' [...] ', numbered from 1).",
            "evidence_anchors naming sites/no-such-row, or part 2 of a one-part quote",
        ),
    },
    summary="evidence_anchors' offsets hold their parts; every part of a fact table's evidence is anchored",
)
