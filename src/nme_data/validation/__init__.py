"""Validate a copy of the package: the package model's checks, the Frictionless spec, then the semantic rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nme_data.package import DataPackage, PackageError, resolve_descriptor
from nme_data.validation.errors import CODES, Code, Finding
from nme_data.validation.report import Report

__all__ = ["CODES", "Code", "Finding", "Report", "validate"]


def __getattr__(name: str) -> Any:
    """`ValidationError`: the deprecated old name of `Finding` (warns, through `validation.errors`)."""
    if name == "ValidationError":
        from nme_data.validation import errors

        return errors.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate(source: str | Path | DataPackage | None = None) -> Report:
    """Check a package copy (a directory or its datapackage.json; default: the bundled one).

    An opened `DataPackage` is checked through its own reads, so a command that validates and then
    exports, compares or renders the same object reads each table file once.

    Reads only files inside the package directory, never writes, never opens a connection,
    and reports every problem as a `Finding` rather than raising. Both layers read the
    one normalised descriptor of the package model, and only the tables it found sound.
    """
    shown = source.descriptor_path if isinstance(source, DataPackage) else source
    report = Report(package=str(shown) if shown is not None else "bundled package")
    read: _Read = {}
    try:
        _run(source, report, read)
    except Exception as exc:  # whatever broke, the caller gets a report that says so, never a traceback
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "validation could not finish", exc))
    return _with_hints(report, read)


#: What the layers read, for the hints: "original", the descriptor as the package model parsed it (for
#: the file each error is in), and "safe", the one pre-flight let through (whose tables hints may read).
_Read = dict[str, dict[str, Any]]


def _run(source: str | Path | DataPackage | None, report: Report, read: _Read) -> None:
    """The layers in order; each failure is caught by `validate`, with what the earlier ones found kept."""
    from nme_data.validation.preflight import run_preflight

    if isinstance(source, DataPackage):
        package = source
        report.package = str(package.descriptor_path.absolute())
    else:
        path = resolve_descriptor(source, must_exist=False).absolute()
        report.package = str(path)
        try:
            package = DataPackage.open(path)
        except PackageError as exc:
            report.errors.append(Finding(None, None, None, exc.code, exc.message))
            return
    read["original"] = package.descriptor
    pre = run_preflight(package)
    report.tables_checked = pre.table_names
    report.errors.extend(pre.errors)
    if pre.descriptor is None:
        return
    read["safe"] = pre.descriptor
    from nme_data.validation.spec import start_spec

    pending = start_spec(pre.descriptor, pre.root)
    try:
        from nme_data.validation.semantic import validate_semantics

        report.errors.extend(validate_semantics(package, pre.tables))
    except Exception as exc:
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "semantic checks could not finish", exc))
    finally:
        report.errors.extend(pending.result())


def _with_hints(report: Report, read: _Read) -> Report:
    """Every exit's last step: file, line, value and hint on each error (validation.hints), as a courtesy
    that can never cost the report itself."""
    try:
        from nme_data.validation.hints import add_hints

        report.errors = add_hints(report.errors, Path(report.package), read.get("safe"), read.get("original"))
    except Exception:  # noqa: S110 - the errors stand without their hints
        pass
    return report
