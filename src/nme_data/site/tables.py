"""A table page's cells: text escaped, foreign keys and identifiers as links, each row linked to its quote.

People read labels, curators need codes: a column is headed by its label (the field's `title` in the
descriptor, else its name in words) with the name and description on hover; an enum cell shows its
code in words and a foreign key the name of the row it names, each with the exact code on hover.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from nme_data.site import links
from nme_data.site.model import Row, SiteData, TableData
from nme_data.site.words import code

#: Columns of long free text: the page gives them room to be read (at least this many characters wide).
READING_COLUMNS = frozenset({"evidence", "comment", "description"})


@dataclass
class Column:
    name: str
    kind: str  # "number", "enum" or "text": how the page sorts it
    description: str
    enum: list[str] | None
    label: str = ""
    reading: bool = False  # long text, kept readable

    @property
    def hover(self) -> str:
        return f"{self.name}: {self.description}" if self.description else self.name


@dataclass
class Facet:
    column: str
    label: str
    values: list[tuple[str, str, int]]  # code, code in words, rows holding it


def field_label(field: dict[str, object], name: str) -> str:
    """A column's label: the field's title in the descriptor, else its name in words ('anatomical site')."""
    title = field.get("title")
    if isinstance(title, str) and title.strip():
        return title
    words = name[: -len("_id")] if name.endswith("_id") and name != "id" else name
    return words.replace("_", " ")


def columns(data: TableData) -> list[Column]:
    out = []
    for name in data.table.field_names:
        enum = data.enum(name)
        kind = (
            "enum" if enum is not None else ("number" if data.kind(name) in ("number", "integer", "year") else "text")
        )
        field = data.field(name)
        out.append(
            Column(
                name, kind, str(field.get("description", "")), enum, field_label(field, name), name in READING_COLUMNS
            )
        )
    return out


def facets(data: TableData) -> list[Facet]:
    """One facet per enum column whose rows hold at least two of its values: one value filters nothing."""
    out = []
    for column in columns(data):
        if column.enum is None:
            continue
        counts = [(value, sum(1 for row in data.rows if row.get(column.name) == value)) for value in column.enum]
        present = [(value, code(value), count) for value, count in counts if count]
        if len(present) >= 2:
            out.append(Facet(column.name, column.label, present))
    return out


def _polymorphic_target(site: SiteData, data: TableData, name: str, row: Row) -> str | None:
    """`subject_id` beside `subject_table` names a row of whichever table `subject_table` holds."""
    if not name.endswith("_id"):
        return None
    table = row.get(name[: -len("_id")] + "_table")
    return table if table in site.tables else None


def content(site: SiteData, data: TableData, column: Column, row: Row) -> Markup:
    """What a cell shows: a link for a reference or an identifier, an enum's code in words, else the text."""
    value = row.get(column.name)
    if value is None:
        return Markup("")
    fk = data.foreign_keys.get(column.name)
    target = fk.table if fk else _polymorphic_target(site, data, column.name, row)
    url = links.browser_url(value) or links.web_url(value)
    if target is not None and value in site.tables[target].by_key:
        name = site.label(target, value)
        return Markup('<a href="{}" title="{}">{}</a>').format(links.row_link(target, value), value, name)
    if url is not None:
        return Markup('<a class="external" href="{}" rel="external noopener">{}</a>').format(url, value)
    if column.enum is not None:
        return Markup('<abbr title="{}">{}</abbr>').format(value, code(value))
    return Markup("{}").format(value)


def cell(site: SiteData, data: TableData, column: Column, row: Row) -> Markup:
    value = row.get(column.name)
    if value is None:
        return Markup('<td data-value="" class="na"><span class="visually-hidden">missing</span></td>')
    sort = ""
    if column.enum is not None:
        sort = str(column.enum.index(value)) if value in column.enum else str(len(column.enum))
    elif column.kind == "number":
        sort = value
    shown = content(site, data, column, row)
    if column.reading:
        return Markup('<td class="reading">{}</td>').format(shown)
    if column.enum is not None:  # facets filter on the exact code
        return Markup('<td data-value="{}" data-sort="{}">{}</td>').format(value, sort, shown)
    if sort:
        return Markup('<td data-sort="{}">{}</td>').format(sort, shown)
    return Markup("<td>{}</td>").format(shown)


def constant_columns(data: TableData, cols: list[Column]) -> list[Column]:
    """Columns that hold one value (or none) on every row of a table of several rows: said once, above it."""
    if len(data.rows) < 2:
        return []
    return [
        column
        for column in cols
        if column.name not in data.key_fields
        and not column.reading
        and len({row.get(column.name) for row in data.rows}) == 1
    ]


#: The mapping table's columns that say which row a mapping is for, and what it maps to.
MAPPING_SUBJECT = ("subject_table", "subject_id")


def xrefs(site: SiteData, table: str) -> dict[str, list[Row]]:
    """The mappings of each row of a table, by the row's key (none for the mappings table itself)."""
    mappings = site.tables.get("mappings")
    if mappings is None or table == "mappings" or not set(MAPPING_SUBJECT) <= set(mappings.table.field_names):
        return {}
    found: dict[str, list[Row]] = {}
    for row in mappings.rows:
        if row.get("subject_table") == table and row.get("subject_id") and row.get("object_id"):
            found.setdefault(str(row["subject_id"]), []).append(row)
    return found


def xref_cell(mapped: list[Row]) -> Markup:
    """A row's ontology identifiers, each linked to its browser, its predicate and label on hover."""
    if not mapped:
        return Markup('<td class="na xrefs"><span class="visually-hidden">no identifier</span></td>')
    parts = []
    for row in mapped:
        value = str(row["object_id"])
        hover = " ".join(str(row.get(name) or "") for name in ("predicate_id", "object_label")).strip()
        url = links.browser_url(value)
        if url is None:
            parts.append(Markup('<span title="{}">{}</span>').format(hover, value))
        else:
            parts.append(
                Markup('<a class="external" href="{}" rel="external noopener" title="{}">{}</a>').format(
                    url, hover, value
                )
            )
    return Markup('<td class="xrefs">{}</td>').format(Markup("<br>").join(parts))


def quote_cell(source_id: str | None, highlight: int | None) -> Markup:
    if highlight is None or source_id is None:
        return Markup('<td class="na"><span class="visually-hidden">no quote</span></td>')
    return Markup('<td><a class="to-quote" href="{}#q-{}">in article</a></td>').format(
        links.article_page(source_id), highlight
    )
