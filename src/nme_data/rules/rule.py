"""What a semantic rule is: a named function from a table's frame to one verdict per row.

One definition serves two runners. `nme_data.schemas` wraps each rule in a pandera `Check` for the
schemas users apply to their own frames; the validator (`nme_data.validation.semantic`) calls the
same functions directly, without pandera's per-check machinery, which costs more than the rules
themselves on tables this small. A rule's name encodes its error code, its field and an optional
specific message (`code|field` or `code|field|message`), so a failure maps to a stable, located error.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

#: Field placeholder for row checks over several columns; the validator names the offending cells.
ANY_FIELD = "*"

Verdicts = Callable[["pd.DataFrame"], "pd.Series"]


def check_name(code: str, field_name: str, detail: str = "") -> str:
    """Encode the error code, the field and an optional specific message in a rule (and pandera check) name."""
    return f"{code}|{field_name}|{detail}" if detail else f"{code}|{field_name}"


@dataclass(frozen=True)
class Rule:
    """A semantic rule: `check(frame)` is a boolean Series on the frame's index, False where a row breaks it."""

    check: Verdicts
    name: str

    @property
    def code(self) -> str:
        return self.name.partition("|")[0]

    @property
    def field(self) -> str:
        return self.name.partition("|")[2].partition("|")[0]

    @property
    def detail(self) -> str:
        return self.name.partition("|")[2].partition("|")[2]


T = TypeVar("T")

#: While a runner checks one frame (`shared_reads`), what rules derive from it, by (id of frame, key).
#: A frame of at most this many rows may be judged first in one pass in Python over all its cells (the
#: profile's control characters, formula starts): when that pass finds nothing, every column's rule passes
#: at once; otherwise each column is judged as always. Larger frames skip the pass: pyarrow's vectorised
#: string operations are the faster ones there (#31).
ONE_PASS_ROWS = 5_000
_SHARED: ContextVar[dict[tuple[int, Hashable], tuple[Any, Any]] | None] = ContextVar("nme_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """A scope in which rules may share what they read off a frame (`shared`): the runner promises not to
    change a frame while it runs the rules on it. Outside such a scope nothing is kept."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(frame: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per frame and key inside a `shared_reads` scope (the frame is kept alive with the
    result, so that its id cannot be reused); computed afresh outside one."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    entry = memo.get((id(frame), key))
    if entry is None or entry[0] is not frame:
        entry = memo[(id(frame), key)] = (frame, compute())
    result: T = entry[1]
    return result


def cells(frame: pd.DataFrame, column: str) -> list[Any]:
    """`frame[column].dropna().tolist()`: the column's cells that are not missing, as Python objects, read once
    per frame and column (`shared`). Several rules scan the same text columns in Python (control characters,
    formula starts, the profile's patterns); pandas' dropna on arrow-backed strings costs several times the
    scan itself on a small table, so an arrow column's nulls are dropped by pyarrow instead (#31)."""

    def compute() -> list[Any]:
        import pandas as pd

        series = frame[column]
        dtype = series.dtype if isinstance(series, pd.Series) else None
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            import pyarrow as pa

            found: list[Any] = pa.array(series.array).drop_null().to_pylist()
            return found
        return series.dropna().tolist()

    return shared(frame, ("cells", column), compute)


def all_pass(frame: pd.DataFrame) -> pd.Series:
    """Every row passes: a new Series (a caller may change it), from a bool array, which pandas builds in
    about half the time it takes to broadcast the scalar True (#31)."""
    import numpy as np
    import pandas as pd

    return pd.Series(np.ones(len(frame), dtype=bool), index=frame.index)


def factorized(frame: pd.DataFrame, column: str) -> tuple[Any, Any]:
    """`pd.factorize(frame[column], use_na_sentinel=True)`: (codes as int64, the distinct values as pandas
    gives them), once per frame and column (`shared`): the cue, curation, evidence and naming rules group
    rows by the same columns, and pandas' factorize is most of what grouping costs on a small table (#31).
    A missing cell's code is -1. The distinct values stay pandas' (`.tolist()` boxes them), so a large,
    mostly distinct column is not turned into Python objects by a rule that only counts them."""

    def compute() -> tuple[Any, Any]:
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), uniques

    return shared(frame, ("factorized", column), compute)


def first_cells(frame: pd.DataFrame, column: str, rows: Any) -> list[Any]:
    """`frame[column].iloc[rows].tolist()`, from the column's shared factorization when no cell picked is
    missing (a missing cell is read from the frame, as it is: None, NaN or NA)."""
    codes, uniques = factorized(frame, column)
    picked = codes[rows]
    if len(picked) and picked.min() < 0:
        found: list[Any] = frame[column].iloc[rows].tolist()
        return found
    taken: list[Any] = uniques.take(picked).tolist()
    return taken


def distinct_rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[Any, list[tuple[Any, ...]]]:
    """The distinct combinations of these columns' cells (one row's values each, as Python objects) and, per
    row of the frame, the index of its combination. Quotes, values and keys repeat across rows, so a rule
    judged per combination runs once per distinct value, not once per row; every missing cell (None, NaN,
    NA) is one value, its first row's. Shared by the rules of one frame (`shared`)."""

    def compute() -> tuple[Any, list[tuple[Any, ...]]]:
        import numpy as np

        combined = np.zeros(len(frame), dtype=np.int64)
        for column in columns:
            codes, uniques = factorized(frame, column)
            combined = combined * (len(uniques) + 1) + (codes + 1)
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64).reshape(-1)
        _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
        picked = [first_cells(frame, column, first) for column in columns]
        return inverse.astype(np.int64).reshape(-1), list(zip(*picked, strict=True))

    return shared(frame, ("distinct rows", columns), compute)


def per_distinct(frame: pd.DataFrame, columns: tuple[str, ...], verdict: Callable[..., bool]) -> pd.Series:
    """`verdict(*cells)` of every row, computed once per distinct combination of the columns' cells."""
    import numpy as np
    import pandas as pd

    inverse, rows = distinct_rows(frame, columns)
    values = np.fromiter((bool(verdict(*row)) for row in rows), dtype=bool, count=len(rows))
    # a bool array already: pandas' dtype argument alone costs more than building the Series (#31)
    return pd.Series(values[inverse] if len(rows) else np.ones(len(frame), dtype=bool), index=frame.index)
