"""The validation cache: same report for an unchanged copy, a changed byte anywhere re-validates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import tree_hashes
from nme_data.cli import main
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
        lambda root: (root / "data" / "notes.txt").write_text("new file", encoding="utf-8"),
        lambda root: (root / "data" / "history.csv").unlink(),
        lambda root: (root / "data" / "history.csv").rename(root / "data" / "history-old.csv"),
    ],
    ids=["data-byte", "descriptor-byte", "snapshot-byte", "file-added", "file-removed", "file-renamed"],
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
    from conftest import copy_package

    twin = copy_package(tmp_path / "twin")
    run = Counting(real=False)
    assert cache.validate(package_copy, run).package != cache.validate(twin, run).package
    assert run.calls == 2
    monkeypatch.setattr(cache, "DEPENDENCIES", (*cache.DEPENDENCIES, "click"))  # e.g. a dependency upgrade
    cache.validate(package_copy, run)
    assert run.calls == 3


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
        (package_copy / "extra.txt").write_text(value, encoding="utf-8")
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
