"""A table page's cells: text escaped, foreign keys and identifiers as links, each row linked to its quote."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from nme_data.site import links
from nme_data.site.model import Row, SiteData, TableData


@dataclass
class Column:
    name: str
    kind: str  # "number", "enum" or "text": how the page sorts it
    description: str
    enum: list[str] | None


@dataclass
class Facet:
    column: str
    values: list[tuple[str, int]]  # value, rows holding it


def columns(data: TableData) -> list[Column]:
    out = []
    for name in data.table.field_names:
        enum = data.enum(name)
        kind = (
            "enum" if enum is not None else ("number" if data.kind(name) in ("number", "integer", "year") else "text")
        )
        out.append(Column(name, kind, str(data.field(name).get("description", "")), enum))
    return out


def facets(data: TableData) -> list[Facet]:
    """One facet per enum column, listing the values the schema allows that some row holds."""
    out = []
    for column in columns(data):
        if column.enum is None:
            continue
        counts = [(value, sum(1 for row in data.rows if row.get(column.name) == value)) for value in column.enum]
        present = [(value, count) for value, count in counts if count]
        if present:
            out.append(Facet(column.name, present))
    return out


def _polymorphic_target(site: SiteData, data: TableData, name: str, row: Row) -> str | None:
    """`subject_id` beside `subject_table` names a row of whichever table `subject_table` holds."""
    if not name.endswith("_id"):
        return None
    table = row.get(name[: -len("_id")] + "_table")
    return table if table in site.tables else None


def cell(site: SiteData, data: TableData, column: Column, row: Row) -> Markup:
    value = row.get(column.name)
    if value is None:
        return Markup('<td data-value="" class="na"><span class="visually-hidden">missing</span></td>')
    sort = ""
    if column.enum is not None:
        sort = str(column.enum.index(value)) if value in column.enum else str(len(column.enum))
    elif column.kind == "number":
        sort = value
    content: Markup
    fk = data.foreign_keys.get(column.name)
    target = fk.table if fk else _polymorphic_target(site, data, column.name, row)
    url = links.browser_url(value) or links.web_url(value)
    if target is not None and value in site.tables[target].by_key:
        content = Markup('<a href="{}">{}</a>').format(links.row_link(target, value), value)
    elif url is not None:
        content = Markup('<a class="external" href="{}" rel="external noopener">{}</a>').format(url, value)
    else:
        content = Markup("{}").format(value)
    if column.enum is not None:  # facets filter on the exact code
        return Markup('<td data-value="{}" data-sort="{}">{}</td>').format(value, sort, content)
    if sort:
        return Markup('<td data-sort="{}">{}</td>').format(sort, content)
    return Markup("<td>{}</td>").format(content)


def quote_cell(source_id: str | None, highlight: int | None) -> Markup:
    if highlight is None or source_id is None:
        return Markup('<td class="na"><span class="visually-hidden">no quote</span></td>')
    return Markup('<td><a class="to-quote" href="{}#q-{}">in article</a></td>').format(
        links.article_page(source_id), highlight
    )
