"""Build the wheel, install it into a fresh venv and use it from outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import nme_data
from conftest import ROOT, copy_package, package_hashes, tree_hashes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]  # one wheel, one venv per run

USE_EVERYTHING = """
import json, sys
import nme_data
frames = nme_data.load_all()
report = nme_data.validate()
copy = nme_data.validate(sys.argv[1])
print(json.dumps({
    "module": nme_data.__file__,
    "version": nme_data.__version__,
    "rows": {name: len(frame) for name, frame in frames.items()},
    "dtypes": {name: {c: str(t) for c, t in frame.dtypes.items()} for name, frame in frames.items()},
    "valid": report.valid,
    "copy_valid": copy.valid,
    "descriptor": str(nme_data.table_path("sites")),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("nme_data-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with only the wheel installed; its dependencies come from this interpreter's site-packages."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_wheel_carries_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"nme_data/_package/datapackage.json", "nme_data/_package/source/necrolytic-migratory-erythema.txt"}
    expected |= {f"nme_data/_package/{r['path']}" for r in nme_data.descriptor()["resources"]}
    expected |= {"nme_data/py.typed", "nme_data/reference/ontology_terms.csv"}
    assert expected <= names
    assert not any(name.startswith(("data/", "tests/", "scripts/")) for name in names)


def test_installed_wheel_works_outside_the_repo(installed: Path, tmp_path: Path) -> None:
    copy = copy_package(tmp_path / "copy")
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", USE_EVERYTHING, str(copy)],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    facts = json.loads(result.stdout)
    assert facts["module"].startswith(str(installed))
    assert facts["descriptor"].startswith(str(installed))
    assert facts["version"] == nme_data.descriptor()["version"]
    assert facts["rows"] == {info.name: info.rows for info in nme_data.tables()}
    assert facts["dtypes"] == {
        name: {c: str(t) for c, t in frame.dtypes.items()} for name, frame in nme_data.load_all().items()
    }
    assert facts["valid"] is True
    assert facts["copy_valid"] is True


def test_installed_console_script_validates(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(installed / "bin" / "nme-data"), "validate", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["valid"] is True


def test_installed_init_copies_the_bundled_package_and_fmt_refuses_to_rewrite_it(
    installed: Path, tmp_path: Path
) -> None:
    script = str(installed / "bin" / "nme-data")
    init = subprocess.run([script, "init", "mine"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert init.returncode == 0, init.stdout + init.stderr
    assert tree_hashes(tmp_path / "mine") == package_hashes(ROOT)
    fmt = subprocess.run([script, "fmt"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert fmt.returncode == 1
    assert "nme-data init DIR" in fmt.stderr
    check = subprocess.run(
        [script, "fmt", "mine", "--check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_installed_console_script_writes_the_site(installed: Path, tmp_path: Path) -> None:
    """The site's templates and static files are package data: the wheel alone can build the site."""
    out = tmp_path / "site"
    result = subprocess.run(
        [str(installed / "bin" / "nme-data"), "site", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    static = ROOT / "src" / "nme_data" / "site" / "static"
    for name in ("site.css", "site.js"):
        assert (out / "static" / name).read_bytes() == (static / name).read_bytes()
    assert "<mark" in (out / "article-wikipedia-nme.html").read_text(encoding="utf-8")


def first_look() -> list[str]:
    """The README's quick-start "First look" commands, one per line, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### First look", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_first_look_runs_in_a_fresh_venv(installed: Path, tmp_path: Path) -> None:
    """The quick start as a newcomer runs it: activate the venv, then each first-look line, from elsewhere."""
    commands = first_look()
    assert len(commands) == 3
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    outputs = []
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", f". {installed}/bin/activate && {command}"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert "associations" in commands[0]
    assert outputs[0].count(": ") >= len(nme_data.load("associations")), "one sentence per row"
    assert (tmp_path / "site" / "index.html").is_file()
    assert "prominence" in outputs[2]
    assert (
        str(installed)
        in subprocess.run(
            ["bash", "-c", f". {installed}/bin/activate && command -v nme-data"], capture_output=True, text=True
        ).stdout
    )
