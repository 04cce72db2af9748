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

import csv
import functools
import io
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nme_data.package import Table
from nme_data.package.integers import SURE_INTEGER
from nme_data.package.limits import MAX_CELL_CHARS
from nme_data.text.patterns import Matcher
from nme_data.validation.tier1_descriptor import _Undecided as Undecided  # tier 1's own, internal
from nme_data.validation.tier1_ops import ARROW_FROM_BYTES, ArrowOps, ListOps, Ops

if TYPE_CHECKING:
    import pyarrow as pa

#: frictionless' csv parser sniffs its dialect from this many lines of the text stream, among these delimiters.
SAMPLE_LINES = 100
SNIFFED_DELIMITERS = ",\t;|"
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
#: Cells tier 1 reads as numbers: a strict subset of what Python's int() and Decimal() accept.
INTEGER = SURE_INTEGER  # the one integer reading: nme_data.package.integers
NUMBER = r"-?[0-9]{1,15}(\.[0-9]{1,15})?"
BOM = b"\xef\xbb\xbf"
#: Plain RFC 4180 CSV, as bytes: records of fields (quoted, with doubled quotes inside, or without any
#: quote, comma or line end), each record non-empty and ended by LF or CRLF (the last may lack it).
_FIELD = rb'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
_RECORD = rb'(?:"(?:[^"]|"")*"(?:,%s)*|[^",\r\n]+(?:,%s)*|,%s(?:,%s)*)' % ((_FIELD,) * 4)
PLAIN = rb"(?:%s(?:\r\n|\n))*(?:%s)?" % (_RECORD, _RECORD)
#: pyarrow reads in blocks; a record must fit in one, so blocks hold the largest cell the budgets allow.
ARROW_BLOCK_BYTES = 4 * MAX_CELL_CHARS + (1 << 20)
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

    The bytes are the package model's one read of the file (`Table.read_bytes`), the same the pre-flight
    scanned and the semantic rules load: tier 1 never opens a table file itself.

    Only bytes in plain RFC 4180 form are read (`PLAIN`: every quote opens or closes a quoted field or
    doubles inside one, LF or CRLF line ends, no empty line), where pyarrow's parser, the csv module and
    frictionless cannot differ; anything else is "cannot decide". The csv module reads small files and
    pyarrow large ones; the csv module's cell limit is process-wide, so tier 1 only reads it, never sets
    it (a cell beyond it is "cannot decide"): tier 1 runs in a thread beside the semantic rules.
    """
    data = table.read_bytes()
    path = table.path
    text = data[len(BOM) :] if encoding == "utf-8-sig" and data.startswith(BOM) else data
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as stream:
        _require_plain_dialect(list(itertools.islice(stream, SAMPLE_LINES)))
    if text.startswith(BOM) or not _plain(text):
        raise Undecided(f"{path.name} is not plain RFC 4180 CSV")
    if ops is ListOps:
        return _list_columns(text, width)
    import pyarrow as pa

    try:
        return _arrow_columns(text, width)
    except (pa.ArrowInvalid, ValueError) as exc:  # e.g. a row with more cells than the header
        raise Undecided(f"{path.name}: {exc}"[:200]) from None


def _list_columns(text: bytes, width: int) -> tuple[list[str], list[Any]]:
    try:
        records = list(csv.reader(io.StringIO(text.decode("utf-8"), newline="")))
    except (csv.Error, UnicodeDecodeError) as exc:
        raise Undecided(f"the csv module cannot read the file: {exc}"[:200]) from None
    if not records:
        raise Undecided("no header row")
    header, body = records[0], records[1:]
    if body and set(map(len, body)) != {width}:
        raise Undecided("a row does not have one cell per field")
    columns = [list(column) for column in zip(*body, strict=True)] if body else [[] for _ in range(width)]
    return header, columns


def _plain(data: bytes) -> bool:
    return _plain_matcher().fullmatch(data) is not None


@functools.lru_cache(maxsize=1)
def _plain_matcher() -> Any:
    """PLAIN compiled by RE2 (linear time, whatever the bytes), once, on first use."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.max_mem = 64 * 1024 * 1024
    return re2.compile(PLAIN, options)


def _arrow_columns(data: bytes, width: int) -> tuple[list[str], list[pa.Array]]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(width)]
    table = pcsv.read_csv(
        pa.py_buffer(data),
        read_options=pcsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES),
        parse_options=pcsv.ParseOptions(
            delimiter=",",
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=True,
        ),
    )
    if table.num_rows == 0:
        raise ValueError("no header row")
    columns = [table.column(i).combine_chunks() for i in range(width)]
    header = [column[0].as_py() for column in columns]
    return header, [column.slice(1) for column in columns]


def _require_plain_dialect(sample: list[str]) -> None:
    """The dialect frictionless would sniff from these lines must be plain comma-separated CSV."""
    try:
        sniffed = csv.Sniffer().sniff("".join(sample), SNIFFED_DELIMITERS)
    except csv.Error:
        return  # frictionless falls back to csv.excel: plain CSV
    quote = '"' if sniffed.quotechar == "'" else sniffed.quotechar
    if (sniffed.delimiter, quote, sniffed.escapechar, bool(sniffed.skipinitialspace)) != (",", '"', None, False):
        raise Undecided(f"frictionless would sniff the dialect {sniffed.delimiter!r}/{quote!r}, not plain CSV")


