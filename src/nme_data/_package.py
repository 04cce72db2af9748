"""Compatibility names for the package model, which lives in `nme_data.package` (same names, same objects)."""

from __future__ import annotations

from nme_data.package import *  # noqa: F403
from nme_data.package import __all__  # noqa: F401
