"""What `dir(nme_data)` offers: the whole public API, though most of it loads only on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nme_data


@pytest.mark.parametrize("name", sorted(nme_data.__all__))
def test_dir_lists_every_public_name(name: str) -> None:
    assert name in dir(nme_data)
    assert getattr(nme_data, name) is not None, "every name dir() offers resolves"


@pytest.mark.parametrize("name", ["load", "load_all", "validate", "xrefs", "with_xrefs", "frame", "save", "schemas"])
def test_dir_lists_the_lazy_api(name: str) -> None:
    """The names that load pandas or pandera on first use are the ones a plain module dir() missed."""
    assert name in dir(nme_data)


def test_dir_is_sorted_and_keeps_module_attributes() -> None:
    names = dir(nme_data)
    assert names == sorted(names)
    assert {"__name__", "__file__", "__getattr__"} <= set(names)


def test_dir_loads_nothing_heavy() -> None:
    probe = (
        "import sys, nme_data; names = dir(nme_data); assert 'load' in names, names; "
        "print(sorted(m for m in ('pandas', 'pandera', 'frictionless', 'pyarrow') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize("name", ["Any", "TYPE_CHECKING", "annotations"])
def test_dir_leaves_out_the_modules_own_imports(name: str) -> None:
    """What the module's code imports for itself is not API: tab completion should not offer it."""
    assert name not in dir(nme_data)


def test_views_is_an_attribute_without_importing_it() -> None:
    """The README writes `nme_data.views.distinct_sites(...)` after a plain `import nme_data`."""
    probe = (
        "import sys, nme_data; assert callable(nme_data.views.distinct_sites); "
        "print(sorted(m for m in ('pandas', 'pandera', 'frictionless') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]", "reaching the module loads nothing heavy; calling it does"
