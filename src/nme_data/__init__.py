"""nme-data: every fact of the encyclopedia article on necrolytic migratory erythema, as typed tables.

Importing this module is cheap: pandas, pandera and frictionless load only when a
function that needs them is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nme_data._package import PackageError, UnknownTableError
from nme_data.metadata import TableInfo, descriptor, table_names, table_path, tables

if TYPE_CHECKING:
    from nme_data import schemas
    from nme_data.curate.save import save
    from nme_data.loader import load, load_all
    from nme_data.validation import validate

__all__ = [
    "PackageError",
    "TableInfo",
    "UnknownTableError",
    "__version__",
    "descriptor",
    "load",
    "load_all",
    "save",
    "schemas",
    "table_names",
    "table_path",
    "tables",
    "validate",
]

_LAZY = {
    "load": ("nme_data.loader", "load"),
    "load_all": ("nme_data.loader", "load_all"),
    "validate": ("nme_data.validation", "validate"),
    "save": ("nme_data.curate.save", "save"),
    "schemas": ("nme_data.schemas", None),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from nme_data._package import DataPackage

        return DataPackage.open().version
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attribute is None else getattr(module, attribute)
    raise AttributeError(f"module 'nme_data' has no attribute {name!r}")
