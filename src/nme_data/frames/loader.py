"""Typed pandas DataFrames for the tables, with dtypes derived from the Table Schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, Table, TableError
from nme_data.package.raw import FIRST_DATA_ROW

if TYPE_CHECKING:
    import pandas as pd


def _read_text_path(table: Table) -> pd.DataFrame:
    """The slow, exact path: every cell as text, then converted field by field, naming the first bad cell."""
    import pandas as pd

    from nme_data.package.dtypes import convert_column

    cells = table.cells()  # the package model's one parse of the file
    header = cells.header or []
    width = len(header)
    missing = set(table.missing_values)
    rows = cells.data_rows()
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if len(row) > width:
            raise TableError(
                f"{table.name}: {table.file} cannot be read as CSV: row {number} has {len(row)} cells for "
                f"{width} columns",
                code="source-error",
                table=table.name,
            )
    texts = {
        label: pd.array([None if len(row) <= i or row[i] in missing else row[i] for row in rows], dtype="string")
        for i, label in enumerate(header)
    }
    frame = pd.DataFrame(texts, index=pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))
    columns = {f["name"]: convert_column(frame[f["name"]], f, table.name) for f in table.fields}
    return pd.DataFrame(columns, index=frame.index).reset_index(drop=True)


def _read_arrow_path(table: Table) -> pd.DataFrame | None:
    """The fast path: pyarrow types every column of the one parse in C; None when any cell needs the exact path."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from nme_data.package import dtypes

    fields = table.fields
    arrow = dtypes.arrow_types()
    if len(set(table.field_names)) != len(fields) or any(f.get("type", "string") not in arrow for f in fields):
        return None
    cells = table.cells()  # the package model's one parse of the file
    if not cells.strict or cells.header != table.field_names:
        return None
    missing = pa.array(table.missing_values, type=pa.large_string())
    no_text = pa.scalar(None, pa.large_string())
    arrays: list[Any] = []
    try:
        for field, texts in zip(fields, cells.arrow_columns(), strict=True):
            kind = field.get("type", "string")
            gone = pc.is_in(texts, value_set=missing)
            # most columns have no missing cell: the column is then its own values (a kernel call saved)
            values = pc.if_else(gone, no_text, texts) if gone.true_count else texts
            if kind == "boolean":
                trues = pc.is_in(values, value_set=pa.array(field.get("trueValues", dtypes.DEFAULT_TRUE)))
                falses = pc.is_in(values, value_set=pa.array(field.get("falseValues", dtypes.DEFAULT_FALSE)))
                if pc.any(pc.and_(trues, falses)).as_py() or not pc.all(pc.or_(pc.or_(trues, falses), gone)).as_py():
                    return None
                values = pc.if_else(gone, pa.scalar(None, pa.bool_()), trues)
            elif kind != "string":
                values = pc.cast(values, arrow[kind])
            enum = dtypes.enum_values(field)
            if enum is not None and kind == "string":
                codes = pc.index_in(values, options=dtypes.enum_lookup(tuple(enum)))
                if codes.null_count != values.null_count:  # codes are null for missing cells and unknown values
                    return None  # a value outside the enum: the exact path names it
                category = dtypes.categorical_dtype(tuple(enum), dtypes.is_ordered(field))
                # the codes are positions in the enum by construction: pandas need not check them again
                codes = pc.fill_null(codes, -1) if codes.null_count else codes  # -1: pandas' code for missing
                arrays.append(pd.Categorical.from_codes(codes.to_numpy(), dtype=category, validate=False))
            else:
                arrays.append(dtypes.pandas_dtype(field).__from_arrow__(pa.chunked_array([values])))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return frame_of(table.field_names, arrays, cells.row_count)


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

    table.check_header()
    try:
        frame = _read_arrow_path(table)
        return frame if frame is not None else _read_text_path(table)
    except (UnicodeDecodeError, OSError) as exc:
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
