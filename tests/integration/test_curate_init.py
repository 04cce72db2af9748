"""`nme-data init`: a complete, valid, editable copy, or nothing."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, package_hashes, tree_hashes
from nme_data.cli import main
from nme_data.curate.init import init_copy
from nme_data.package import PackageError, resolve_descriptor


def shipped_files() -> dict[str, str]:
    return package_hashes(ROOT)


@pytest.mark.parametrize("existing", [False, True], ids=["new-directory", "empty-directory"])
def test_init_gives_a_complete_copy_that_validates(tmp_path: Path, existing: bool) -> None:
    target = tmp_path / "copies" / "mine"
    if existing:
        target.mkdir(parents=True)
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert tree_hashes(target) == shipped_files()
    report = nme_data.validate(target)
    assert report.valid, report.to_text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["mine"]  # no staging directory left
    for path in target.rglob("*"):
        assert path.stat().st_mode & stat.S_IWUSR, f"{path} is not editable"


def test_init_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(PackageError, match="not a directory"):
        init_copy(target)
    assert target.read_text(encoding="utf-8") == "x"


def test_an_interrupted_init_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Path, target: Path) -> None:
        raise OSError("interrupted")

    monkeypatch.setattr(Path, "rename", fail)
    with pytest.raises(OSError, match="interrupted"):
        init_copy(tmp_path / "mine")
    assert list(tmp_path.iterdir()) == []


def test_the_installed_copy_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy inside an installed library (nme_data/_package) is refused by the commands that write."""
    installed = tmp_path / "site-packages" / "nme_data" / "_package"
    init_copy(installed)
    # wherever the package model looks the bundled copy up
    monkeypatch.setattr(sys.modules[resolve_descriptor.__module__], "bundled_root", lambda: installed)
    monkeypatch.chdir(tmp_path)  # no datapackage.json here or above: with no PATH, commands use the bundled copy
    before = tree_hashes(installed)
    (installed / "data" / "sites.csv").write_bytes(
        (installed / "data" / "sites.csv").read_bytes().replace(b"\n", b"\r\n")
    )
    changed = tree_hashes(installed)
    for args in (["fmt"], ["reground", str(installed / "source" / "necrolytic-migratory-erythema.txt"), "--apply"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "nme-data init DIR" in result.output
        assert tree_hashes(installed) == changed
    assert CliRunner().invoke(main, ["fmt", "--check"]).exit_code == 1  # checking writes nothing: allowed
    assert before != changed
