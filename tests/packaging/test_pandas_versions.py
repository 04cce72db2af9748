"""The lowest pandas the range allows (2.2) still works: loader, frames, joins, views, schemas, exports.

Why a child process: the test venv has pandas 3. uv (the test extra's installer, whose cache makes a
repeat run take seconds) installs pandas 2.2 (and pytz, which pandas 2 needs) into a temporary directory
that goes first on PYTHONPATH, so the child imports it instead while every other package (numpy, pyarrow,
pandera, ...) is the venv's own. The child prints the pandas it imported before it runs the tests, in the
same process, so the version check costs no interpreter of its own. The import-laziness probes are left
out (LAZINESS_PROBES): each starts an interpreter to check which modules the library's own imports load
(most assert that pandas is not imported at all), which no pandas version changes; they were the dearest
tests of the run.
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
#: Runs the tests in the child after printing which pandas it imported (the one the tests then use).
CHILD = (
    "import sys, pandas, pytest; print('pandas', pandas.__version__, flush=True); sys.exit(pytest.main(sys.argv[1:]))"
)
#: Tests of the SUITES that only check, in a child interpreter, what the library's imports load.
LAZINESS_PROBES = (
    "test_imports_stay_lazy",
    "test_cli_and_export_module_import_without_pandas",
    "test_importing_views_loads_no_pandas",
    "test_tables_listing_needs_no_pandas",
)
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
    suite = subprocess.run(
        [sys.executable, "-c", CHILD, "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not slow"]
        + ["-k", " and ".join(f"not {name}" for name in LAZINESS_PROBES)]
        + [str(path) for name in SUITES for path in (ROOT / "tests").glob(f"*/{name}")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert suite.stdout.splitlines()[0] == f"pandas {LOWEST_PANDAS}", suite.stdout[:500] + suite.stderr[-2000:]
    assert suite.returncode == 0, suite.stdout[-5000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout.splitlines()[-1]
