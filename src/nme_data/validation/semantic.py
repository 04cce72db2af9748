"""The semantic layer: pandera runs the rules Table Schema cannot express, on each table's raw text."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, PackageError, Table
from nme_data.validation.errors import CODES, ValidationError

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.schemas import Context

MAX_VALUE_SHOWN = 200


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 4] + "...'"


def _to_errors(table: Table, frame: Any, failure_cases: Any) -> list[ValidationError]:
    """One error per (row, field, code): whole-row checks name their field in the check name."""
    import pandas as pd

    from nme_data.schemas import ANY_FIELD, formula_cells, text_fields

    errors = set()
    for case in failure_cases.itertuples(index=False):
        code, _, rest = str(case.check).partition("|")
        field, _, specific = rest.partition("|")
        if code not in CODES:
            code, field = "check-error", case.column if isinstance(case.column, str) else ""
        row = None if pd.isna(case.index) else int(case.index)
        message = specific or (CODES[code].meaning if code != "check-error" else f"{case.check} failed")
        if field == ANY_FIELD and row is not None:  # a row check over several columns: name each cell
            columns = formula_cells(frame.loc[row], text_fields(table, set(frame.columns)))
            cells = [(column, frame.at[row, column]) for column in columns]
        elif row is not None and field in frame.columns:
            cells = [(field, frame.at[row, field])]
        else:
            cells = [(field, case.failure_case)]
        for cell_field, value in cells:
            detail = "" if value is None or (isinstance(value, float) and pd.isna(value)) else f": {_shown(value)}"
            errors.add(ValidationError(table.name, row, cell_field or None, code, f"{message}{detail}"))
    return sorted(errors, key=lambda e: (e.row or 0, e.field or "", e.code))


def validate_semantics(package: DataPackage, tables: list[Table] | None = None) -> list[ValidationError]:
    """Run the semantic schema of each table the package model found sound (default: all of them).

    Frames come from `raw.read_text_frame`, which reads exactly the file, encoding and header the
    normalised descriptor names, the same one frictionless validates; a file the parser still cannot
    read is left to the spec layer, which locates the damage.
    """
    from nme_data.raw import read_text_frame
    from nme_data.schemas import Context

    tables = list(package.sound_tables.values()) if tables is None else list(tables)
    # Sources first (evidence needs their texts), tables that refer to rows of any table last (they need
    # every id); each frame is dropped once checked, so memory holds one table and the id sets.
    needs_every_id = {t.name for t in tables if {"subject_table", "subject_id"} <= set(t.field_names)}
    tables.sort(key=lambda t: (t.name != "sources", t.name in needs_every_id))
    deferred: dict[str, pd.DataFrame] = {}
    context = Context()
    errors: list[ValidationError] = []
    for table in tables:
        try:
            frame = read_text_frame(table)
        except (OSError, csv.Error, UnicodeDecodeError, PackageError):
            continue  # the spec layer reports why the file cannot be parsed
        frame = frame.loc[:, ~frame.columns.duplicated()]
        context.add(package, table.name, frame)
        if table.name in needs_every_id:
            deferred[table.name] = frame
        else:
            errors.extend(_check_table(table, frame, context))
    for table in tables:
        if table.name in deferred:
            errors.extend(_check_table(table, deferred.pop(table.name), context))
    return errors


def _check_table(table: Table, frame: pd.DataFrame, context: Context) -> list[ValidationError]:
    import pandera.errors

    from nme_data.schemas import build_schema

    if frame.empty:
        return []
    schema = build_schema(table, context, typed=False, present=set(frame.columns))
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return _to_errors(table, frame, exc.failure_cases)
    except Exception as exc:  # a check that cannot run is reported, never a traceback
        return [ValidationError(table.name, None, None, "check-error", f"semantic checks failed: {exc!r}")]
    return []
