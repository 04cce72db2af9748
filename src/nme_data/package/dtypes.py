"""How a Table Schema field becomes a pandas dtype: shared by the loader, the schemas and the exports.

What a user gets, by field type (and so one missing-value marker per kind of column):

* text without an enum: the running pandas' default string dtype, so a merge with a frame the user built
  keeps it: on pandas 3 that is `str` (`pd.StringDtype(na_value=np.nan)`, arrow-backed), missing = NaN;
  on pandas 2 (no default string dtype) it is `string` (`pd.StringDtype()`), missing = `<NA>`;
* enums: `category` with exactly the enum's values as categories (ordered where the schema says
  `categoriesOrdered`), missing = NaN;
* integer/year, number, boolean: the nullable `Int64`, `Float64`, `boolean`, missing = `<NA>`
  (numpy's int64 and bool cannot hold a missing value; float64 could, but would lose the distinction
  between "the article gives no number" and a computed NaN).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from nme_data.errors import NmeDataError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")

#: Table Schema type -> pandas dtype name, for fields without an enum ("str": see `string_dtype`).
SCALAR_DTYPES: dict[str, str] = {
    "string": "str",
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns, UTC]",
}


@functools.cache
def arrow_types() -> dict[str, Any]:
    """Table Schema type -> pyarrow type for the loader's fast path; other types (dates) take the exact path."""
    import pyarrow as pa

    return {
        # what pandas' arrow-backed strings hold (pandas 3's `str` included): no cast on hand-over
        "string": pa.large_string(),
        "integer": pa.int64(),
        "year": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }


@functools.cache
def enum_lookup(values: tuple[str, ...]) -> Any:
    """pyarrow's options for finding a column's values in an enum, built once per enum."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.SetLookupOptions(value_set=pa.array(values, pa.large_string()))


@functools.cache
def categorical_dtype(values: tuple[Any, ...], ordered: bool) -> Any:
    """One CategoricalDtype per enum: building them is most of the cost of typing small tables."""
    import pandas as pd

    return pd.CategoricalDtype(list(values), ordered=ordered)


def enum_values(field: dict[str, Any]) -> list[Any] | None:
    """The allowed values of an enum field, or None."""
    constraints = field.get("constraints") or {}
    values = constraints.get("enum")
    return list(values) if values is not None else None


def is_ordered(field: dict[str, Any]) -> bool:
    """Ordinal enums say so with the Table Schema v2 property `categoriesOrdered`."""
    return bool(field.get("categoriesOrdered", False))


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The dtype the loader gives a field: category for enums, nullable types otherwise."""
    values = enum_values(field)
    if values is not None:
        return categorical_dtype(tuple(values), is_ordered(field))
    return scalar_dtype(SCALAR_DTYPES.get(field.get("type", "string"), "str"))


@functools.cache
def scalar_dtype(name: str) -> Any:
    import pandas as pd

    return string_dtype() if name == "str" else pd.api.types.pandas_dtype(name)


@functools.cache
def string_dtype() -> Any:
    """The string dtype pandas itself infers for text, so user-built frames merge without turning to object.

    pandas 3 infers `str` (NaN as missing value); pandas 2 infers numpy `object` unless its
    `future.infer_string` option is on, and then we keep the nullable `string` dtype, which works there.
    """
    import pandas as pd

    inferred = pd.api.types.pandas_dtype("str")
    return inferred if isinstance(inferred, pd.StringDtype) else pd.StringDtype()


class ConversionError(NmeDataError, ValueError):
    """A cell that cannot be read as its field's type."""

    def __init__(self, table: str, row: int, field: str, value: str, kind: str) -> None:
        super().__init__(f"{table}: row {row}, field {field!r}: cannot read {value!r} as {kind}")
        self.table, self.row, self.field, self.value = table, row, field, value


def convert_column(values: pd.Series, field: dict[str, Any], table: str) -> pd.Series:
    """Turn a column of raw text (missing cells already NA) into the field's dtype, or raise."""
    import pandas as pd

    from nme_data.package.integers import int64

    kind = field.get("type", "string")
    dtype = pandas_dtype(field)
    converted: pd.Series
    index: Any
    if isinstance(dtype, pd.CategoricalDtype) and kind == "string":
        outside = values.notna() & ~values.isin(list(dtype.categories))
        if outside.any():
            index = outside.idxmax()
            raise ConversionError(table, int(index), field["name"], str(values[index]), "one of the enum values")
        converted = values.astype(dtype)
    elif kind in ("integer", "year"):  # exactly, never through a float: 9007199254740993 stays itself
        whole = [None if value is pd.NA or value is None else int64(str(value)) for value in values]
        converted = pd.Series(pd.array(whole, dtype="Int64"), index=values.index)
    elif kind == "number":
        converted = pd.to_numeric(values, errors="coerce").astype("Float64")
    elif kind == "boolean":
        truthy = field.get("trueValues", DEFAULT_TRUE)
        falsy = field.get("falseValues", DEFAULT_FALSE)
        mapping = {**dict.fromkeys(truthy, True), **dict.fromkeys(falsy, False)}
        converted = values.map(mapping).astype("boolean")
    elif kind in ("date", "datetime"):
        fmt = "%Y-%m-%d" if kind == "date" else "ISO8601"
        converted = pd.to_datetime(values, format=fmt, errors="coerce", utc=kind == "datetime")
    else:
        converted = values.astype(dtype)
    lost = values.notna() & converted.isna()
    if lost.any():
        index = lost.idxmax()
        raise ConversionError(table, int(index), field["name"], str(values[index]), kind)
    return converted
