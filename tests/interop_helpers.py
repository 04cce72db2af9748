"""Shared helpers of the interop tests: the package under test, tool paths and CSV rows read independently."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from conftest import ROOT
from nme_data.package import DataPackage

PACKAGE = DataPackage.open(ROOT)
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A console script installed in the test venv (the reference tools come with the test extra)."""
    path = BIN / name
    assert path.is_file(), f"{name} is not installed in {BIN}: install the test extra (pip install -e '.[test]')"
    return str(path)


def csv_rows(table: str, package: DataPackage = PACKAGE) -> list[dict[str, str]]:
    """A table read with the csv module, not through the exporters' reader."""
    with package.table(table).path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
