"""docs/recipes.md runs and prints what it shows; docs/img/*.svg are what scripts/make_figures.py draws."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("recipes")

RECIPES = ROOT / "docs" / "recipes.md"
FIGURES_SCRIPT = ROOT / "scripts" / "make_figures.py"


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


runner = script("run_recipes")
BLOCKS = runner.blocks(RECIPES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs() -> list[str]:
    return runner.run(BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"{i}-{b.section}" for i, b in enumerate(BLOCKS)])
def test_recipe_prints_what_it_shows(outputs: list[str], index: int) -> None:
    shown = BLOCKS[index].shown or ""
    assert outputs[index] == shown, f"run `make recipes` after checking the change in: {BLOCKS[index].section}"


@pytest.mark.parametrize(
    "question",
    [
        "Conditions associated with NME, with their MONDO IDs",
        "Distinct body sites with UBERON IDs and their strongest prominence",
        "Histology findings with HPO IDs, by layer",
        "Hedged and stated facts",
        "Every row citing one sentence",
    ],
)
def test_each_question_has_a_recipe_that_prints(question: str) -> None:
    sections = {block.section for block in BLOCKS if block.shown}
    assert question in sections


def test_runner_finds_stale_outputs(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# t\n\n```python\nprint(6 * 7)\n```\n\n```text\n41\n```\n", encoding="utf-8")
    assert runner.main(["--check", "--file", str(page)]) == 1
    assert runner.main(["--file", str(page)]) == 0
    assert "```text\n42\n```" in page.read_text(encoding="utf-8")
    assert runner.main(["--check", "--file", str(page)]) == 0


def test_figures_are_current_and_reproducible(tmp_path: Path) -> None:
    """Drawn twice into fresh directories: byte-identical to each other and to the committed SVGs."""
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        done = subprocess.run(
            [sys.executable, str(FIGURES_SCRIPT), "--out-dir", str(out)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in first.glob("*.svg"))
    assert len(names) >= 2
    committed = ROOT / "docs" / "img"
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} is not deterministic"
        assert (first / name).read_bytes() == (committed / name).read_bytes(), f"{name} is stale: make figures"
        text = (first / name).read_text(encoding="utf-8")
        assert "<dc:date>" not in text
        assert re.search(r"<text\b", text), "text stays text (svg.fonttype none)"
        assert f"img/{name}" in RECIPES.read_text(encoding="utf-8")
    (first / names[0]).write_bytes(b"<svg/>")
    stale = subprocess.run(
        [sys.executable, str(FIGURES_SCRIPT), "--check", "--out-dir", str(first)], capture_output=True, text=True
    )
    assert stale.returncode == 1
    assert names[0] in stale.stderr


def test_readme_pandas_example_runs() -> None:
    """The README's 'From pandas' block runs as written (bar the line that names a placeholder path)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### From pandas\n\n```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if "path/to/" not in line]
    assert len(lines) > 10
    exec(compile("\n".join(lines), "README.md", "exec"), {"__name__": "__readme__"})  # noqa: S102 - our README
