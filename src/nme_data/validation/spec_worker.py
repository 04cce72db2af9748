"""The spec layer's work: frictionless validates the Data Package, schemas, types, constraints and keys.

`validate_spec` is the whole job. `main` is the worker process that `nme_data.validation.spec` starts:
a fresh interpreter that reads `{"descriptor": ..., "root": ..., "tables": [...]}` as JSON on stdin (the
tables tier 1 could not prove; none named: all), validates inside the sandbox of
`nme_data.validation.sandbox` and writes the errors as a JSON list on stdout. With NME_DATA_SERIAL set,
`validate_spec` runs in the caller instead.

One broken resource must not hide the others' errors: when frictionless refuses the whole package,
each resource is tried alone, the broken ones are reported where they are, and the rest are
validated together (foreign keys included) without them.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package.raw import FIELD_SIZE_LIMIT
from nme_data.text.patterns import Matcher, vet_patterns
from nme_data.validation.errors import SPEC_TIMEOUT_SECONDS, Finding

if TYPE_CHECKING:
    from frictionless import Package, Report

#: Messages quote cells; a huge cell must not make a huge report.
MAX_MESSAGE = 300
#: Enough for a real package; a pathological file stops at this many per table (frictionless' limit_errors,
#: counted over all codes of a table; see `error_limit`).
ERROR_LIMIT = 10_000
#: frictionless' warning when a table reached its error limit (the rest of the table was not read).
LIMIT_WARNING = "reached error limit"


def error_limit(max_errors: int | None) -> int:
    """frictionless' limit_errors (per table, all codes) for a report listing `max_errors` per table and code:
    ten times the cap, so that a flood of one code rarely hides another, never above ERROR_LIMIT unless the
    caller asked for more; frictionless keeps every error it finds in memory until the table is done."""
    if max_errors is None:
        return ERROR_LIMIT
    return max(1, max_errors, min(ERROR_LIMIT, 10 * max_errors))


#: Written on stderr when a table's validation starts, so that a stopped worker's table can be named.
PROGRESS_PREFIX = "nme-data-spec table: "

Patterns = dict[tuple[str, str], tuple[str, Matcher]]
OnTable = Callable[[str], None]


def shorten(message: str) -> str:
    """Head and tail of a long message: frictionless quotes the cell first and says what is wrong last."""
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[: MAX_MESSAGE // 2]} [... {len(message)} chars ...] {message[-MAX_MESSAGE // 3 :]}"


def _convert(table: str | None, error: Any) -> Finding:
    from nme_data.validation.sandbox import REFUSAL_MARKER

    # attributes, not error.to_descriptor(): that copies the row's cells or the header's labels each time
    message = str(getattr(error, "message", error))
    code = "unsafe-path" if REFUSAL_MARKER in message else str(getattr(error, "type", "general-error"))
    row = getattr(error, "row_number", None)
    names = getattr(error, "field_names", None)
    return Finding(
        table=table,
        row=row if isinstance(row, int) else None,
        field=getattr(error, "field_name", None) or (",".join(map(str, names)) if names else None),
        code=code,
        message=shorten(message),
    )


def failure(table: str | None, what: str, exc: BaseException) -> Finding:
    """An exception as a located error: refusals by the sandbox are unsafe paths, the rest check errors."""
    from nme_data.validation.sandbox import REFUSAL_MARKER

    text = f"{what}: {exc!r}"
    if isinstance(exc, MemoryError):
        return Finding(table, None, None, "budget-exceeded", shorten(f"{what}: ran out of memory"))
    code = "unsafe-path" if REFUSAL_MARKER in text else "check-error"
    return Finding(table, None, None, code, shorten(text))


def _table_label(resource: Any, index: int) -> str:
    name = resource.get("name") if isinstance(resource, dict) else None
    return name if isinstance(name, str) else f"resource-{index + 1}"


def _inline_schema(resource: dict[str, Any], root: Path) -> None:
    """A schema given as an in-package JSON file is read here, so that its patterns are vetted too."""
    reference = resource.get("schema")
    if not isinstance(reference, str):
        return
    path = (root / reference).resolve()
    try:
        path.relative_to(root.resolve())
        if path.is_file() and path.stat().st_size <= 16 * 1024 * 1024:
            schema = json.loads(path.read_bytes().decode("utf-8-sig"))
            if isinstance(schema, dict):
                resource["schema"] = schema
    except (ValueError, OSError, RecursionError):
        return  # left as it is: frictionless reports it, inside the sandbox


def _pattern_check(patterns: Patterns, on_table: OnTable | None) -> Any:
    """A frictionless check evaluating the patterns taken out of the descriptor, with frictionless' message."""
    from frictionless import Check, errors

    class LinearPattern(Check):
        type = "linear-pattern"
        Errors = [errors.ConstraintError]  # noqa: RUF012 - frictionless' own class attribute

        def __init__(self) -> None:
            self.active: list[tuple[str, str, Matcher]] = []

        def connect(self, resource: Any) -> None:
            super().connect(resource)
            if on_table is not None and isinstance(resource.name, str):
                on_table(resource.name)
            schema = getattr(resource, "schema", None)
            types = {field.name: field.type for field in schema.fields} if schema is not None else {}
            self.active = [
                (field, pattern, matcher)
                for (table, field), (pattern, matcher) in patterns.items()
                if table == resource.name and types.get(field) == "string"
            ]

        def validate_row(self, row: Any) -> Any:
            for field, pattern, matcher in self.active:
                cell = row[field]
                if isinstance(cell, str) and not matcher(cell):
                    yield errors.ConstraintError.from_row(
                        row, note=f'constraint "pattern" is "{pattern}"', field_name=field
                    )

    return LinearPattern()


