"""`nme-data reground`: check every quote against a new revision of the article, and find what is new.

The article moves; a dataset derived from it must follow. Against a new revision (plain UTF-8 text the
curator supplies), each evidence part is either still verbatim or broken (reported with the nearest new
sentence), and each new sentence is either quoted by some row or a candidate new fact. Lines the old
snapshot already had and no row quoted (headings, empty sections) are not candidates: the curation
already decided they state nothing.
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nme_data.curate._common import CurateError, relative
from nme_data.curate.canonical import atomic_write, check_dialect, encode_table, read_records
from nme_data.package import DataPackage, Table
from nme_data.rules.anchors import TABLE as ANCHORS
from nme_data.rules.anchors import package_anchors
from nme_data.text.sentences import (
    Sentence,
    SentenceIndex,
    TooManySentences,
    covered,
    quote_parts,
    similarity_label,
    split_sentences,
    word_diff,
)

#: A revision of one article; anything larger is not what this command is for. The search is linear in
#: the text (`nme_data.text.sentences.SentenceIndex`, `covered`): scripts/bench.py times a hostile 16 MiB one.
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: Sentences in a revision (the article has about a hundred); a text with more is refused, not searched.
MAX_SENTENCES = 200_000

#: `reground --apply` exit codes (without --apply: 0 everything holds, 1 something to curate).
EXIT_APPLIED = 0
EXIT_NOTHING_TO_APPLY = 3
EXIT_REFUSED = 4


@dataclass
class BrokenQuote:
    """A part of a row's evidence that the new text no longer contains verbatim."""

    table: str
    row: int
    id: str
    quote: str
    nearest: str | None
    similarity: float

    @property
    def difference(self) -> str:
        """The words that differ between the quote and the nearest sentence ('' without one)."""
        return word_diff(self.quote, self.nearest) if self.nearest is not None else ""


@dataclass
class RegroundResult:
    package: DataPackage
    source_id: str
    snapshot: Path
    new_text: Path
    new_bytes: bytes = field(repr=False)
    old_sha256: str
    new_sha256: str
    recorded_sha256: str
    rows_checked: int
    broken: list[BrokenQuote] = field(default_factory=list)
    uncovered: list[Sentence] = field(default_factory=list)
    applied: bool = False

    @property
    def nothing_to_apply(self) -> bool:
        """The new text is the snapshot already, and its SHA-256 is the one recorded."""
        return self.old_sha256 == self.new_sha256 == self.recorded_sha256

    @property
    def quotes_hold(self) -> bool:
        return not self.broken

    @property
    def ok(self) -> bool:
        """Everything still holds: every quote verbatim and no new sentence left uncurated."""
        return not self.broken and not self.uncovered

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": {"path": str(self.package.descriptor_path.absolute()), "version": self.package.version},
            "ok": self.ok,
            "quotes_hold": self.quotes_hold,
            "source_id": self.source_id,
            "snapshot": relative(self.package, self.snapshot),
            "new_text": str(self.new_text),
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "rows_checked": self.rows_checked,
            "broken_quotes": [
                {
                    "table": b.table,
                    "row": b.row,
                    "id": b.id,
                    "quote": b.quote,
                    "nearest_sentence": b.nearest,
                    "similarity": round(b.similarity, 3),
                    "difference": b.difference,
                }
                for b in self.broken
            ],
            "unquoted_sentences": [{"line": s.line, "text": s.text} for s in self.uncovered],
            "applied": self.applied,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [
            self.package.header,
            f"re-grounding {self.rows_checked} rows quoting {self.source_id} on {self.new_text}",
        ]
        if self.old_sha256 == self.new_sha256:
            lines.append("the new text is identical to the snapshot")
        for broken in self.broken:
            lines.append(f"{broken.table}, row {broken.row} ({broken.id}): no longer verbatim: {broken.quote!r}")
            if broken.nearest is not None:
                label = similarity_label(broken.similarity, broken.quote == broken.nearest)
                lines.append(f"  nearest new sentence ({label} of the quote matches): {broken.nearest!r}")
                lines.append(f"  words that differ: {broken.difference or 'none (the quote spans sentences)'}")
            else:
                lines.append("  no sentence of the new text is close: the passage may have been removed")
        for sentence in self.uncovered:
            lines.append(f"line {sentence.line}: no row quotes (candidate new fact): {sentence.text!r}")
        if self.ok:
            lines.append("everything still holds")
        else:
            lines.append(
                f"{len(self.broken)} quote{'s' * (len(self.broken) != 1)} no longer verbatim, "
                f"{len(self.uncovered)} new sentence{'s' * (len(self.uncovered) != 1)} no row quotes"
            )
        if self.applied:
            lines.append(f"applied: {relative(self.package, self.snapshot)} is the new text, sha256 {self.new_sha256}")
        return "\n".join(lines)


def _records(package: DataPackage, table: Table) -> list[dict[str, str]]:
    check_dialect(table)
    return [dict(zip(table.field_names, r, strict=True)) for r in read_records(table, table.path)]


