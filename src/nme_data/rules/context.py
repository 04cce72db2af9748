"""What the rules share: the cross-table `Context` (ids, names, cited texts, ontology, anchors) and the
vectorised helpers over a frame's columns (`is_in`, `per_unique`).

The rule modules of `nme_data.rules` import from here; `nme_data.rules.semantic` re-exports the names
other layers have always used.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nme_data.package import DataPackage, PackageError, UnsafePathError
from nme_data.rules.quotes import TABLE as ANCHORS
from nme_data.rules.quotes import Quotes
from nme_data.text import ontology


class Ids(Collection[str]):
    """A table's ids as one pyarrow array, not a Python set of a million strings: `is_in` hands the array to
    pyarrow as is; `in` and iteration (rarely needed) build the set once, on first use."""

    def __init__(self, column: pd.Series) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        text = column if isinstance(column.dtype, pd.StringDtype) else column.astype("string")
        array = pa.array(text.array, from_pandas=True)
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        self.array = pc.unique(pc.drop_null(array))
        self._set: set[str] | None = None

    def _values(self) -> set[str]:
        if self._set is None:
            self._set = set(self.array.to_pylist())
        return self._set

    def __contains__(self, value: object) -> bool:
        return value in self._values()

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self.array)


@dataclass
class Context:
    """What cross-table rules need: the other tables' ids, the cited texts and the ontology snapshot."""

    ids: dict[str, Collection[str]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
    source_problems: dict[str, tuple[str, str]] = field(default_factory=dict)
    terms: dict[str, ontology.Term] = field(default_factory=ontology.snapshot)
    #: Snapshots read by this context, by resolved path: one validation reads each file once, and nothing
    #: outlives the call (a process-wide memo keyed on mtime and size answered for edited bytes).
    snapshots: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    #: Each fact row's evidence parts and the anchors of evidence_anchors (nme_data.rules.anchors).
    quotes: Quotes = field(default_factory=Quotes, repr=False)

    @classmethod
    def from_frames(cls, package: DataPackage | Path, frames: dict[str, pd.DataFrame]) -> Context:
        context = cls()
        package = _as_package(package)
        for name, frame in frames.items():
            context.add(package, name, frame)
        return context

    def add(self, package: DataPackage | Path, name: str, frame: pd.DataFrame) -> None:
        """Remember what other tables need of this one: its ids and, for sources, the cited texts.

        Snapshots are opened only through the package model's path gate, so pass the package (a root
        directory is still accepted, and opened as a package).
        """
        package = _as_package(package)
        if name == ANCHORS:
            self.quotes.add_anchors(frame)
        else:
            self.quotes.add_facts(name, frame)
        if "id" in frame.columns:
            self.ids[name] = Ids(frame["id"])
        if {"id", "name"} <= set(frame.columns):  # what a quote may call a row of this table (rules.naming)
            pairs = zip(frame["id"].tolist(), frame["name"].tolist(), strict=True)
            self.names[name] = {str(i): n for i, n in pairs if isinstance(n, str)}
        if name == "sources" and {"id", "path"} <= set(frame.columns):
            digests = frame["sha256"].tolist() if "sha256" in frame.columns else [""] * len(frame)
            first: dict[tuple[str, str], str] = {}  # each (snapshot, digest) is opened and judged once
            for source_id, path, digest in zip(frame["id"].tolist(), frame["path"].tolist(), digests, strict=True):
                key = (str(path), str(digest))
                if key in first:
                    self._same_as(str(source_id), first[key])
                    continue
                first[key] = str(source_id)
                self._read_source(package, str(source_id), str(path), str(digest))

    def _same_as(self, source_id: str, earlier: str) -> None:
        """A source citing the snapshot and digest an earlier one cited gets that one's text and verdict."""
        if earlier in self.source_problems:
            self.source_problems[source_id] = self.source_problems[earlier]
        if earlier in self.source_texts:
            self.source_texts[source_id] = self.source_texts[earlier]

    def _read_source(self, package: DataPackage, source_id: str, path: str, digest: str) -> None:
        """A snapshot is opened only through the package model's path gate, and hashed as a stream."""
        if not path:
            self.source_problems[source_id] = ("source-missing", "the source has no snapshot path")
            return
        try:
            text, actual = self._read_snapshot(package, path)
        except UnsafePathError as exc:
            self.source_problems[source_id] = ("unsafe-path", f"snapshot {exc.message}")
            return
        except PackageError as exc:
            code = "file-too-large" if exc.code == "file-too-large" else "source-missing"
            self.source_problems[source_id] = (code, exc.message)
            return
        except OSError as exc:
            self.source_problems[source_id] = ("source-missing", f"snapshot {path!r}: {exc.strerror or exc}")
            return
        if actual != digest:
            self.source_problems[source_id] = (
                "source-hash-mismatch",
                f"snapshot {path!r} does not have SHA-256 {digest}",
            )
        self.source_texts[source_id] = text

    def _read_snapshot(self, package: DataPackage, reference: str) -> tuple[str, str]:
        """A snapshot's text and SHA-256, read once per context however many rows cite it."""
        key = str(package.resolve(reference).resolve())
        if key not in self.snapshots:
            self.snapshots[key] = package.read_snapshot(reference)
        return self.snapshots[key]


def _as_package(package: DataPackage | Path) -> DataPackage:
    return package if isinstance(package, DataPackage) else DataPackage.open(package)


def as_text(series: pd.Series) -> pd.Series:
    """The column as nullable strings, converting only when it is not text already."""
    return series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")


def present(series: pd.Series) -> pd.Series:
    text = as_text(series)
    return text.notna() & (text != "")


def is_in(series: pd.Series, values: Collection[str]) -> pd.Series:
    """`series.astype("string").isin(list(values))`, as one pyarrow kernel call: pandas' own isin on
    arrow strings boxes every value of the set in Python first (a missing cell is never in the set)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")
    array = pa.array(text.array, from_pandas=True)
    if isinstance(values, Ids):  # a table's ids, kept as a pyarrow array
        value_set = values.array.cast(array.type)
    else:
        value_set = pa.array([value for value in values if isinstance(value, str)], type=array.type)
    found = pc.fill_null(pc.is_in(array, value_set=value_set), False)
    return pd.Series(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool), index=text.index)


def per_unique(series: pd.Series, predicate: Callable[[Any], bool]) -> pd.Series:
    """Run a Python predicate once per distinct value, not once per row; a missing cell passes.

    The verdicts go back to the rows by the codes of `pd.factorize` (pyarrow's dictionary encoding for arrow
    strings): `Series.map` with a dict turned a column of a million cells into a million Python strings first."""
    import numpy as np

    codes, uniques = pd.factorize(as_text(series), use_na_sentinel=True)
    verdicts = np.fromiter((_passes(predicate(value)) for value in uniques), dtype=bool, count=len(uniques))
    found = np.append(verdicts, True)[codes]  # code -1 (missing) takes the appended True
    return pd.Series(found, index=series.index, dtype=bool)


def _passes(verdict: Any) -> bool:
    """A predicate's answer as `Series.map(...).fillna(True).astype(bool)` read it: None (or NaN) passes."""
    return True if verdict is None or (isinstance(verdict, float) and verdict != verdict) else bool(verdict)
