"""The one reading of an integer cell: what frictionless accepts for a field of type ``integer``.

frictionless (``IntegerField`` with ``bareNumber`` true, the default) strips the cell and hands it to
Python's ``int()``: ``42``, `` 42 ``, ``+42``, ``042``, ``4_2`` and other Unicode decimal digits are the
integer 42; ``42.0``, ``4.2e1`` and ``""`` are not integers. The anchor rule, the loader and tier 1 all read
integers here, so a cell one of them skips is never one another reads (an anchor written ``+1`` was skipped
by the anchor rule and loaded as 1).
"""

from __future__ import annotations

import re
from typing import Any

#: The forms tier 1 proves without frictionless: optional minus, 1 to 18 ASCII digits (a strict subset of
#: what `integer` reads, and always inside int64).
SURE_INTEGER = r"-?[0-9]{1,18}"
_SURE = re.compile(SURE_INTEGER)
#: The range of pandas' Int64 (and pyarrow's int64): the loader cannot hold an integer outside it.
INT64_RANGE = (-(2**63), 2**63 - 1)


def integer(value: Any) -> int | None:
    """The integer frictionless reads from a cell (raw text or an already typed value); None if none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _SURE.fullmatch(text):
        return int(text)
    try:
        return int(text)
    except ValueError:  # not an integer, or more digits than Python converts
        return None


def int64(value: Any) -> int | None:
    """`integer`, and only when int64 holds it (what the loader can load)."""
    number = integer(value)
    return number if number is not None and INT64_RANGE[0] <= number <= INT64_RANGE[1] else None


def read_integer(value: str) -> int:
    """`integer` of a cell already known to be one (tier 1 reads only `SURE_INTEGER` cells); ValueError if not."""
    number = integer(value)
    if number is None:
        raise ValueError(f"not an integer: {value!r}")
    return number
