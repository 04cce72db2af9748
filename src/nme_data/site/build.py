"""Build the static site of a package copy: validate, render, then move the finished directory into place.

Nothing is written unless the copy is valid, and nothing half-built is ever visible: pages go into a
temporary directory beside the target, which replaces the target in one rename. Output is a function of
the package alone (no clock, no host names), so two builds of one copy are byte for byte equal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from nme_data.errors import SiteError
from nme_data.package import DESCRIPTOR_NAME, DataPackage, PackageError
from nme_data.rules.anchors import TABLE as ANCHORS
from nme_data.site import factsheet, links
from nme_data.site.article import article_html
from nme_data.site.model import SiteData, load_site_data
from nme_data.site.quotes import Highlight, RowRef, highlights, quoted_characters
from nme_data.site.tables import cell, columns, constant_columns, content, facets, quote_cell, xref_cell, xrefs

if TYPE_CHECKING:
    from jinja2 import Environment


#: A file only this builder writes; its presence lets a rebuild replace a directory it made before.
MARKER = ".nme-data-site"
MARKER_TEXT = "A static site written by 'nme-data site'; the next build replaces this whole directory.\n"
#: Files beside datapackage.json that the fact sheet offers when the copy has them.
EXTRA_FILES = {
    "CITATION.cff": "how to cite the dataset (Citation File Format)",
    "LICENSE-DATA": "licence of the data",
    "LICENSE": "licence of the code",
}
STATIC_FILES = ("site.css", "site.js")


@dataclass
class Article:
    source_id: str
    href: str
    text: str
    marks: list[Highlight]
    first: dict[RowRef, int]


def _environment() -> Environment:
    from jinja2 import DictLoader, Environment, StrictUndefined

    folder = resources.files("nme_data.site") / "templates"
    templates = {
        item.name: item.read_text(encoding="utf-8") for item in folder.iterdir() if item.name.endswith(".html")
    }
    return Environment(
        loader=DictLoader(templates), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )


def _cited_rows(site: SiteData, source_id: str) -> list[tuple[RowRef, str]]:
    quotes = []
    for data in site.tables.values():
        if not data.table.is_fact_table:
            continue
        for row in data.rows:
            if row.get("source_id") == source_id and row.get("evidence"):
                quotes.append((RowRef(data.name, data.key(row)), str(row["evidence"])))
    return quotes


def _anchors(site: SiteData, source_id: str) -> dict[tuple[str, str, int], tuple[int, int]]:
    """The source's quote anchors (evidence_anchors), by (table, row id, part); rows that are not whole
    integers are left out (their parts are then located in the text)."""
    data = site.tables.get(ANCHORS)
    found: dict[tuple[str, str, int], tuple[int, int]] = {}
    for row in data.rows if data is not None else []:
        cells = [str(row.get(name) or "") for name in ("table", "row_id", "part", "start", "end", "source_id")]
        if cells[5] == source_id and all(cell.isdigit() for cell in cells[2:5]):
            found[(cells[0], cells[1], int(cells[2]))] = (int(cells[3]), int(cells[4]))
    return found


def _articles(site: SiteData) -> list[Article]:
    out = []
    for source_id, text in sorted(site.texts.items()):
        marks, first = highlights(text, _cited_rows(site, source_id), _anchors(site, source_id))
        out.append(Article(source_id, links.article_page(source_id), text, marks, first))
    return out


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


def _json_ld(package: DataPackage) -> Markup | None:
    """Croissant JSON-LD when the export package provides it; '<' is escaped so no text can end the script."""
    try:
        from nme_data.export import croissant_metadata
    except ImportError:
        return None
    text = json.dumps(croissant_metadata(package), ensure_ascii=False, sort_keys=True, indent=1)
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 - JSON with every character that could end the <script> escaped


def _citation(package: DataPackage) -> str:
    descriptor = package.descriptor
    creators = [
        str(c.get("title"))
        for c in descriptor.get("contributors", [])
        if isinstance(c, dict) and "creator" in (c.get("roles") or []) and c.get("title")
    ]
    parts = [
        ", ".join(creators) or "nme-data contributors",
        str(descriptor.get("title", descriptor.get("name", ""))),
        f"Version {package.version}",
    ]
    if descriptor.get("homepage"):
        parts.append(f"Derived from {descriptor['homepage']}")
    return ". ".join(parts) + "."


def _licences(package: DataPackage) -> list[dict[str, str]]:
    out = []
    for licence in package.descriptor.get("licenses", []):
        if isinstance(licence, dict):
            url = str(licence.get("path", ""))
            out.append(
                {
                    "name": str(licence.get("name", url)),
                    "title": str(licence.get("title", licence.get("name", ""))),
                    "url": url if url.startswith(("https://", "http://")) else "",
                }
            )
    return out


#: What the site may publish of a copy's own files: CSV tables under data/, plain-text snapshots under source/.
#: Anything else (a table at data/history.html, a snapshot at source/nme.html) would run on the site's origin.
_PUBLISHED = {
    ".csv": re.compile(r"data/[a-z][a-z0-9_]*\.csv"),
    ".txt": re.compile(r"source/[a-z0-9]+(?:-[a-z0-9]+)*\.txt"),
}


def _published(relative: str, suffix: str) -> str:
    """A copy's file path the site may publish as a download, or a SiteError (the profile refuses it first)."""
    if not _PUBLISHED[suffix].fullmatch(relative):
        kind = "CSV under data/" if suffix == ".csv" else "plain text under source/"
        raise SiteError(f"{relative!r}: the site publishes a copy's files only as {kind}; nothing was written")
    return relative


