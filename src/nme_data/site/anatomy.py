"""Where the rash occurs, one entry per real-world site, with the strongest prominence the article gives it.

With an `anatomical_sites` table, the site statements (`sites`, in the article's words) are grouped by
their `anatomical_site_id`; without one, by the site's wording. Either way a place mentioned twice, as
"common" in one sentence and "less common" in another, is counted once, at its strongest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nme_data.site.model import Row, SiteData


@dataclass
class Place:
    table: str  # the table whose row stands for the place
    key: str
    name: str
    region: str
    statements: list[Row] = field(default_factory=list)
    strongest: str = ""


def places(site: SiteData) -> tuple[list[Place], list[str], list[str]]:
    """The places with their statements, plus the body regions and prominence levels in schema order."""
    sites = site.tables.get("sites")
    if sites is None or "prominence" not in sites.table.field_names:
        return [], [], []
    levels = sites.enum("prominence") or sorted({row.get("prominence") or "" for row in sites.rows})
    anatomy = site.tables.get("anatomical_sites")
    found: dict[str, Place] = {}
    if anatomy is not None and "anatomical_site_id" in sites.table.field_names:
        regions = anatomy.enum("body_region") or []
        for row in anatomy.rows:
            key = anatomy.key(row)
            found[key] = Place(anatomy.name, key, row.get("name") or key, row.get("body_region") or "")
        for row in sites.rows:
            place = found.get(row.get("anatomical_site_id") or "")
            if place is not None:
                place.statements.append(row)
    else:
        regions = sites.enum("body_region") or []
        for row in sites.rows:
            name = row.get("site") or sites.key(row)
            place = found.setdefault(name, Place(sites.name, sites.key(row), name, row.get("body_region") or ""))
            place.statements.append(row)
    rank = {level: index for index, level in enumerate(levels)}
    out = []
    for place in found.values():
        stated = [str(row.get("prominence")) for row in place.statements if row.get("prominence") in rank]
        if stated:
            place.strongest = max(stated, key=lambda level: rank[level])
            out.append(place)
    regions = regions or sorted({place.region for place in out})
    return out, regions, levels


def region_counts(found: list[Place]) -> dict[tuple[str, str], int]:
    """How many places each (body region, strongest prominence) pair holds."""
    counts: dict[tuple[str, str], int] = {}
    for place in found:
        counts[(place.region, place.strongest)] = counts.get((place.region, place.strongest), 0) + 1
    return counts
