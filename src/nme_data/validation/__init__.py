"""Validate a copy of the package: `validate`, the public entry point of the one pipeline (`validation.pipeline`)."""

from __future__ import annotations

from pathlib import Path

from nme_data.package import DataPackage
from nme_data.validation.errors import CODES, Code, Finding
from nme_data.validation.report import DEFAULT_MAX_ERRORS, Report

__all__ = ["CODES", "Code", "Finding", "Report", "validate"]


def validate(
    source: str | Path | DataPackage | None = None, engine: str = "auto", max_errors: int | None = DEFAULT_MAX_ERRORS
) -> Report:
    """Check a package copy (a directory or its datapackage.json; default: the bundled one).

    An opened `DataPackage` is checked through its own reads, so a command that validates and then
    exports, compares or renders the same object reads each table file once.

    Reads only files inside the package directory, never writes, never opens a connection,
    and reports every problem as a `Finding` rather than raising. Both layers read the
    one normalised descriptor of the package model, and only the tables it found sound.

    engine "auto" first tries tier 1 (`validation.tier1`, a vectorised proof that frictionless would
    find nothing) and starts frictionless only when tier 1 cannot prove that; "frictionless" always
    starts it. Either way the report is the same; `report.engine` says which tier gave the verdict.

    At most `max_errors` errors are listed per (table, code) (None: all of them); the rest are counted in
    `report.omitted`, and never built where a layer can avoid it, so that memory follows the data, not the
    number of errors.
    """
    from nme_data.validation.tier1 import ENGINES

    if engine not in ENGINES:
        from nme_data.errors import ArgumentError

        raise ArgumentError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if max_errors is not None and (isinstance(max_errors, bool) or not isinstance(max_errors, int) or max_errors < 0):
        from nme_data.errors import ArgumentError

        raise ArgumentError(f"max_errors must be a whole number of at least 0, or None, not {max_errors!r}")
    from nme_data.validation.pipeline import run_pipeline

    return run_pipeline(source, engine, max_errors)


def schema_differences(package: DataPackage) -> list[Finding]:
    """One `schema-differs` finding per place the copy's descriptor differs from the release's."""
    from nme_data.validation.pipeline import schema_differences as differences

    return differences(package)


def _profile_errors(package: DataPackage) -> list[Finding]:
    """The tool-owned profile's descriptor rules (`pipeline.profile_errors`)."""
    from nme_data.validation.pipeline import profile_errors

    return profile_errors(package)