def _copy_package(site: SiteData, target: Path) -> list[tuple[str, str]]:
    """The descriptor, tables, snapshots and any citation or licence files, at their package paths."""
    package = site.package
    copied: list[tuple[str, str]] = [(DESCRIPTOR_NAME, "the Data Package descriptor: every table, field and rule")]
    shutil.copyfile(package.descriptor_path, target / DESCRIPTOR_NAME)
    for data in site.tables.values():
        relative = _published(data.table.path.relative_to(package.root).as_posix(), ".csv")
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data.table.read_bytes())  # the bytes the pages were built from
        copied.append((relative, f"table {data.name} (CSV)"))
    for source_id, relative in sorted(site.text_paths.items()):
        destination = target / _published(relative, ".txt")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package.resolve(relative), destination)
        copied.append((relative, f"snapshot of source {source_id}"))
    for name, what in EXTRA_FILES.items():
        if (package.root / name).is_file():
            shutil.copyfile(package.root / name, target / name)
            copied.append((name, what))
    return copied


def _exports(package: DataPackage, target: Path) -> list[tuple[str, str]]:
    """The release zip and the SQLite file, from one run of the writers (the zip packs that same database)."""
    from nme_data.export import SQLITE_NAME, ExportError, write_formats

    folder = target / links.EXPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".nme-data-exports.", dir=target) as work:
            staged = write_formats(package, ["zip", "sqlite"], Path(work))
            [zipped] = staged["zip"][1]
            zipped = zipped.replace(folder / zipped.name)
            database = (staged["sqlite"][0] / SQLITE_NAME).replace(folder / SQLITE_NAME)
    except ExportError as exc:
        raise SiteError(str(exc)) from None
    written = [
        (zipped, "the release zip: the package and every export format (Parquet, SSSOM, KGX, Web Annotation, ...)"),
        (database, "every table in one SQLite database with keys"),
    ]
    return [(path.relative_to(target).as_posix(), what) for path, what in written]


def _table_page(site: SiteData, name: str, articles: list[Article]) -> dict[str, Any]:
    data = site.tables[name]
    first = {ref: (article.source_id, index) for article in articles for ref, index in article.first.items()}
    every = columns(data)
    same = constant_columns(data, every)
    cols = [column for column in every if column not in same]
    mapped = xrefs(site, name)
    has_quotes = data.table.is_fact_table
    rows = []
    for row in data.rows:
        key = data.key(row)
        cells = [cell(site, data, column, row) for column in cols]
        sentence = site.sentence(name, key)
        if sentence and cells and cols[0].name in data.key_fields:  # the row in one sentence, on its key
            cells[0] = Markup('<td class="key" title="{}">{}</td>').format(sentence, row.get(cols[0].name) or "")
        if mapped:  # the row's ontology identifiers, beside its key
            cells.insert(1, xref_cell(mapped.get(key, [])))
        if has_quotes:
            source_id, index = first.get(RowRef(name, key), (row.get("source_id"), None))
            cells.append(quote_cell(source_id, index))
        rows.append({"anchor": links.row_anchor(key), "key": key, "cells": cells})
    sample = data.rows[0] if data.rows else {}
    return {
        "table": data.table,
        "columns": cols,
        "all_columns": every,
        "same": [
            {"column": column, "content": content(site, data, column, sample)}
            for column in same
            if sample.get(column.name) is not None
        ],
        "empty": [column for column in same if sample.get(column.name) is None],
        "has_xrefs": bool(mapped),
        "facets": facets(data),
        "rows": rows,
        "has_quotes": has_quotes,
        "csv_href": data.table.path.relative_to(site.package.root).as_posix(),
    }


