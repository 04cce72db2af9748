"""The linear-time sentence search (nme_data.text.sentences): the same answers as the quadratic definitions,
and budgets that refuse a hostile revision early (speed itself is measured by scripts/bench.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import nme_data
from conftest import ROOT
from nme_data.cli import main
from nme_data.curate.reground import MAX_SENTENCES
from nme_data.text.sentences import (
    WINDOW_CHARS,
    SentenceIndex,
    covered,
    is_quoted,
    nearest,
    quote_parts,
    similarity_label,
    split_sentences,
)

SNAPSHOT = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
SENTENCES = [s.text for s in split_sentences(SNAPSHOT)]
QUOTES = sorted(
    {
        part
        for table in nme_data.table_names()
        if "evidence" in (frame := nme_data.load(table)).columns
        for evidence in frame["evidence"]
        for part in quote_parts(str(evidence))
    }
)

_TEXT = st.text(alphabet="ab .c\u00e9\n", max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=8), st.lists(_TEXT, max_size=6))
def test_covered_is_is_quoted(sentences: list[str], quotes: list[str]) -> None:
    assert covered(sentences, quotes) == [is_quoted(s, quotes) for s in sentences]


def test_covered_on_the_article() -> None:
    assert covered(SENTENCES, QUOTES) == [is_quoted(s, QUOTES) for s in SENTENCES]


@pytest.mark.parametrize("quote", QUOTES[:: max(len(QUOTES) // 25, 1)])
def test_the_index_finds_what_the_full_search_finds(quote: str) -> None:
    """Each quote with one word changed: the index's nearest sentence is the full search's."""
    words = quote.split()
    longest = max(words, key=len)
    broken = quote.replace(longest, longest[::-1] + "x", 1)
    expected = nearest(broken, SENTENCES)
    for index in (SentenceIndex(SENTENCES), SentenceIndex(SENTENCES, quotes=[broken])):
        assert index.nearest(broken) == expected


def test_a_long_sentence_is_searched_in_windows() -> None:
    quote = next(s for s in SENTENCES if len(s.split()) >= 12 and len(s) <= WINDOW_CHARS // 2)
    huge = "lorem ipsum dolor " * 10_000 + quote.replace(quote.split()[-1], "changed") + " sit amet" * 1000
    found = SentenceIndex([huge], quotes=[quote]).nearest(quote)
    assert found is not None
    assert len(found[0]) <= WINDOW_CHARS


@pytest.mark.parametrize(
    ("share", "identical", "label"), [(0.996, False, "99%"), (1.0, False, "99%"), (1.0, True, "100%")]
)
def test_a_changed_sentence_is_never_100_percent(share: float, identical: bool, label: str) -> None:
    assert similarity_label(share, identical) == label


def test_a_revision_with_too_many_sentences_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "revision.txt"
    path.write_text(SNAPSHOT + "Ab. " * (MAX_SENTENCES + 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(path)])
    assert result.exit_code == 1
    assert f"more than {MAX_SENTENCES} sentences" in result.output
    assert "Traceback" not in result.output


def test_a_100000_character_sentence_is_answered_with_the_nearest_window(tmp_path: Path) -> None:
    """The case that hung `reground` (44-52 s): a broken quote beside one 100,000-character sentence."""
    changed = SNAPSHOT.replace("typically", "usually", 1)
    assert changed != SNAPSHOT
    filler = " ".join(["lorem", "ipsum", "resolves", "rash"] * 25_000)[:100_000]
    path = tmp_path / "revision.txt"
    path.write_text(changed + "\n" + filler + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    broken = json.loads(result.stdout)["broken_quotes"]
    assert any("typically" in b["quote"] for b in broken)
    assert all("'typically' -> 'usually'" in b["difference"] for b in broken if "typically" in b["quote"])
