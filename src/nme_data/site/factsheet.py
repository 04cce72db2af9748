"""The fact sheet: the condition at a glance, every statement built from rows and linked to its quote.

Each section reads one table and groups its rows by one of its enum columns, in the schema's order;
a table or column the package lacks leaves its section out rather than failing the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from nme_data.site import links, svg
from nme_data.site.model import Row, SiteData, TableData
from nme_data.site.words import code, column_words, frequency, label_column


@dataclass
class Item:
    title: str
    words: str
    row_href: str
    row_label: str
    quote_href: str | None
    tags: list[str] = field(default_factory=list)


@dataclass
class Group:
    title: str
    items: list[Item]


@dataclass
class Section:
    id: str
    title: str
    intro: str
    groups: list[Group]
    figure: Markup | None = None


QuoteLinks = dict[tuple[str, str], str]


def _item(site: SiteData, data: TableData, row: Row, quotes: QuoteLinks, title: str, words: str) -> Item:
    key = data.key(row)
    tags = [code(row[name]) for name in ("certainty",) if row.get(name)]
    if (row.get("open_list") or "").lower() == "true":
        tags.append("one of a non-exhaustive list")
    return Item(title, words, links.row_link(data.name, key), f"{data.name} {key}", quotes.get((data.name, key)), tags)


def _title(site: SiteData, data: TableData, row: Row, column: str | None) -> str:
    if column and row.get(column):
        fk = data.foreign_keys.get(column)
        return site.label(fk.table, row[column]) if fk else str(row[column])
    label = label_column(data)
    return str(row[label]) if label and row.get(label) else data.key(row)


def _words_without(site: SiteData, data: TableData, row: Row, *skip: str) -> str:
    return ", ".join(column_words(site, data, row, skip))


def _grouped(
    site: SiteData,
    table: str,
    by: str,
    quotes: QuoteLinks,
    title_column: str | None = None,
    words: Callable[[SiteData, TableData, Row], str] | None = None,
) -> list[Group]:
    data = site.tables.get(table)
    if data is None or by not in data.table.field_names:
        return []
    order = data.enum(by) or sorted({row.get(by) or "" for row in data.rows})
    groups = []
    for value in [*order, None]:
        rows = [row for row in data.rows if row.get(by) == value]
        if not rows:
            continue
        items = [
            _item(
                site,
                data,
                row,
                quotes,
                _title(site, data, row, title_column),
                words(site, data, row) if words else _words_without(site, data, row, by, "certainty", "open_list"),
            )
            for row in rows
        ]
        groups.append(Group(code(value) if value else "unspecified", items))
    return groups


def _sites_figure(site: SiteData) -> Markup | None:
    data = site.tables.get("sites")
    if data is None or not {"body_region", "prominence"} <= set(data.table.field_names):
        return None
    regions = data.enum("body_region") or sorted({r.get("body_region") or "" for r in data.rows})
    levels = data.enum("prominence") or sorted({r.get("prominence") or "" for r in data.rows})
    counts: dict[tuple[str, str], int] = {}
    for row in data.rows:
        pair = (row.get("body_region") or "", row.get("prominence") or "")
        counts[pair] = counts.get(pair, 0) + 1
    regions = [r for r in regions if any(counts.get((r, level)) for level in levels)]
    return svg.stacked_bars(
        "fig-sites",
        "Site statements by body region and prominence",
        "For each body region, how many of the article's site statements call it "
        + ", ".join(code(level) for level in levels)
        + ". "
        + "; ".join(
            f"{code(r)}: " + ", ".join(f"{counts.get((r, level), 0)} {code(level)}" for level in levels)
            for r in regions
        ),
        regions,
        levels,
        counts,
    )


def _histology_figure(site: SiteData) -> Markup | None:
    data = site.tables.get("histology")
    if data is None or "layer" not in data.table.field_names:
        return None
    bands = [(layer, sum(1 for r in data.rows if r.get("layer") == layer)) for layer in data.enum("layer") or []]
    bands = [band for band in bands if band[1]]
    if not bands:
        return None
    return svg.layers(
        "fig-histology",
        "Histology findings by skin layer, from the surface down",
        "; ".join(f"{code(name)}: {count}" for name, count in bands),
        bands,
    )


def _association_words(site: SiteData, data: TableData, row: Row) -> str:
    parts = [code(row.get("relation"))]
    if row.get("strength"):
        parts.append(f"{code(row['strength'])} association")
    freq = frequency(row)
    if freq:
        parts.append(freq)
    if row.get("absent_condition_id"):
        parts.append(f"without {site.label('conditions', row['absent_condition_id'])}")
    return "; ".join(p for p in parts if p)


def _management_words(site: SiteData, data: TableData, row: Row) -> str:
    parts = [code(row.get("intervention_type"))]
    if row.get("strategy"):
        target = site.label("conditions", row.get("target_condition_id")) if row.get("target_condition_id") else ""
        parts.append(code(row["strategy"]) + (f" ({target})" if target else ""))
    if row.get("expected_outcome"):
        outcome = code(row["expected_outcome"])
        if row.get("outcome_qualifier"):
            outcome = f"{outcome}, {code(row['outcome_qualifier'])}"
        if row.get("outcome_timeframe"):
            outcome = f"{outcome}, within {code(row['outcome_timeframe'])}"
        parts.append(f"expected outcome: {outcome}")
    return "; ".join(p for p in parts if p)


def _history_words(site: SiteData, data: TableData, row: Row) -> str:
    parts = [str(row.get("year") or ""), code(row.get("event"))]
    if row.get("subject_id") and row.get("object_id"):
        parts.append(f"{site.label('conditions', row['subject_id'])} and {site.label('conditions', row['object_id'])}")
    return ", ".join(p for p in parts if p)


def sections(site: SiteData, quotes: QuoteLinks) -> list[Section]:
    """The fact sheet's sections in reading order; empty ones are dropped."""
    out = [
        Section(
            "where",
            "Where it occurs",
            "Body sites named by the article, grouped by body region; the prominence is the article's own word.",
            _grouped(site, "sites", "body_region", quotes),
            _sites_figure(site),
        ),
        Section(
            "features",
            "What it looks like",
            "Clinical features by kind.",
            _grouped(site, "clinical_features", "kind", quotes),
        ),
        Section(
            "associations",
            "What it is associated with",
            "Associated conditions grouped by the context the article gives, with frequency and certainty.",
            _grouped(site, "associations", "context", quotes, "object_id", _association_words),
        ),
        Section(
            "causes",
            "Cause and mechanism",
            "What the article says is known, and the mechanisms it says have been suggested.",
            _grouped(site, "causes", "aspect", quotes, "factor_id"),
        ),
        Section(
            "histology",
            "Histology",
            "Findings by skin layer.",
            _grouped(site, "histology", "layer", quotes),
            _histology_figure(site),
        ),
        Section(
            "management",
            "Management and outcome",
            "Interventions and the outcome the article expects.",
            _grouped(site, "management", "strategy", quotes, None, _management_words),
        ),
        Section(
            "history",
            "History",
            "Who described what, and when.",
            _grouped(site, "history", "event", quotes, "person", _history_words),
        ),
    ]
    return [section for section in out if section.groups]
