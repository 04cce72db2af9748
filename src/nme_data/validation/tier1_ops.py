"""The column operations tier 1's checks are written in, with two back-ends: pyarrow and plain lists.

Why two: pyarrow's kernels make a large table cheap, but importing pyarrow costs a few tenths of a second,
and on a small copy that would delay frictionless' start whenever tier 1 cannot decide (an invalid copy
must not be slower than before). Small tables are checked on Python lists, large ones on pyarrow arrays,
by the same check code; tests/cases/test_tier1.py runs the differential tests with each back-end forced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from nme_data.package.cells import ARROW_FROM_BYTES as CELLS_ARROW_FROM_BYTES
from nme_data.package.integers import read_integer
from nme_data.text.patterns import Matcher

#: A table file at least this large is read and checked with pyarrow (by default).
ARROW_FROM_BYTES = CELLS_ARROW_FROM_BYTES  # one threshold: the parse and the column back-end agree


class ListOps:
    """Columns as Python lists: no import, fine for a few thousand rows."""

    name = "python"

    @staticmethod
    def array(cells: Iterable[str]) -> list[Any]:
        return list(cells)

    @staticmethod
    def is_in(values: Sequence[Any], allowed: Iterable[Any]) -> list[bool]:
        found = set(allowed)
        return [value in found for value in values]

    @staticmethod
    def all_in(values: Sequence[Any], allowed: Iterable[Any]) -> bool:
        return set(values) <= set(allowed)

    @staticmethod
    def and_(left: Sequence[bool], right: Sequence[bool]) -> list[bool]:
        return [a and b for a, b in zip(left, right, strict=True)]

    @staticmethod
    def any(mask: Sequence[bool]) -> bool:
        return any(mask)

    @staticmethod
    def present(values: Sequence[Any], missing: Sequence[bool]) -> list[Any]:
        return [value for value, gone in zip(values, missing, strict=True) if not gone]

    @staticmethod
    def unique(values: Sequence[Any]) -> list[Any]:
        return list(dict.fromkeys(values))

    @staticmethod
    def count_distinct(values: Sequence[Any]) -> int:
        return len(set(values))

    @staticmethod
    def full_match(values: Sequence[str], ascii_pattern: str) -> bool:
        """Every value matches the whole of a simple ASCII pattern (tier 1's number forms)."""
        compiled = re.compile(ascii_pattern)
        return all(compiled.fullmatch(value) for value in set(values))

    @staticmethod
    def all_match(values: Sequence[str], pattern: str, matcher: Matcher) -> bool:
        return all(matcher(value) for value in set(values))

    @staticmethod
    def length_range(values: Sequence[str]) -> tuple[int, int]:
        lengths = [len(value) for value in values]
        return min(lengths), max(lengths)

    @staticmethod
    def to_int(values: Sequence[str]) -> list[int]:
        return [read_integer(value) for value in values]

    @staticmethod
    def to_bool(values: Sequence[str], true_values: Sequence[str]) -> list[bool]:
        found = set(true_values)
        return [value in found for value in values]

    @staticmethod
    def value_range(values: Sequence[Any]) -> tuple[Any, Any]:
        return min(values), max(values)

    @staticmethod
    def python(values: Sequence[Any]) -> list[Any]:
        return list(values)


class ArrowOps:
    """Columns as pyarrow arrays: vectorised kernels, most of them without the GIL."""

    name = "arrow"

    @staticmethod
    def array(cells: Iterable[str]) -> Any:
        import pyarrow as pa

        return pa.array(list(cells), pa.large_string())

    @staticmethod
    def is_in(values: Any, allowed: Iterable[Any]) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.is_in(values, value_set=pa.array(list(allowed), values.type))

    @staticmethod
    def all_in(values: Any, allowed: Iterable[Any]) -> bool:
        import pyarrow.compute as pc

        return pc.all(ArrowOps.is_in(values, allowed)).as_py() is not False

    @staticmethod
    def and_(left: Any, right: Any) -> Any:
        import pyarrow.compute as pc

        return pc.and_(left, right)

    @staticmethod
    def any(mask: Any) -> bool:
        import pyarrow.compute as pc

        return bool(pc.any(mask).as_py())

    @staticmethod
    def present(values: Any, missing: Any) -> Any:
        import pyarrow.compute as pc

        return values.filter(pc.invert(missing))

    @staticmethod
    def unique(values: Any) -> list[Any]:
        import pyarrow.compute as pc

        return list(pc.unique(values).to_pylist())

    @staticmethod
    def count_distinct(values: Any) -> int:
        import pyarrow.compute as pc

        return int(pc.count_distinct(values).as_py())

    @staticmethod
    def full_match(values: Any, ascii_pattern: str) -> bool:
        import pyarrow.compute as pc

        found = pc.match_substring_regex(values, rf"\A(?:{ascii_pattern})\z")
        return pc.all(found).as_py() is not False  # None: no values

    @staticmethod
    def all_match(values: Any, pattern: str, matcher: Matcher) -> bool:
        """pyarrow's RE2 kernel anchored as tier 2's RE2 matcher is; the matcher itself where the kernel
        cannot compile the pattern. tests/cases/test_tier1.py checks that the two agree cell by cell."""
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            # (?:pattern) is what tier 2 compiles, a well-formed regex on its own; grouped again so that
            # the anchors hold for the whole of it, whatever parentheses the pattern closes and reopens
            found = pc.match_substring_regex(values, rf"\A(?:(?:{pattern}))\z")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return all(matcher(value) for value in ArrowOps.unique(values))
        return pc.all(found).as_py() is not False

    @staticmethod
    def length_range(values: Any) -> tuple[int, int]:
        import pyarrow.compute as pc

        extremes = pc.min_max(pc.utf8_length(values)).as_py()
        return extremes["min"], extremes["max"]

    @staticmethod
    def to_int(values: Any) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.cast(values, pa.int64())

    @staticmethod
    def to_bool(values: Any, true_values: Sequence[str]) -> Any:
        return ArrowOps.is_in(values, true_values)

    @staticmethod
    def value_range(values: Any) -> tuple[Any, Any]:
        import pyarrow.compute as pc

        extremes = pc.min_max(values).as_py()
        return extremes["min"], extremes["max"]

    @staticmethod
    def python(values: Any) -> list[Any]:
        return list(values.to_pylist())


Ops = type[ListOps] | type[ArrowOps]
