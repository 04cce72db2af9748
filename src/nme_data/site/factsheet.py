"""The fact sheet: the condition at a glance, every statement built from rows and linked to its quote.

Each section reads one table and groups its rows by one of its enum columns, in the schema's order;
a table or column the package lacks leaves its section out rather than failing the build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from nme_data.site import anatomy, links, svg
from nme_data.site.model import Row, SiteData, TableData
from nme_data.site.tables import field_label
from nme_data.site.words import code, column_words, frequency, row_title


@dataclass
class Source:
    """A row behind a sentence: links to the row and to the passage it quotes."""

    row_href: str
    row_label: str
    quote_href: str | None


@dataclass
class Fact:
    """A sentence, the rows that say it (two statements of one site read alike: one sentence), its qualifiers."""

    text: str
    sources: list[Source]
    tags: list[str] = field(default_factory=list)


@dataclass
class Item:
    """What a list shows as one entry: the facts about one thing (two rows on glucagonoma are one entry)."""

    title: str
    facts: list[Fact]

    @property
    def words(self) -> str:
        return " ".join(fact.text for fact in self.facts)

    @property
    def tags(self) -> list[str]:
        return list(dict.fromkeys(tag for fact in self.facts for tag in fact.tags))


@dataclass
class Group:
    title: str
    items: list[Item]
    tags: list[str] = field(default_factory=list)  # qualifiers every fact of the group shares, said once


@dataclass
class Section:
    id: str
    title: str
    intro: str
    groups: list[Group]
    figure: Markup | None = None


@dataclass
class SummaryLine:
    """One line of the clinical summary that opens the fact sheet."""

    label: str
    facts: list[Fact]
    more_href: str | None = None
    more_text: str = ""


QuoteLinks = dict[tuple[str, str], str]


def sentence_case(title: str) -> str:
    """A heading as a sentence: its first letter upper case, the rest as the data spells it."""
    return title[:1].upper() + title[1:]


OPEN_LIST_TAG = "non-exhaustive list"
OPEN_LIST_NOTE = "the article's list is not exhaustive"


def _fact(site: SiteData, data: TableData, row: Row, quotes: QuoteLinks, fallback: str) -> Fact:
    """A row as a sentence (its table's template; else its columns in words), tagged with its qualifiers.

    Only qualifiers are tagged: the plain level of certainty (the schema's first) never is.
    """
    key = data.key(row)
    levels = data.enum("certainty") or []
    plain = levels[0] if levels else None
    tags = [code(row["certainty"])] if row.get("certainty") and row["certainty"] != plain else []
    if (row.get("open_list") or "").lower() == "true":
        tags.append(OPEN_LIST_TAG)
    text = site.sentence(data.name, key) or fallback
    source = Source(links.row_link(data.name, key), f"{data.name} {key}", quotes.get((data.name, key)))
    return Fact(text, [source], tags)


def _add(item: Item, fact: Fact) -> None:
    """A fact joins an entry; one that reads exactly like a fact already there adds its rows to that one."""
    same = next((f for f in item.facts if f.text == fact.text and f.tags == fact.tags), None)
    if same is None:
        item.facts.append(fact)
    else:
        same.sources.extend(fact.sources)


def _merged(pairs: list[tuple[str, Fact]]) -> list[Item]:
    """Facts about the same thing (same title) as one entry, in first-seen order."""
    items: dict[str, Item] = {}
    for title, fact in pairs:
        _add(items.setdefault(title, Item(title, [])), fact)
    return list(items.values())


def _shared_tags(group: Group) -> Group:
    """Say a list's qualifiers once: a certainty every fact shares, and the open list if several belong to it."""
    facts = [fact for item in group.items for fact in item.facts]
    if len(facts) < 2:
        return group
    shared = [tag for tag in facts[0].tags if tag != OPEN_LIST_TAG and all(tag in fact.tags for fact in facts)]
    open_list = sum(OPEN_LIST_TAG in fact.tags for fact in facts) >= 2
    moved = set(shared) | ({OPEN_LIST_TAG} if open_list else set())
    for fact in facts:
        fact.tags = [tag for tag in fact.tags if tag not in moved]
    group.tags = [f"all {tag}" for tag in shared] + ([OPEN_LIST_NOTE] if open_list else [])
    return group


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
        pairs = []
        for row in rows:
            title = _title(site, data, row, title_column)
            fallback = (
                words(site, data, row)
                if words
                else _words_without(site, data, row, by, "certainty", "open_list", title=title)
            )
            pairs.append((title, _fact(site, data, row, quotes, f"{title}: {fallback}" if fallback else title)))
        title = code(value) if value else f"{field_label(data.field(by), by)} not given"
        groups.append(_shared_tags(Group(sentence_case(title), _merged(pairs))))
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
        "How many distinct body sites of each region, by the strongest prominence the article gives each "
        f"({', '.join(map(code, levels))}). " + summary,
        regions,
        levels,
        counts,
    )


def _site_groups(site: SiteData, quotes: QuoteLinks) -> list[Group]:
    """Each real-world site once, by body region, with the sentence of every statement that names it."""
    found, regions, _ = anatomy.places(site)
    sites = site.tables["sites"] if found else None
    groups = []
    for region in [*regions, ""]:
        items = []
        for place in (p for p in found if p.region == region):
            if sites is None:
                continue
            item = Item(place.name, [])
            for row in place.statements:
                _add(item, _fact(site, sites, row, quotes, f"{row.get('site')} ({code(row.get('prominence'))})"))
            items.append(item)
        if items:
            groups.append(
                _shared_tags(Group(sentence_case(code(region) if region else "body region not given"), items))
            )
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
        pairs = [
            (f"{data.name}/{data.key(row)}", _fact(site, data, row, quotes, row_title(site, data, row)))
            for data in tables
            for row in data.rows
            if row.get("certainty") == level
        ]
        for _, fact in pairs:
            fact.tags = [tag for tag in fact.tags if tag != code(level)]  # the group's title says it
        if pairs:
            groups.append(_shared_tags(Group(sentence_case(code(level)), _merged(pairs))))
    return groups


def main_condition(site: SiteData) -> str | None:
    """The condition the fact tables are about: the one their condition and subject columns name most."""
    counts: dict[str, int] = {}
    for data in site.tables.values():
        for column in ("condition_id", "subject_id"):
            fk = data.foreign_keys.get(column)
            if fk is None or fk.table != "conditions":
                continue
            for row in data.rows:
                if row.get(column):
                    counts[str(row[column])] = counts.get(str(row[column]), 0) + 1
    return max(counts, key=lambda key: counts[key]) if counts else None


def _facts(site: SiteData, table: str, quotes: QuoteLinks, keep: Callable[[TableData, Row], bool]) -> list[Fact]:
    """The rows kept, as sentences; rows whose sentences differ only in what they name read as one sentence."""
    data = site.tables.get(table)
    if data is None:
        return []
    rows = [row for row in data.rows if keep(data, row) and site.sentence(table, data.key(row))]
    facts: list[Fact] = []
    run: list[tuple[Row, Fact]] = []
    for row in rows:
        fact = _fact(site, data, row, quotes, row_title(site, data, row))
        if run and _joined(site, data, [*run, (row, fact)]) is not None:
            run.append((row, fact))
            continue
        if run:
            facts.append(_joined(site, data, run) or run[0][1])
        run = [(row, fact)]
    if run:
        facts.append(_joined(site, data, run) or run[0][1])
    return facts


def _names(site: SiteData, data: TableData, row: Row) -> list[str]:
    """What a row's sentence may name it by: its text cells and the names of the rows its keys point to."""
    out = []
    for name in data.table.field_names:
        value = row.get(name)
        if value:
            fk = data.foreign_keys.get(name)
            out.append(site.label(fk.table, value) if fk else str(value).replace("_", " "))
    return out


def _named(middle: str, names: list[str]) -> str | None:
    """The name a sentence's varying part is (an article before it allowed), as the row spells it."""
    for name in names:
        for article in ("", "the ", "a ", "an "):
            if middle.casefold() == (article + name).casefold():
                return name
    return None


def _common_start(texts: list[str]) -> str:
    """The characters every text starts with."""
    shortest = min(texts, key=len)
    for index, char in enumerate(shortest):
        if any(text[index] != char for text in texts):
            return shortest[:index]
    return shortest


def _cuts(text: str, reverse: bool = False) -> list[int]:
    """Where a shared beginning (or ending) of sentences may stop: at a space, never inside a word."""
    if reverse:
        return [i for i in range(len(text) + 1) if i == 0 or not text[-i].isalnum()]
    return [i for i in range(len(text) + 1) if i == 0 or text[i - 1] == " "]


def _joined(site: SiteData, data: TableData, run: list[tuple[Row, Fact]]) -> Fact | None:
    """One sentence for rows whose sentences differ only in the name of what each is about ("... with liver
    disease and intestinal malabsorption."), with every row's links; None when they differ otherwise."""
    if len(run) < 2 or any(fact.tags != run[0][1].tags for _, fact in run):
        return None
    texts = [fact.text for _, fact in run]
    head = _common_start(texts)
    tail = _common_start([text[::-1] for text in texts])[::-1]
    for start in sorted(_cuts(head), reverse=True):
        for end in sorted(_cuts(tail, reverse=True), reverse=True):
            if start + end > min(len(text) for text in texts) or not (head[:start] + tail[len(tail) - end :]).strip(
                " ."
            ):
                continue
            middles = [text[start : len(text) - end] for text in texts]
            names = [_named(middle, _names(site, data, row)) for middle, (row, _) in zip(middles, run, strict=True)]
            if any(name is None for name in names) or len(set(middles)) < len(middles):
                continue
            words = [
                middles[0],
                *(middle if start else str(name) for middle, name in zip(middles[1:], names[1:], strict=True)),
            ]
            listed = ", ".join(words[:-1]) + " and " + words[-1]
            after = tail[len(tail) - end :]
            if not start:  # the names are the subject: the verb after them is plural
                after = after.replace(" is ", " are ", 1).replace(" has ", " have ", 1)
            elif " is " in after[:40] and after.startswith(" of "):
                after = after.replace(" is ", " are ", 1)
            return Fact(head[:start] + listed + after, [src for _, fact in run for src in fact.sources], run[0][1].tags)
    return None


def abbreviation(site: SiteData) -> tuple[str, str] | None:
    """(name, abbreviation) of the main condition, when the article's quotes use the abbreviation as a word
    (the initials of its name: "NME"); the fact sheet says the name once and the abbreviation after."""
    main = main_condition(site)
    if main is None:
        return None
    name = site.label("conditions", main)
    initials = "".join(word[0] for word in name.split()).upper()
    if len(initials) < 2:
        return None
    pattern = re.compile(rf"\b{re.escape(initials)}\b")
    for data in site.tables.values():
        if any(pattern.search(str(row.get("evidence") or "")) for row in data.rows):
            return name, initials
    return None


def abbreviate(site: SiteData, facts: list[Fact]) -> None:
    """The main condition's name as its abbreviation in every sentence built from rows (quotes stay verbatim)."""
    found = abbreviation(site)
    if found is None:
        return
    name, initials = found
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    for fact in facts:
        if not fact.text.startswith("“"):
            fact.text = pattern.sub(initials, fact.text)


def summary(site: SiteData, quotes: QuoteLinks) -> list[SummaryLine]:
    """What a clinician reads in a minute, in sentences built from rows: what it is, where it appears, what it
    goes with (every condition the article names, hedged where it hedges), how it is diagnosed, how it is
    treated and what to expect, and what is not known. Lines without rows are left out."""
    main = main_condition(site)
    lines: list[SummaryLine] = []
    conditions = site.tables.get("conditions")
    if main and conditions is not None and main in conditions.by_key:
        row = conditions.by_key[main]
        if row.get("evidence"):  # the article's own definition, quoted
            source = Source(links.row_link("conditions", main), f"conditions {main}", quotes.get(("conditions", main)))
            fact = Fact(f"“{row['evidence']}”", [source])
            lines.append(SummaryLine("What it is", [fact]))

    def about_main(data: TableData, row: Row) -> bool:
        return main is None or main in (row.get("subject_id"), row.get("condition_id"))

    sites = site.tables.get("sites")
    levels = (sites.enum("prominence") or []) if sites is not None else []
    present = [level for level in levels if sites is not None and any(r.get("prominence") == level for r in sites.rows)]
    if present:
        found, _, _ = anatomy.places(site)
        lines.append(
            SummaryLine(
                "Where it appears",
                _facts(site, "sites", quotes, lambda d, r: r.get("prominence") == present[-1]),
                "#where",
                f"all {len(found)} body sites",
            )
        )
    lines.append(
        SummaryLine(
            "What it goes with",
            _facts(site, "associations", quotes, lambda d, r: True),
            "#associations",
            "by context, with frequencies",
        )
    )
    histology = site.tables.get("histology")
    if histology is not None:
        methods = histology.enum("method") or []

        def telling(data: TableData, row: Row) -> bool:
            """The findings the article calls most characteristic, and what other methods than the first show."""
            flagged = (row.get("most_characteristic") or "").lower() == "true"
            return flagged or bool(methods and row.get("method") and row.get("method") != methods[0])

        lines.append(
            SummaryLine(
                "How it is diagnosed",
                _facts(site, "histology", quotes, telling),
                "#histology",
                f"all {len(histology.rows)} histology findings",
            )
        )
    lines.append(
        SummaryLine(
            "Treatment and what to expect", _facts(site, "management", quotes, about_main), "#management", "details"
        )
    )
    lines.append(SummaryLine("What is not known", _facts(site, "causes", quotes, about_main), "#causes", "details"))
    return [line for line in lines if line.facts]


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
            '("is considered") or proposed ("suggested"); the tag beside a fact above says which.',
            [],
            _certainty_figure(site),
        ),
        Section(
            "history",
            "History",
            "Who described what, and when.",
            _grouped(site, "history", "event", quotes, "person", _history_words),
        ),
    ]
    return [section for section in out if section.groups or section.figure]


def every_fact(summary_lines: list[SummaryLine], page: list[Section]) -> list[Fact]:
    """The page's sentences in reading order: the brief, then each section."""
    facts = [fact for line in summary_lines for fact in line.facts]
    return facts + [fact for section in page for group in section.groups for item in group.items for fact in item.facts]
