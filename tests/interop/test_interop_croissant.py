"""The Croissant export passes mlcroissant's validator, and mlcroissant loads every record set from the
local CSVs with the same rows as the package: validation alone would not catch a wrong column name."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from interop_helpers import PACKAGE, csv_rows, tool
from nme_data.export import croissant_metadata, export
from nme_data.export.croissant import CROISSANT_NAME, DESCRIPTION_LENGTH

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-croissant")


@pytest.fixture(scope="module")
def croissant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("croissant")
    written = export(PACKAGE, "croissant", out)
    assert written[0] == out / CROISSANT_NAME
    assert sorted(p.relative_to(out).as_posix() for p in written[1:]) == sorted(
        t.descriptor["path"] for t in PACKAGE.tables.values()
    )
    return out


@pytest.fixture(scope="module")
def document(croissant_dir: Path) -> dict[str, Any]:
    return json.loads((croissant_dir / CROISSANT_NAME).read_text(encoding="utf-8"))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: loading must read the local files only."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_mlcroissant_validate_passes(croissant_dir: Path) -> None:
    result = subprocess.run(
        [tool("mlcroissant"), "validate", "--jsonld", str(croissant_dir / CROISSANT_NAME)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "is not standard" not in result.stderr, "the @context is the specification's"


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_every_record_set_loads_with_the_csv_rows(croissant_dir: Path, no_network: None) -> None:
    import mlcroissant as mlc

    dataset = mlc.Dataset(jsonld=str(croissant_dir / CROISSANT_NAME))
    names = [record_set.uuid for record_set in dataset.metadata.record_sets]
    assert names == list(PACKAGE.tables)
    for name in names:
        records = list(dataset.records(record_set=name))
        expected = csv_rows(name)
        assert len(records) == len(expected) == PACKAGE.table(name).count_rows(), name
        key = f"{name}/id"
        if expected and "id" in expected[0]:
            got = [record[key].decode("utf-8") if isinstance(record[key], bytes) else record[key] for record in records]
            assert got == [row["id"] for row in expected], name


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_validator_and_loader_catch_a_wrong_column(
    document: dict[str, Any], croissant_dir: Path, tmp_path: Path
) -> None:
    """The load above proves column names: a misspelt column makes mlcroissant fail."""
    import mlcroissant as mlc

    broken = json.loads(json.dumps(document))
    broken["recordSet"][1]["field"][0]["source"]["extract"]["column"] = "no_such_column"
    (tmp_path / "data").symlink_to(croissant_dir / "data")
    (tmp_path / CROISSANT_NAME).write_text(json.dumps(broken), encoding="utf-8")
    dataset = mlc.Dataset(jsonld=str(tmp_path / CROISSANT_NAME))
    with pytest.raises(Exception) as caught:  # noqa: PT011 - mlcroissant raises its own GenerationError
        list(dataset.records(record_set=broken["recordSet"][1]["@id"]))
    chain, error = [], caught.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any('Column "no_such_column" does not exist' in message for message in chain), chain


def test_file_objects_carry_the_csv_hashes(document: dict[str, Any]) -> None:
    files = {f["contentUrl"]: f for f in document["distribution"]}
    for table in PACKAGE.tables.values():
        entry = files[table.descriptor["path"]]
        assert entry["@type"] == "cr:FileObject"
        assert entry["encodingFormat"] == "text/csv"
        assert entry["sha256"] == hashlib.sha256(table.path.read_bytes()).hexdigest()
        assert "://" not in entry["contentUrl"], "relative: loading reads local files"


def test_record_sets_follow_the_table_schemas(document: dict[str, Any]) -> None:
    types = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean"}
    by_id = {r["@id"]: r for r in document["recordSet"]}
    for table in PACKAGE.tables.values():
        fields = by_id[table.name]["field"]
        assert [f["source"]["extract"]["column"] for f in fields] == table.field_names
        for field, schema_field in zip(fields, table.fields, strict=True):
            assert field["dataType"] == types.get(schema_field["type"], field["dataType"])
            assert field["source"]["fileObject"]["@id"] == f"{table.name}-csv"


def test_dataset_level_metadata(document: dict[str, Any]) -> None:
    descriptor = PACKAGE.descriptor
    low, high = DESCRIPTION_LENGTH
    assert low <= len(document["description"]) <= high
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert document["version"] == PACKAGE.version
    assert document["license"] == descriptor["licenses"][0]["path"]
    assert PACKAGE.version in document["citeAs"]
    assert document["creator"]
    assert all(c["name"] for c in document["creator"])


def test_library_function_matches_the_file(document: dict[str, Any], croissant_dir: Path, tmp_path: Path) -> None:
    """The site embeds croissant_metadata(package); it is the same document, byte-stable across runs."""
    assert croissant_metadata(PACKAGE) == document
    export(PACKAGE, "croissant", tmp_path)
    assert (tmp_path / CROISSANT_NAME).read_bytes() == (croissant_dir / CROISSANT_NAME).read_bytes()


def test_a_short_description_is_refused(package_copy: Path, tmp_path: Path) -> None:
    from conftest import descriptor_of
    from nme_data.export import ExportError
    from nme_data.package import DataPackage

    descriptor = descriptor_of(package_copy)
    descriptor["description"] = "Too short."
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(ExportError, match="description"):
        croissant_metadata(DataPackage.open(package_copy))


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "data/../../x.csv"])
def test_a_path_leaving_the_package_is_refused(package_copy: Path, tmp_path: Path, path: str) -> None:
    from conftest import descriptor_of
    from nme_data.export import ExportError
    from nme_data.export.croissant import write_croissant
    from nme_data.package import DataPackage

    descriptor = descriptor_of(package_copy)
    descriptor["resources"][0]["path"] = path
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match=re.escape(path)):
        write_croissant(DataPackage.open(package_copy), out)
    assert not (tmp_path / "outside.csv").exists()


@pytest.mark.slow  # runs a reference tool: make test runs it in its slow phase
def test_the_release_zip_is_a_croissant_dataset(tmp_path: Path, no_network: None) -> None:
    """Extracted, the release zip has croissant.json beside data/: mlcroissant loads it as it is."""
    import zipfile

    import mlcroissant as mlc

    [archive] = export(PACKAGE, "zip", tmp_path / "zip", check=False)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "release")
    dataset = mlc.Dataset(jsonld=str(tmp_path / "release" / CROISSANT_NAME))
    for name in ("conditions", "mappings"):
        assert len(list(dataset.records(record_set=name))) == PACKAGE.table(name).count_rows()
