"""The validation cache: same report for an unchanged copy; a changed byte in any file it reads re-validates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_package, descriptor_of, read_rows, tree_hashes, write_rows
from damage import edit_descriptor
from nme_data.cli import main
from nme_data.package import DataPackage
from nme_data.package.files import referenced_files
from nme_data.validation import cache
from nme_data.validation import validate as real_validate
from nme_data.validation.errors import Finding
from nme_data.validation.report import Report


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(home))
    return home


class Counting:
    """A validator that counts its runs: the real one, or (to keep the suite quick where only the cache's
    decision is under test) one that reports a distinct made-up error per run."""

    def __init__(self, real: bool = True) -> None:
        self.calls = 0
        self.real = real

    def __call__(self, source: str | Path | None) -> Report:
        self.calls += 1
        if self.real:
            return real_validate(source)
        error = Finding("sites", self.calls, "id", "row-rule", f"run {self.calls}")
        return Report(package=str(source), errors=[error], tables_checked=["sites"])


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("X") if data[middle] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))


def test_repeat_gives_the_same_report_without_running(package_copy: Path, cache_home: Path) -> None:
    run = Counting()
    before = tree_hashes(package_copy)
    first = cache.validate(package_copy, run)
    second = cache.validate(package_copy, run)
    assert run.calls == 1
    assert second.to_dict() == first.to_dict()
    assert first.valid
    assert tree_hashes(package_copy) == before, "nothing is written into the package"
    assert len(list((cache_home / "validation").glob("*.json"))) == 1


def test_an_invalid_verdict_is_cached_exactly(edit_cell: Callable[..., Path]) -> None:
    copy = edit_cell("sites", 2, "prominence", "often")
    run = Counting()
    first = cache.validate(copy, run)
    second = cache.validate(copy, run)
    assert run.calls == 1
    assert not first.valid
    assert second.to_json() == first.to_json()
    assert second.to_text() == first.to_text()


@pytest.mark.parametrize(
    "change",
    [
        lambda root: flip_a_byte(root / "data" / "sites.csv"),
        lambda root: flip_a_byte(root / "datapackage.json"),
        lambda root: flip_a_byte(root / "source" / "necrolytic-migratory-erythema.txt"),
        lambda root: (root / "data" / "history.csv").unlink(),
        lambda root: (root / "data" / "history.csv").rename(root / "data" / "history-old.csv"),
        lambda root: (root / "source" / "necrolytic-migratory-erythema.txt").unlink(),
    ],
    ids=["data-byte", "descriptor-byte", "snapshot-byte", "file-removed", "file-renamed", "snapshot-removed"],
)
def test_any_change_revalidates(package_copy: Path, change: Callable[[Path], object]) -> None:
    run = Counting(real=False)
    first = cache.validate(package_copy, run)
    assert cache.validate(package_copy, run).to_dict() == first.to_dict()
    change(package_copy)
    after = cache.validate(package_copy, run)
    assert run.calls == 2
    assert after.errors[0].message == "run 2"


def test_another_location_or_validator_is_another_entry(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = copy_package(tmp_path / "twin")
    run = Counting(real=False)
    assert cache.validate(package_copy, run).package != cache.validate(twin, run).package
    assert run.calls == 2
    monkeypatch.setattr(cache, "DEPENDENCIES", (*cache.DEPENDENCIES, "hypothesis"))  # e.g. a dependency upgrade
    cache.validate(package_copy, run)
    assert run.calls == 3
    cache.validate(package_copy, run, engine="vectorised")  # another engine: another verdict
    assert run.calls == 4
    cache.validate(package_copy, run, engine="vectorised")
    assert run.calls == 4


def test_a_damaged_entry_is_ignored(package_copy: Path, cache_home: Path) -> None:
    run = Counting(real=False)
    cache.validate(package_copy, run)
    (entry,) = (cache_home / "validation").glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["valid"] = True  # disagrees with its own errors: not trusted
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert cache.validate(package_copy, run).errors[0].message == "run 2"
    entry.write_text("{not json", encoding="utf-8")
    assert cache.validate(package_copy, run).errors[0].message == "run 3"
    assert cache.validate(package_copy, run).errors[0].message == "run 3"


def test_an_unwritable_cache_still_validates(package_copy: Path, cache_home: Path) -> None:
    cache_home.write_text("a file where the directory should be", encoding="utf-8")
    run = Counting(real=False)
    cache.validate(package_copy, run)
    cache.validate(package_copy, run)
    assert run.calls == 2


def test_old_entries_are_pruned(package_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    run = Counting(real=False)
    for value in ("a", "b", "c"):
        edit_descriptor(lambda descriptor, value=value: descriptor.update(description=value))(package_copy)
        cache.validate(package_copy, run)
    assert len(list((cache_home / "validation").glob("*.json"))) == 2


def test_too_large_a_copy_is_not_cached(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    run = Counting(real=False)
    cache.validate(package_copy, run)
    cache.validate(package_copy, run)
    assert run.calls == 2


def test_cli_uses_the_cache_unless_told_not_to(package_copy: Path, cache_home: Path) -> None:
    runner, fmt = CliRunner(), "json"
    fresh = runner.invoke(main, ["validate", str(package_copy), "--format", fmt, "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    assert not (cache_home / "validation").exists(), "--no-cache stores nothing"
    stored = runner.invoke(main, ["validate", str(package_copy), "--format", fmt])
    repeat = runner.invoke(main, ["validate", str(package_copy), "--format", fmt])
    assert stored.output == repeat.output == fresh.output
    assert repeat.exit_code == 0
    assert len(list((cache_home / "validation").glob("*.json"))) == 1


@pytest.mark.parametrize("code", sorted(cache.UNCACHEABLE_CODES))
def test_a_verdict_that_depends_on_the_moment_is_not_stored(package_copy: Path, cache_home: Path, code: str) -> None:
    calls = []

    def crashed(source: str | Path | None) -> Report:
        calls.append(source)
        error = Finding(None, None, None, code, "the spec layer was stopped")
        return Report(package=str(source), errors=[error], tables_checked=[])

    cache.validate(package_copy, crashed)
    cache.validate(package_copy, crashed)
    assert len(calls) == 2
    assert not list(cache_home.glob("validation/*.json"))


def test_text_that_is_not_valid_utf8_round_trips(package_copy: Path, cache_home: Path) -> None:
    """A lone surrogate (e.g. from a crafted descriptor) in a message or file name is stored and read back."""
    (package_copy / "data" / "odd-\udcff.csv").write_bytes(b"x\n")  # a file name that is not UTF-8
    calls = []

    def odd(source: str | Path | None) -> Report:
        calls.append(source)
        error = Finding("name-\ud800", 2, "f", "descriptor-invalid", "a lone \ud800 surrogate")
        return Report(package=str(source), errors=[error], tables_checked=["name-\ud800"])

    first = cache.validate(package_copy, odd)
    second = cache.validate(package_copy, odd)
    assert len(calls) == 1
    assert second.to_dict() == first.to_dict()


# ---- the key covers every file the package model resolves, wherever it is ---------------------------------


def _move_table(table: str, folder: str) -> Callable[[Path], None]:
    """The table's file moved into `folder` (created), the descriptor pointing there."""

    def move(root: Path) -> None:
        (root / folder).mkdir(exist_ok=True)
        (root / "data" / f"{table}.csv").rename(root / folder / f"{table}.csv")
        edit_descriptor(
            lambda d: next(r for r in d["resources"] if r["name"] == table).update(path=f"{folder}/{table}.csv")
        )(root)

    return move


