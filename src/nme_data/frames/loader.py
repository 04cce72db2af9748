"""Typed pandas DataFrames for the tables, with dtypes derived from the Table Schema."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, Table, TableError
from nme_data.package.csvfile import ENCODING, field_limit
from nme_data.package.limits import MAX_CELL_CHARS
from nme_data.package.raw import FIRST_DATA_ROW

if TYPE_CHECKING:
    import pandas as pd


def _read_text_path(table: Table) -> pd.DataFrame:
    """The slow, exact path: every cell as text, then converted field by field, naming the first bad cell."""
    import pandas as pd

    from nme_data.package.dtypes import convert_column

    frame = pd.read_csv(
        io.BytesIO(table.read_bytes()),  # the package model's one read of the file
        dtype="string",
        keep_default_na=False,
        na_values=table.missing_values,
        encoding=ENCODING,
        sep=",",
        skip_blank_lines=False,
        index_col=False,
    )
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    columns = {f["name"]: convert_column(frame[f["name"]], f, table.name) for f in table.fields}
    return pd.DataFrame(columns).reset_index(drop=True)


def _read_arrow_path(table: Table) -> pd.DataFrame | None:
    """The fast path: pyarrow parses and types every column in C; None when any cell needs the exact path."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    from nme_data.package import dtypes

    fields = table.fields
    arrow = dtypes.arrow_types()
    if len(set(table.field_names)) != len(fields) or any(f.get("type", "string") not in arrow for f in fields):
        return None
    booleans = [f for f in fields if f.get("type") == "boolean"]
    true_values = {v for f in booleans for v in f.get("trueValues", dtypes.DEFAULT_TRUE)}
    false_values = {v for f in booleans for v in f.get("falseValues", dtypes.DEFAULT_FALSE)}
    if true_values & false_values:
        return None
    try:
        parsed = pv.read_csv(
            io.BytesIO(table.read_bytes()),  # the package model's one read of the file
            parse_options=pv.ParseOptions(ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types={f["name"]: arrow[f.get("type", "string")] for f in fields},
                include_columns=table.field_names,
                null_values=table.missing_values,
                strings_can_be_null=True,
                true_values=sorted(true_values) or list(dtypes.DEFAULT_TRUE),
                false_values=sorted(false_values) or list(dtypes.DEFAULT_FALSE),
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, KeyError):
        return None
    arrays: list[Any] = []
    for field in fields:
        values = parsed.column(field["name"])
        enum = dtypes.enum_values(field)
        if enum is not None and field.get("type", "string") == "string":
            codes = pc.index_in(values, options=dtypes.enum_lookup(tuple(enum)))
            if codes.null_count != values.null_count:  # codes are null for missing cells and unknown values
                return None  # a value outside the enum: the exact path names it
            category = dtypes.categorical_dtype(tuple(enum), dtypes.is_ordered(field))
            # the codes are positions in the enum by construction: pandas need not check them again
            codes = pc.fill_null(codes, -1) if codes.null_count else codes  # -1: pandas' code for missing
            arrays.append(pd.Categorical.from_codes(codes.to_numpy(), dtype=category, validate=False))
        else:
            arrays.append(dtypes.pandas_dtype(field).__from_arrow__(values))  # pandas' own arrow hand-over
    return frame_of(table.field_names, arrays, parsed.num_rows)


def frame_of(names: list[str], arrays: list[Any], rows: int) -> pd.DataFrame:
    """A frame of ready-typed arrays (unique names), through pandas' public constructor, without copying.

    pandas' private `DataFrame._from_arrays` skips a few checks, but saves little here: load_all() takes
    about 0.36 x pandas.read_csv with the public constructor and 0.30 x with the private one, far within
    scripts/bench.py's target of 1.5 x (docs/architecture.md); a test checks that both build the same frame.
    """
    import pandas as pd

    return pd.DataFrame(dict(zip(names, arrays, strict=True)), index=pd.RangeIndex(rows), copy=False)


def read_table(table: Table) -> pd.DataFrame:
    """Read one table: only the schema's missing values are missing, so 'NA' or 'null' stays text.

    The header must be exactly the schema's fields, in order, as the validator requires: a copy the
    validator refuses is refused here too (a HeaderError or EmptyTableError, both PackageErrors),
    never read by position into the wrong columns. A file the parsers cannot read raises TableError.
    """
    import pandas as pd

    table.check_header()
    try:
        with field_limit(MAX_CELL_CHARS):
            frame = _read_arrow_path(table)
            return frame if frame is not None else _read_text_path(table)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise TableError(
            f"{table.name}: {table.file} cannot be read as CSV: {exc}", code="source-error", table=table.name
        ) from None


def open_checked(source: str | Path | None, validate: bool = True) -> DataPackage:
    """The copy, validated first unless it is the bundled one or the caller opts out (`validate=False`).

    An invalid copy raises `InvalidPackageError` (a PackageError) carrying the validator's report.
    """
    package = DataPackage.open(source)
    if validate:
        from nme_data.validation.gate import READ, require_valid

        require_valid(package, policy=READ)
    return package


def load(name: str, source: str | Path | None = None, validate: bool = True, statement: bool = False) -> pd.DataFrame:
    """One table as a typed DataFrame, from the bundled package or from `source` (a directory or descriptor).

    A copy other than the bundled one is validated first (through the validation cache) and refused with
    `InvalidPackageError`, carrying the report, when `nme_data.validate` would refuse it; `validate=False`
    skips that (the loader still refuses a table it cannot read by the schema).

    statement=True adds a last column `statement`: each row as one sentence, from the templates the table
    declares in datapackage.json (missing where it declares none); see `nme_data.frames.statements`.
    """
    package = open_checked(source, validate)
    frame = read_table(package.table(name))
    if statement:
        from nme_data.frames.statements import COLUMN, with_statements

        frame = with_statements(frame, package, name, COLUMN)
    return frame


def load_all(source: str | Path | None = None, validate: bool = True) -> dict[str, pd.DataFrame]:
    """Every table, keyed by name, in descriptor order; a copy is validated first, as by `load`."""
    package = open_checked(source, validate)
    return {name: read_table(table) for name, table in package.tables.items()}
