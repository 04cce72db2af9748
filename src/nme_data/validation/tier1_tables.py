"""Tier 1's reading and column checks of one table: what frictionless would find in its rows, column-wise.

Both must see the same cells: frictionless sniffs its dialect from the first lines of the text stream, so
tier 1 sniffs the same lines the same way and accepts only plain comma-separated CSV; and it parses only
bytes in plain RFC 4180 form (an RE2 grammar over the file), where pyarrow's parser and frictionless' csv
module cannot differ. Anything else is "cannot decide". Each column is then one pyarrow array, and every
check is a vectorised kernel (missing values, `required`, types, lengths, `enum`, `unique`, `pattern` by
pyarrow's RE2) or runs once per distinct value (URIs, by the same rfc3986 validator as frictionless).
Each check is at least as strict as frictionless': a cell it is unsure of (an integer written `+1` or
` 1`, say) is "cannot decide", never valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nme_data.package import Table
from nme_data.package.integers import SURE_INTEGER
from nme_data.text.patterns import Matcher
from nme_data.validation.tier1_descriptor import _Undecided
from nme_data.validation.tier1_ops import ARROW_FROM_BYTES, ArrowOps, ListOps, Ops

if TYPE_CHECKING:
    pass

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
#: Cells tier 1 reads as numbers: a strict subset of what Python's int() and Decimal() accept.
INTEGER = SURE_INTEGER  # the one integer reading: nme_data.package.integers
NUMBER = r"-?[0-9]{1,15}(\.[0-9]{1,15})?"
#: Values rfc3986 surely reads with a scheme: http or https, then printable ASCII only.
SURE_URI = re.compile(r"https?://[!-~]*\Z")
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")


@dataclass
class Column:
    """A checked column: which rows are missing, and the typed values of the others (for keys)."""

    missing: Any
    values: Any
    kind: str
    ops: Ops

    def python(self) -> list[Any]:
        """Every row's value as frictionless holds it (None when missing), for composite keys."""
        values = self.ops.python(self.values)
        present = iter([Decimal(v) for v in values] if self.kind == "number" else values)
        return [None if gone else next(present) for gone in self.ops.python(self.missing)]


@dataclass
class CheckedTable:
    """What the table-level and cross-table checks need of one table."""

    name: str
    rows: int
    columns: dict[str, Column] = field(default_factory=dict)


def read_columns(table: Table, encoding: str, width: int, ops: Ops) -> tuple[list[str], list[Any]]:
    """The header and one column of cells per field, as frictionless' csv parser would read the file.

    The cells are the package model's one parse of the file (`Table.cells`), the same the pre-flight
    scanned and the semantic rules check: tier 1 never opens or parses a table file itself.

    Only the strict path's cells count (plain RFC 4180 bytes, every row as wide as the header), where
    pyarrow's parser, the csv module and frictionless cannot differ; anything else is "cannot decide", as
    is a dialect frictionless would sniff other than plain comma-separated CSV.
    """
    from nme_data.package import PackageError

    path = table.path
    if encoding not in ("utf-8", "utf-8-sig"):
        raise _Undecided(f"{path.name}: the encoding {encoding!r} is not read by tier 1")
    try:
        cells = table.cells()
    except PackageError as exc:
        raise _Undecided(f"{path.name}: {exc.message}"[:200]) from None
    if (cells.bom and encoding != "utf-8-sig") or not cells.plain:
        raise _Undecided(f"{path.name} is not plain RFC 4180 CSV")
    dialect = cells.dialect()
    if not dialect.plain:
        raise _Undecided(
            f"frictionless would sniff the dialect {dialect.delimiter!r}/{dialect.quotechar!r}, not plain CSV"
        )
    if cells.header is None:
        raise _Undecided("no header row")
    if not cells.strict or len(cells.header) != width:
        raise _Undecided("a row does not have one cell per field")
    columns = cells.arrow_columns() if ops is ArrowOps else cells.column_lists()
    return list(cells.header), columns


