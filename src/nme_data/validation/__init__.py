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
    report = Report(package=str(source) if source is not None else "bundled package")
    try:
        _run(source, report)
    except Exception as exc:  # whatever broke, the caller gets a report that says so, never a traceback
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "validation could not finish", exc))
    return report


def _run(source: str | Path | None, report: Report) -> None:
    """The layers in order; each failure is caught by `validate`, with what the earlier ones found kept."""
    from nme_data.validation.preflight import run_preflight

    path = resolve_descriptor(source, must_exist=False).absolute()
    report.package = str(path)
    pre = run_preflight(path)
    report.errors.extend(pre.errors)
    report.tables_checked = pre.table_names
    if pre.descriptor is None:
        return
    from nme_data.validation.spec import start_spec

    pending = start_spec(pre.descriptor, pre.root)
    try:
        from nme_data.validation.semantic import validate_semantics

        report.errors.extend(validate_semantics(pre.root, pre.descriptor))
    except Exception as exc:
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "semantic checks could not finish", exc))
    finally:
        report.errors.extend(pending.result())
