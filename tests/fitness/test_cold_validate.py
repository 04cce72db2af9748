"""A cold `nme-data validate` of a valid copy loads only what validating needs (#31, target 3e).

The console script is run in a fresh interpreter (as a user runs it) with an audit of the modules it
loaded: the exporters' modules, the site, the curator commands and `jsonschema` (the profile's fallback
for a descriptor the fast pass cannot prove clean) are not among them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
#: Modules a validation of a valid copy must not load: each is a measurable share of a cold run.
NOT_LOADED = (
    "nme_data.export.croissant",
    "nme_data.export.sqlite",
    "nme_data.export.parquet",
    "nme_data.export.kgx",
    "nme_data.site",
    "nme_data.curate",
    "jsonschema",
)
PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)), file=sys.stderr))
sys.argv = ["nme-data", *{args!r}]
from nme_data.console import run
run()
"""


@pytest.mark.parametrize("args", [["validate", "--no-cache"], ["validate", "--no-cache", "--format", "json"]])
def test_a_cold_validation_loads_no_exporter(args: list[str]) -> None:
    probe = PROBE.format(names=NOT_LOADED, args=[*args, str(ROOT)])
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_the_probe_sees_a_loaded_exporter() -> None:
    """The audit can fail: a probe that imports an exporter's module sees it."""
    probe = PROBE.format(names=NOT_LOADED, args=["--version"]).replace(
        "from nme_data.console", "import nme_data.export.sqlite\nfrom nme_data.console"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert "nme_data.export.sqlite" in json.loads(result.stderr.strip().splitlines()[-1])
