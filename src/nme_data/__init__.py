"""nme-data: every fact of the encyclopedia article on necrolytic migratory erythema, as typed tables.

Importing this module is cheap: pandas, pandera and frictionless load only when a
function that needs them is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nme_data.errors import InvalidPackageError, NmeDataError
from nme_data.metadata import TableInfo, TableList, descriptor, table_names, table_path, tables
from nme_data.package import PackageError, UnknownTableError

if TYPE_CHECKING:
    from nme_data.curate.save import save
    from nme_data.frames import at_least, frame, rank, schemas, views
    from nme_data.frames.joins import with_xrefs, xrefs
    from nme_data.frames.loader import load, load_all
    from nme_data.validation import validate

__all__ = [
    "InvalidPackageError",
    "NmeDataError",
    "PackageError",
    "TableInfo",
    "TableList",
    "UnknownTableError",
    "__version__",
    "at_least",
    "descriptor",
    "frame",
    "load",
    "load_all",
    "rank",
    "save",
    "schemas",
    "table_names",
    "table_path",
    "tables",
    "validate",
    "views",
    "with_xrefs",
    "xrefs",
]

_LAZY = {
    "load": ("nme_data.frames.loader", "load"),
    "load_all": ("nme_data.frames.loader", "load_all"),
    "validate": ("nme_data.validation", "validate"),
    "save": ("nme_data.curate.save", "save"),
    "schemas": ("nme_data.frames.schemas", None),
    "views": ("nme_data.frames.views", None),
    "frame": ("nme_data.frames", "frame"),
    "rank": ("nme_data.frames", "rank"),
    "at_least": ("nme_data.frames", "at_least"),
    "xrefs": ("nme_data.frames.joins", "xrefs"),
    "with_xrefs": ("nme_data.frames.joins", "with_xrefs"),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from nme_data.package import DataPackage

        return DataPackage.open().version
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attribute is None else getattr(module, attribute)
    raise AttributeError(f"module 'nme_data' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API, though most of it loads on first use, so tab completion (IPython, Jupyter) offers it;
    not the names this module's own code imports (`Any`, `TYPE_CHECKING`, `annotations`)."""
    own = {name for name in globals() if name.startswith("__") and name.endswith("__")}
    submodules = {name for name, value in globals().items() if getattr(value, "__name__", "") == f"{__name__}.{name}"}
    return sorted(own | submodules | set(__all__))
