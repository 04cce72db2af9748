"""SQLite orders what the schema orders: a `<field>_rank` per ordered enum, and the `distinct_sites` views."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from damage import edit_descriptor, resource, rewrite_rows
from interop_helpers import PACKAGE, csv_rows
from nme_data.export import ExportError, export, export_sqlite
from nme_data.export.datasette import METADATA_NAME, datasette_metadata
from nme_data.export.sqlite import RANKED_VIEWS, SQLITE_NAME, column_names, ranked_fields
from nme_data.frames.views import distinct_sites
from nme_data.package import DataPackage

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("sqlite-ranks")

#: Every ordered enum of the package, as (table, field, values lowest first).
ORDERED = [(t.name, name, values) for t in PACKAGE.tables.values() for name, values in ranked_fields(t)]
ORDERED_IDS = [f"{table}.{field}" for table, field, _ in ORDERED]
#: The issue's question: the strongest prominence of each site, which plain MAX(prominence) gets wrong.
STRONGEST = "SELECT anatomical_site_id, prominence, MAX(prominence_rank) FROM sites GROUP BY 1"


def connect(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_sqlite(PACKAGE, tmp_path_factory.mktemp("ranks"))


@pytest.fixture
def connection(database: Path) -> Iterator[sqlite3.Connection]:
    con = connect(database)
    yield con
    con.close()


def test_the_package_has_an_ordered_enum() -> None:
    assert ("sites", "prominence", ["less_common", "common", "characteristic"]) in ORDERED


def test_max_rank_answers_characteristic_for_the_perioral_skin(connection: sqlite3.Connection) -> None:
    strongest = {site: prominence for site, prominence, _ in connection.execute(STRONGEST)}
    assert strongest["perioral-skin"] == "characteristic"
    assert strongest["limbs"] == "common"
    plain = dict(connection.execute("SELECT anatomical_site_id, MAX(prominence) FROM sites GROUP BY 1").fetchall())
    assert plain["perioral-skin"] == "common", "the text alone compares alphabetically (why the rank exists)"


@pytest.mark.parametrize(("table", "field", "values"), ORDERED, ids=ORDERED_IDS)
def test_every_ordered_enum_has_its_rank(
    connection: sqlite3.Connection, table: str, field: str, values: list[Any]
) -> None:
    info = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    assert info == column_names(PACKAGE.table(table))
    assert info.count(f"{field}_rank") == 1
    got = connection.execute(f'SELECT "{field}", "{field}_rank" FROM "{table}" ORDER BY rowid').fetchall()  # noqa: S608
    expected = [row[field] or None for row in csv_rows(table)]
    assert [value for value, _ in got] == expected
    assert [rank for _, rank in got] == [values.index(v) + 1 if v is not None else None for v in expected]


@pytest.mark.parametrize(("table", "field", "values"), ORDERED, ids=ORDERED_IDS)
def test_a_rank_that_disagrees_with_its_value_is_refused(
    database: Path, tmp_path: Path, table: str, field: str, values: list[Any]
) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(database.read_bytes())
    con = sqlite3.connect(copy)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            con.execute(f'UPDATE "{table}" SET "{field}_rank" = "{field}_rank" % {len(values)} + 1')  # noqa: S608
        con.execute(f'UPDATE "{table}" SET "{field}" = ?, "{field}_rank" = 1', (values[0],))  # noqa: S608
    finally:
        con.close()


def records(con: sqlite3.Connection, view: str) -> list[dict[str, Any]]:
    cursor = con.execute(f'SELECT * FROM "{view}"')  # noqa: S608 - a view name of ours
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def library_records(source: Path | None = None, validate: bool = True) -> list[dict[str, Any]]:
    frame = distinct_sites(source, validate=validate)
    out = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        row["statements"] = int(row["statements"])
        out.append(row)
    return out


def test_distinct_sites_view_is_the_library_answer(connection: sqlite3.Connection) -> None:
    view = records(connection, "distinct_sites")
    for row in view:
        assert row.pop("prominence_rank") == ["less_common", "common", "characteristic"].index(row["prominence"]) + 1
    assert view == library_records()
    assert {row["anatomical_site_id"] for row in view} == {row["anatomical_site_id"] for row in csv_rows("sites")}


def test_distinct_sites_stated_leaves_hedged_statements_out(connection: sqlite3.Connection) -> None:
    stated = [row for row in csv_rows("sites") if row["certainty"] == "stated"]
    hedged_only = {row["anatomical_site_id"] for row in csv_rows("sites")} - {r["anatomical_site_id"] for r in stated}
    assert hedged_only, "the package has sites that only hedged statements name"
    view = records(connection, "distinct_sites_stated")
    assert {row["anatomical_site_id"] for row in view} == {row["anatomical_site_id"] for row in stated}
    by_site = {row["anatomical_site_id"]: row for row in view}
    assert by_site["perioral-skin"]["prominence"] == "characteristic"
    assert by_site["perioral-skin"]["statements"] == sum(r["anatomical_site_id"] == "perioral-skin" for r in stated)


def test_views_follow_an_edited_copy(edit_cell: Any, tmp_path: Path) -> None:
    """Demote the introduction's perioral statement: the clinical features' `common` is then the strongest."""
    row = next(i for i, r in enumerate(csv_rows("sites"), start=2) if r["id"] == "intro-perioral-skin")
    copy = edit_cell("sites", row, "prominence", "less_common")
    con = connect(export_sqlite(DataPackage.open(copy), tmp_path / "out"))
    try:
        assert {site: value for site, value, _ in con.execute(STRONGEST)}["perioral-skin"] == "common"
        view = records(con, "distinct_sites")
        perioral = next(r for r in view if r["anatomical_site_id"] == "perioral-skin")
        assert (perioral["prominence"], perioral["strongest_statement_ids"]) == ("common", "features-perioral-skin")
        # the cue rules refuse the edit (the quote says "particularly"): the view, not the verdict, is under test
        assert [{k: v for k, v in r.items() if k != "prominence_rank"} for r in view] == library_records(copy, False)
    finally:
        con.close()


def test_a_field_named_like_a_rank_column_is_refused(package_copy: Path, tmp_path: Path) -> None:
    def add_field(descriptor: dict) -> None:
        resource(descriptor, "sites")["schema"]["fields"].append({"name": "prominence_rank", "type": "integer"})

    edit_descriptor(add_field)(package_copy)
    rewrite_rows("sites", lambda row: [*row, "prominence_rank" if row[0] == "id" else "3"])(package_copy)
    with pytest.raises(ExportError, match="prominence_rank"):
        export_sqlite(DataPackage.open(package_copy), tmp_path / "out")
    assert not (tmp_path / "out" / SQLITE_NAME).exists()


def test_datasette_metadata_describes_ranks_and_views(tmp_path: Path) -> None:
    export(PACKAGE, "sqlite", tmp_path, check=False)
    written = json.loads((tmp_path / METADATA_NAME).read_text(encoding="utf-8"))
    assert written == datasette_metadata(PACKAGE)
    tables = written["databases"][Path(SQLITE_NAME).stem]["tables"]
    for table, field, values in ORDERED:
        description = tables[table]["columns"][f"{field}_rank"]
        assert all(f"{rank} = {value}" in description for rank, value in enumerate(values, start=1))
    for view in RANKED_VIEWS:
        assert tables[view.name]["description"] == view.description
        assert "hedged" in tables["distinct_sites_stated"]["description"]


@pytest.mark.parametrize(("table", "field"), [("clinical_features", "kind"), ("histology", "layer")])
def test_any_enum_a_copy_declares_ordered_gets_a_rank(
    package_copy: Path, tmp_path: Path, table: str, field: str
) -> None:
    def order(descriptor: dict) -> None:
        spec = next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == field)
        spec["categoriesOrdered"] = True

    edit_descriptor(order)(package_copy)
    copy = DataPackage.open(package_copy)
    enum = next(f for f in PACKAGE.table(table).fields if f["name"] == field)["constraints"]["enum"]
    assert ranked_fields(copy.table(table)) == [(field, enum)], "only the field the copy declares ordered"
    values = ranked_fields(copy.table(table))[0][1]
    con = connect(export_sqlite(DataPackage.open(package_copy), tmp_path / "out"))
    try:
        got = con.execute(f'SELECT "{field}", "{field}_rank" FROM "{table}" ORDER BY rowid').fetchall()  # noqa: S608
    finally:
        con.close()
    assert [value for value, _ in got] == [row[field] or None for row in csv_rows(table, copy)]
    assert [rank for _, rank in got] == [values.index(v) + 1 if v is not None else None for v, _ in got]
