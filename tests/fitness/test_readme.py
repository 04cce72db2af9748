"""The README for its readers: quick start first, common questions that link to answers that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def test_quick_start_comes_first_then_the_common_questions() -> None:
    titles = re.findall(r"^## (.+)$", README, flags=re.MULTILINE)
    assert titles[:2] == ["Quick start", "Common questions"]


@pytest.mark.parametrize(
    "link", re.findall(r"\]\(([^)\s]+)\)", section(README, "Common questions")), ids=lambda link: link
)
def test_every_common_question_links_to_an_answer_that_exists(link: str) -> None:
    target, _, fragment = link.partition("#")
    path = ROOT / target if target else ROOT / "README.md"
    assert path.is_file(), link
    if fragment:
        assert fragment in anchors(path), f"{link}: no such heading"


def test_validator_internals_live_in_docs_validation_and_the_readme_links_them() -> None:
    validation = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for heading in ("## The report", "## How the validator protects its caller", "## Validation error codes"):
        assert heading in validation
        assert heading not in README
    assert "### Limits" in validation
    assert "](docs/validation.md)" in README


def test_the_quick_start_activates_the_venv_and_gives_a_first_look() -> None:
    """A new shell after `make validate` has neither `nme-data` nor `import nme_data` until the venv is active;
    the first look (a table, the site, one load) runs in tests/packaging/test_wheel.py, in a fresh venv."""
    quick = section(README, "Quick start")
    assert ". .venv/bin/activate" in quick
    look = quick.split("### First look", 1)[1]
    for command in ("nme-data show", "nme-data site --out site/", "nme_data.load("):
        assert command in look


def test_the_development_section_gives_one_measured_test_time() -> None:
    development = section(README, "Development")
    assert development.count("Test time, measured") == 1
    assert "Earlier" not in development
