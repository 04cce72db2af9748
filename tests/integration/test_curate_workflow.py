"""The GitHub Actions workflow and the pre-commit hooks work as written: their nme-data commands are run here."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, copy_package, read_rows, write_rows
from nme_data.cli import main

WORKFLOW = yaml.safe_load((ROOT / "docs" / "github-workflow.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def workflow_commands() -> list[list[str]]:
    """Each nme-data command line of the workflow's run steps, without its shell redirection."""
    commands = []
    for step in WORKFLOW["jobs"]["check"]["steps"]:
        for line in step.get("run", "").splitlines():
            words = shlex.split(line)
            if words and words[0] == "nme-data":
                stop = next((i for i, w in enumerate(words) if w in (">", ">>")), len(words))
                commands.append(words[1:stop])
    return commands


def test_the_workflow_installs_from_the_checkout_and_runs_every_check() -> None:
    runs = [step.get("run", "") for step in WORKFLOW["jobs"]["check"]["steps"]]
    assert "python -m pip install ." in runs
    assert [c[0] for c in workflow_commands()] == ["fmt", "validate", "validate", "diff"]


@pytest.mark.slow
def test_the_workflow_commands_pass_on_a_valid_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = copy_package(tmp_path / "checkout")
    base = copy_package(tmp_path / "runner-temp" / "base")
    rows = read_rows(checkout / "data" / "history.csv")
    rows[1][rows[0].index("person")] = "W. Becker"
    write_rows(checkout / "data" / "history.csv", rows)
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path / "runner-temp"))
    for command in workflow_commands():
        argv = [word.replace("$RUNNER_TEMP", str(tmp_path / "runner-temp")) for word in command]
        result = CliRunner().invoke(main, argv)
        assert result.exit_code == 0, (argv, result.output)
        if argv[0] == "diff":
            assert "`W. Becker`" in result.stdout
        if "json" in argv:
            assert json.loads(result.stdout)["valid"] is True
    assert base.is_dir()


def test_the_workflow_fails_and_annotates_an_invalid_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = copy_package(tmp_path / "checkout")
    rows = read_rows(checkout / "data" / "history.csv")
    rows[1][rows[0].index("year")] = "nineteen"
    write_rows(checkout / "data" / "history.csv", rows)
    monkeypatch.chdir(checkout)
    validate = next(c for c in workflow_commands() if c[0] == "validate" and "github" in c)
    result = CliRunner().invoke(main, validate)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=data/history.csv,line=2,title=nme-data type-error::")


@pytest.mark.parametrize("hook", [h["id"] for h in HOOKS])
def test_pre_commit_hooks_run_as_declared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    spec = next(h for h in HOOKS if h["id"] == hook)
    assert spec["pass_filenames"] is False
    checkout = copy_package(tmp_path / "checkout")
    sites = checkout / "data" / "sites.csv"
    original = sites.read_bytes()
    sites.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    monkeypatch.chdir(checkout)
    argv = shlex.split(spec["entry"])
    assert argv[0] == "nme-data"
    result = CliRunner().invoke(main, [*argv[1:], *spec.get("args", [])])
    assert result.exit_code == 0, result.output
    if hook == "nme-data-fmt":
        assert sites.read_bytes() == original  # fixed in place; pre-commit then stops the commit
