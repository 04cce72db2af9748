"""The lowest pandas the range allows (2.2) still works: loader, frames, joins, views, schemas, exports.

Why a child process: the test venv has pandas 3. uv (the test extra's installer, whose cache makes a
repeat run take seconds) installs pandas 2.2 (and pytz, which pandas 2 needs) into a temporary directory
that goes first on PYTHONPATH, so the child imports it instead while every other package (numpy, pyarrow,
pandera, ...) is the venv's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

#: The lower bound of `pandas>=2.2` in pyproject.toml, at its last patch release.
LOWEST_PANDAS = "2.2.3"
PACKAGES = [f"pandas=={LOWEST_PANDAS}", "pytz"]  # pandas 2 needs pytz; pandas 3 (in the venv) does not
SUITES = ["test_loader.py", "test_frames.py", "test_xrefs.py", "test_views.py", "test_schemas.py", "test_exports.py"]


@pytest.mark.slow
def test_lowest_supported_pandas(tmp_path: Path) -> None:
    target = tmp_path / "pandas2"
    uv = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", sys.executable, "--no-deps"]
    install = subprocess.run(
        [*uv, "--target", str(target), *PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}
    version = subprocess.run(
        [sys.executable, "-c", "import pandas; print(pandas.__version__)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert version.stdout.strip() == LOWEST_PANDAS
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not slow"]
        + [str(path) for name in SUITES for path in (ROOT / "tests").glob(f"*/{name}")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert suite.returncode == 0, suite.stdout[-5000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout.splitlines()[-1]
