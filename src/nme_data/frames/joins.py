"""Ontology identifiers attached to a table's rows in one call (`nme_data.xrefs`, `nme_data.with_xrefs`).

The module is `joins`, not `xrefs`, so that importing it cannot shadow the function `nme_data.xrefs`.

Why a helper: mappings are keyed by (`subject_table`, `subject_id`), so a plain merge needs a filter,
a key rename and suffixes, and it multiplies rows without saying so. Here the join is spelled out:

* the added columns are `xref_id` (e.g. `MONDO:0005015`), `xref_label` (the release's label),
  `xref_predicate` (the SSSOM predicate, e.g. `skos:exactMatch`), `xref_source` (the system:
  `HP`, `MONDO`, `UBERON`, ...), `xref_justification` (how the mapping was made, a semapv term) and
  `xref_comment` (why a narrow or close match is not exact), with the mappings table's dtypes;
* one output row per (row, mapping) pair: a row with two mappings in the chosen systems appears twice,
  a row with none appears once with the four columns missing (`how="inner"` drops it instead);
* the predicate is kept so that `predicates=["skos:exactMatch"]` (or a filter afterwards) keeps exact
  matches only;
* the key column must hold ids of the named table, so a join on the wrong column is an error rather
  than a frame with every xref missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nme_data.errors import ArgumentError
from nme_data.package import DataPackage, dtypes

if TYPE_CHECKING:
    import pandas as pd

#: The columns attached, and the mappings columns they come from.
XREF_COLUMNS: dict[str, str] = {
    "xref_id": "object_id",
    "xref_label": "object_label",
    "xref_predicate": "predicate_id",
    "xref_source": "object_source",
    "xref_justification": "mapping_justification",
    "xref_comment": "comment",
}
#: Names users reach for that the mappings spell otherwise.
SYSTEM_ALIASES = {"HPO": "HP", "ORPHANET": "ORPHA"}


def xrefs(
    table: str,
    system: str | Iterable[str] | None = None,
    predicates: Iterable[str] | None = None,
    source: str | Path | None = None,
    how: Literal["left", "inner"] = "left",
) -> pd.DataFrame:
    """The whole of `table`, one row per mapping of each row (see the module docstring for the columns).

    `system` keeps one system (or several), e.g. "MONDO"; `predicates` keeps those SSSOM predicates,
    e.g. ["skos:exactMatch"]. Both refuse values the mappings table cannot hold, listing the valid ones.
    """
    from nme_data.frames.loader import load

    return with_xrefs(load(table, source), table, system, predicates, source=source, how=how)


def with_xrefs(
    frame: pd.DataFrame,
    table: str,
    system: str | Iterable[str] | None = None,
    predicates: Iterable[str] | None = None,
    on: str = "id",
    source: str | Path | None = None,
    how: Literal["left", "inner"] = "left",
) -> pd.DataFrame:
    """`frame` with the identifiers mapped to the rows of `table` that its column `on` names.

    E.g. `with_xrefs(associations, "conditions", "MONDO", on="object_id")` gives each association's
    object condition its MONDO id. The frame's own columns and order are kept; the index is renumbered
    (a row may be repeated, once per mapping).
    """
    if how not in ("left", "inner"):
        raise ArgumentError(f"how must be 'left' or 'inner', not {how!r}")
    package = DataPackage.open(source)
    package.table(table)  # raises UnknownTableError listing the valid tables
    if on not in frame.columns:
        raise ArgumentError(f"the frame has no column {on!r} to join on; pass on=<the column holding {table} ids>")
    clashes = [name for name in XREF_COLUMNS if name in frame.columns]
    if clashes:
        raise ArgumentError(f"the frame already has {clashes}: drop or rename them first")
    _check_keys(frame[on], package, table, on)
    mappings = _mappings(package, table, system, predicates)
    merged = frame.merge(mappings, how=how, left_on=on, right_on="_subject_id", sort=False)
    return merged.drop(columns="_subject_id")


def _check_keys(keys: pd.Series, package: DataPackage, table: str, on: str) -> None:
    """Refuse a key column that does not hold `table`'s ids: it would join to nothing without a word."""
    from nme_data.frames.loader import read_table

    ids = set(read_table(package.table(table))["id"].dropna())
    strangers = sorted({str(key) for key in keys.dropna() if key not in ids})
    if strangers:
        shown = ", ".join(strangers[:5]) + (", ..." if len(strangers) > 5 else "")
        raise ArgumentError(f"column {on!r} holds values that are not ids of {table!r} ({shown}); pass on=<its column>")


def _mappings(
    package: DataPackage, table: str, system: str | Iterable[str] | None, predicates: Iterable[str] | None
) -> pd.DataFrame:
    """The mappings of `table`'s rows in the chosen systems and predicates, renamed to the xref_ columns."""
    from nme_data.frames.loader import read_table

    resource = package.table("mappings")
    fields = {f["name"]: f for f in resource.fields}
    mappings = read_table(resource)
    subjects = dtypes.enum_values(fields["subject_table"])
    if subjects is not None and table not in subjects:
        raise ArgumentError(f"no mapping can point at rows of {table!r}; tables with mappings: {subjects}")
    keep = mappings["subject_table"] == table
    if system is not None:
        wanted = _allowed(_as_list(system), fields["object_source"], "system", aliases=SYSTEM_ALIASES)
        keep &= mappings["object_source"].isin(wanted)
    if predicates is not None:
        keep &= mappings["predicate_id"].isin(_allowed(_as_list(predicates), fields["predicate_id"], "predicate"))
    chosen = mappings.loc[keep, ["subject_id", *XREF_COLUMNS.values()]]
    renamed = chosen.rename(columns={"subject_id": "_subject_id", **{v: k for k, v in XREF_COLUMNS.items()}})
    return renamed.reset_index(drop=True)


def _as_list(values: str | Iterable[str]) -> list[str]:
    return [values] if isinstance(values, str) else list(values)


def _allowed(values: list[str], field: dict[str, Any], what: str, aliases: dict[str, str] | None = None) -> list[str]:
    """The values as the mappings spell them (case-insensitive for systems); ValueError for any other."""
    valid = dtypes.enum_values(field)
    if valid is None:
        return values
    by_key = {str(v).upper(): v for v in valid} if aliases is not None else {v: v for v in valid}
    result = []
    for value in values:
        key = value.upper() if aliases is not None else value
        key = (aliases or {}).get(key, key)
        if key not in by_key:
            raise ArgumentError(f"unknown {what} {value!r}; valid: {valid}")
        result.append(by_key[key])
    return result
