"""The package model: one normalised, path-safe reading of a package copy that every layer shares.

Standard library only at import time (`import nme_data` and `nme-data --help` go through here).
"""

from __future__ import annotations

from nme_data.package.errors import (
    DescriptorError,
    EmptyTableError,
    Finding,
    HeaderError,
    MissingFileError,
    PackageError,
    TableError,
    UnknownTableError,
    UnsafePathError,
    UnsupportedFeatureError,
)
from nme_data.package.model import (
    BUNDLE_DIR,
    DESCRIPTOR_NAME,
    FACT_FIELDS,
    DataPackage,
    Table,
    bundled_root,
    copy_header,
    nearest_descriptor,
    read_json,
    resolve_descriptor,
)
from nme_data.package.paths import unsafe_reason

__all__ = [
    "BUNDLE_DIR",
    "DESCRIPTOR_NAME",
    "FACT_FIELDS",
    "DataPackage",
    "DescriptorError",
    "EmptyTableError",
    "Finding",
    "HeaderError",
    "MissingFileError",
    "PackageError",
    "Table",
    "TableError",
    "UnknownTableError",
    "UnsafePathError",
    "UnsupportedFeatureError",
    "bundled_root",
    "copy_header",
    "nearest_descriptor",
    "read_json",
    "resolve_descriptor",
    "unsafe_reason",
]
