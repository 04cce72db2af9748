"""The fact rows' quotes and the anchors' keys, as columns: what the `Context` keeps for the anchor rule
(`nme_data.rules.anchors`), in a module of its own so that the context does not import a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nme_data.package.integers import integer

if TYPE_CHECKING:
    import pandas as pd

#: The table of quote anchors.
TABLE = "evidence_anchors"
#: A fact table's quote and source fields.
EVIDENCE, SOURCE = "evidence", "source_id"

#: Rows whose evidence parts are split and looked up at once (memory stays that of a batch, not a table).
BATCH_ROWS = 100_000
#: Joins the cells of a composite key into one string (a control character no id holds).
KEY_JOIN = "\x1f"


@dataclass
class Quotes:
    """What the anchor rules need of a package, kept as columns (pyarrow), never as one Python object per
    row: each fact table's ids, evidence and sources, and the anchors' keys (None: the package has no
    evidence_anchors table, so no part can be missing one). The rules join them column-wise."""

    #: Per fact table read: (row ids, evidence, source ids), nulls where a cell is not text.
    facts: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)
    #: Per table named, the anchors' keys as "row_id<US>part" strings (part as a plain integer); None: the
    #: package has no anchors table.
    anchored: dict[str, Any] | None = None
    #: The fact tables read: an anchor into a table that was not read (unsound, unparseable) is not judged.
    read: set[str] = field(default_factory=set)

    def add_facts(self, name: str, frame: pd.DataFrame) -> None:
        """Each row's id, quote and source (an empty quote is the required constraint's error)."""
        if not {"id", EVIDENCE, SOURCE} <= set(frame.columns):
            return
        self.read.add(name)
        self.facts[name] = (_strings(frame["id"]), _strings(frame[EVIDENCE]), _strings(frame[SOURCE]))

    def add_anchors(self, frame: pd.DataFrame) -> None:
        if not {"table", "row_id", "part"} <= set(frame.columns):
            return
        import pyarrow as pa
        import pyarrow.compute as pc

        table = _strings(frame["table"])
        keys = _keys(_strings(frame["row_id"]), _integers(frame["part"]))
        self.anchored = {}
        for name in pc.unique(pc.drop_null(table)).to_pylist():  # each fact table's rule reads only its own
            self.anchored[name] = pc.drop_null(keys.filter(pc.equal(table, pa.scalar(name, pa.large_string()))))

    def joined(self) -> tuple[Any, Any, Any, Any]:
        """Every fact row of every table read: ("table<US>row_id" keys, keys held once, quotes, sources), the
        keys of rows held twice (the primary key's error) set to null: unjudged. The quotes and sources are
        chunked arrays of the tables' own columns (not copied into one); nothing is kept between calls (the
        anchors' rules ask once per validation, and the keys would outlive them)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        keys, quotes, sources = [], [], []
        for name, (ids, evidence, source) in self.facts.items():
            keys.append(_keys(pa.repeat(pa.scalar(name, pa.large_string()), len(ids)), ids))
            quotes.append(evidence)
            sources.append(source)
        key = pa.concat_arrays(keys) if keys else pa.array([], type=pa.large_string())
        del keys
        counts = pc.value_counts(pc.drop_null(key)) if len(key) else None
        twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1)) if counts else key[:0]
        once = pc.invert(pc.fill_null(pc.is_in(key, value_set=twice), False))
        unique = pc.if_else(once, key, pa.scalar(None, pa.large_string()))
        quote = pa.chunked_array(quotes, type=pa.large_string())
        source = pa.chunked_array(sources, type=pa.large_string())
        return key, unique, quote, source


def _strings(series: pd.Series) -> Any:
    """A column as a pyarrow large_string array: text cells as they are, anything else (missing) null."""
    import pyarrow as pa

    try:
        array = pa.array(series.array, from_pandas=True)
        if isinstance(array, pa.ChunkedArray):  # pandas' arrow-backed strings hand over their chunks
            array = array.combine_chunks()
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return array.cast(pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    values = [value if isinstance(value, str) else None for value in series.tolist()]
    return pa.array(values, type=pa.large_string())


def _integers(series: pd.Series) -> Any:
    """A column's integers (`_integer` of each distinct cell, not of each row) as an int64 array, null where
    a cell is not one."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    numbers = [_integer(value) for value in uniques]
    values = np.array([0 if n is None else n for n in numbers] + [0], dtype=np.int64)
    valid = np.array([n is not None for n in numbers] + [False], dtype=bool)
    index = np.where(codes < 0, len(numbers), codes)
    return pa.array(values[index], mask=~valid[index])


def _keys(first: Any, second: Any) -> Any:
    """Composite keys as strings ("table<US>row_id", "row_id<US>part"): null where a cell is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(second.type) or pa.types.is_large_string(second.type)):
        second = pc.cast(second, pa.large_string())
    return pc.binary_join_element_wise(first, second, pa.scalar(KEY_JOIN, pa.large_string()))


def _integer(value: Any) -> int | None:
    """A cell's integer as frictionless reads it (`nme_data.package.integers`): `+1` is 1, judged like `1`."""
    return integer(value)
