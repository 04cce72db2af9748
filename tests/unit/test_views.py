"""nme_data.views: distinct sites are one row per anatomical site, with the strongest stated prominence."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import nme_data
from nme_data.frames.views import distinct_sites


def test_one_row_per_anatomical_site_that_a_statement_names() -> None:
    view = distinct_sites()
    sites = nme_data.load("sites")
    assert list(view.columns) == [
        "anatomical_site_id",
        "name",
        "body_region",
        "parent_id",
        "prominence",
        "statements",
        "strongest_statement_ids",
    ]
    assert view["anatomical_site_id"].is_unique
    assert set(view["anatomical_site_id"]) == set(sites["anatomical_site_id"])
    assert view["statements"].sum() == len(sites)


@pytest.mark.parametrize(
    ("site", "prominence", "strongest"),
    [
        # "skin around the mouth" (particularly, introduction) and "skin surrounding the lips" (commonly): one site
        ("perioral-skin", "characteristic", "intro-perioral-skin"),
        ("distal-extremities", "characteristic", "intro-distal-extremities"),
        ("limbs", "common", "features-limbs"),
        ("buttocks", "less_common", "intro-buttocks;features-buttocks"),
        ("thighs", "less_common", "features-thighs"),
    ],
)
def test_strongest_prominence_per_site(site: str, prominence: str, strongest: str) -> None:
    row = distinct_sites().set_index("anatomical_site_id").loc[site]
    assert row["prominence"] == prominence
    assert row["strongest_statement_ids"] == strongest


def test_prominence_is_not_inherited_along_parent() -> None:
    """The thighs are part of the limbs (common), yet the article gives the thighs only less_common."""
    view = distinct_sites().set_index("anatomical_site_id")
    assert view.loc["thighs", "parent_id"] == "limbs"
    rank = view["prominence"].cat.codes
    assert rank["thighs"] < rank["limbs"]


def test_sorted_strongest_first_and_prominence_stays_ordered() -> None:
    view = distinct_sites()
    assert view["prominence"].cat.ordered
    ranks = list(view["prominence"].cat.codes)
    assert ranks == sorted(ranks, reverse=True)


def test_reads_the_copy_it_is_given(edit_cell: Callable[[str, int, str, str], Path]) -> None:
    # Row 11 is features-thighs: make it characteristic in a copy; the bundled package is untouched.
    # the cue rules refuse this edit (its quote says "less commonly"): the view, not the verdict, is under test
    copy = edit_cell("sites", 12, "prominence", "characteristic")
    with pytest.raises(nme_data.InvalidPackageError):
        distinct_sites(copy)
    assert (
        distinct_sites(copy, validate=False).set_index("anatomical_site_id").loc["thighs", "prominence"]
        == "characteristic"
    )
    assert distinct_sites().set_index("anatomical_site_id").loc["thighs", "prominence"] == "less_common"


def test_importing_views_loads_no_pandas() -> None:
    code = "import sys, nme_data.frames.views; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("certainty", ["stated", "hedged", ["stated", "hedged"]])
def test_certainty_keeps_only_those_statements(certainty: str | list[str]) -> None:
    wanted = [certainty] if isinstance(certainty, str) else certainty
    sites = nme_data.load("sites")
    chosen = sites[sites["certainty"].isin(wanted)]
    view = distinct_sites(certainty=certainty).set_index("anatomical_site_id")
    assert set(view.index) == set(chosen["anatomical_site_id"])
    assert view["statements"].sum() == len(chosen)
    for site, group in chosen.groupby("anatomical_site_id", observed=True):
        assert view.loc[site, "prominence"] == group["prominence"].max()
        strongest = group[group["prominence"] == group["prominence"].max()]["id"]
        assert view.loc[site, "strongest_statement_ids"] == ";".join(strongest)


def test_stated_only_drops_the_sites_the_article_only_hedges() -> None:
    everything = set(distinct_sites()["anatomical_site_id"])
    stated = set(distinct_sites(certainty="stated")["anatomical_site_id"])
    assert stated < everything
    assert "groin" in everything - stated  # "may also be found on the [...] groin"


def test_an_unknown_certainty_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown certainty \['sure'\]; valid: \['stated', 'hedged'"):
        distinct_sites(certainty="sure")
