"""Typed frames for new rows, and explicit ranks for ordered enums, so that order survives pandas operations.

Why: an ordered categorical keeps its order only while every piece of a frame has the same dtype.
`pd.concat` with a frame built from plain records turns `prominence` into text, and a comparison such as
`>= "common"` then compares alphabetically without a word of warning. `frame()` builds new rows with the
loader's dtypes (so `concat` keeps the categoricals), and `rank()` / `at_least()` take the order from the
descriptor, whatever dtype the column has by then, and refuse a value outside it.

Enum columns hold exactly the schema's values as categories, so `fillna("unknown")` on one raises
`TypeError` (pandas will not put a value that is not a category into a categorical): the enum is the
contract. To label missing cells anyway, add the label first,
`column.cat.add_categories("unknown").fillna("unknown")`, or leave the enum behind,
on pandas 3 `column.astype("str").fillna("unknown")`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from nme_data.errors import ArgumentError, NmeDataError
from nme_data.package import DataPackage, dtypes

if TYPE_CHECKING:
    import pandas as pd

    #: What `frame()` takes: a list of records, a dict of columns, or a DataFrame.
    Records: TypeAlias = Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]] | pd.DataFrame


class RecordError(NmeDataError, ValueError):
    """A value that `frame()` cannot give its field's type; names the table, record and field."""

    def __init__(self, table: str, record: Any, field: str, value: Any, kind: str) -> None:
        super().__init__(f"{table}: record {record}, field {field!r}: cannot read {value!r} as {kind}")
        self.table, self.record, self.field, self.value = table, record, field, value


def frame(table: str, records: Records = (), source: str | Path | None = None, validate: bool = True) -> pd.DataFrame:
    """New rows for `table` with exactly the loader's columns and dtypes, so `pd.concat` keeps them.

    `records` is a list of dicts, a dict of columns or a DataFrame. Fields it leaves out are missing;
    a column the table does not have, or a value its field cannot hold (text outside an enum, 1.5 for
    an integer, a number for text), raises `RecordError` instead of being dropped or coerced. This
    types the rows; it does not check the table's rules (`nme_data.schemas.schema(table)` does).
    A copy other than the bundled one is validated first, as by `nme_data.load` (`validate=False` skips it).
    """
    import pandas as pd

    from nme_data.frames.loader import open_checked

    fields = open_checked(source, validate).table(table).fields
    raw = records if isinstance(records, pd.DataFrame) else pd.DataFrame(_as_records(records))
    names = [f["name"] for f in fields]
    unknown = [str(column) for column in raw.columns if column not in names]
    if unknown:
        raise ArgumentError(f"{table} has no column(s) {unknown}; its columns are {names}")
    columns = {f["name"]: _typed(raw, f, table) for f in fields}
    return pd.DataFrame(columns, index=raw.index)


def _as_records(records: Records) -> Any:
    """A dict of columns stays one; anything else iterable becomes a list of rows."""
    return records if isinstance(records, Mapping) else list(records)


def _typed(raw: pd.DataFrame, field: dict[str, Any], table: str) -> pd.Series:
    """One column in its field's dtype, or RecordError naming the first value that would be lost or coerced."""
    import pandas as pd

    name, kind = field["name"], field.get("type", "string")
    dtype = dtypes.pandas_dtype(field)
    values = raw[name] if name in raw.columns else pd.Series([None] * len(raw), index=raw.index, dtype=object)
    present = values.notna()
    if isinstance(dtype, pd.CategoricalDtype):
        wrong = present & ~values.isin(list(dtype.categories))
        if wrong.any():
            index: Any = wrong.idxmax()
            raise RecordError(table, index, name, values[index], describe(field))
    elif kind == "string":
        wrong = present & ~values.astype(object).map(lambda v: isinstance(v, str)).astype(bool)
        if wrong.any():
            index = wrong.idxmax()
            raise RecordError(table, index, name, values[index], "text")
    try:
        if kind in ("date", "datetime"):
            converted = pd.to_datetime(values, errors="coerce", utc=kind == "datetime").astype(dtype)
        else:
            converted = values.astype(object).where(present, None).astype(dtype)
    except (TypeError, ValueError) as exc:
        index = _first_unreadable(values[present], dtype)
        raise RecordError(table, index, name, values.get(index), describe(field)) from exc
    lost = present & converted.isna()
    if lost.any():
        index = lost.idxmax()
        raise RecordError(table, index, name, values[index], describe(field))
    return converted


