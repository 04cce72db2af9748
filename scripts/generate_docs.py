"""Regenerate docs/data-dictionary.md from datapackage.json and docs/validation.md's catalogue of codes and
rules from the rule registry (`make docs`); `--check` only compares.

Uses the repository's own copy of the package, whatever the current directory, so the committed
dictionary always describes the committed descriptor and CSVs. In docs/validation.md only the part
between the catalogue's markers is generated; the prose around it is kept as written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nme_data.docs import DEFAULT_PATH, VALIDATION_PATH, data_dictionary, validation_page
from nme_data.package import DataPackage

ROOT = Path(__file__).resolve().parents[1]


def _pages(out: Path, validation: Path) -> list[tuple[Path, bytes]]:
    """Each generated page and the bytes it must hold."""
    pages = [(out, data_dictionary(DataPackage.open(ROOT)).encode("utf-8"))]
    if validation.is_file():
        text = validation.read_text(encoding="utf-8")
        pages.append((validation, validation_page(text).encode("utf-8")))
    else:
        pages.append((validation, b""))  # no page to keep the prose of: stale, and never written from nothing
    return pages


def main(argv: list[str] | None = None) -> int:
    """Write the pages, or with --check return 1 when a committed page is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is stale; write nothing")
    parser.add_argument("--out", type=Path, default=ROOT / DEFAULT_PATH, help="the data dictionary's file")
    parser.add_argument(
        "--validation", type=Path, default=ROOT / VALIDATION_PATH, help="the page with the catalogue of codes"
    )
    args = parser.parse_args(argv)
    pages = _pages(args.out, args.validation)
    if args.check:
        stale = [path for path, text in pages if not path.is_file() or not text or path.read_bytes() != text]
        for path in stale:
            print(f"{path} is out of date; run 'make docs'", file=sys.stderr)
        if stale:
            return 1
        for path, _ in pages:
            print(f"{path} is up to date")
        return 0
    for path, text in pages:
        if not text:
            print(
                f"{path} does not exist: it holds the prose around the catalogue, so it is not created", file=sys.stderr
            )
            return 1
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != text:
            path.write_bytes(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
