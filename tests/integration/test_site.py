"""The static site without a browser: what it writes, byte for byte, and what it refuses."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, read_rows, tree_hashes, write_rows
from nme_data.cli import main
from nme_data.site import InvalidPackageError, SiteError, build_site
from nme_data.site.quotes import RowRef, highlights, locate
from site_support import broken_links, evidence_rows, quoted_runs, rows_of

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("site")

#: The whole site, every page, download and export included: small enough to mail or host anywhere. Data 2.1's
#: evidence_anchors table (its page, CSV, SQLite and zip share: about 115 KB) moved it from 1 MB to 1.25 MB.
SIZE_LIMIT = 1_250_000
MARKUP = '<img src=x onerror=alert(1)><script>alert("x")</script>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(None, tmp_path_factory.mktemp("site") / "out")


def _set_cell(root: Path, table: str, key: str, column: str, value: str) -> None:
    path = root / "data" / f"{table}.csv"
    rows = read_rows(path)
    header = rows[0]
    [row] = [r for r in rows[1:] if r[header.index("id")] == key]
    row[header.index(column)] = value
    write_rows(path, rows)


# --- quotes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence", "spans"),
    [
        ("a b a c", "a", [(0, 1)]),
        ("a b a c", "b [...] a", [(2, 3), (4, 5)]),  # the part after an ellipsis is searched after the first
        ("x y z", "z [...] x", [(4, 5), (0, 1)]),  # out of order: first occurrence
        ("x y z", " [...] y", [(2, 3)]),  # blank parts locate nothing
        ("x y z", "q", []),
    ],
)
def test_locate(text: str, evidence: str, spans: list[tuple[int, int]]) -> None:
    assert locate(text, evidence) == spans


def test_overlapping_and_touching_spans_merge_into_one_highlight_with_every_row() -> None:
    text = "one two three. four"
    a, b, c, d = (RowRef("t", key) for key in "abcd")
    marks, first = highlights(text, [(a, "one two"), (b, "two three"), (c, "."), (d, "four")])
    assert [(m.start, m.end, m.rows) for m in marks] == [(0, 14, [a, b, c]), (15, 19, [d])]
    assert first == {a: 1, b: 1, c: 1, d: 2}


# --- the build ----------------------------------------------------------------------------------------


def test_pages_for_every_table_and_the_package_files(site: Path) -> None:
    import nme_data

    for name in nme_data.table_names():
        assert (site / f"table-{name}.html").is_file()
        info = next(t for t in nme_data.tables() if t.name == name)
        assert (site / "data" / f"{name}.csv").read_bytes() == info.path.read_bytes()
    assert (site / "datapackage.json").read_bytes() == (ROOT / "datapackage.json").read_bytes()
    for name in ("index.html", "article-wikipedia-nme.html", "static/site.css", "static/site.js"):
        assert (site / name).is_file()
    assert sorted(p.name for p in (site / "exports").iterdir() if p.is_file()) == [
        f"nme-data-{nme_data.descriptor()['version']}.zip",
        "nme-data.sqlite",
    ]


def test_the_site_is_itself_a_valid_package_copy(site: Path) -> None:
    from nme_data import validate

    assert validate(site).valid


def test_every_local_link_and_anchor_resolves(site: Path) -> None:
    assert broken_links(site) == []


def test_every_download_on_the_fact_sheet_exists(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in ("datapackage.json", "data/sites.csv", "CITATION.cff", "LICENSE-DATA", "exports/nme-data.sqlite"):
        assert f'href="{name}" download' in index


def test_size_is_under_the_limit(site: Path) -> None:
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    assert total < SIZE_LIMIT, f"{total} bytes"


def test_same_input_same_bytes(site: Path, tmp_path: Path) -> None:
    again = build_site(None, tmp_path / "again")
    assert tree_hashes(again) == tree_hashes(site)


def test_highlights_in_the_html_match_the_quoted_runs(site: Path) -> None:
    text = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
    runs = quoted_runs(text, evidence_rows(ROOT))
    page = (site / "article-wikipedia-nme.html").read_text(encoding="utf-8")
    assert page.count('<mark class="quote" id="q-') == len(runs)
    assert f'id="q-{len(runs)}"' in page
    assert f'id="q-{len(runs) + 1}"' not in page


def test_each_fact_row_links_to_its_quote(site: Path) -> None:
    page = (site / "table-sites.html").read_text(encoding="utf-8")
    assert page.count('class="to-quote" href="article-wikipedia-nme.html#q-') == len(rows_of(ROOT, "sites"))


def test_foreign_keys_and_identifiers_are_links(site: Path) -> None:
    sites = (site / "table-sites.html").read_text(encoding="utf-8")
    # a reference shows the name of the row it names, its code on hover
    assert '<a href="table-conditions.html#row-nme" title="nme">Necrolytic migratory erythema</a>' in sites
    mappings = (site / "table-mappings.html").read_text(encoding="utf-8")
    assert 'href="https://hpo.jax.org/browse/term/HP:0008066"' in mappings
    assert 'href="table-clinical_features.html#row-blistering"' in mappings


# --- bad input -----------------------------------------------------------------------------------------


def test_markup_in_a_cell_is_escaped(package_copy: Path, tmp_path: Path) -> None:
    _set_cell(package_copy, "conditions", "nme", "name", MARKUP)  # no quote must name nme (nme:namesRow)
    from nme_data import validate

    assert validate(package_copy).valid, "the test needs a copy the validator accepts"
    out = build_site(package_copy, tmp_path / "site")
    escaped = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    for page in ("table-conditions.html", "index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert escaped in text
        assert "<script>alert" not in text
        assert "<img" not in text


def _invent_a_quote(root: Path) -> str:
    _set_cell(root, "sites", "intro-distal-extremities", "evidence", "an invented quote")
    return "evidence-not-verbatim"


def _break_the_descriptor(root: Path) -> str:
    (root / "datapackage.json").write_text('{"name": "nme-data", "resources": [', encoding="utf-8")
    return "datapackage.json"


@pytest.mark.parametrize("damage", [_invent_a_quote, _break_the_descriptor])
@pytest.mark.parametrize("how", ["library", "cli"])
def test_an_invalid_copy_is_refused_with_the_report_and_nothing_is_written(
    package_copy: Path, tmp_path: Path, how: str, damage: Callable[[Path], str]
) -> None:
    expected = damage(package_copy)
    out = tmp_path / "out" / "site"
    if how == "library":
        with pytest.raises(InvalidPackageError) as caught:
            build_site(package_copy, out)
        assert expected in caught.value.report.to_text()
    else:
        result = CliRunner().invoke(main, ["site", str(package_copy), "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert expected in result.stderr
        assert "Traceback" not in result.output
        assert "no site written" in result.stderr
    assert not out.exists()
    assert not out.parent.exists()


def test_a_foreign_directory_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["site", "--out", str(out)])
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_failed_rebuild_leaves_the_previous_site_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = build_site(None, tmp_path / "site")
    before = tree_hashes(out)
    from nme_data.site import build

    real_render = build.render

    def render_then_fail(data: object, target: Path) -> None:
        real_render(data, target)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "render", render_then_fail)
    with pytest.raises(SiteError, match="No space left"):
        build_site(None, out)
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary directory left behind


def test_cli_writes_the_site_and_says_where(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["site", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {tmp_path / 's' / 'index.html'}"
    digest = hashlib.sha256((tmp_path / "s" / "index.html").read_bytes()).hexdigest()
    assert digest == hashlib.sha256(build_site(None, tmp_path / "t").joinpath("index.html").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("HP:0008066", "https://hpo.jax.org/browse/term/HP:0008066"),
        ("MONDO:0007452", "https://monarchinitiative.org/MONDO:0007452"),
        ("ICD10WHO:L53.8", "https://icd.who.int/browse10/2019/en#/L53.8"),
        ("MESH:D005934", "https://meshb.nlm.nih.gov/record/ui?ui=D005934"),
        ("HP:8066", None),  # not a well-formed identifier of its system
        ("XX:123", None),  # a system without a browser
        ("https://en.wikipedia.org/wiki/Necrolytic_migratory_erythema", None),
    ],
)
def test_identifiers_link_to_their_browsers(value: str, url: str | None) -> None:
    from nme_data.site.links import browser_url

    assert browser_url(value) == url


@pytest.mark.parametrize(
    ("value", "linked"),
    [("https://example.org/a", True), ("javascript:alert(1)", False), ("https://a b", False), ("http://x/'", False)],
)
def test_only_plain_web_addresses_become_links(value: str, linked: bool) -> None:
    from nme_data.site.links import web_url

    assert (web_url(value) is not None) is linked


@pytest.mark.parametrize(
    ("text", "slug"), [("nme", "nme"), ("a_b", "a_b"), ("a b", "a~20b"), ("~", "~7e"), ("é", "~c3~a9")]
)
def test_anchors_are_safe_and_distinct(text: str, slug: str) -> None:
    from nme_data.site.links import slug as make_slug

    assert make_slug(text) == slug


# --- the fact sheet ---------------------------------------------------------------------------------------


def _expected_site_counts() -> Counter[tuple[str, str]]:
    """Distinct sites per (body region, strongest prominence), from the library's own view."""
    from nme_data.frames.views import distinct_sites

    view = distinct_sites()
    return Counter(zip(view["body_region"].astype(str), view["prominence"].astype(str), strict=True))


