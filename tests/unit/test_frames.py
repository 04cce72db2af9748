"""pandas-native dtypes, typed new rows (`frame`) and explicit ranks (`rank`, `at_least`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import nme_data
from nme_data.frames import RecordError, order
from nme_data.package.dtypes import string_dtype

TABLES = nme_data.table_names()
NEW_SITE = {
    "id": "new-site",
    "condition_id": "nme",
    "site": "ears",
    "anatomical_site_id": "perioral-skin",
    "prominence": "characteristic",
    "section": "introduction",
}


def test_text_uses_the_string_dtype_pandas_infers() -> None:
    """A user's own frame of text gets the same dtype, so a merge on a text key keeps it."""
    sites = nme_data.load("sites")
    mine = pd.DataFrame({"site": list(sites["site"][:2]), "note": ["a", "b"]})
    assert sites["site"].dtype == string_dtype()
    if not isinstance(mine["site"].dtype, pd.StringDtype):  # pandas 2 infers object; we keep `string` there
        assert sites["site"].dtype == pd.StringDtype()
        return
    assert sites["site"].dtype == mine["site"].dtype  # pandas 3 (or pandas 2 with infer_string on)
    merged = sites.merge(mine, on="site", how="outer")
    assert merged["site"].dtype == sites["site"].dtype


def test_missing_markers_by_kind_of_column() -> None:
    """What the loader documents: NaN for text (pandas 3) and categoricals, <NA> for nullable numbers and flags."""
    organ = nme_data.load("conditions")["organ"]
    assert organ.isna().any()
    assert organ[organ.isna()].iloc[0] is organ.dtype.na_value
    if pd.api.types.pandas_dtype("str") == string_dtype():  # pandas 3: one marker, NaN, for text and enums
        assert math.isnan(organ.dtype.na_value)
    frequency = nme_data.load("clinical_features")["frequency"]
    assert isinstance(frequency.dtype, pd.CategoricalDtype)
    assert frequency.isna().any()
    assert all(value is np.nan or math.isnan(value) for value in frequency[frequency.isna()].tolist())
    characteristic = nme_data.load("clinical_features")["characteristic"]
    assert characteristic[characteristic.isna()].iloc[0] is pd.NA
    year = nme_data.frame("history", [{"id": "x"}])["year"]
    assert str(year.dtype) == "Int64"
    assert year.iloc[0] is pd.NA


def test_fillna_on_an_enum_refuses_a_new_label_and_the_documented_ways_work() -> None:
    frequency = nme_data.load("clinical_features")["frequency"]
    with pytest.raises(TypeError, match="new category"):
        frequency.fillna("unknown")
    added = frequency.cat.add_categories("unknown").fillna("unknown")
    filled_ways = [added]
    if isinstance(pd.api.types.pandas_dtype("str"), pd.StringDtype):  # pandas 2's astype("str") writes "nan"
        filled_ways.append(frequency.astype("str").fillna("unknown"))
    for filled in filled_ways:
        assert filled.notna().all()
        assert (filled == "unknown").sum() == frequency.isna().sum()
    assert "frequency.cat.add_categories" in nme_data.frames.__doc__.replace("column.cat", "frequency.cat")


@pytest.mark.parametrize("table", TABLES)
def test_frame_of_loaded_rows_round_trips(table: str) -> None:
    """frame() gives exactly the loader's columns and dtypes, whether given a frame, records or nothing."""
    loaded = nme_data.load(table)
    pd.testing.assert_frame_equal(nme_data.frame(table, loaded), loaded)
    records = [{k: v for k, v in row.items() if not pd.isna(v)} for row in loaded.to_dict("records")]
    pd.testing.assert_frame_equal(nme_data.frame(table, records), loaded)
    empty = nme_data.frame(table)
    assert list(empty.columns) == list(loaded.columns)
    assert empty.dtypes.to_dict() == loaded.dtypes.to_dict()


