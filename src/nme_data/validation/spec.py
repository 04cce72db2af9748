"""The spec layer: frictionless validates the Data Package, schemas, types, constraints and keys."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from nme_data.raw import FIELD_SIZE_LIMIT
from nme_data.validation.errors import ValidationError

#: Messages quote cells; a huge cell must not make a huge report.
MAX_MESSAGE = 300
#: Enough for a real package; a pathological file stops at this many per table.
ERROR_LIMIT = 10_000


def shorten(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 15] + f"... ({len(message)} chars)"


def _convert(table: str | None, error: Any) -> ValidationError:
    note = error.to_descriptor()
    return ValidationError(
        table=table,
        row=note.get("rowNumber"),
        field=note.get("fieldName") or ",".join(note.get("fieldNames") or []) or None,
        code=str(note.get("type", "general-error")),
        message=shorten(str(note.get("message", error))),
    )


def validate_spec(descriptor: dict[str, Any], root: Path) -> list[ValidationError]:
    """Every frictionless error for the (pre-flight sanitised) descriptor, located by table, row and field."""
    from frictionless import FrictionlessException, Package

    previous = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        try:
            package = Package(descriptor, basepath=str(root))
        except FrictionlessException as exc:
            return [_convert(None, exc.error)] + [_convert(None, reason) for reason in exc.reasons]
        report = package.validate(limit_errors=ERROR_LIMIT)
    finally:
        csv.field_size_limit(previous)
    errors = [_convert(None, error) for error in report.errors]
    for task in report.tasks:
        errors.extend(_convert(task.name, error) for error in task.errors)
    return errors


class PendingSpec:
    """The spec layer's errors, computed now or by a child process still running."""

    def __init__(self, errors: list[ValidationError] | None = None, pid: int = 0, reader: int = -1) -> None:
        self._errors, self._pid, self._reader = errors, pid, reader

    def result(self) -> list[ValidationError]:
        if self._errors is not None:
            return self._errors
        with os.fdopen(self._reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        try:
            self._errors = [ValidationError(**item) for item in json.loads(payload)]
        except (ValueError, TypeError):
            message = f"frictionless validation ended without a result (exit code {os.waitstatus_to_exitcode(status)})"
            self._errors = [ValidationError(None, None, None, "check-error", message)]
        return self._errors


def start_spec(descriptor: dict[str, Any], root: Path) -> PendingSpec:
    """Run the spec layer in a forked child where the platform allows, so that frictionless'
    import and validation overlap with pandas' and pandera's in the parent (two cores, half the wall
    time). Elsewhere, or with NME_DATA_SERIAL set, it runs here and now."""
    if not hasattr(os, "fork") or os.environ.get("NME_DATA_SERIAL"):
        return PendingSpec(validate_spec(descriptor, root))
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return PendingSpec(validate_spec(descriptor, root))
    if pid == 0:  # the child: validate, send the errors as JSON, leave without running any cleanup
        try:
            os.close(reader)
            try:
                payload = json.dumps([error.to_dict() for error in validate_spec(descriptor, root)])
            except BaseException as exc:
                failure = ValidationError(None, None, None, "check-error", f"frictionless failed: {exc!r}")
                payload = json.dumps([failure.to_dict()])
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload.encode("utf-8"))
        finally:
            os._exit(0)
    os.close(writer)
    return PendingSpec(pid=pid, reader=reader)