def _data_is_a_link_to_a_hidden_folder(root: Path) -> None:
    (root / "data").rename(root / ".real-data")
    (root / "data").symlink_to(".real-data", target_is_directory=True)


def _snapshot_in_a_hidden_folder(root: Path) -> None:
    (root / ".archive").mkdir()
    (root / "source" / "necrolytic-migratory-erythema.txt").rename(root / ".archive" / "article.txt")
    rows = read_rows(root / "data" / "sources.csv")
    rows[1][rows[0].index("path")] = ".archive/article.txt"
    write_rows(root / "data" / "sources.csv", rows)


def _schema_and_dialect_files_in_a_hidden_folder(root: Path) -> None:
    descriptor = descriptor_of(root)
    (root / ".meta").mkdir()
    for item in descriptor["resources"]:
        (root / ".meta" / f"{item['name']}.json").write_text(json.dumps(item["schema"]), encoding="utf-8")
        item["schema"] = f".meta/{item['name']}.json"
    (root / ".meta" / "dialect.json").write_text('{"delimiter": ","}', encoding="utf-8")
    descriptor["resources"][0]["dialect"] = ".meta/dialect.json"
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


LAYOUTS: dict[str, Callable[[Path], None]] = {
    "as-shipped": lambda root: None,
    "table-in-hidden-folder": _move_table("sites", ".store"),
    "data-symlinked-to-hidden-folder": _data_is_a_link_to_a_hidden_folder,
    "snapshot-in-hidden-folder": _snapshot_in_a_hidden_folder,
    "schema-and-dialect-files-in-hidden-folder": _schema_and_dialect_files_in_a_hidden_folder,
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_one_byte_change_in_any_file_the_model_resolves_changes_the_key(package_copy: Path, layout: str) -> None:
    LAYOUTS[layout](package_copy)
    descriptor = (package_copy / "datapackage.json").absolute()
    files = [found.path for found in referenced_files(DataPackage.open(descriptor)) if found.path is not None]
    package = DataPackage.open(descriptor)
    expected = {descriptor, *(table.path for table in package.tables.values())}
    header, first = read_rows(package.table("sources").path)[:2]
    expected.add(package.resolve(first[header.index("path")]))  # the snapshot
    assert expected <= set(files), "every table, the snapshot and the descriptor are enumerated"
    assert len(files) >= 14
    original = cache.cache_key(descriptor)
    assert original is not None
    for path in files:
        before = path.read_bytes()
        flip_a_byte(path)
        assert cache.cache_key(descriptor) != original, f"{path.relative_to(package_copy)} is not in the key"
        path.write_bytes(before)
    assert cache.cache_key(descriptor) == original


def test_a_file_nothing_reads_is_not_in_the_key(package_copy: Path) -> None:
    descriptor = (package_copy / "datapackage.json").absolute()
    original = cache.cache_key(descriptor)
    (package_copy / "NOTES.md").write_text("a curator's notes", encoding="utf-8")
    (package_copy / ".git").mkdir()
    assert cache.cache_key(descriptor) == original


#: Layouts the release's schema refuses (a table's path is the release's, data/<name>.csv): since 3.0.0 such a
#: copy is `schema-differs` before any table is read, so the edit below changes the key but not the verdict.
SCHEMA_REFUSALS = {"table-in-hidden-folder": [("sites", None, None, "schema-differs")]}


@pytest.mark.parametrize("layout", ["table-in-hidden-folder", "data-symlinked-to-hidden-folder"])
def test_the_cli_never_answers_for_edited_bytes_in_hidden_or_linked_folders(package_copy: Path, layout: str) -> None:
    """The issue's case: a verdict, then `prominence=often` in a table the old directory walk skipped; load()
    and the CLI share the cache, and neither answers for the old bytes."""
    import nme_data

    LAYOUTS[layout](package_copy)
    before = SCHEMA_REFUSALS.get(layout, [])
    runner = CliRunner()
    if before:
        with pytest.raises(nme_data.InvalidPackageError):
            nme_data.load_all(package_copy)
    else:
        assert set(nme_data.load_all(package_copy)) == set(nme_data.table_names())  # validated and remembered
    first = runner.invoke(main, ["validate", str(package_copy), "--format", "json"])
    assert first.exit_code == (1 if before else 0), first.output
    assert [(e["table"], e["row"], e["field"], e["code"]) for e in json.loads(first.stdout)["errors"]] == before
    sites = DataPackage.open(package_copy).table("sites").path
    rows = read_rows(sites)
    rows[1][rows[0].index("prominence")] = "often"
    write_rows(sites, rows)
    with pytest.raises(nme_data.InvalidPackageError) as refused:  # the library's side: load() asks the same cache
        nme_data.load("sites", source=package_copy)
    edited = before or [("sites", 2, "prominence", "constraint-error")]  # a refused schema stays the verdict
    assert set(edited) <= {(e.table, e.row, e.field, e.code) for e in refused.value.report.errors}
    second = runner.invoke(main, ["validate", str(package_copy), "--format", "json"])
    assert second.exit_code == 1, second.output
    errors = json.loads(second.stdout)["errors"]
    assert [(e["table"], e["row"], e["field"], e["code"]) for e in errors] == edited


def test_the_fingerprint_names_every_dependency_that_decides_a_verdict() -> None:
    versions = cache.dependency_versions()
    for name in ("nme-data", "frictionless", "google-re2", "pandas", "pyarrow", "numpy", "pandera", "petl"):
        assert versions.get(name, "missing") != "missing", name


def test_a_dependency_upgrade_changes_the_key(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    descriptor = (package_copy / "datapackage.json").absolute()
    original = cache.cache_key(descriptor)
    upgraded = {**cache.dependency_versions(), "google-re2": "99.0"}
    monkeypatch.setattr(cache, "_dependency_versions", lambda names: upgraded)
    assert cache.cache_key(descriptor) != original
