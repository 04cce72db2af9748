"""The static site in a real browser (Debian's chromium through Playwright), opened from file://.

These tests never skip: without /usr/bin/chromium they fail and say how to install it
(`bash .ci/run` does so in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

import nme_data
from conftest import ROOT, copy_package, read_rows, write_rows
from nme_data.site import build_site
from site_support import evidence_rows, quoted_runs, rows_of

#: A real browser: make test runs these in its slow phase, all in one xdist worker (one chromium, one site).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTICLE = "article-wikipedia-nme.html"
MARKUP = '<img src=x onerror=alert(1)><script>alert("x")</script>'
#: How long a page action may wait (for an element, a screenshot's fonts): a cap for a stuck page, not a speed
#: target. 5 s failed a full-page screenshot once on a 2-core machine running other suites (load average 15).
ACTION_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the site's browser tests need Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(None, tmp_path_factory.mktemp("site") / "out")


class Watched:
    """A page whose console errors, uncaught exceptions, dialogs and non-file requests are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(getattr(dialog, "message", dialog)))
        dialog.dismiss()  # type: ignore[attr-defined]

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def open(self, site: Path, name: str) -> Page:
        self.page.goto((site / name).as_uri())
        return self.page


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    # narrower than the side panel's breakpoint: the article's passages show their pop-ups
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield Watched(context.new_page())
    context.close()


def _runs() -> list[tuple[int, int, set[str]]]:
    text = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
    return quoted_runs(text, evidence_rows(ROOT))


def _visible_rows(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "table.data tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.key)"
    )


# --- article ---------------------------------------------------------------------------------------------


def test_one_highlight_per_quoted_passage(site: Path, watched: Watched) -> None:
    page = watched.open(site, ARTICLE)
    assert page.locator("mark.quote").count() == len(_runs())