def test_the_sites_figure_counts_each_site_once_at_its_strongest(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    figure = index[index.index('<svg xmlns="http://www.w3.org/2000/svg" class="figure"') :]
    figure = figure[: figure.index("</svg>")]
    drawn = Counter()
    for region, count, level in re.findall(r"<rect [^>]*><title>([^:<]+): (\d+) ([^<]+)</title></rect>", figure):
        drawn[(region.replace(" ", "_"), level.replace(" ", "_"))] = int(count)
    assert drawn == _expected_site_counts()


@pytest.mark.parametrize("table", ["associations", "causes", "histology", "management", "history"])
def test_the_fact_sheet_states_every_row_with_links_to_it_and_its_quote(site: Path, table: str) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for row in rows_of(ROOT, table):
        assert f'href="table-{table}.html#row-{row["id"]}"' in index, row["id"]
        assert f'aria-label="quote of {table} {row["id"]}"' in index, row["id"]


def test_croissant_json_ld_is_embedded_and_no_text_can_end_its_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import nme_data.export as export

    document = {"@type": "sc:Dataset", "name": "a </script><script>alert(1)</script> & <!-- b"}
    monkeypatch.setattr(export, "croissant_metadata", lambda package: document, raising=False)
    index = (build_site(None, tmp_path / "site") / "index.html").read_text(encoding="utf-8")
    [embedded] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', index, flags=re.DOTALL)
    assert json.loads(embedded) == document
    assert index.count("<script") == 2  # the JSON-LD and static/site.js, nothing injected


# --- what a reader sees first ------------------------------------------------------------------------------


def test_the_fact_sheet_opens_with_the_clinical_summary_and_counts_come_later(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    summary, first_section, tables = (index.index(marker) for marker in ('id="summary"', 'id="where"', 'id="tables"'))
    assert summary < first_section < tables < index.index('class="glance"')
    brief = index[summary:first_section]
    labels = re.findall(r"<dt>([^<]+)</dt>", brief)
    assert labels == [
        "What it is",
        "Where it appears",
        "What it goes with",
        "How it is diagnosed",
        "Treatment and what to expect",
        "What is not known",
    ]


@pytest.mark.parametrize("table", ["sites", "associations", "clinical_features", "causes", "histology", "management"])
def test_every_fact_is_said_as_its_sentence(site: Path, table: str) -> None:
    import html

    from nme_data.frames.statements import statements

    index = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    name = next(r["name"] for r in rows_of(ROOT, "conditions") if r["id"] == "nme")
    for row, sentence in zip(rows_of(ROOT, table), statements(table), strict=True):
        assert sentence.replace(name, "NME") in index, f"{table}/{row['id']}"


def test_tags_say_only_qualifiers_and_a_list_once(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    tags = re.findall(r'<span class="tag[^"]*">([^<]+)</span>', index)
    assert "stated" not in tags
    assert not any(tag.endswith("stated") for tag in tags)
    assert "at most" not in index
    # an open list is said once per list, not on each of its items
    assert tags.count("non-exhaustive list") < len(
        [r for r in rows_of(ROOT, "associations") if r["open_list"] == "true"]
    )


def test_facets_only_for_columns_with_two_values_or_more(site: Path) -> None:
    histology = (site / "table-histology.html").read_text(encoding="utf-8")
    assert 'data-facet="layer"' in histology
    for single in ("specificity", "pattern", "severity"):  # one value in every row that has one
        assert f'data-facet="{single}"' not in histology
    sites = (site / "table-sites.html").read_text(encoding="utf-8")
    assert '<legend title="prominence">prominence</legend>' in sites
    assert (
        '<label title="less_common"><input type="checkbox" name="prominence" value="less_common"> less common' in sites
    )


def test_hover_cards_are_sentences(site: Path) -> None:
    page = (site / "article-wikipedia-nme.html").read_text(encoding="utf-8")
    says = re.findall(r'<span class="tip-says">([^<]*)</span>', page)
    assert len(says) >= len(evidence_rows(ROOT))
    assert all(text.endswith(".") for text in says)
    assert "Pseudoglucagonoma syndrome may occur in Celiac disease." in says
    assert '<aside class="cited"' in page


def _brief(site: Path) -> str:
    import html

    index = (site / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", index[index.index('id="summary"') : index.index('id="where"')]))


def test_the_brief_names_every_condition_the_associations_name_hedged_where_the_article_hedges(site: Path) -> None:
    brief = _brief(site)
    names = {r["id"]: r["name"] for r in rows_of(ROOT, "conditions")}
    main = "nme"
    for row in rows_of(ROOT, "associations"):
        for column in ("subject_id", "object_id"):
            if row[column] != main:
                assert names[row[column]] in brief, (row["id"], names[row[column]])
    for sentence in re.findall(r"[^.]*may occur in[^.]*\.[^\n]*", brief):
        assert "hedged" in sentence, sentence
    assert "may be termed" in brief


def test_the_brief_says_how_it_is_diagnosed_treated_and_what_is_unknown(site: Path) -> None:
    brief = _brief(site)
    diagnosis = brief.split("How it is diagnosed", 1)[1].split("Treatment and what to expect", 1)[0]
    assert "histopathology" in diagnosis
    characteristic = [r for r in rows_of(ROOT, "histology") if r["most_characteristic"] == "true"]
    assert characteristic
    assert all(r["finding"].lower() in diagnosis.lower() for r in characteristic)
    treatment = brief.split("Treatment and what to expect", 1)[1].split("What is not known", 1)[0]
    assert all(r["intervention"] in treatment for r in rows_of(ROOT, "management"))
    assert "unknown" in brief.split("What is not known", 1)[1]


def test_nme_after_the_first_mention(site: Path) -> None:
    import html

    index = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    main = index[index.index("<main") : index.index('id="tables"')]
    text = re.sub(r"<[^>]+>", "", main)
    name = next(r["name"] for r in rows_of(ROOT, "conditions") if r["id"] == "nme")
    assert f"{name} (NME)" in text
    quoted = sum(1 for table, _, evidence in evidence_rows(ROOT) if name in evidence)
    assert text.count(name) <= 3 + quoted, "the title, the description, the brief's heading and quotes only"
    assert text.count("NME") > 20


def test_headings_are_sentence_case_in_words(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>.*", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", index)]
    assert headings
    for heading in headings:
        assert "unspecified" not in heading.lower()
        assert "_" not in heading
        assert heading[0].isupper(), heading
        words = heading.split()
        if len(words) >= 3:
            assert not all(w[0].isupper() for w in words if w.isalpha()), f"Title Case: {heading}"
    assert "text-transform: capitalize" not in (site / "static" / "site.css").read_text(encoding="utf-8")


def test_no_row_is_listed_twice_below_the_brief(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    body = index[index.index('id="where"') : index.index('id="tables"')]
    links = Counter(re.findall(r'href="(table-[a-z_]+\.html#row-[^"]+)" aria-label="row', body))
    assert links
    assert [link for link, count in links.items() if count > 1 and "sites" not in link] == []