def check_table(
    source: Table,
    resource: dict[str, Any],
    patterns: dict[tuple[str, str], tuple[str, Matcher]],
    keep: set[str] | frozenset[str] = frozenset(),
    ops: Ops | None = None,
) -> CheckedTable:
    """Header, row shape, blank rows and every column's type and constraints; Undecided at the first doubt.

    Only the columns in `keep` (those foreign keys need) are kept once checked: memory holds one table.
    `ops` forces a back-end (tests); by default pyarrow for files of ARROW_FROM_BYTES or more."""
    reference = resource.get("path")
    if not (isinstance(reference, str) and SAFE_PATH.match(reference) and ".." not in reference.split("/")):
        raise Undecided(f"the path {str(reference)[:80]!r} is outside tier 1's grammar")
    name = source.name
    if ops is None:
        ops = ArrowOps if len(source.read_bytes()) >= ARROW_FROM_BYTES else ListOps
    schema = resource["schema"]
    fields = schema["fields"]
    names = [spec["name"] for spec in fields]
    encoding = resource.get("encoding")
    if not isinstance(encoding, str):  # frictionless would guess one from the bytes: not tier 1's to prove
        raise Undecided("the resource declares no encoding")
    header, columns = read_columns(source, encoding, len(names), ops)
    if header != names:
        raise Undecided("the header row is not exactly the schema's field names")
    missing_values = schema.get("missingValues", [""])
    table = CheckedTable(name, len(columns[0]))
    blank = None
    for spec, cells in zip(fields, columns, strict=True):
        missing = ops.is_in(cells, missing_values)
        blank = missing if blank is None else ops.and_(blank, missing)
        table.columns[spec["name"]] = _check_column(ops, name, spec, cells, missing, patterns)
    if blank is not None and ops.any(blank):
        raise Undecided("a row is blank")
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
        raise Undecided(f"{where}a required cell is missing")
    present = ops.present(cells, missing)
    values = _typed(ops, kind, spec.get("format", "default"), present, where)
    _check_constraints(ops, kind, constraints, present, values, where)
    if (table, name) in patterns and kind == "string" and not ops.all_match(present, *patterns[(table, name)]):
        raise Undecided(f"{where}a cell does not match the pattern")
    return Column(missing, values, kind, ops)


def _typed(ops: Ops, kind: str, fmt: str, present: Any, where: str) -> Any:
    """The present cells as frictionless types them; Undecided unless every one is surely of the type."""
    if kind == "string":
        if fmt == "uri" and not all(_is_uri(value) for value in ops.unique(present)):
            raise Undecided(f"{where}a cell is not a URI")
        return present
    if kind == "integer":
        if not ops.full_match(present, INTEGER):
            raise Undecided(f"{where}a cell is not surely an integer")
        return ops.to_int(present)
    if kind == "number":
        if not ops.full_match(present, NUMBER):
            raise Undecided(f"{where}a cell is not surely a number")
        return present  # compared as Decimal, as frictionless does: floats would round
    if kind == "boolean":
        if not ops.all_in(present, TRUE_VALUES + FALSE_VALUES):
            raise Undecided(f"{where}a cell is not a boolean")
        return ops.to_bool(present, TRUE_VALUES)
    raise Undecided(f"{where}type {kind!r} is not evaluated by tier 1")


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
            raise Undecided(f"{where}a cell's length is outside its bounds")
    if "enum" in constraints and not ops.all_in(present, constraints["enum"]):
        raise Undecided(f"{where}a cell is not one of the enum's values")
    if "minimum" in constraints or "maximum" in constraints:
        _check_bounds(ops, kind, constraints, values, where)
    if constraints.get("unique") and not _distinct(ops, kind, values):
        raise Undecided(f"{where}a value repeats in a unique column")


def _check_bounds(ops: Ops, kind: str, constraints: dict[str, Any], values: Any, where: str) -> None:
    if kind == "integer":
        low, high = ops.value_range(values)
    else:  # frictionless reads a float bound as Decimal(str(bound)) and compares Decimals
        numbers = [Decimal(v) for v in ops.unique(values)]
        low, high = min(numbers), max(numbers)
    bound = {key: Decimal(str(value)) if isinstance(value, float) else value for key, value in constraints.items()}
    if ("minimum" in bound and low < bound["minimum"]) or ("maximum" in bound and high > bound["maximum"]):
        raise Undecided(f"{where}a value is outside its bounds")


def _distinct(ops: Ops, kind: str, values: Any) -> bool:
    if kind == "number":
        return len({Decimal(v) for v in ops.python(values)}) == len(values)
    return ops.count_distinct(values) == len(values)


def _check_primary_key(table: CheckedTable, key: list[str]) -> None:
    if not key:
        return
    columns = [table.columns[name] for name in key]
    if any(column.ops.any(column.missing) for column in columns):
        raise Undecided("a primary key cell is missing")
    if len(columns) == 1:
        distinct = _distinct(columns[0].ops, columns[0].kind, columns[0].values)
    else:
        distinct = len(set(zip(*(column.python() for column in columns), strict=True))) == table.rows
    if not distinct:
        raise Undecided("a primary key repeats")


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
                raise Undecided(f"a value of {local[0]!r} is not a key of {target.name!r}")
            continue
        keys = {cells for cells in zip(*(c.python() for c in there), strict=True) if set(cells) != {None}}
        for cells in zip(*(c.python() for c in here), strict=True):
            if None in cells:
                if set(cells) == {None}:
                    continue
                raise Undecided("a composite foreign key is partly missing")
            if cells not in keys:
                raise Undecided(f"a value of {local} is not a key of {target.name!r}")


def field_list(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)
