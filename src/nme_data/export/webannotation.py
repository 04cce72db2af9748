"""W3C Web Annotation export: every quoted passage as an annotation of the source snapshot, for annotation tools.

`DIR/annotations.jsonld` is one `AnnotationCollection` (JSON-LD, the W3C context
`http://www.w3.org/ns/anno.jsonld`) with one `Annotation` per quote part: per row of `evidence_anchors`.
Its target is the snapshot that part is quoted from (`SpecificResource`), with two selectors that each find
the passage on their own: a `TextQuoteSelector` (`exact`, and the `prefix`/`suffix` around it) and a
`TextPositionSelector` (`start`/`end` in code points, end exclusive: the anchors' own offsets). The body
names the fact row that quotes it (table, id, certainty). The snapshot is written beside it at its package
path, as the dismech export does, so a reader can re-find every selector offline.

The snapshot is named by its content, `ni:///sha-256;<digest>` (RFC 6920 named information, from
`sources.sha256`, which validation proves): the offsets hold for those bytes, not for the live page at
`sources.url`, which is given as the resource's `canonical` address.
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import Any

from nme_data.export._common import ExportError, rows, write_bytes
from nme_data.package import DataPackage, PackageError
from nme_data.text.sentences import EVIDENCE_SEPARATOR

#: The W3C Web Annotation context (its IRI: a JSON-LD processor resolves it, or a loader serves a copy).
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The file the export writes.
FILE_NAME = "annotations.jsonld"
#: Code points of context on each side of a quote (TextQuoteSelector prefix/suffix), clipped at the text's ends.
CONTEXT_CHARS = 32
#: Namespace of the annotations' stable ids: uuid5 of (package name, table, row id, part).
_ID_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # uuid.NAMESPACE_URL


def snapshot_iri(sha256_hex: str) -> str:
    """RFC 6920 `ni:///sha-256;<base64url digest, no padding>` for a SHA-256 given in hex."""
    try:
        digest = bytes.fromhex(sha256_hex)
    except ValueError:
        raise ExportError(f"sha256 {sha256_hex[:80]!r} is not hexadecimal") from None
    if len(digest) != 32:
        raise ExportError(f"sha256 {sha256_hex[:80]!r} is not 64 hexadecimal digits")
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def quote_selector(text: str, start: int, end: int) -> dict[str, str]:
    """A TextQuoteSelector for text[start:end]: the exact passage and up to CONTEXT_CHARS around it."""
    selector = {"type": "TextQuoteSelector", "exact": text[start:end]}
    prefix, suffix = text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector


def _integer(row: dict[str, Any], column: str) -> int:
    value = row.get(column)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ExportError(f"evidence_anchors row {_key(row)}: {column} {value!r} is not a whole number")
    return int(value)


def _key(row: dict[str, Any]) -> str:
    return f"{row.get('table')}/{row.get('row_id')} part {row.get('part')}"


def annotation_collection(package: DataPackage) -> dict[str, Any]:
    """The AnnotationCollection for package: one Annotation per evidence_anchors row, in the table's order."""
    tables = package.tables
    if "evidence_anchors" not in tables:
        raise ExportError("the copy has no evidence_anchors table: nothing says where each quote sits")
    sources = {str(row["id"]): row for row in rows(tables["sources"])}
    texts: dict[str, str] = {}
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    items = []
    name = str(package.descriptor.get("name") or "nme-data")
    for anchor in rows(tables["evidence_anchors"]):
        source_id, table, row_id = str(anchor.get("source_id")), str(anchor.get("table")), str(anchor.get("row_id"))
        source = sources.get(source_id)
        if source is None:
            raise ExportError(f"evidence_anchors row {_key(anchor)}: no sources row {source_id!r}")
        if source_id not in texts:
            texts[source_id] = _read(package, source)
        text = texts[source_id]
        start, end, part = _integer(anchor, "start"), _integer(anchor, "end"), _integer(anchor, "part")
        if not start < end <= len(text):
            raise ExportError(f"evidence_anchors row {_key(anchor)}: {start}-{end} is outside the snapshot")
        fact = _fact(package, facts, table, row_id)
        items.append(
            {
                "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{name}:{table}/{row_id}/{part}')}",
                "type": "Annotation",
                "motivation": "describing",
                "created": package.descriptor.get("created"),
                "body": {
                    "type": "TextualBody",
                    "purpose": "describing",
                    "format": "text/plain",
                    "value": _describe(table, row_id, part, fact),
                },
                "target": {
                    "type": "SpecificResource",
                    "source": {
                        "id": snapshot_iri(str(source.get("sha256") or "")),
                        "type": "Text",
                        "format": "text/plain",
                        "canonical": source.get("url"),
                        "rights": source.get("license_url"),
                    },
                    "selector": [
                        quote_selector(text, start, end),
                        {"type": "TextPositionSelector", "start": start, "end": end},
                    ],
                },
            }
        )
    title = package.descriptor.get("title") or name
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{name}:{package.version}:annotations')}",
        "type": "AnnotationCollection",
        "label": f"{title} {package.version}: every evidence quote, where it sits in its source snapshot",
        "total": len(items),
    }
    if items:
        collection["first"] = {"type": "AnnotationPage", "startIndex": 0, "items": items}
    result: dict[str, Any] = _without_none(collection)
    return result


def _read(package: DataPackage, source: dict[str, Any]) -> str:
    relative = str(source.get("path") or "")
    try:
        return package.resolve(relative).read_bytes().decode("utf-8")
    except (PackageError, OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"sources row {source.get('id')!r}: cannot read the snapshot {relative!r}: {exc}") from None


def _fact(
    package: DataPackage, cache: dict[tuple[str, str], dict[str, Any]], table: str, row_id: str
) -> dict[str, Any]:
    """The fact row an anchor names (by id), read once per table; an anchor to no row is an ExportError."""
    if not any(key[0] == table for key in cache) and table in package.tables:
        for row in rows(package.tables[table]):
            cache[(table, str(row.get("id")))] = row
    try:
        return cache[(table, row_id)]
    except KeyError:
        raise ExportError(
            f"evidence_anchors names {table}/{row_id}, which has no row (run 'nme-data validate')"
        ) from None


def _describe(table: str, row_id: str, part: int, fact: dict[str, Any]) -> str:
    parts = len(str(fact.get("evidence") or "").split(EVIDENCE_SEPARATOR))
    text = f"Evidence for nme-data {table}/{row_id}"
    if parts > 1:
        text += f", part {part} of {parts} of its quote"
    if fact.get("certainty"):
        text += f"; certainty: {fact['certainty']}"
    return text + "."


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def write_webannotation(package: DataPackage, directory: Path) -> list[Path]:
    """Write `annotations.jsonld` and every snapshot it annotates (at its package path) into directory."""
    try:
        document = annotation_collection(package)
    except KeyError as exc:  # a table or field missing: only in a copy nobody validated
        raise ExportError(f"the copy has no {exc} the Web Annotation export needs (run 'nme-data validate')") from None
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    written = [write_bytes(directory / FILE_NAME, text.encode("utf-8"))]
    cited = {str(a["source_id"]) for a in rows(package.tables["evidence_anchors"])}
    for source in rows(package.tables["sources"]):
        if str(source["id"]) in cited:
            relative = "/".join(p for p in str(source["path"]).split("/") if p not in ("", "."))
            try:
                data = package.resolve(relative).read_bytes()
            except (PackageError, OSError) as exc:
                raise ExportError(f"cannot copy the source snapshot {relative!r}: {exc}") from None
            written.append(write_bytes(directory / Path(relative), data))
    return written
