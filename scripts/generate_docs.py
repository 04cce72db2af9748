"""Regenerate docs/data-dictionary.md from datapackage.json (`make docs`); `--check` only compares.

Uses the repository's own copy of the package, whatever the current directory, so the committed
dictionary always describes the committed descriptor and CSVs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nme_data.docs import DEFAULT_PATH, data_dictionary
from nme_data.package import DataPackage

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Write the dictionary, or with --check return 1 when the committed file is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale; write nothing")
    parser.add_argument("--out", type=Path, default=ROOT / DEFAULT_PATH, help="output file")
    args = parser.parse_args(argv)
    text = data_dictionary(DataPackage.open(ROOT)).encode("utf-8")
    out: Path = args.out
    if args.check:
        if not out.is_file() or out.read_bytes() != text:
            print(f"{out} is out of date; run 'make docs'", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