def test_focusing_a_highlight_shows_exactly_its_citing_rows(site: Path, watched: Watched) -> None:
    page = watched.open(site, ARTICLE)
    for index, (_, _, rows) in enumerate(_runs(), start=1):
        page.focus(f"#q-{index} .quote-text")
        tip = page.locator(f"#q-{index}-tip")
        assert tip.is_visible()
        shown = set(tip.locator("[data-row]").evaluate_all("nodes => nodes.map(n => n.dataset.row)"))
        assert shown == rows, f"highlight {index}"
        assert page.locator(".tip:visible").count() == 1
        assert page.get_attribute(f"#q-{index} .quote-text", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.locator(".tip:visible").count() == 0
    assert watched.errors == []


def test_hovering_shows_the_rows_and_enter_toggles_them_like_a_button(site: Path, watched: Watched) -> None:
    page = watched.open(site, ARTICLE)
    page.hover("#q-2 .quote-text")
    assert page.locator("#q-2-tip").is_visible()
    page.mouse.move(0, 0)
    page.focus("#q-2 .quote-text")
    page.keyboard.press("Enter")
    assert not page.locator("#q-2-tip").is_visible()
    assert page.get_attribute("#q-2 .quote-text", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.locator("#q-2-tip").is_visible()
    assert page.get_attribute("#q-2 .quote-text", "aria-expanded") == "true"


def test_highlights_are_reachable_with_the_tab_key(site: Path, watched: Watched) -> None:
    page = watched.open(site, ARTICLE)
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('mark.quote')?.id || ''")
        if focused:
            reached.add(focused)
    assert reached == {f"q-{i}" for i in range(1, len(_runs()) + 1)}


def test_a_quote_link_from_a_table_row_lands_on_a_highlight_holding_that_row(site: Path, watched: Watched) -> None:
    key = rows_of(ROOT, "sites")[-1]["id"]
    page = watched.open(site, "table-sites.html")
    page.locator(f"tr#row-{key} a.to-quote").click()
    assert page.url.split("#")[0].endswith(ARTICLE)
    target = page.url.split("#")[1]
    assert page.locator(f"#{target} [data-row='sites/{key}']").count() == 1


# --- tables ----------------------------------------------------------------------------------------------


def _enum_columns(table: str) -> list[tuple[str, list[str]]]:
    info = next(r for r in nme_data.descriptor()["resources"] if r["name"] == table)
    return [
        (f["name"], f["constraints"]["enum"]) for f in info["schema"]["fields"] if "enum" in f.get("constraints", {})
    ]


def _keys(table: str, frame: pd.DataFrame) -> pd.Series:
    """Each row's key as the site writes it: its primary-key values joined by '/'."""
    info = next(r for r in nme_data.descriptor()["resources"] if r["name"] == table)
    fields = info["schema"].get("primaryKey") or ["id"]
    fields = [fields] if isinstance(fields, str) else fields
    return frame[fields].astype(str).agg("/".join, axis=1)


@pytest.mark.parametrize("table", nme_data.table_names())
def test_filtering_by_an_enum_value_shows_the_rows_pandas_finds(site: Path, watched: Watched, table: str) -> None:
    frame = nme_data.load(table)
    frame["id"] = _keys(table, frame)  # a table keyed by several columns (evidence_anchors) has no id column
    page = watched.open(site, f"table-{table}.html")
    assert sorted(_visible_rows(page)) == sorted(frame["id"])
    checked = 0
    for column, values in _enum_columns(table):
        present = [value for value in values if (frame[column] == value).any()]
        if len(present) < 2:  # one value filters nothing: no facet at all
            assert page.locator(f"fieldset[data-facet='{column}']").count() == 0, column
            continue
        for value in values:
            box = page.locator(f"fieldset[data-facet='{column}'] input[value='{value}']")
            expected = sorted(frame.loc[frame[column] == value, "id"])
            if not expected:
                assert box.count() == 0  # no facet for a value no row holds
                continue
            box.check()
            assert sorted(_visible_rows(page)) == expected, f"{column} = {value}"
            assert page.locator("[data-status]").inner_text() == f"{len(expected)} of {len(frame)} rows shown"
            box.uncheck()
            checked += 1
    assert sorted(_visible_rows(page)) == sorted(frame["id"])
    assert watched.errors == []


def test_facets_combine_and_the_text_filter_narrows(site: Path, watched: Watched) -> None:
    frame = nme_data.load("sites")
    page = watched.open(site, "table-sites.html")
    page.check("fieldset[data-facet='prominence'] input[value='less_common']")
    page.check("fieldset[data-facet='section'] input[value='introduction']")
    both = frame[(frame["prominence"] == "less_common") & (frame["section"] == "introduction")]
    assert sorted(_visible_rows(page)) == sorted(both["id"])
    page.uncheck("fieldset[data-facet='section'] input[value='introduction']")
    less = frame[frame["prominence"] == "less_common"]
    assert sorted(_visible_rows(page)) == sorted(less["id"])
    page.fill("[data-filter-text]", "Thighs")  # any cell, any case
    cells = less.drop(columns=["evidence"]).astype("string").fillna("")  # the filter says it skips quotes
    holding = cells.apply(lambda column: column.str.lower().str.contains("thighs")).any(axis=1)
    assert 0 < holding.sum() < len(less)
    assert sorted(_visible_rows(page)) == sorted(less.loc[holding, "id"])
    page.click("button[type=reset]")
    page.wait_for_function(f"document.querySelector('[data-status]').textContent.startsWith('{len(frame)} of')")
    assert len(_visible_rows(page)) == len(frame)


def test_sorting_an_ordered_column_follows_the_schema_order(site: Path, watched: Watched) -> None:
    frame = nme_data.load("sites")
    page = watched.open(site, "table-sites.html")
    page.click("th button:text-is('prominence')")
    assert _visible_rows(page) == list(frame.sort_values("prominence", kind="stable")["id"])
    assert page.get_attribute("th:has(button:text-is('prominence'))", "aria-sort") == "ascending"
    page.click("th button:text-is('prominence')")
    assert _visible_rows(page)[0] in set(frame.loc[frame["prominence"] == frame["prominence"].max(), "id"])


# --- the whole site --------------------------------------------------------------------------------------


def _pages(site: Path) -> list[str]:
    return sorted(path.name for path in site.glob("*.html"))


def test_no_console_errors_and_no_network_on_any_page(site: Path, watched: Watched) -> None:
    for name in _pages(site):
        watched.open(site, name)
    assert watched.errors == []
    assert [url for url in watched.requests if not url.startswith("file://")] == []


def test_readable_with_javascript_disabled(site: Path, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / ARTICLE).as_uri())
    assert page.locator("mark.quote").count() == len(_runs())
    assert "It is strongly associated with glucagonoma" in page.inner_text("article")
    page.focus("#q-1 .quote-text")  # the pop-up is CSS: it works without scripts
    assert page.locator("#q-1-tip").is_visible()
    for table in nme_data.table_names():
        page.goto((site / f"table-{table}.html").as_uri())
        assert page.locator("table.data tbody tr:visible").count() == len(rows_of(ROOT, table))
        assert not page.locator("form.controls").is_visible()  # filters need scripts, so they stay hidden
    page.goto((site / "index.html").as_uri())
    for heading in ("Where it occurs", "What it is associated with", "Histology", "Downloads"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("figure svg").count() >= 1
    context.close()


def test_screenshots_of_the_fact_sheet_and_the_article(
    site: Path, watched: Watched, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("screenshots")
    page = watched.open(site, "index.html")
    page.screenshot(path=str(folder / "fact-sheet.png"), full_page=True)
    page = watched.open(site, ARTICLE)
    page.focus("#q-3 .quote-text")
    page.screenshot(path=str(folder / "article.png"))
    for name in ("fact-sheet.png", "article.png"):
        assert (folder / name).stat().st_size > 10_000
    print(f"screenshots in {folder}")


def test_markup_in_a_cell_is_shown_as_text_and_never_runs(browser: Browser, tmp_path: Path) -> None:
    copy = copy_package(tmp_path / "package")
    path = copy / "data" / "conditions.csv"
    rows = read_rows(path)
    header = rows[0]
    [row] = [r for r in rows[1:] if r[0] == "nme"]  # no quote must name nme (nme:namesRow)
    row[header.index("name")] = MARKUP
    write_rows(path, rows)
    assert nme_data.validate(copy).valid, "the test needs a copy the validator accepts"
    out = build_site(copy, tmp_path / "site")
    context = browser.new_context()
    watched = Watched(context.new_page())
    for name in ("table-conditions.html", "index.html", ARTICLE, "table-associations.html"):
        watched.open(out, name)
    page = watched.open(out, "table-conditions.html")
    column = page.eval_on_selector_all("thead th", "cells => cells.map(c => c.dataset.column)").index("name")
    assert page.locator("tr#row-nme td").nth(column).inner_text() == MARKUP
    assert page.locator("tr#row-nme img, tr#row-nme script").count() == 0
    page = watched.open(out, "index.html")
    assert MARKUP in page.inner_text("#associations")
    assert watched.dialogs == []
    assert watched.errors == []
    assert [url for url in watched.requests if url.endswith("/x")] == []
    context.close()


# --- widths a reader uses ----------------------------------------------------------------------------------

WIDTHS = [1280, 1920]
#: JavaScript giving, for every reading column cell of the page, its width and that of 30 characters of its font.
READING_WIDTHS = """() => Array.from(document.querySelectorAll('table.data td.reading')).map(cell => {
  const probe = document.createElement('span');
  probe.style.cssText = 'display:inline-block;width:30ch';
  cell.appendChild(probe);
  const result = [cell.getBoundingClientRect().width, probe.getBoundingClientRect().width];
  probe.remove();
  return result;
})"""


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots in {folder}")
    return folder


def _at(browser: Browser, width: int) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def wide(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Watched]:
    yield from _at(browser, request.param)


#: JavaScript measuring a page at rest: the document's and the table frame's widths, the first row's quote.
AT_REST = """() => { const doc = document.documentElement, wrap = document.querySelector('.table-wrap');
  const evidence = document.querySelector('tbody tr:first-child td.reading');
  const box = evidence && evidence.getBoundingClientRect();
  return {document: [doc.scrollWidth, doc.clientWidth], wrap: wrap && [wrap.scrollWidth, wrap.clientWidth],
          evidence: box && [box.x, box.width]}; }"""
#: JavaScript scrolling the table frame to its right end: where the last header cell and the frame end.
REACH = """() => { const wrap = document.querySelector('.table-wrap');
  wrap.scrollLeft = wrap.scrollWidth;
  const last = document.querySelector('table.data thead th:last-child').getBoundingClientRect();
  return [last.right, wrap.getBoundingClientRect().right]; }"""


class Walk:
    """Every page of the site opened once at one width, in one page, and measured: what the width tests read.

    Each page is loaded afresh and measured at rest (its screenshot, widths, first quote, reading column)
    before the one measure that scrolls (the table frame's right end); no test changes a page it reads.
    """

    def __init__(self, width: int, errors: list[str], pages: dict[str, dict[str, object]]) -> None:
        self.width = width
        self.errors = errors
        self.pages = pages


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def walk(site: Path, browser: Browser, screenshots: Path, request: pytest.FixtureRequest) -> Walk:
    """One walk of the whole site per width, shared by the tests reading the same pages at that width (#30):
    each used to open the same pages in a new context of its own."""
    width: int = request.param
    pages: dict[str, dict[str, object]] = {}
    for watched in _at(browser, width):
        for name in _pages(site):
            page = watched.open(site, name)
            page.screenshot(path=str(screenshots / f"{name.removesuffix('.html')}-{width}.png"))
            seen: dict[str, object] = page.evaluate(AT_REST)
            table = name.removeprefix("table-").removesuffix(".html")
            if name in TABLE_PAGES and "evidence" in rows_of(ROOT, table)[0]:
                seen["to_quote_visible"] = page.locator("tbody tr:first-child a.to-quote").is_visible()
            seen["reading_widths"] = page.evaluate(READING_WIDTHS)
            seen["reach"] = page.evaluate(REACH) if page.locator(".table-wrap").count() else None
            pages[name] = seen
        return Walk(width, watched.errors, pages)
    raise AssertionError("no page was opened")


def test_no_page_scrolls_sideways_and_every_column_can_be_reached(site: Path, walk: Walk) -> None:
    assert set(walk.pages) == set(_pages(site))
    for name, seen in walk.pages.items():
        width = seen["document"]
        assert width[0] <= width[1], f"{name} scrolls sideways: {width}"
        reach = seen["reach"]
        if reach is not None:
            assert reach[0] <= reach[1] + 1, f"{name}: the last column cannot be scrolled into view"
    assert walk.errors == []


@pytest.mark.parametrize("table", [t for t in nme_data.table_names() if "evidence" in rows_of(ROOT, t)[0]])
def test_evidence_is_at_least_thirty_characters_wide(walk: Walk, table: str) -> None:
    widths = walk.pages[f"table-{table}.html"]["reading_widths"]
    assert widths, f"{table} has a reading column"
    assert all(cell >= chars for cell, chars in widths), widths


def test_the_sites_table_fits_a_wide_screen_quote_column_included(site: Path, browser: Browser) -> None:
    for watched in _at(browser, 1920):
        page = watched.open(site, "table-sites.html")
        fits = page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.table-wrap'))")
        assert fits
        assert page.locator("tbody tr:first-child a.to-quote").is_visible()
        # labels from the descriptor, codes on hover
        assert page.locator("th[data-column='anatomical_site_id']").inner_text().strip() == "anatomical site"
        assert page.get_attribute("tbody tr:first-child td[data-value] abbr", "title") == "characteristic"


def test_the_first_screen_of_the_fact_sheet_is_the_clinical_summary(
    site: Path, wide: Watched, screenshots: Path
) -> None:
    page = wide.open(site, "index.html")
    height = page.viewport_size["height"]
    for label in ("What it is", "Where it appears", "What it goes with", "How it is diagnosed"):
        term = page.locator("dl.brief dt", has_text=label)
        assert term.bounding_box()["y"] < height, f"{label!r} is below the first screen"
    first_screen = page.locator("dl.brief").inner_text()
    assert "strongly associated with glucagonoma" in first_screen
    assert "up to 70% of persons with a glucagonoma" in first_screen
    assert "skin around the mouth" in first_screen
    assert "rash typically resolves within days" in first_screen
    assert page.locator(".glance").bounding_box()["y"] > height  # row counts are for curators, further down
    page.screenshot(path=str(screenshots / f"fact-sheet-{page.viewport_size['width']}.png"), full_page=True)


def test_relations_read_from_subject_to_object(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    names = {row["id"]: row["name"] for row in rows_of(ROOT, "conditions")}
    for row in rows_of(ROOT, "associations"):
        fact = page.locator(f"#associations .fact:has(a[href='table-associations.html#row-{row['id']}'])")
        text = fact.inner_text().lower()
        subject, target = (
            ("nme" if row[column] == "nme" else names[row[column]].lower()) for column in ("subject_id", "object_id")
        )
        assert text.startswith(subject), text
        assert text.index(target, len(subject)) > 0, text
    facts = page.locator("#associations .fact").all_inner_texts()
    assert any(text.startswith("Pseudoglucagonoma syndrome may occur in Celiac disease.") for text in facts)
    glucagonoma = page.locator("#associations li:has(a[href='table-associations.html#row-nme-glucagonoma'])")
    assert glucagonoma.count() == 1  # both glucagonoma rows in one entry
    assert glucagonoma.locator("a[aria-label='row associations nme-glucagonoma-frequency']").count() == 1
    assert page.locator(".tag", has_text="stated").count() == 0  # untagged means stated
    assert "at most" not in page.inner_text("main")


def test_the_side_panel_lists_the_rows_of_the_passage_in_focus(site: Path, wide: Watched, screenshots: Path) -> None:
    page = wide.open(site, ARTICLE)
    assert page.locator("aside.cited").is_visible()
    for index, (_, _, rows) in enumerate(_runs(), start=1):
        page.focus(f"#q-{index} .quote-text")
        listed = set(page.locator("[data-cited] [data-row]").evaluate_all("nodes => nodes.map(n => n.dataset.row)"))
        assert listed == rows, f"highlight {index}"
        assert page.locator(".tip:visible").count() == 0  # the panel replaces the pop-up covering the text
        assert page.locator("aside.cited").is_visible()
    page.hover("#q-2 .quote-text")
    assert page.get_attribute("[data-cited]", "data-passage") == "q-2"
    says = page.locator("[data-cited] .tip-says").all_inner_texts()
    assert says
    assert all(text.endswith(".") for text in says)  # sentences, not lists of fields
    page.focus("#q-3 .quote-text")
    page.screenshot(path=str(screenshots / f"article-{page.viewport_size['width']}.png"))
    assert wide.errors == []


TABLE_PAGES = [f"table-{name}.html" for name in nme_data.table_names()]


def test_every_table_fits_the_screen_with_its_evidence_visible(walk: Walk) -> None:
    """At 1280 and 1920 px: no table is wider than its frame (no sideways scroll to reach a column), and the
    quote of the first row is on screen without scrolling sideways; the walk keeps a screenshot of each
    page's first screen (the fact sheet's full page is kept by its own test: a full-page shot of a long
    table took most of this test's time and checked nothing more)."""
    width = walk.width
    for name in ["index.html", *TABLE_PAGES]:
        seen = walk.pages[name]
        if name == "index.html":
            continue
        sizes = seen["wrap"]
        assert sizes is not None, f"{name} has no table frame"
        assert sizes[0] <= sizes[1] + 1, f"{name} at {width} px: the table is {sizes[0]} px in a {sizes[1]} px frame"
        evidence = seen["evidence"]
        if evidence is not None:
            assert evidence[0] >= 0
            assert evidence[0] + evidence[1] <= width, f"{name}: the evidence is off-screen at {width} px"
        if "evidence" in rows_of(ROOT, name.removeprefix("table-").removesuffix(".html"))[0]:
            assert seen["to_quote_visible"], name
    assert walk.errors == []


def test_one_value_on_every_row_is_said_once_above_the_table(site: Path, watched: Watched) -> None:
    page = watched.open(site, "table-sites.html")
    assert "On every row" in page.locator("p.same").inner_text()
    assert page.locator("th[data-column='source_id']").count() == 0
    assert page.locator("th[data-column='condition_id']").count() == 0
    assert page.locator("th[data-column='prominence']").count() == 1  # varies: stays a column


def test_each_row_shows_its_ontology_ids(site: Path, watched: Watched) -> None:
    mapped: dict[tuple[str, str], set[str]] = {}
    for row in rows_of(ROOT, "mappings"):
        mapped.setdefault((row["subject_table"], row["subject_id"]), set()).add(row["object_id"])
    tables = sorted({table for table, _ in mapped})
    assert tables
    for table in tables:
        page = watched.open(site, f"table-{table}.html")
        for (where, key), ids in mapped.items():
            if where != table:
                continue
            shown = page.locator(f"tr[data-key='{key}'] td.xrefs").inner_text().split()
            assert set(shown) == ids, (table, key)


def test_the_filter_says_what_it_searches_and_skips_quotes(site: Path, watched: Watched) -> None:
    page = watched.open(site, "table-sites.html")
    assert "not the quotes" in page.locator("label[for='filter-text']").inner_text()
    page.fill("[data-filter-text]", "groin")
    frame = nme_data.load("sites")
    named = frame[
        frame.drop(columns=["evidence"])
        .astype("string")
        .fillna("")
        .apply(lambda column: column.str.lower().str.contains("groin"))
        .any(axis=1)
    ]
    assert sorted(_visible_rows(page)) == sorted(named["id"])
    assert len(named) < len(frame[frame["evidence"].str.contains("groin")])


def test_the_header_lines_up_with_the_table(site: Path, wide: Watched) -> None:
    page = wide.open(site, "table-associations.html")
    brand = page.locator(".site-header .brand").bounding_box()
    table = page.locator(".table-wrap").bounding_box()
    assert brand is not None
    assert table is not None
    assert abs(brand["x"] - table["x"]) <= 2


def test_the_brief_names_the_diagnosis_and_every_associated_condition(site: Path, wide: Watched) -> None:
    page = wide.open(site, "index.html")
    brief = page.locator("dl.brief").inner_text()
    assert "How it is diagnosed" in brief
    assert "histopathology" in brief
    names = {row["id"]: row["name"] for row in rows_of(ROOT, "conditions")}
    for row in rows_of(ROOT, "associations"):
        for column in ("subject_id", "object_id"):
            if row[column] != "nme":
                assert names[row[column]] in brief, names[row[column]]
    assert "Necrolytic migratory erythema (NME)" in page.locator("#summary-h").inner_text()
