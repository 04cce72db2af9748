"""One-line joins to ontology identifiers (`xrefs`, `with_xrefs`) and `tables()` as a DataFrame."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter

import pandas as pd
import pytest

import nme_data
from conftest import ROOT
from nme_data.frames.joins import XREF_COLUMNS

with (ROOT / "data" / "mappings.csv").open(encoding="utf-8", newline="") as handle:
    MAPPINGS = list(csv.DictReader(handle))
#: (table, system) pairs that the mappings actually use
PAIRS = sorted({(m["subject_table"], m["object_source"]) for m in MAPPINGS})


def expected_rows(table: str, system: str | None = None, predicates: set[str] | None = None) -> Counter:
    """(row id, object id) pairs the join must give, computed from the CSV with the csv module."""
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as rows:
        ids = [row["id"] for row in csv.DictReader(rows)]
    matched = {
        (m["subject_id"], m["object_id"])
        for m in MAPPINGS
        if m["subject_table"] == table
        and (system is None or m["object_source"] == system)
        and (predicates is None or m["predicate_id"] in predicates)
    }
    subjects = {subject for subject, _ in matched}
    pairs = Counter(matched)
    pairs.update((row_id, None) for row_id in ids if row_id not in subjects)
    return pairs


def pairs_of(frame: pd.DataFrame, key: str = "id") -> Counter:
    return Counter((row[key], None if pd.isna(row["xref_id"]) else row["xref_id"]) for row in frame.to_dict("records"))


@pytest.mark.parametrize(("table", "system"), PAIRS)
def test_one_row_per_mapping_and_one_per_unmapped_row(table: str, system: str) -> None:
    joined = nme_data.xrefs(table, system=system)
    assert pairs_of(joined) == expected_rows(table, system)
    assert set(joined["xref_source"].dropna()) <= {system}
    assert list(joined.columns) == [*nme_data.load(table).columns, *XREF_COLUMNS]


def test_a_row_with_two_mappings_appears_twice() -> None:
    counts = Counter((m["subject_table"], m["subject_id"], m["object_source"]) for m in MAPPINGS)
    (table, subject, system), n = counts.most_common(1)[0]
    assert n >= 2, "the data has a row with two mappings in one system"
    joined = nme_data.xrefs(table, system=system)
    assert (joined["id"] == subject).sum() == n


def test_predicates_keep_exact_matches_only() -> None:
    exact = nme_data.xrefs("clinical_features", system="HP", predicates=["skos:exactMatch"])
    assert set(exact["xref_predicate"].dropna()) == {"skos:exactMatch"}
    assert pairs_of(exact) == expected_rows("clinical_features", "HP", {"skos:exactMatch"})
    everything = nme_data.xrefs("clinical_features", system="HP")
    assert set(everything["xref_predicate"].dropna()) > {"skos:exactMatch"}


def test_inner_join_drops_unmapped_rows() -> None:
    joined = nme_data.xrefs("conditions", system="MONDO", how="inner")
    assert joined["xref_id"].notna().all()
    assert pairs_of(joined) == Counter({k: v for k, v in expected_rows("conditions", "MONDO").items() if k[1]})


def test_with_xrefs_joins_on_another_column() -> None:
    associations = nme_data.load("associations")
    joined = nme_data.with_xrefs(associations, "conditions", system="MONDO", on="object_id")
    mondo = {m["subject_id"]: m["object_id"] for m in MAPPINGS if m["object_source"] == "MONDO"}
    for row in joined.to_dict("records"):
        assert (None if pd.isna(row["xref_id"]) else row["xref_id"]) == mondo.get(row["object_id"])
    assert len(joined) == len(associations)  # one MONDO id per condition at most
    assert joined["xref_id"].dtype == associations["object_id"].dtype  # pandas' own string dtype, no object


def test_every_system_and_several_at_once() -> None:
    both = nme_data.xrefs("conditions", system=["MONDO", "ICD10WHO"])
    assert set(both["xref_source"].dropna()) == {"MONDO", "ICD10WHO"}
    assert len(nme_data.xrefs("conditions")) == sum(expected_rows("conditions").values())


@pytest.mark.parametrize("spelling", ["HP", "hp", "HPO", "hpo"])
def test_system_spellings(spelling: str) -> None:
    assert set(nme_data.xrefs("clinical_features", system=spelling)["xref_source"].dropna()) == {"HP"}


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nme_data.xrefs("conditions", system="SNOMED"), ValueError, "unknown system 'SNOMED'; valid:"),
        (lambda: nme_data.xrefs("conditions", predicates=["exact"]), ValueError, "unknown predicate 'exact'"),
        (lambda: nme_data.xrefs("nope"), nme_data.UnknownTableError, "nope"),
        (lambda: nme_data.xrefs("sources"), ValueError, "no mapping can point at rows of 'sources'"),
        (lambda: nme_data.xrefs("conditions", how="outer"), ValueError, "how must be"),
        (
            lambda: nme_data.with_xrefs(nme_data.load("associations"), "conditions"),
            ValueError,
            "column 'id' holds values that are not ids of 'conditions'",
        ),
        (
            lambda: nme_data.with_xrefs(nme_data.xrefs("conditions"), "conditions"),
            ValueError,
            "already has",
        ),
        (
            lambda: nme_data.with_xrefs(nme_data.load("sites"), "conditions", on="no_such_column"),
            ValueError,
            "no column 'no_such_column'",
        ),
    ],
    ids=["system", "predicate", "table", "unmappable-table", "how", "wrong-key", "clash", "missing-key"],
)
def test_clear_errors(call, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_tables_prints_compactly_and_converts_to_a_frame() -> None:
    listing = nme_data.tables()
    text = repr(listing)
    lines = text.splitlines()
    assert len(lines) == len(listing) + 1
    for info, line in zip(listing, lines[1:], strict=True):
        assert line.split()[:2] == [info.name, str(info.rows)]
    assert "TableInfo(" not in text
    frame = listing.to_frame()
    assert list(frame.index) == nme_data.table_names()
    assert frame.loc["sites", "rows"] == len(nme_data.load("sites"))
    assert frame.loc["sites", "path"] == str(nme_data.table_path("sites"))
    assert isinstance(listing, list)
    assert listing[0] == nme_data.TableInfo(**{**frame.reset_index().iloc[0].to_dict(), "path": listing[0].path})


def test_tables_listing_needs_no_pandas() -> None:
    probe = "import sys, nme_data; repr(nme_data.tables()); print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(("table", "system"), PAIRS)
def test_the_mapping_comment_and_justification_come_along(table: str, system: str) -> None:
    joined = nme_data.xrefs(table, system=system, how="inner")
    by_pair = {(m["subject_id"], m["object_id"]): m for m in MAPPINGS if m["subject_table"] == table}
    for _, row in joined.iterrows():
        mapping = by_pair[(row["id"], row["xref_id"])]
        assert row["xref_justification"] == mapping["mapping_justification"]
        assert (row["xref_comment"] if pd.notna(row["xref_comment"]) else "") == mapping["comment"]