def _source_row(package: DataPackage, source_id: str | None) -> dict[str, str]:
    if "sources" not in package.tables:
        raise CurateError("the package has no sources table naming its snapshots")
    rows = [r for r in _records(package, package.table("sources")) if r.get("path")]
    if source_id is not None:
        chosen = [r for r in rows if r.get("id") == source_id]
        if not chosen:
            raise CurateError(f"no source {source_id!r} with a snapshot path; sources: {[r.get('id') for r in rows]}")
        return chosen[0]
    if len(rows) != 1:
        raise CurateError(f"the package has {len(rows)} sources with snapshots; name one with --source-id")
    return rows[0]


def _read_new_text(path: Path) -> tuple[bytes, str]:
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end: never opened
            raise CurateError(f"{path} is not a regular file; give the article's text as a plain file")
        if status.st_size > MAX_TEXT_BYTES:
            raise CurateError(f"{path} is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB; not an article revision")
        data = path.read_bytes()
    except FileNotFoundError:
        raise CurateError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise CurateError(f"{path} is a directory, not a text file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CurateError(f"{path} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})") from None
    if "\x00" in text:
        raise CurateError(f"{path} contains a NUL byte; it is not plain text")
    return data, text


def reground(new_text: str | Path, source: str | Path | None = None, source_id: str | None = None) -> RegroundResult:
    """Check the package's quotes of one source (the only one, or `source_id`) against `new_text`."""
    package = DataPackage.open(source)
    row = _source_row(package, source_id)
    snapshot = package.resolve(row["path"])  # the model's path gate: inside the package, a regular file
    old_text, old_sha256 = package.read_snapshot(row["path"])  # within the model's size budget
    new_path = Path(new_text)
    data, text = _read_new_text(new_path)
    try:
        sentences = split_sentences(text, limit=MAX_SENTENCES)
    except TooManySentences:
        raise CurateError(f"{new_path} has more than {MAX_SENTENCES} sentences; not an article revision") from None
    result = RegroundResult(
        package=package,
        source_id=row["id"],
        snapshot=snapshot,
        new_text=new_path,
        new_bytes=data,
        old_sha256=old_sha256,
        new_sha256=hashlib.sha256(data).hexdigest(),
        recorded_sha256=row.get("sha256", ""),
        rows_checked=0,
    )
    quotes: list[str] = []
    for table in package.fact_tables:
        key = table.primary_key[0] if table.primary_key else table.field_names[0]
        for number, record in enumerate(_records(package, table), start=2):
            if record["source_id"] != result.source_id:
                continue
            result.rows_checked += 1
            for part in quote_parts(record["evidence"]):
                quotes.append(part)
                if part and part not in text:
                    result.broken.append(BrokenQuote(table.name, number, record.get(key, ""), part, None, 0.0))
    if result.broken:  # the nearest sentences, through an index of the broken quotes' words only
        index = SentenceIndex((s.text for s in sentences), quotes=[b.quote for b in result.broken])
        for broken in result.broken:
            found = index.nearest(broken.quote)
            if found:
                broken.nearest, broken.similarity = found
    old = [s.text for s in split_sentences(old_text)]
    decided = {sentence for sentence, quoted in zip(old, covered(old, quotes), strict=True) if not quoted}
    fresh = [s for s in sentences if s.text not in decided]
    result.uncovered = [
        s for s, quoted in zip(fresh, covered([s.text for s in fresh], quotes), strict=True) if not quoted
    ]
    return result


def _anchors(result: RegroundResult) -> tuple[Path, bytes]:
    """evidence_anchors.csv with this source's parts anchored in the new text, other sources' rows kept."""
    table = result.package.table(ANCHORS)
    check_dialect(table)
    source_at = table.field_names.index("source_id") if "source_id" in table.field_names else None
    kept = [r for r in read_records(table, table.path) if source_at is None or r[source_at] != result.source_id]
    found, _notes = package_anchors(result.package, {result.source_id: result.new_bytes.decode("utf-8-sig")})
    return table.path, encode_table(table, [anchor.record() for anchor in found] + kept)


def apply_revision(result: RegroundResult) -> None:
    """Make the new text the snapshot and record its SHA-256, only if every quote still holds.

    Everything is prepared before anything is written; each file is then replaced atomically (sources.csv,
    the digest quoted in datapackage.json, evidence_anchors.csv re-anchored in the new text, then the
    snapshot itself).
    """
    if not result.quotes_hold:
        raise CurateError(f"{len(result.broken)} quotes are no longer verbatim; fix them before applying")
    package = result.package
    writes: list[tuple[Path, bytes]] = []
    sources = package.table("sources")
    if "sha256" in sources.field_names:
        rows = read_records(sources, sources.path)
        id_at, sha_at = sources.field_names.index("id"), sources.field_names.index("sha256")
        for record in rows:
            if record[id_at] == result.source_id:
                record[sha_at] = result.new_sha256
        writes.append((sources.path, encode_table(sources, rows)))
    descriptor = package.descriptor_path.read_bytes()
    old_digest = result.recorded_sha256.encode("ascii", errors="replace")
    if len(old_digest) == 64 and old_digest in descriptor:
        writes.append((package.descriptor_path, descriptor.replace(old_digest, result.new_sha256.encode("ascii"))))
    if ANCHORS in package.tables:  # every part of this source's quotes, anchored in the new text
        writes.append(_anchors(result))
    if not result.snapshot.parent.is_dir():
        raise CurateError(f"the directory of {relative(package, result.snapshot)} does not exist")
    writes.append((result.snapshot, result.new_bytes))
    for path, data in writes:
        atomic_write(path, data)
    result.applied = True
