"""CURIEs for this package's own rows, under the prefix its SSSOM mapping-set metadata declares.

SSSOM subjects, KGX node and edge ids and HPOA biocuration all name rows of this package; they share one
prefix, read from the `sssom.curie_map` of the mappings resource in datapackage.json (never hard-coded).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from nme_data._package import DataPackage
from nme_data.export._common import ExportError

MAPPINGS_TABLE = "mappings"
#: Prefixes SSSOM itself uses in a mapping set's metadata, never the package's own.
SSSOM_BUILTIN = frozenset({"owl", "rdf", "rdfs", "skos", "semapv", "sssom", "oboInOwl", "dcterms", "linkml", "xsd"})


def sssom_metadata(package: DataPackage) -> dict[str, Any]:
    """The `sssom` object on the mappings resource, or a clear error when the descriptor has none."""
    try:
        table = package.table(MAPPINGS_TABLE)
    except KeyError:
        raise ExportError(f"the package has no {MAPPINGS_TABLE!r} table to export mappings from") from None
    metadata = table.descriptor.get("sssom")
    if not isinstance(metadata, dict):
        raise ExportError(f"the {MAPPINGS_TABLE!r} resource in datapackage.json has no 'sssom' metadata object")
    return metadata


def _object_prefixes(package: DataPackage) -> set[str]:
    from nme_data.export._common import rows

    return {str(row["object_id"]).split(":", 1)[0] for row in rows(package.table(MAPPINGS_TABLE)) if row["object_id"]}


@cache
def _local_prefix(descriptor_path: str, curie_map: tuple[tuple[str, str], ...], objects: frozenset[str]) -> str:
    candidates = sorted({p for p, _ in curie_map} - objects - SSSOM_BUILTIN)
    if len(candidates) != 1:
        raise ExportError(
            f"{descriptor_path}: the mappings' sssom.curie_map must declare exactly one prefix for this package's "
            f"own rows besides the object prefixes; found {candidates or 'none'}"
        )
    return candidates[0]


def local_prefix(package: DataPackage) -> tuple[str, str]:
    """(prefix, namespace IRI) declared for this package's rows in the mapping-set metadata."""
    metadata = sssom_metadata(package)
    curie_map = metadata.get("curie_map")
    if not isinstance(curie_map, dict) or not curie_map:
        raise ExportError("the mappings' sssom metadata has no curie_map")
    pairs = tuple(sorted((str(k), str(v)) for k, v in curie_map.items()))
    prefix = _local_prefix(str(package.descriptor_path), pairs, frozenset(_object_prefixes(package)))
    return prefix, str(curie_map[prefix])


def local_curie(prefix: str, table: str, row_id: str) -> str:
    """The CURIE of one row: `<prefix>:<table>/<id>` (ids are unique per table only)."""
    return f"{prefix}:{table}/{row_id}"
