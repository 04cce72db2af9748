"""The SQLite export with its metadata.json and views, served by a real Datasette on a loopback port."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interop_helpers import PACKAGE, csv_rows, tool
from nme_data.export import export
from nme_data.export.datasette import METADATA_NAME
from nme_data.export.sqlite import RANKED_VIEWS, SQLITE_NAME, VIEWS, ranked_fields

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-datasette")

DATABASE = Path(SQLITE_NAME).stem
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("datasette")
    written = export(PACKAGE, "sqlite", out)
    assert [p.name for p in written] == [SQLITE_NAME, METADATA_NAME]
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310 - loopback URL we built
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module")
def server(exported: Path) -> Iterator[str]:
    """Datasette serving the export on 127.0.0.1, stopped (and its process group killed) however the tests end."""
    port = free_port()
    process = subprocess.Popen(
        [
            tool("datasette"),
            "serve",
            "--immutable",
            str(exported / SQLITE_NAME),
            "--metadata",
            str(exported / METADATA_NAME),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
                pytest.fail(f"datasette exited with {process.returncode}: {output[-2000:]}")
            try:
                get_json(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail("datasette did not answer within the start-up timeout")
                time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


@pytest.mark.slow  # a real Datasette server: make test runs it in its slow phase
def test_table_through_the_json_api(server: str) -> None:
    rows = get_json(f"{server}/{DATABASE}/conditions.json?_shape=array&_size=max")
    expected = {row["id"]: row for row in csv_rows("conditions")}
    assert sorted(row["id"] for row in rows) == sorted(expected), "Datasette lists rows by primary key"
    for row in rows:
        assert row["name"] == expected[row["id"]]["name"]


@pytest.mark.slow  # a real Datasette server: make test runs it in its slow phase
def test_view_through_the_json_api(server: str) -> None:
    rows = get_json(f"{server}/{DATABASE}/associations_named.json?_shape=array&_size=max")
    associations = csv_rows("associations")
    names = {row["id"]: row["name"] for row in csv_rows("conditions")}
    assert len(rows) == len(associations)
    by_id = {row["id"]: row for row in rows}
    for row in associations:
        assert by_id[row["id"]]["subject_name"] == names[row["subject_id"]]
        assert by_id[row["id"]]["object_name"] == names[row["object_id"]]


@pytest.mark.slow  # a real Datasette server: make test runs it in its slow phase
def test_metadata_is_served(server: str, exported: Path) -> None:
    served = get_json(f"{server}/-/metadata.json")
    written = json.loads((exported / METADATA_NAME).read_text(encoding="utf-8"))
    assert served["title"] == written["title"] == PACKAGE.descriptor["title"]
    assert served["license"] == PACKAGE.descriptor["licenses"][0]["name"]
    tables = served["databases"][DATABASE]["tables"]
    for table in PACKAGE.tables.values():
        assert tables[table.name]["description"] == table.description
        columns = {f["name"]: f.get("description", "") for f in table.fields}
        ranks = {f"{name}_rank" for name, _ in ranked_fields(table)}
        assert set(tables[table.name]["columns"]) == set(columns) | ranks
        assert {k: v for k, v in tables[table.name]["columns"].items() if k not in ranks} == columns
    for view in (*VIEWS, *RANKED_VIEWS):
        assert tables[view.name]["description"] == view.description


def test_views_answer_from_the_tables(exported: Path) -> None:
    con = sqlite3.connect(f"file:{exported / SQLITE_NAME}?mode=ro", uri=True)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert names == {view.name for view in (*VIEWS, *RANKED_VIEWS)}
        mapped = con.execute("SELECT count(*) FROM condition_mappings").fetchone()[0]
        expected = sum(1 for row in csv_rows("mappings") if row["subject_table"] == "conditions")
        assert mapped == expected
        features = con.execute("SELECT count(DISTINCT feature_id) FROM feature_phenotypes").fetchone()[0]
        assert features == len(csv_rows("clinical_features")), "a LEFT JOIN keeps features with no HPO term"
    finally:
        con.close()


def test_export_is_deterministic(exported: Path, tmp_path: Path) -> None:
    again = export(PACKAGE, "sqlite", tmp_path)
    assert [p.read_bytes() for p in again] == [(exported / p.name).read_bytes() for p in again]
