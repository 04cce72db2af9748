"""Validate a copy of the package: the package model's checks, the Frictionless spec, then the semantic rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nme_data.package import DataPackage, PackageError, resolve_descriptor
from nme_data.validation.errors import CODES, Code, Finding
from nme_data.validation.report import DEFAULT_MAX_ERRORS, ErrorCap, Report

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
    cap = ErrorCap(max_errors)
    shown = source.descriptor_path if isinstance(source, DataPackage) else source
    report = Report(package=str(shown) if shown is not None else "bundled package")
    report.engine = {"requested": engine, "tier": None, "note": None}
    read: _Read = {}
    try:
        _run(source, report, read, engine, cap)
    except Exception as exc:  # whatever broke, the caller gets a report that says so, never a traceback
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "validation could not finish", exc))
    report.errors = _without_profile_twins(report.errors)
    report.cap(max_errors, cap.omitted)  # before the hints: they read files for each listed error
    return _with_hints(report, read)


def _without_profile_twins(errors: list[Finding]) -> list[Finding]:
    """An id the copy's own pattern already refused (constraint-error) is not reported again as
    profile-unsafe-value: one bad cell, one error. The profile's error stands wherever the copy's
    schema let the value through."""
    refused = {(e.table, e.row, e.field) for e in errors if e.code == "constraint-error"}
    return [e for e in errors if not (e.code == "profile-unsafe-value" and (e.table, e.row, e.field) in refused)]


#: What the layers read, for the hints: "original", the descriptor as the package model parsed it (for
#: the file each error is in), "safe", the one pre-flight let through (whose tables hints may read), and
#: "tables", those tables of the package model by name (hints read their kept bytes).
_Read = dict[str, dict[str, Any]]


def _run(
    source: str | Path | DataPackage | None,
    report: Report,
    read: _Read,
    engine: str = "auto",
    cap: ErrorCap | None = None,
) -> None:
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
    report.version = package.version
    differs = schema_differences(package)
    if differs:  # judged by the release's schema only: a copy with its own is refused before anything runs
        report.errors.extend(differs)
        return
    pre = run_preflight(package)
    report.tables_checked = pre.table_names
    report.errors.extend(pre.errors)
    try:
        report.errors.extend(_profile_errors(package))
    except Exception as exc:  # the other layers still run; the crash is a located check-error
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "the profile checks could not finish", exc))
    if pre.descriptor is None:
        return
    read["safe"] = pre.descriptor
    read["tables"] = {table.name: table for table in pre.tables}  # hints read these kept bytes, not the files
    from nme_data.validation.tier1 import TierOne

    # Tier 1 runs in a thread beside the semantic rules (pyarrow works without the GIL); when it cannot
    # prove the copy, it starts frictionless' worker at once. Proved: frictionless would report nothing,
    # so it is never started, and the report is the same without it.
    spec = TierOne(pre, engine, cap.limit if cap is not None else None).start()
    try:
        from nme_data.validation.semantic import validate_semantics

        report.errors.extend(validate_semantics(package, pre.tables, cap))
    except Exception as exc:
        from nme_data.validation.spec_worker import failure

        report.errors.append(failure(None, "semantic checks could not finish", exc))
    finally:
        why, pending = spec.result()
        report.engine = {**(report.engine or {}), "tier": 1 if why is None else 2, "note": why}
        report.errors.extend(pending.result())


#: What the `schema-differs` hint tells a curator to run.
ADOPT_HINT = (
    "the release's schema judges every copy; run 'nme-data adopt {root}' to give this copy the release's "
    "datapackage.json (its data and its {allowed} are kept); schema changes are made in the project's own "
    "datapackage.json"
)


def schema_differences(package: DataPackage) -> list[Finding]:
    """One `schema-differs` finding per place the copy's descriptor differs from the release's
    (`nme_data.package.reference`); nothing but the two parsed descriptors is read."""
    from nme_data.package.reference import ALLOWED_METADATA, differences, reference_descriptor

    try:
        release = reference_descriptor()
    except (OSError, PackageError) as exc:
        message = f"the release's schema cannot be read, so no copy can be judged: {exc}"
        return [Finding(None, None, None, "check-error", message)]
    hint = ADOPT_HINT.format(root=package.root, allowed=", ".join(ALLOWED_METADATA))
    return [
        Finding(d.table, None, d.field, "schema-differs", d.message(), value=d.pointer, hint=hint)
        for d in differences(release, package.descriptor)
    ]


def _profile_errors(package: DataPackage) -> list[Finding]:
    """The tool-owned profile's descriptor rules (nme_data.rules.profile): whatever the copy declares."""
    from nme_data.rules.profile import descriptor_violations, table_field_violations

    found = descriptor_violations(package.descriptor)
    for table in package.sound_tables.values():
        found.extend(table_field_violations(table))
    refused = {p.table for p in package.problems if p.table is not None}  # reported once, by the model
    return [Finding(v.table, None, v.field, v.code, v.message) for v in found if v.table not in refused]


def _with_hints(report: Report, read: _Read) -> Report:
    """Every exit's last step: file, line, value and hint on each error (validation.hints), as a courtesy
    that can never cost the report itself."""
    try:
        from nme_data.validation.hints import add_hints

        report.errors = add_hints(
            report.errors, Path(report.package), read.get("safe"), read.get("original"), read.get("tables")
        )
    except Exception:  # noqa: S110 - the errors stand without their hints
        pass
    return report