def check_table(
    source: Table,
    resource: dict[str, Any],
    patterns: dict[tuple[str, str], tuple[str, Matcher]],
    keep: set[str] | frozenset[str] = frozenset(),
    ops: Ops | None = None,
) -> CheckedTable:
    """Header, row shape, blank rows and every column's type and constraints; _Undecided at the first doubt.

    Only the columns in `keep` (those foreign keys need) are kept once checked: memory holds one table.
    `ops` forces a back-end (tests); by default pyarrow for files of ARROW_FROM_BYTES or more."""
    reference = resource.get("path")
    if not (isinstance(reference, str) and SAFE_PATH.match(reference) and ".." not in reference.split("/")):
        raise _Undecided(f"the path {str(reference)[:80]!r} is outside tier 1's grammar")
    name = source.name
    if ops is None:
        ops = ArrowOps if len(source.read_bytes()) >= ARROW_FROM_BYTES else ListOps
    schema = resource["schema"]
    fields = schema["fields"]
    names = [spec["name"] for spec in fields]
    encoding = resource.get("encoding")
    if not isinstance(encoding, str):  # frictionless would guess one from the bytes: not tier 1's to prove
        raise _Undecided("the resource declares no encoding")
    header, columns = read_columns(source, encoding, len(names), ops)
    if header != names:
        raise _Undecided("the header row is not exactly the schema's field names")
    missing_values = schema.get("missingValues", [""])
    table = CheckedTable(name, len(columns[0]))
    blank = None
    for spec, cells in zip(fields, columns, strict=True):
        missing = ops.is_in(cells, missing_values)
        blank = missing if blank is None else ops.and_(blank, missing)
        table.columns[spec["name"]] = _check_column(ops, name, spec, cells, missing, patterns)
    if blank is not None and ops.any(blank):
        raise _Undecided("a row is blank")
    _check_primary_key(table, schema.get("primaryKey", []))
    table.columns = {field: column for field, column in table.columns.items() if field in keep}
    return table


def _check_column(
    ops: Ops,
    table: str,
    spec: dict[str, Any],
    cells: Any,
    missing: Any,
    patterns: dict[tuple[str, str], tuple[str, Matcher]],
) -> Column:
    name, kind = spec["name"], spec["type"]
    constraints = spec.get("constraints", {})
    where = f"field {name!r}: "
    if constraints.get("required") and ops.any(missing):
        raise _Undecided(f"{where}a required cell is missing")
    present = ops.present(cells, missing)
    values = _typed(ops, kind, spec.get("format", "default"), present, where)
    _check_constraints(ops, kind, constraints, present, values, where)
    if (table, name) in patterns and kind == "string" and not ops.all_match(present, *patterns[(table, name)]):
        raise _Undecided(f"{where}a cell does not match the pattern")
    return Column(missing, values, kind, ops)


def _typed(ops: Ops, kind: str, fmt: str, present: Any, where: str) -> Any:
    """The present cells as frictionless types them; _Undecided unless every one is surely of the type."""
    if kind == "string":
        if fmt == "uri" and not all(_is_uri(value) for value in ops.unique(present)):
            raise _Undecided(f"{where}a cell is not a URI")
        return present
    if kind == "integer":
        if not ops.full_match(present, INTEGER):
            raise _Undecided(f"{where}a cell is not surely an integer")
        return ops.to_int(present)
    if kind == "number":
        if not ops.full_match(present, NUMBER):
            raise _Undecided(f"{where}a cell is not surely a number")
        return present  # compared as Decimal, as frictionless does: floats would round
    if kind == "boolean":
        if not ops.all_in(present, TRUE_VALUES + FALSE_VALUES):
            raise _Undecided(f"{where}a cell is not a boolean")
        return ops.to_bool(present, TRUE_VALUES)
    raise _Undecided(f"{where}type {kind!r} is not evaluated by tier 1")