def _report_errors(report: Report) -> list[Finding]:
    errors = [_convert(None, error) for error in report.errors]
    for task in report.tasks:
        errors.extend(_convert(task.name, error) for error in task.errors)
        if any(str(warning).startswith(LIMIT_WARNING) for warning in task.warnings):
            rows = (getattr(e, "row_number", None) for e in task.errors)
            last = max((row for row in rows if isinstance(row, int)), default=0)
            after = f" after row {last}" if last else ""
            message = (
                f"frictionless stopped checking this table at its limit of {len(task.errors)} errors: "
                f"rows{after} were not checked against the schema"
            )
            errors.append(Finding(task.name, None, None, "budget-exceeded", message))
    return errors


def _package(descriptor: dict[str, Any], root: Path) -> Package:
    from frictionless import Package

    return Package(descriptor, basepath=str(root))


def _validate(
    package: Package,
    patterns: Patterns,
    on_table: OnTable | None,
    limit: int = ERROR_LIMIT,
    tables: Sequence[str] | None = None,
) -> Report:
    from frictionless import Checklist

    checklist = Checklist(checks=[_pattern_check(patterns, on_table)])
    if tables is None:
        report: Report = package.validate(checklist, limit_errors=limit)
        return report
    return _validate_tables(package, checklist, limit, tables)


def _validate_tables(package: Package, checklist: Any, limit: int, tables: Sequence[str]) -> Report:
    """frictionless' `Package.validate` on the named resources only, step for step: the package's metadata
    first (a refusal is the whole report), then each named resource in the package's order, inside the
    package (its foreign keys read the tables they point at). Tier 1 proved the others clean."""
    from frictionless import FrictionlessException, Report, helpers

    timer = helpers.Timer()  # type: ignore[no-untyped-call]
    try:
        package.to_descriptor(validate=True)
    except FrictionlessException as exception:
        refused: Report = Report.from_validation(time=timer.time, errors=exception.to_errors())
        return refused
    wanted = set(tables)
    reports = [
        resource.validate(checklist=checklist, limit_errors=limit)
        for resource in package.resources
        if resource.name in wanted
    ]
    report: Report = Report.from_validation_reports(time=timer.time, reports=reports)
    return report


def _refused(exc: Exception) -> list[Finding]:
    from frictionless import FrictionlessException

    if isinstance(exc, FrictionlessException):
        return [_convert(None, exc.error)] + [_convert(None, reason) for reason in exc.reasons]
    return [failure(None, "frictionless refused the package", exc)]


def _without_foreign_keys_to(resource: dict[str, Any], broken: set[str]) -> dict[str, Any]:
    schema = resource.get("schema")
    if not (isinstance(schema, dict) and isinstance(schema.get("foreignKeys"), list)):
        return resource
    kept = [
        fk
        for fk in schema["foreignKeys"]
        if not (
            isinstance(fk, dict) and isinstance(fk.get("reference"), dict) and fk["reference"].get("resource") in broken
        )
    ]
    return {**resource, "schema": {**schema, "foreignKeys": kept}}


def _alone(resource: Any) -> Any:
    """A resource without foreign keys, to see whether frictionless accepts it on its own."""
    if isinstance(resource, dict) and isinstance(resource.get("schema"), dict):
        schema = {key: value for key, value in resource["schema"].items() if key != "foreignKeys"}
        return {**resource, "schema": schema}
    return resource


def _attempt(
    descriptor: dict[str, Any],
    root: Path,
    patterns: Patterns,
    on_table: OnTable | None,
    limit: int = ERROR_LIMIT,
    tables: Sequence[str] | None = None,
) -> tuple[bool, list[Finding]]:
    """Validate; (False, why) when frictionless refuses the descriptor before reading any table."""
    try:
        report = _validate(_package(descriptor, root), patterns, on_table, limit, tables)
    except Exception as exc:
        return False, _refused(exc)
    found = _report_errors(report)
    return not (report.errors and not report.tasks), found


