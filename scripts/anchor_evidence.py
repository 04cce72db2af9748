"""Anchor every evidence part in its snapshot: write ``data/evidence_anchors.csv``.

Each part of each fact row's evidence (parts are joined by " [...] ") gets one row: the table, the row's
id, the part's number (from 1) and its code-point offsets ``start``/``end`` (end exclusive) in the
snapshot of the row's source, as a W3C Web Annotation TextPositionSelector gives them.

Where a part occurs more than once in the snapshot, `nme_data.rules.anchors.place` picks the occurrence
meant: the first after the quote's previous part, else the one nearest the row's other parts, else the
first inside the row's section (``nme:sections``), else the first. Every such part is printed, so a
curator checks the choice by hand; a part not in its snapshot is printed too and gets no row (fix the
evidence: the validator reports it as evidence-not-verbatim).

Usage, from the repository root (run it again after editing evidence; ``nme-data reground --apply``
does the same for a new snapshot)::

    python scripts/anchor_evidence.py [--check]

``--check`` writes nothing and exits 1 when the file differs from what it would write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nme_data.curate.canonical import atomic_write, encode_table
from nme_data.package import DataPackage
from nme_data.rules.anchors import TABLE, package_anchors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the package directory")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is not up to date")
    options = parser.parse_args(argv)
    package = DataPackage.open(options.root)
    anchors, notes = package_anchors(package)
    for note in notes:
        print(note, file=sys.stderr)
    table = package.table(TABLE)
    data = encode_table(table, [anchor.record() for anchor in anchors])
    current = table.path.read_bytes() if table.path.exists() else b""
    if options.check:
        if current != data:
            print(f"{table.path} is not up to date: run scripts/anchor_evidence.py", file=sys.stderr)
            return 1
        return 0
    if current != data:
        atomic_write(table.path, data)
    print(f"{len(anchors)} anchors in {table.path.relative_to(package.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