def render(site: SiteData, target: Path) -> None:
    """Write every page, the static files, the package files and the exports into target."""
    env = _environment()
    package = site.package
    articles = _articles(site)
    common = {
        "package_title": str(package.descriptor.get("title", package.descriptor.get("name", "nme-data"))),
        "version": package.version,
        "articles": [{"href": a.href, "percent": _percent(a)} for a in articles],
        "footer": _citation(package),
        "body_class": "",
    }

    def write(name: str, template: str, **context: Any) -> None:
        html = env.get_template(template).render({**common, **context})
        (target / name).write_text(html, encoding="utf-8", newline="\n")

    for article in articles:
        source = site.tables["sources"].by_key.get(article.source_id, {}) if "sources" in site.tables else {}
        cited = {ref for mark in article.marks for ref in mark.rows}
        write(
            article.href,
            "article.html",
            page_title=str(source.get("title") or article.source_id) + " (article)",
            page_description="The article text with every passage the dataset quotes highlighted.",
            current=article.href,
            source={
                **source,
                # an href only for an http(s) address, whatever the copy's validator said (defence in depth)
                "url": links.web_url(str(source.get("url") or "")),
                "license_url": links.web_url(str(source.get("license_url") or "")),
                "path": site.text_paths[article.source_id],
                "title": source.get("title") or article.source_id,
            },
            body=article_html(site, article.text, article.marks),
            highlights=article.marks,
            coverage={
                "quoted": quoted_characters(article.marks),
                "total": len(article.text),
                "percent": _percent(article),
                "rows": len(cited),
            },
        )
    for name in site.tables:
        page = _table_page(site, name, articles)
        write(
            links.table_page(name),
            "table.html",
            page_title=page["table"].title,
            page_description=page["table"].description,
            current=links.table_page(name),
            body_class="wide",
            **page,
        )
    downloads = _copy_package(site, target) + _exports(package, target)
    quotes = {
        (ref.table, ref.key): f"{article.href}#q-{index}"
        for article in articles
        for ref, index in article.first.items()
    }
    created = str(package.descriptor.get("created", ""))[:10]
    sheet, brief = factsheet.sections(site, quotes), factsheet.summary(site, quotes)
    factsheet.abbreviate(site, factsheet.every_fact(brief, sheet))
    named = factsheet.abbreviation(site)
    licences = _licences(package)
    write(
        links.INDEX,
        "index.html",
        page_title="Fact sheet",
        page_description=str(package.descriptor.get("description", "")),
        package_description=str(package.descriptor.get("description", "")),
        current="index",
        created=created,
        licence_line="Licence: " + ", ".join(licence["name"] for licence in licences) if licences else "",
        tables=[
            {
                "name": data.name,
                "title": data.table.title,
                "description": data.table.description,
                "rows": len(data.rows),
                "href": links.table_page(data.name),
            }
            for data in site.tables.values()
        ],
        sections=sheet,
        summary=brief,
        brief_title=f"{named[0]} ({named[1]}) in brief" if named else "In brief",
        open_list_tag=factsheet.OPEN_LIST_TAG,
        downloads=[{"href": href, "what": what, "size": _size(target / href)} for href, what in downloads],
        citation=_citation(package),
        licences=licences,
        jsonld=_json_ld(package),
    )
    static = target / links.STATIC_DIR
    static.mkdir()
    folder = resources.files("nme_data.site") / "static"
    for name in STATIC_FILES:
        (static / name).write_bytes((folder / name).read_bytes())
    (target / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _percent(article: Article) -> str:
    return f"{100 * quoted_characters(article.marks) / max(len(article.text), 1):.0f}%"


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"cannot write the site to {out}: it exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out} is not empty and was not written by 'nme-data site'; choose an empty or new directory")


def _swap(built: Path, out: Path) -> None:
    """Put the finished directory in place: one rename, then the old build (if any) is removed."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        old.rmdir()
        out.rename(old)
    built.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(source: str | Path | None, out: str | Path) -> Path:
    """Validate a package copy and write its site to `out`; an invalid copy raises and writes nothing."""
    out = Path(out)
    if out.is_symlink():  # a link to a folder: the build replaces the folder it points to, the link stays
        out = Path(os.path.realpath(out))
    _check_target(out)
    from nme_data.validation.gate import PUBLISH, require_valid

    try:  # opened once: validation, pages and exports share its reads of each table
        package = DataPackage.open(source)
    except PackageError as exc:
        require_valid(source, "no site written", PUBLISH)  # the validator says why, in full
        raise SiteError(f"cannot read the package: {exc}") from None  # refused above: a copy it cannot open
    require_valid(package, "no site written", PUBLISH)
    try:
        site = load_site_data(package)
    except (OSError, UnicodeDecodeError, PackageError) as exc:
        raise SiteError(f"cannot read the package: {exc}") from None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        built = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise SiteError(f"cannot write to {out.parent}: {exc.strerror or exc}") from None
    try:
        render(site, built)
        for path in [built, *built.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)  # mkdtemp is private; a site is for sharing
        _swap(built, out)
    except OSError as exc:
        raise SiteError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    finally:
        if built.exists():
            shutil.rmtree(built, ignore_errors=True)
    return out
