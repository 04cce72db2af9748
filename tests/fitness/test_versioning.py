"""The version lives in datapackage.json only; everything that shows a version must agree with it."""

from __future__ import annotations

import importlib.metadata
import json
import re

import pytest
import yaml
from click.testing import CliRunner

import nme_data
from conftest import ROOT
from nme_data.cli import main

#: Semantic Versioning 2.0.0, the regular expression recommended at semver.org.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def package_version() -> str:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


VERSION = package_version()


def test_version_is_semver() -> None:
    assert SEMVER.match(VERSION), f"datapackage.json version {VERSION!r} is not semantic versioning"


def test_distribution_metadata_matches() -> None:
    """`nme-data --version` reports this; make reinstalls when datapackage.json changes (see the Makefile)."""
    installed = importlib.metadata.version("nme-data")
    assert installed == VERSION, "reinstall the package (pip install -e .) after changing datapackage.json"


def test_makefile_reinstalls_when_the_version_changes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for stamp in ("$(INSTALLED):", "$(INSTALLED_TEST):"):
        [rule] = [line for line in makefile.splitlines() if line.startswith(stamp)]
        assert "datapackage.json" in rule.split(":", 1)[1].split(), rule


def test_module_version_matches() -> None:
    assert nme_data.__version__ == VERSION


def test_cli_version_matches() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"nme-data {VERSION}"


def test_cli_version_reads_no_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """--version answers even where no copy is readable: it reads the installation's metadata only."""
    from nme_data.package import DataPackage, PackageError

    def refuse(*args: object, **kwargs: object) -> None:
        raise PackageError("no package may be read for --version")

    monkeypatch.setattr(DataPackage, "open", refuse)
    monkeypatch.setattr("nme_data.package.model.read_json", refuse)
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"nme-data {VERSION}"


def test_citation_version_matches() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == VERSION


def test_changelog_has_release_heading() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.MULTILINE), (
        f"CHANGELOG.md has no '## [{VERSION}] - YYYY-MM-DD' heading"
    )
    assert re.search(r"^## \[Unreleased\]$", changelog, re.MULTILINE)


def test_changelog_release_date_matches_citation() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    match = re.search(rf"^## \[{re.escape(VERSION)}\] - (\S+)$", changelog, re.MULTILINE)
    assert match is not None
    assert match.group(1) == str(citation["date-released"])
