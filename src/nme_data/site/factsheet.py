"""The fact sheet: the condition at a glance, every statement built from rows and linked to its quote.

Each section reads one table and groups its rows by one of its enum columns, in the schema's order;
a table or column the package lacks leaves its section out rather than failing the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from nme_data.site import anatomy, links, svg
from nme_data.site.model import Row, SiteData, TableData
from nme_data.site.words import code, column_words, frequency, row_title


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
OPEN_LIST_TAG = "from a non-exhaustive list"


def _item(site: SiteData, data: TableData, row: Row, quotes: QuoteLinks, title: str, words: str) -> Item:
    key = data.key(row)
    levels = data.enum("certainty") or []
    plain = levels[0] if levels else None
    tags = [code(row["certainty"])] if row.get("certainty") and row["certainty"] != plain else []
    if (row.get("open_list") or "").lower() == "true":
        tags.append(OPEN_LIST_TAG)
    words = ", ".join(word for word in words.split(", ") if word not in tags) if tags else words
    return Item(title, words, links.row_link(data.name, key), f"{data.name} {key}", quotes.get((data.name, key)), tags)


def _title(site: SiteData, data: TableData, row: Row, column: str | None) -> str:
    if column and row.get(column):
        fk = data.foreign_keys.get(column)
        return site.label(fk.table, row[column]) if fk else str(row[column])
    return row_title(site, data, row)


def _words_without(site: SiteData, data: TableData, row: Row, *skip: str, title: str = "") -> str:
    """The row's other columns in words, each said once and none repeating the title."""
    return ", ".join(word for word in dict.fromkeys(column_words(site, data, row, skip)) if word != title)


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
                words(site, data, row)
                if words
                else _words_without(
                    site, data, row, by, "certainty", "open_list", title=_title(site, data, row, title_column)
                ),
            )
            for row in rows
        ]
        groups.append(Group(code(value) if value else "unspecified", items))
    return groups


def _sites_figure(site: SiteData) -> Markup | None:
    found, regions, levels = anatomy.places(site)
    if not found:
        return None
    counts = anatomy.region_counts(found)
    regions = [r for r in regions if any(counts.get((r, level)) for level in levels)]
    summary = "; ".join(
        f"{code(r)}: " + ", ".join(f"{counts.get((r, level), 0)} {code(level)}" for level in levels) for r in regions
    )
    return svg.stacked_bars(
        "fig-sites",
        "Body sites by region and strongest prominence",
        f"How many distinct body sites of each region the article calls, at most, {' / '.join(map(code, levels))}. "
        + summary,
        regions,
        levels,
        counts,
    )


def _site_groups(site: SiteData, quotes: QuoteLinks) -> list[Group]:
    found, regions, _ = anatomy.places(site)
    sites = site.tables["sites"] if found else None
    groups = []
    for region in [*regions, ""]:
        items = []
        for place in (p for p in found if p.region == region):
            worded = "; ".join(
                f"“{row.get('site')}” " + f"({', '.join(column_words(site, sites, row, ('anatomical_site_id',)))})"
                for row in place.statements
                if sites is not None
            )
            strongest = [row for row in place.statements if row.get("prominence") == place.strongest]
            tags = sorted({code(row["certainty"]) for row in strongest if row.get("certainty")})
            quote = quotes.get((place.table, place.key)) or quotes.get(
                ("sites", sites.key(strongest[0])) if sites else ("", "")
            )
            items.append(
                Item(
                    place.name,
                    f"at most {code(place.strongest)}; worded as {worded}",
                    links.row_link(place.table, place.key),
                    f"{place.table} {place.key}",
                    quote,
                    tags,
                )
            )
        if items:
            groups.append(Group(code(region) if region else "unspecified", items))
    return groups


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
    kind = code(row.get("intervention_type"))
    parts = [kind] if kind != row.get("intervention") else []
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


def _certainty_tables(site: SiteData) -> list[TableData]:
    return [data for data in site.tables.values() if data.enum("certainty")]


def _certainty_figure(site: SiteData) -> Markup | None:
    tables = _certainty_tables(site)
    if len(tables) < 2:
        return None  # one table's certainty is shown with its facts
    levels = list(dict.fromkeys(level for data in tables for level in data.enum("certainty") or []))
    counts: dict[tuple[str, str], int] = {}
    for data in tables:
        for row in data.rows:
            pair = (data.name, row.get("certainty") or "")
            counts[pair] = counts.get(pair, 0) + 1
    return svg.stacked_bars(
        "fig-certainty",
        "Facts by table and by how the article words them",
        "; ".join(
            f"{data.name}: " + ", ".join(f"{counts.get((data.name, level), 0)} {code(level)}" for level in levels)
            for data in tables
        ),
        [data.name for data in tables],
        levels,
        counts,
    )


def _certainty_groups(site: SiteData, quotes: QuoteLinks) -> list[Group]:
    tables = _certainty_tables(site)
    if len(tables) < 2:
        return []
    levels = list(dict.fromkeys(level for data in tables for level in data.enum("certainty") or []))
    groups = []
    for level in levels[1:]:  # the first level is the plain statement; the others qualify it
        items = [
            _item(
                site,
                data,
                row,
                quotes,
                row_title(site, data, row),
                f"{code(data.name)}: "
                + _words_without(site, data, row, "certainty", "open_list", title=row_title(site, data, row)),
            )
            for data in tables
            for row in data.rows
            if row.get("certainty") == level
        ]
        for item in items:
            item.tags = [tag for tag in item.tags if tag != code(level)]
        if items:
            groups.append(Group(code(level), items))
    return groups


def sections(site: SiteData, quotes: QuoteLinks) -> list[Section]:
    """The fact sheet's sections in reading order; empty ones are dropped."""
    out = [
        Section(
            "where",
            "Where it occurs",
            "Each body site the article names, by body region, with the strongest prominence it gives the site "
            "and every statement in the article's own words.",
            _site_groups(site, quotes),
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
            "certainty",
            "How sure the article is",
            'Every fact keeps the article\'s own hedging: stated plainly, hedged ("may"), attributed '
            '("is considered") or proposed ("suggested"). The qualified ones are listed here.',
            _certainty_groups(site, quotes),
            _certainty_figure(site),
        ),
        Section(
            "history",
            "History",
            "Who described what, and when.",
            _grouped(site, "history", "event", quotes, "person", _history_words),
        ),
    ]
    return [section for section in out if section.groups]
