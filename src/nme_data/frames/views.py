"""Ready-made answers to common questions that need a join or a reduction over the tables.

A view only combines what the tables already say; it never infers (no prominence is inherited along
`anatomical_sites.parent_id`, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def distinct_sites(
    source: str | Path | None = None, certainty: str | Iterable[str] | None = None, validate: bool = True
) -> pd.DataFrame:
    """One row per real-world site of the rash, with the strongest prominence any statement gives it.

    Several statements can name one site in different words ("skin around the mouth" in the
    introduction, "skin surrounding the lips" in the clinical features); grouping `sites` by its
    wording would give one site two prominences. Here statements are grouped by
    `anatomical_site_id` instead, and the strongest stated `prominence` (the column is an ordered
    categorical) is kept, with how many statements name the site and the ids of those that give
    the strongest prominence.

    Columns: `anatomical_site_id`, `name`, `body_region`, `parent_id`, `prominence`,
    `statements`, `strongest_statement_ids` (a ";"-joined list, in table order). Sorted by
    prominence (strongest first), then by id.

    `certainty` keeps only the statements of that certainty (or those certainties): e.g.
    `certainty="stated"` leaves out what the article only hedges ("may also be found on the groin"),
    so a site named only in hedged statements drops out and `statements` counts the stated ones.
    A value outside the schema's certainty codes is a ValueError naming the valid ones.

    A copy other than the bundled one is validated first, as by `nme_data.load` (`validate=False` opts out).
    """
    import pandas as pd

    from nme_data.frames.loader import load
    from nme_data.package.dtypes import string_dtype

    sites = load("sites", source=source, validate=validate)
    anatomical = load("anatomical_sites", source=source, validate=validate)
    if certainty is not None:
        wanted = [certainty] if isinstance(certainty, str) else list(certainty)
        column = sites["certainty"]
        codes = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column.dropna().unique()
        valid = [str(value) for value in codes]
        unknown = [value for value in wanted if value not in valid]
        if unknown:
            raise ValueError(f"unknown certainty {unknown}; valid: {valid}")
        sites = sites[sites["certainty"].isin(wanted)]
    strongest = sites.groupby("anatomical_site_id", observed=True, sort=False)["prominence"].max()
    counts = sites.groupby("anatomical_site_id", observed=True, sort=False).size()
    leaders = sites[sites["prominence"] == sites["anatomical_site_id"].map(strongest).astype(sites["prominence"].dtype)]
    leader_ids = leaders.groupby("anatomical_site_id", observed=True, sort=False)["id"].agg(";".join)
    summary = pd.DataFrame(
        {
            "prominence": strongest.astype(sites["prominence"].dtype),
            "statements": counts.astype("Int64"),
            "strongest_statement_ids": leader_ids.astype(string_dtype()),
        }
    )
    summary.index = summary.index.astype(string_dtype())  # the loader's text dtype, so the key stays text
    table = anatomical.rename(columns={"id": "anatomical_site_id"})[
        ["anatomical_site_id", "name", "body_region", "parent_id"]
    ]
    result = table.merge(summary, left_on="anatomical_site_id", right_index=True, how="inner")
    result = result.sort_values(["prominence", "anatomical_site_id"], ascending=[False, True], kind="stable")
    return result.reset_index(drop=True)
