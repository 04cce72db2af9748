"""The library is typed in fact, not on paper: mypy --strict passes on src/nme_data, and CI runs it."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT


def test_make_lint_runs_the_type_checker() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "-m mypy" in recipe


def test_ci_runs_lint_and_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip().startswith("make ")]
    assert any(line.startswith("make lint") for line in commands), commands
    assert any(line.startswith("make test") for line in commands), commands


def test_mypy_is_strict_on_the_library() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == ["src/nme_data"]
    extra = " ".join(config["project"]["optional-dependencies"]["test"])
    assert "mypy>=" in extra
    assert "pandas-stubs>=" in extra


@pytest.mark.slow
def test_mypy_passes() -> None:
    """Incremental, as `make lint` runs it: mypy's cache (.mypy_cache, keyed by each file's hash and mypy's
    version) gives the same verdict as a cold run, in seconds after `make lint` (CI runs it first)."""
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout
