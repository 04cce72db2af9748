"""CURIEs for this package's own rows, as its SSSOM mapping-set metadata declares them.

SSSOM subjects, KGX node and edge ids and record ids all name rows of this package; they share the
`subject_curie_template` and `curie_map` of the `sssom` object on the mappings resource in
datapackage.json, so the prefix is declared once, in the descriptor, never hard-coded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nme_data.export._common import ExportError
from nme_data.package import DataPackage

MAPPINGS_TABLE = "mappings"
TEMPLATE_KEY = "subject_curie_template"
_TEMPLATE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):([^{}]*)\{subject_table\}([^{}]*)\{subject_id\}([^{}]*)$")


def sssom_metadata(package: DataPackage) -> dict[str, Any]:
    """The `sssom` object on the mappings resource, or a clear error when the descriptor has none."""
    if MAPPINGS_TABLE not in package.tables:
        raise ExportError(f"the package has no {MAPPINGS_TABLE!r} table")
    metadata = package.tables[MAPPINGS_TABLE].descriptor.get("sssom")
    if not isinstance(metadata, dict):
        raise ExportError(f"the {MAPPINGS_TABLE!r} resource in datapackage.json has no 'sssom' metadata object")
    return metadata


@dataclass(frozen=True)
class LocalCuries:
    """How rows of this package are named: `<prefix>:<table>/<id>` (or whatever the template says)."""

    prefix: str
    namespace: str
    template: str

    def row(self, table: str, row_id: str) -> str:
        return self.template.replace("{subject_table}", table).replace("{subject_id}", row_id)

    def term(self, *parts: str) -> str:
        """A CURIE in the package's namespace for something that is not a row (e.g. a qualifier value)."""
        return f"{self.prefix}:{'/'.join(parts)}"


def local_curies(package: DataPackage) -> LocalCuries:
    """The package's own CURIE scheme, from `subject_curie_template` and `curie_map` in the SSSOM metadata."""
    metadata = sssom_metadata(package)
    template = metadata.get(TEMPLATE_KEY)
    match = _TEMPLATE.match(template) if isinstance(template, str) else None
    if match is None:
        raise ExportError(
            f"the mappings' sssom.{TEMPLATE_KEY} must look like 'prefix:{{subject_table}}/{{subject_id}}'; "
            f"found {template!r}"
        )
    prefix = match.group(1)
    curie_map = metadata.get("curie_map")
    if not isinstance(curie_map, dict) or not isinstance(curie_map.get(prefix), str):
        raise ExportError(f"the mappings' sssom.curie_map does not declare the prefix {prefix!r} of {TEMPLATE_KEY}")
    return LocalCuries(prefix, curie_map[prefix], str(template))
