"""What the site tests compute on their own from the CSVs, to check the pages against."""

from __future__ import annotations

import csv
import html.parser
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

SEPARATOR = " [...] "


def rows_of(root: Path, table: str) -> list[dict[str, str]]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == table]
    with (root / resource["path"]).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def evidence_rows(root: Path) -> list[tuple[str, str, str]]:
    """(table, id, evidence) of every row that quotes the article."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    out = []
    for resource in descriptor["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        if "evidence" in names and "source_id" in names:
            out += [(resource["name"], row["id"], row["evidence"]) for row in rows_of(root, resource["name"])]
    return out


def quoted_runs(text: str, quotes: list[tuple[str, str, str]]) -> list[tuple[int, int, set[str]]]:
    """Continuous runs of quoted characters and the rows ('table/id') quoting any of them.

    Each part of a quote is taken at its first occurrence after the previous part of the same quote.
    """
    covered = [False] * len(text)
    spans: list[tuple[int, int, str]] = []
    for table, key, evidence in quotes:
        position = 0
        for part in evidence.split(SEPARATOR):
            if not part.strip():
                continue
            start = text.find(part, position)
            start = start if start >= 0 else text.find(part)
            assert start >= 0, f"{table}/{key}: {part!r} is not in the text"
            spans.append((start, start + len(part), f"{table}/{key}"))
            position = start + len(part)
            for index in range(start, start + len(part)):
                covered[index] = True
    runs: list[tuple[int, int, set[str]]] = []
    index = 0
    while index < len(text):
        if covered[index]:
            end = index
            while end < len(text) and covered[end]:
                end += 1
            runs.append((index, end, {row for s, e, row in spans if s < end and e > index}))
            index = end
        else:
            index += 1
    return runs


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))


def parse_links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every local href/src that names a missing file or a missing id; remote ones must be plain <a> links."""
    pages = {path.resolve(): parse_links(path) for path in site.rglob("*.html")}
    problems = []
    for page, parsed in pages.items():
        for tag, attribute, value in parsed.refs:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https"):
                if tag != "a":
                    problems.append(f"{page.name}: <{tag} {attribute}> loads {value} from the network")
                continue
            if parts.scheme or parts.netloc:
                problems.append(f"{page.name}: unexpected link {value}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_relative_to(site.resolve()) or not target.is_file():
                problems.append(f"{page.name}: {value} names no file of the site")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.name}: {value} names no element of {target.name}")
    return problems
