"""`nme-data export --format webannotation`: W3C Web Annotation JSON-LD that a JSON-LD processor expands offline.

The proof has two halves: pyld expands the export against the W3C context vendored in tests/webannotation/
(a document loader serves that file for the context's URL and refuses every other URL: no network), and
every selector, read from the expanded graph, re-finds its passage in the snapshot on its own. Every
expectation is derived from the package's rows (evidence_anchors, sources, the fact tables).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT
from interop_helpers import PACKAGE, csv_rows
from nme_data.cli import main
from nme_data.export import ExportError, export_zip
from nme_data.export.webannotation import CONTEXT, FILE_NAME, annotation_collection, quote_selector, write_webannotation
from nme_data.package import DataPackage

pytestmark = pytest.mark.xdist_group("interop-webannotation")

VENDORED_CONTEXT = ROOT / "tests" / "webannotation" / "anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
SEPARATOR = " [...] "


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: the vendored W3C context for its URL, a refusal for anything else."""
    if url.rstrip("/") != CONTEXT:
        raise RuntimeError(f"offline: refusing to fetch {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(VENDORED_CONTEXT.read_text(encoding="utf-8")),
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export, written through the CLI (so validated first) into its own directory."""
    out = tmp_path_factory.mktemp("webannotation") / "out"
    result = CliRunner().invoke(main, ["export", str(PACKAGE.root), "--format", "webannotation", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cited = {row["source_id"] for row in csv_rows("evidence_anchors")}
    expected = [FILE_NAME, *(row["path"] for row in csv_rows("sources") if row["id"] in cited)]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(expected)
    return out


@pytest.fixture(scope="module")
def document(exported: Path) -> dict[str, Any]:
    loaded = json.loads((exported / FILE_NAME).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def expanded(document: dict[str, Any]) -> list[dict[str, Any]]:
    from pyld import jsonld

    result = jsonld.expand(document, {"documentLoader": offline_loader})
    assert isinstance(result, list)
    return result


def snapshots() -> dict[str, str]:
    """Each source's snapshot text by its RFC 6920 ni IRI (computed here from the bytes, not from the row)."""
    out = {}
    for row in csv_rows("sources"):
        data = (ROOT / row["path"]).read_bytes()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
        out[f"ni:///sha-256;{digest}"] = data.decode("utf-8")
    return out


def nodes(node: Any) -> list[dict[str, Any]]:
    """Every node object in an expanded JSON-LD tree."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "@id" in node or "@type" in node:
            found.append(node)
        for value in node.values():
            found.extend(nodes(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(nodes(item))
    return found


def value(node: dict[str, Any], term: str) -> Any:
    (entry,) = node[OA + term]
    return entry.get("@value", entry.get("@id"))


def test_the_file_is_the_library_document(document: dict[str, Any]) -> None:
    assert document == annotation_collection(PACKAGE)
    assert document["@context"] == CONTEXT


def test_the_written_snapshot_is_the_package_source(exported: Path) -> None:
    for row in csv_rows("sources"):
        assert (exported / row["path"]).read_bytes() == (ROOT / row["path"]).read_bytes()


def test_one_annotation_per_quote_part(document: dict[str, Any]) -> None:
    anchors = csv_rows("evidence_anchors")
    items = document["first"]["items"]
    assert document["total"] == len(items) == len(anchors)
    assert len({item["id"] for item in items}) == len(items), "ids are unique"
    quotes = {(t, r["id"]): r["evidence"] for t in {a["table"] for a in anchors} for r in csv_rows(t)}
    for anchor, item in zip(anchors, items, strict=True):
        quote_sel, position = item["target"]["selector"]
        assert (position["start"], position["end"]) == (int(anchor["start"]), int(anchor["end"]))
        assert (
            quote_sel["exact"] == quotes[(anchor["table"], anchor["row_id"])].split(SEPARATOR)[int(anchor["part"]) - 1]
        )
        assert f"{anchor['table']}/{anchor['row_id']}" in item["body"]["value"]


@pytest.mark.slow  # reference tool (a JSON-LD processor)
def test_the_export_expands_offline(expanded: list[dict[str, Any]], document: dict[str, Any]) -> None:
    """Every annotation comes out of the processor as an oa:Annotation with both selectors in oa: terms."""
    annotations_ = [n for n in nodes(expanded) if OA + "Annotation" in n.get("@type", [])]
    assert len(annotations_) == document["total"]
    collections = [
        n for n in nodes(expanded) if "http://www.w3.org/ns/activitystreams#OrderedCollection" in n.get("@type", [])
    ]
    assert len(collections) == 1
    for annotation in annotations_:
        assert annotation["@id"].startswith("urn:uuid:")
        assert [m["@id"] for m in annotation[OA + "motivatedBy"]] == [OA + "describing"]
        (target,) = annotation[OA + "hasTarget"]
        kinds = sorted(t for s in target[OA + "hasSelector"] for t in s["@type"])
        assert kinds == [OA + "TextPositionSelector", OA + "TextQuoteSelector"]


def test_the_loader_never_reaches_the_network() -> None:
    with pytest.raises(RuntimeError, match="offline"):
        offline_loader("https://example.org/other.jsonld")


@pytest.mark.slow  # reference tool (a JSON-LD processor)
def test_every_selector_refinds_its_passage(expanded: list[dict[str, Any]]) -> None:
    """Read from the expanded graph: the position selector's span is the quote's exact text, and the quote
    selector alone (prefix + exact + suffix, first occurrence) lands on that same span."""
    texts = snapshots()
    targets = [t for n in nodes(expanded) for t in n.get(OA + "hasTarget", [])]
    assert targets
    for target in targets:
        (source,) = target[OA + "hasSource"]
        text = texts[source["@id"]]
        selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
        quote, position = selectors[OA + "TextQuoteSelector"], selectors[OA + "TextPositionSelector"]
        start, end = value(position, "start"), value(position, "end")
        exact = value(quote, "exact")
        prefix = value(quote, "prefix") if OA + "prefix" in quote else ""
        suffix = value(quote, "suffix") if OA + "suffix" in quote else ""
        assert text[start:end] == exact
        found = text.find(prefix + exact + suffix)
        assert found >= 0, exact
        assert found + len(prefix) == start, f"the quote selector finds another occurrence of {exact!r}"


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("abc", 0, 3, {"exact": "abc"}),
        ("x" * 40 + "abc" + "y" * 40, 40, 43, {"exact": "abc", "prefix": "x" * 32, "suffix": "y" * 32}),
        ("ab\u00e9\U0001f600cd", 3, 4, {"exact": "\U0001f600", "prefix": "ab\u00e9", "suffix": "cd"}),
    ],
)
def test_quote_selector_context_is_clipped_code_points(
    text: str, start: int, end: int, expected: dict[str, str]
) -> None:
    assert quote_selector(text, start, end) == {"type": "TextQuoteSelector", **expected}


def test_the_release_zip_carries_the_export(tmp_path: Path) -> None:
    archive = zipfile.ZipFile(export_zip(PACKAGE, tmp_path))
    assert json.loads(archive.read(f"exports/{FILE_NAME}")) == annotation_collection(PACKAGE)


def test_an_anchor_past_the_snapshot_is_a_clear_error(edit_cell: Any, tmp_path: Path) -> None:
    copy = edit_cell("evidence_anchors", 2, "end", "99999999")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match="outside the snapshot"):
        write_webannotation(DataPackage.open(copy), out)
    assert not any(out.iterdir()), "nothing written"


def test_format_help_lists_it() -> None:
    result = CliRunner().invoke(main, ["export", "--help"])
    assert "webannotation" in result.output
