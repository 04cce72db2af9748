"""Compatibility names for the package model, which lives in `nme_data.package`."""

from __future__ import annotations

from nme_data.package import (
    BUNDLE_DIR,
    DESCRIPTOR_NAME,
    DataPackage,
    DescriptorError,
    EmptyTableError,
    HeaderError,
    MissingFileError,
    PackageError,
    Problem,
    Table,
    TableError,
    UnknownTableError,
    UnsafePathError,
    UnsupportedFeatureError,
    bundled_root,
    read_json,
    resolve_descriptor,
    unsafe_reason,
)

__all__ = [
    "BUNDLE_DIR",
    "DESCRIPTOR_NAME",
    "DataPackage",
    "DescriptorError",
    "EmptyTableError",
    "HeaderError",
    "MissingFileError",
    "PackageError",
    "Problem",
    "Table",
    "TableError",
    "UnknownTableError",
    "UnsafePathError",
    "UnsupportedFeatureError",
    "bundled_root",
    "read_json",
    "resolve_descriptor",
    "unsafe_reason",
]
