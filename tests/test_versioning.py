"""The version lives in datapackage.json only; everything that shows a version must agree with it."""

from __future__ import annotations

import importlib.metadata
import json
import re

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
    installed = importlib.metadata.version("nme-data")  # the suite runs on an install: missing is a failure
    assert installed == VERSION, "reinstall the package (pip install -e .) after changing datapackage.json"


def test_module_version_matches() -> None:
    assert nme_data.__version__ == VERSION


def test_cli_version_matches() -> None:
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
