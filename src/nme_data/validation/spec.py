"""The spec layer: frictionless validates the Data Package, schemas, types, constraints and keys."""

from __future__ import annotations

import csv
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
