"""Write a copy's `evidence_anchors` table: where each evidence part sits in its snapshot.

After a curator adds a row or edits a quote, the validator reports `anchor-missing` (or
`anchor-mismatch`); this recomputes the whole table from the fact rows, as `nme_data.rules.anchors`
places each part, and writes it atomically. Where a part occurs more than once in the snapshot the
choice is a rule, not a certainty, so every such choice is returned (and printed by `nme-data anchor`)
for the curator to check by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nme_data.curate._common import CurateError, relative
from nme_data.package import DataPackage


@dataclass(frozen=True)
class AnchorResult:
    """What `anchor_package` found and did."""

    package: DataPackage
    path: Path
    anchors: int
    changed: bool
    written: bool
    #: One line per part that occurs several times (the occurrence chosen, and why) or not at all.
    notes: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        lines = list(self.notes)
        name = relative(self.package, self.path)
        state = "written" if self.written else "not up to date" if self.changed else "already up to date"
        lines.append(f"{self.anchors} anchors in {name} ({state})")
        return "\n".join(lines)


def anchor_package(source: str | Path | DataPackage | None = None, check: bool = False) -> AnchorResult:
    """Recompute `evidence_anchors` of a copy and write it when it differs (nothing when `check`).

    Raises CurateError when the copy has no `evidence_anchors` table, PackageError when a table or a
    snapshot cannot be read (nothing is written then).
    """
    from nme_data.curate.canonical import atomic_write, encode_table
    from nme_data.rules.anchors import TABLE, package_anchors

    package = source if isinstance(source, DataPackage) else DataPackage.open(source)
    if TABLE not in package.tables:
        raise CurateError(f"{package.descriptor_path} declares no {TABLE} table: there is nothing to anchor")
    anchors, notes = package_anchors(package)
    table = package.table(TABLE)
    data = encode_table(table, [anchor.record() for anchor in anchors])
    try:
        current = table.path.read_bytes()
    except FileNotFoundError:
        current = b""
    changed = current != data
    if changed and not check:
        atomic_write(table.path, data)
    return AnchorResult(package, table.path, len(anchors), changed, changed and not check, notes)
