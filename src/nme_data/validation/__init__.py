"""Validate a copy of the package: pre-flight safety, the Frictionless spec, then pandera semantics."""

from __future__ import annotations

from pathlib import Path

from nme_data._package import resolve_descriptor
from nme_data.validation.errors import CODES, Code, ValidationError
from nme_data.validation.report import Report

__all__ = ["CODES", "Code", "Report", "ValidationError", "validate"]


def validate(source: str | Path | None = None) -> Report:
    """Check a package copy (a directory or its datapackage.json; default: the bundled one).

    Reads only files inside the package directory, never writes, never opens a connection,
    and reports every problem as a `ValidationError` rather than raising.
    """
    from nme_data.validation.preflight import run_preflight

    path = resolve_descriptor(source, must_exist=False).absolute()
    pre = run_preflight(path)
    report = Report(package=str(path), errors=list(pre.errors), tables_checked=pre.table_names)
    if pre.descriptor is None:
        from nme_data.validation.hints import add_hints

        report.errors = add_hints(report.errors, path, None)
        return report
    from nme_data.validation.spec import start_spec

    pending = start_spec(pre.descriptor, pre.root)
    try:
        from nme_data.validation.semantic import validate_semantics

        report.errors.extend(validate_semantics(pre.root, pre.descriptor))
    finally:
        report.errors.extend(pending.result())
    from nme_data.validation.hints import add_hints

    report.errors = add_hints(report.errors, path, pre.descriptor)
    return report
