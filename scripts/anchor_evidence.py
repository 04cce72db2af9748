"""Anchor every evidence part in its snapshot: write ``data/evidence_anchors.csv``.

A thin wrapper over `nme_data.curate.anchor.anchor_package`, the library behind ``nme-data anchor``
(which is what a curator with an installed package runs). Every part that occurs more than once in
the snapshot is printed with the occurrence chosen and why; a part not in its snapshot is printed too
and gets no row (fix the evidence: the validator reports it as evidence-not-verbatim).

Usage, from the repository root::

    python scripts/anchor_evidence.py [--root DIR] [--check]

``--check`` writes nothing and exits 1 when the file differs from what it would write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nme_data.curate.anchor import anchor_package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the package directory")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is not up to date")
    options = parser.parse_args(argv)
    result = anchor_package(options.root, check=options.check)
    print(result.to_text(), file=sys.stderr if result.changed and options.check else sys.stdout)
    return 1 if options.check and result.changed else 0


if __name__ == "__main__":
    sys.exit(main())