def _each_resource(
    descriptor: dict[str, Any],
    root: Path,
    patterns: Patterns,
    on_table: OnTable | None,
    whole: list[Finding],
    limit: int = ERROR_LIMIT,
) -> list[Finding]:
    """frictionless refused the package: find the resources it refuses, report them where they are,
    and validate the rest together (keys into the refused ones left out), or else one by one."""
    resources = descriptor.get("resources")
    errors: list[Finding] = []
    healthy: list[dict[str, Any]] = []
    broken: set[str] = set()
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        label = _table_label(resource, index)
        try:
            _package({"name": "probe", "resources": [_alone(resource)]}, root).to_descriptor(validate=True)
        except Exception as exc:
            broken.add(label)
            errors.extend(_located(_refused(exc), label))
            continue
        healthy.append(resource)
    if not healthy:
        return errors or whole
    healthy = [_without_foreign_keys_to(resource, broken) for resource in healthy]
    if broken:
        ok, found = _attempt({**descriptor, "resources": healthy}, root, patterns, on_table, limit)
        if ok:
            return errors + found
    errors.extend(whole if not broken else found)  # what frictionless holds against the package itself
    ok, found = _attempt({"name": "package", "resources": healthy}, root, patterns, on_table, limit)
    if ok:
        return errors + found
    for index, resource in enumerate(healthy):  # last resort: each alone, without cross-table keys
        label = _table_label(resource, index)
        ok, found = _attempt({"name": "package", "resources": [_alone(resource)]}, root, patterns, on_table, limit)
        errors.extend(found if ok else _located(found, label))
    return errors


def _located(errors: list[Finding], table: str) -> list[Finding]:
    return [Finding(table, e.row, e.field, e.code, e.message) for e in errors]


def validate_spec(
    descriptor: dict[str, Any],
    root: Path,
    on_table: OnTable | None = None,
    limit: int = ERROR_LIMIT,
    tables: Sequence[str] | None = None,
) -> list[Finding]:
    """Every frictionless error for the (pre-flight sanitised) descriptor, located by table, row and field,
    up to `limit` per table (frictionless' limit_errors: a budget-exceeded error says where it stopped).

    `tables` names the resources to read (None: all): those tier 1 could not prove. Should frictionless
    refuse the package itself, the whole copy is validated as before, each resource found where it is."""
    descriptor = copy.deepcopy(descriptor)
    for resource in descriptor.get("resources") or []:
        if isinstance(resource, dict):
            _inline_schema(resource, root)
    problems, patterns = vet_patterns(descriptor)
    errors = [replace(p, message=shorten(p.message)) for p in problems]
    from nme_data.package.csvfile import field_limit  # the one guarded setter of the csv module's limit

    with field_limit(FIELD_SIZE_LIMIT):
        if tables is not None:
            ok, found = _attempt(descriptor, root, patterns, on_table, limit, tables)
            if ok:
                return errors + found
        ok, found = _attempt(descriptor, root, patterns, on_table, limit)
        return errors + (found if ok else _each_resource(descriptor, root, patterns, on_table, found, limit))


# ---- the worker process ---------------------------------------------------------------------------


def _announce(table: str) -> None:
    from nme_data.validation import sandbox

    sandbox.current_table = table
    sys.stderr.write(PROGRESS_PREFIX + json.dumps(table) + "\n")
    sys.stderr.flush()


#: How often the worker looks whether its caller is still there (seconds).
PARENT_POLL_SECONDS = 0.25


def watch_parent(parent: int | None) -> None:
    """End the worker at once when its caller is gone, so that a worker never outlives it (a caller killed,
    or aborted, cannot stop its worker itself). The worker is then re-parented, so its parent's pid changes.

    Polling in a daemon thread, not prctl(PR_SET_PDEATHSIG): that signal follows the *thread* that started
    the worker, and tier 1 starts it from a thread that ends straight after; and it is Linux only."""
    import threading
    import time

    if not isinstance(parent, int) or parent <= 0:
        return
    if os.getppid() != parent:  # gone before the job was even read
        os._exit(3)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(3)

    threading.Thread(target=watch, name="nme-data parent watch", daemon=True).start()


def main() -> None:
    """Read the job on stdin, validate inside the sandbox, write the errors on stdout; never a traceback."""
    from nme_data.validation import sandbox

    sandbox.limit_memory()
    result = os.dup(1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the result
    errors: list[Finding] = []
    try:
        job = json.loads(sys.stdin.buffer.read())
        watch_parent(job.get("parent"))
        if hasattr(signal, "alarm"):  # ends the worker even if its caller died without stopping it
            signal.alarm(int(job.get("budget", SPEC_TIMEOUT_SECONDS)) + 10)
        root = Path(job["root"])
        sandbox.install(root)
        limit = job.get("limit_errors")
        limit = limit if isinstance(limit, int) and limit > 0 else ERROR_LIMIT
        tables = job.get("tables")
        tables = tables if isinstance(tables, list) and all(isinstance(t, str) for t in tables) else None
        errors = validate_spec(job["descriptor"], root, on_table=_announce, limit=limit, tables=tables)
        known = " ".join(error.message for error in errors)
        for table, refusal in dict.fromkeys(sandbox.refusals):  # one that frictionless swallowed is still reported
            if refusal[:60] not in known:
                errors.append(Finding(table, None, None, "unsafe-path", shorten(refusal)))
    except BaseException as exc:  # the worker's last word is always a JSON list
        errors.append(failure(sandbox.current_table, "frictionless failed", exc))
    payload = json.dumps([error.to_dict() for error in errors], ensure_ascii=True)
    with os.fdopen(result, "w", encoding="ascii") as out:
        out.write(payload)


if __name__ == "__main__":
    main()