def _is_uri(value: str) -> bool:
    """frictionless' own test for format uri (rfc3986, a scheme required). An http(s) address of printable
    ASCII always passes it (a test checks that): those skip importing rfc3986, a tenth of a second."""
    if SURE_URI.match(value):
        return True
    import rfc3986
    from rfc3986 import exceptions, validators

    validator = validators.Validator()
    validator.require_presence_of("scheme")
    try:
        validator.validate(rfc3986.uri_reference(value))
    except exceptions.ValidationError:
        return False
    return True


def _check_constraints(ops: Ops, kind: str, constraints: dict[str, Any], present: Any, values: Any, where: str) -> None:
    if len(present) == 0:
        return
    if "minLength" in constraints or "maxLength" in constraints:
        shortest, longest = ops.length_range(present)
        if shortest < constraints.get("minLength", 0) or longest > constraints.get("maxLength", longest):
            raise _Undecided(f"{where}a cell's length is outside its bounds")
    if "enum" in constraints and not ops.all_in(present, constraints["enum"]):
        raise _Undecided(f"{where}a cell is not one of the enum's values")
    if "minimum" in constraints or "maximum" in constraints:
        _check_bounds(ops, kind, constraints, values, where)
    if constraints.get("unique") and not _distinct(ops, kind, values):
        raise _Undecided(f"{where}a value repeats in a unique column")


def _check_bounds(ops: Ops, kind: str, constraints: dict[str, Any], values: Any, where: str) -> None:
    if kind == "integer":
        low, high = ops.value_range(values)
    else:  # frictionless reads a float bound as Decimal(str(bound)) and compares Decimals
        numbers = [Decimal(v) for v in ops.unique(values)]
        low, high = min(numbers), max(numbers)
    bound = {key: Decimal(str(value)) if isinstance(value, float) else value for key, value in constraints.items()}
    if ("minimum" in bound and low < bound["minimum"]) or ("maximum" in bound and high > bound["maximum"]):
        raise _Undecided(f"{where}a value is outside its bounds")


def _distinct(ops: Ops, kind: str, values: Any) -> bool:
    if kind == "number":
        return len({Decimal(v) for v in ops.python(values)}) == len(values)
    return ops.count_distinct(values) == len(values)


def _check_primary_key(table: CheckedTable, key: list[str]) -> None:
    if not key:
        return
    columns = [table.columns[name] for name in key]
    if any(column.ops.any(column.missing) for column in columns):
        raise _Undecided("a primary key cell is missing")
    if len(columns) == 1:
        distinct = _distinct(columns[0].ops, columns[0].kind, columns[0].values)
    else:
        distinct = len(set(zip(*(column.python() for column in columns), strict=True))) == table.rows
    if not distinct:
        raise _Undecided("a primary key repeats")


def check_foreign_keys(tables: dict[str, CheckedTable], name: str, schema: dict[str, Any]) -> None:
    """Every non-missing key of this table is a key of the table it refers to (frictionless' rule)."""
    for foreign in schema.get("foreignKeys", []):
        local = field_list(foreign["fields"])
        remote = field_list(foreign["reference"]["fields"])
        target = tables[foreign["reference"]["resource"]]
        here = [tables[name].columns[f] for f in local]
        there = [target.columns[f] for f in remote]
        if len(here) == 1 and here[0].kind == there[0].kind != "number":
            known = there[0].ops.unique(there[0].values)
            if not here[0].ops.all_in(here[0].values, known):
                raise _Undecided(f"a value of {local[0]!r} is not a key of {target.name!r}")
            continue
        keys = {cells for cells in zip(*(c.python() for c in there), strict=True) if set(cells) != {None}}
        for cells in zip(*(c.python() for c in here), strict=True):
            if None in cells:
                if set(cells) == {None}:
                    continue
                raise _Undecided("a composite foreign key is partly missing")
            if cells not in keys:
                raise _Undecided(f"a value of {local} is not a key of {target.name!r}")


def field_list(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)