def _first_unreadable(values: pd.Series, dtype: Any) -> Any:
    """The index of the first value that cannot be cast alone (the whole-column cast said only that one fails)."""
    for index in list(values.index):
        try:
            values.loc[[index]].astype(object).astype(dtype)
        except (TypeError, ValueError):
            return index
    return values.index[0] if len(values) else None


def describe(field: dict[str, Any]) -> str:
    """'one of [...]' for an enum, else the Table Schema type: what a value of the field must be."""
    values = dtypes.enum_values(field)
    return f"one of {values}" if values is not None else field.get("type", "string")


def order(table: str, field: str, source: str | Path | None = None) -> list[Any]:
    """The declared order of an ordered enum, lowest first; ValueError for a field without one."""
    spec = _field(DataPackage.open(source).table(table).fields, table, field)
    values = dtypes.enum_values(spec)
    if values is None or not dtypes.is_ordered(spec):
        raise ArgumentError(f"{table}.{field} has no declared order (it is not an enum with categoriesOrdered)")
    return values


def _field(fields: list[dict[str, Any]], table: str, name: str) -> dict[str, Any]:
    for spec in fields:
        if spec.get("name") == name:
            return spec
    raise ArgumentError(f"{table} has no field {name!r}")


def _order_of(values: pd.Series, table: str | None, field: str | None, source: str | Path | None) -> list[Any]:
    """Where the order comes from: the named field; else the series' own ordered categories; else the
    descriptor's one ordered enum of that column name (text after a concat has lost its categories)."""
    import pandas as pd

    name = field or values.name
    if table is not None:
        if name is None:
            raise ArgumentError("the series has no name: pass field=")
        return order(table, str(name), source)
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype.ordered:
        return list(values.dtype.categories)
    package = DataPackage.open(source)
    found = {
        tuple(dtypes.enum_values(spec) or ())
        for resource in package.tables.values()
        for spec in resource.fields
        if spec.get("name") == name and dtypes.is_ordered(spec) and dtypes.enum_values(spec) is not None
    }
    if len(found) == 1:
        return list(found.pop())
    if not found:
        raise ArgumentError(f"no ordered enum is called {name!r}: pass table= and field=")
    raise ArgumentError(f"several tables have an ordered enum {name!r} with different orders: pass table=")


def rank(
    values: pd.Series, table: str | None = None, field: str | None = None, source: str | Path | None = None
) -> pd.Series:
    """Each value's position in its field's declared order (0 = lowest) as Int64; missing stays <NA>.

    Works on the categorical column as loaded and on the same column turned to text by a concat; a value
    outside the order raises ValueError rather than ranking silently. Use it to sort:
    `sites.sort_values("prominence", key=nme_data.rank)`.
    """
    return _rank(values, _order_of(values, table, field, source))


def _rank(values: pd.Series, levels: list[Any]) -> pd.Series:
    import pandas as pd

    positions = {value: position for position, value in enumerate(levels)}
    present = values.notna()
    unknown = sorted({str(v) for v in values[present] if v not in positions})
    if unknown:
        raise ArgumentError(f"{values.name}: {unknown} not in the declared order {levels}")
    ranked = [positions[v] if ok else None for v, ok in zip(values, present, strict=True)]
    return pd.Series(pd.array(ranked, dtype="Int64"), index=values.index, name=values.name)


def at_least(
    values: pd.Series,
    threshold: Any,
    table: str | None = None,
    field: str | None = None,
    source: str | Path | None = None,
) -> pd.Series:
    """True where a value ranks at or above `threshold` in the declared order; missing values are False.

    The safe form of `column >= threshold`: the same answer whether the column is still an ordered
    categorical or has become text, and a ValueError for a threshold (or value) outside the order.
    """
    levels = _order_of(values, table, field, source)
    if threshold not in levels:
        raise ArgumentError(f"{values.name}: threshold {threshold!r} is not in the declared order {levels}")
    return (_rank(values, levels) >= levels.index(threshold)).fillna(False).astype(bool)