@pytest.mark.parametrize("typed", [True, False], ids=["with-frame", "plain-records"])
def test_concat_keeps_the_order_only_with_frame(typed: bool) -> None:
    sites = nme_data.load("sites")
    new = nme_data.frame("sites", [NEW_SITE]) if typed else pd.DataFrame([NEW_SITE])
    combined = pd.concat([sites, new], ignore_index=True)
    expected = int(sites["prominence"].isin(["common", "characteristic"]).sum()) + 1
    # the safe comparison gives the right answer either way
    assert nme_data.at_least(combined["prominence"], "common").sum() == expected
    assert (nme_data.rank(combined["prominence"]) >= 1).sum() == expected
    if typed:
        assert combined["prominence"].dtype == sites["prominence"].dtype
        assert combined["section"].dtype == sites["section"].dtype
        assert (combined["prominence"] >= "common").sum() == expected
    else:
        # the trap the README no longer shows: the column is text now and >= compares alphabetically
        assert not isinstance(combined["prominence"].dtype, pd.CategoricalDtype)
        assert (combined["prominence"] >= "common").sum() != expected


def test_frame_accepts_columns_and_fills_missing_fields() -> None:
    new = nme_data.frame("sites", {"id": ["a", "b"], "prominence": ["common", None]})
    assert new["id"].tolist() == ["a", "b"]
    assert new["prominence"].iloc[1] is np.nan or pd.isna(new["prominence"].iloc[1])
    assert new["site"].isna().all()
    assert new.dtypes.to_dict() == nme_data.load("sites").dtypes.to_dict()


@pytest.mark.parametrize(
    ("table", "record", "field"),
    [
        ("sites", {"prominence": "often"}, "prominence"),
        ("sites", {"site": 3}, "site"),
        ("history", {"year": 1942.5}, "year"),
        ("history", {"year": "nineteen"}, "year"),
        ("associations", {"frequency_min_percent": "seventy"}, "frequency_min_percent"),
        ("clinical_features", {"characteristic": "yes"}, "characteristic"),
    ],
)
def test_frame_refuses_values_its_field_cannot_hold(table: str, record: dict, field: str) -> None:
    with pytest.raises(RecordError, match=rf"{table}: record 1, field '{field}'"):
        nme_data.frame(table, [{"id": "fine"}, {"id": "bad", **record}])


def test_frame_refuses_unknown_columns() -> None:
    with pytest.raises(ValueError, match=r"sites has no column\(s\) \['prominance'\]"):
        nme_data.frame("sites", [{"id": "x", "prominance": "common"}])


def test_rank_sorts_by_the_declared_order() -> None:
    sites = nme_data.load("sites")
    levels = order("sites", "prominence")
    ranked = sites.sort_values("prominence", key=nme_data.rank)["prominence"].tolist()
    assert ranked == sorted(ranked, key=levels.index)
    as_text = sites["prominence"].astype("str")
    assert nme_data.rank(as_text).tolist() == nme_data.rank(sites["prominence"]).tolist()
    assert str(nme_data.rank(as_text).dtype) == "Int64"


def test_rank_keeps_missing_values_missing() -> None:
    values = pd.Series(["common", None, "less_common"], name="prominence")
    assert nme_data.rank(values).tolist() == [1, pd.NA, 0]
    assert nme_data.at_least(values, "common").tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nme_data.rank(pd.Series(["common", "often"], name="prominence")), r"\['often'\] not in"),
        (lambda: nme_data.at_least(nme_data.load("sites")["prominence"], "comon"), "threshold 'comon'"),
        (lambda: nme_data.rank(pd.Series(["a"], name="no_such_field")), "no ordered enum is called"),
        (lambda: nme_data.rank(pd.Series(["stated"]), table="sites", field="certainty"), "has no declared order"),
        (lambda: nme_data.rank(pd.Series(["x"], name="x"), table="sites"), "sites has no field 'x'"),
    ],
    ids=["value-outside", "threshold-outside", "unknown-name", "unordered-enum", "unknown-field"],
)
def test_rank_refuses_what_it_cannot_order(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_readme_shows_the_safe_comparison() -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'sites["prominence"] >= "common"' not in readme
    assert 'nme_data.at_least(sites["prominence"], "common")' in readme


def test_arrow_text_is_handed_over_without_a_copy() -> None:
    """pyarrow's large_string column becomes pandas' arrow-backed str as is (pandas 3); pandas 2 converts."""
    import pyarrow as pa

    from nme_data.package.dtypes import arrow_types

    column = pa.chunked_array([pa.array(["a", None, "bcd"], arrow_types()["string"])])
    handed = string_dtype().__from_arrow__(column)
    assert list(pd.Series(handed).isna()) == [False, True, False]
    if string_dtype().storage == "pyarrow":
        kept = handed._pa_array.chunk(0)
        assert kept.type == pa.large_string()
        assert kept.buffers()[2].address == column.chunk(0).buffers()[2].address
