"""The semantic layer: the rules Table Schema cannot express, run on each table's raw text.

The rules are `nme_data.rules.semantic`; the pandera schemas of `nme_data.schemas` wrap the same
functions. Here they are called directly: pandera would add its import (about a fifth of a second)
and its per-check bookkeeping to every `nme-data validate`, for the same verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, PackageError, Table
from nme_data.rules.rule import ANY_FIELD, Rule, shared_reads
from nme_data.validation.errors import CODES, Finding
from nme_data.validation.report import ErrorCap

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from nme_data.rules.semantic import Context

MAX_VALUE_SHOWN = 200


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 4] + "...'"


def verdicts(rule: Rule, frame: pd.DataFrame, blank: pd.Series) -> pd.Series:
    """The rule's verdict per row, read as pandera reads a frame check: a missing verdict fails, a row
    whose cells are all missing (`blank`) passes."""
    import pandas as pd

    return pd.Series(_passing(rule.check(frame), frame, blank), index=frame.index)


def _passing(found: Any, frame: pd.DataFrame, blank: pd.Series) -> np.ndarray[Any, Any]:
    """`verdicts` as one boolean array. One boolean per row, in order (most rules' answer) is combined with
    `blank` in numpy: a pandas operator per rule and table is a measurable share of a cold run (#31)."""
    import pandas as pd

    if not isinstance(found, pd.Series):  # one verdict for the whole table
        found = pd.Series(bool(found), index=frame.index)
    elif found.dtype == bool and (found.index is frame.index or found.index.equals(frame.index)):
        aligned: np.ndarray[Any, Any] = found.to_numpy() | blank.to_numpy()  # nothing to fill or align
        return aligned
    filled: np.ndarray[Any, Any] = (found.reindex(frame.index).fillna(False).astype(bool) | blank).to_numpy()
    return filled


def _run_rule(
    table: Table, frame: pd.DataFrame, rule: Rule, texts: list[str], blank: pd.Series, cap: ErrorCap | None = None
) -> list[Finding]:
    """One error per (row, field) that breaks the rule, built only while the cap has room for them (the
    rest are counted); a rule that cannot run is a check-error."""
    from nme_data.rules.semantic import formula_cells

    cap = cap if cap is not None else ErrorCap(None)
    try:
        passing = _passing(rule.check(frame), frame, blank)
        failing = frame.index[~passing] if not passing.all() else None
    except Exception as exc:  # a check that cannot run is reported, never a traceback
        message = f"semantic check {rule.code} on {rule.field or 'the table'} could not run: {exc!r}"
        return [Finding(table.name, None, rule.field or None, "check-error", message)]
    if failing is None or not len(failing):
        return []
    code = rule.code if rule.code in CODES else "check-error"
    message = rule.detail or (CODES[code].meaning if code != "check-error" else f"{rule.name} failed")
    errors = []
    if rule.field != ANY_FIELD:
        field = rule.field if rule.field in frame.columns else rule.field or None
        shown = failing[: cap.take(table.name, code, len(failing))]
        values = frame.loc[shown, field].tolist() if field in frame.columns else [None] * len(shown)
        for row, value in zip(shown, values, strict=True):
            errors.append(Finding(table.name, int(row), field, code, f"{message}{_detail(value)}"))
        return errors
    for row in failing:  # a row check over several columns: name each cell
        fields: Sequence[str] = formula_cells(frame.loc[row], texts)
        for field in fields[: cap.take(table.name, code, len(fields))]:
            errors.append(Finding(table.name, int(row), field, code, f"{message}{_detail(frame.at[row, field])}"))
    return errors


def _detail(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f": {_shown(value)}"


def validate_semantics(
    package: DataPackage, tables: list[Table] | None = None, cap: ErrorCap | None = None
) -> list[Finding]:
    """Run the semantic rules of each table the package model found sound (default: all of them); with a
    `cap`, errors beyond its limit per (table, code) are counted there instead of built.

    Frames come from `raw.read_text_frame`, which reads exactly the file, encoding and header the
    normalised descriptor names, the same one frictionless validates; a file the parser still cannot
    read is left to the spec layer, which locates the damage.
    """
    from nme_data.package.raw import read_text_frame
    from nme_data.rules.anchors import TABLE as ANCHORS
    from nme_data.rules.naming import needs_names
    from nme_data.rules.semantic import Context

    tables = list(package.sound_tables.values()) if tables is None else list(tables)
    # Sources first (evidence needs their texts), tables that refer to rows of any table or name their rows
    # by another table's names last (they need every id and name); each frame is dropped once checked, so
    # memory holds one table and the id sets.
    needs_every_id = {
        t.name
        for t in tables
        if {"subject_table", "subject_id"} <= set(t.field_names) or needs_names(t.fields, t.foreign_keys)
    }
    # The anchors are read second (each fact table's anchor-missing needs them) and checked last (their
    # rules need every fact row's evidence).
    needs_every_id.add(ANCHORS)
    tables.sort(key=lambda t: (t.name != "sources", t.name != ANCHORS, t.name in needs_every_id))
    deferred: dict[str, pd.DataFrame] = {}
    context = Context()
    errors: list[Finding] = []
    for table in tables:
        try:
            frame = read_text_frame(table)
        except (OSError, UnicodeDecodeError, PackageError):
            continue  # the spec layer reports why the file cannot be parsed
        duplicated = frame.columns.duplicated()
        if duplicated.any():  # a copy of the frame only when a label repeats (#31)
            frame = frame.loc[:, ~duplicated]
        context.add(package, table.name, frame)
        if table.name in needs_every_id:
            deferred[table.name] = frame
        else:
            errors.extend(_check_table(table, frame, context, cap))
    for table in tables:
        if table.name in deferred:
            errors.extend(_check_table(table, deferred.pop(table.name), context, cap))
    return errors


def _check_table(table: Table, frame: pd.DataFrame, context: Context, cap: ErrorCap | None = None) -> list[Finding]:
    from nme_data.rules.semantic import semantic_rules, text_fields

    if frame.empty:
        return []
    present = set(frame.columns)
    texts = text_fields(table, present)
    blank = frame.isna().all(axis="columns")
    rules = semantic_rules(table, context, present)
    with shared_reads():  # the frame is not changed while its rules run
        errors = {error for rule in rules for error in _run_rule(table, frame, rule, texts, blank, cap)}
    return sorted(errors, key=lambda e: (e.row or 0, e.field or "", e.code))
