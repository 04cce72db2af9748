"""Run the code of docs/recipes.md and write what it prints under each block (`make recipes`); `--check` compares.

Why: a recipe whose output is pasted by hand rots the day the data or pandas changes. Here every
```python block runs, in order, in one namespace (as in a notebook), and the ```text block right after
it holds exactly what it printed; a block that prints nothing has none. tests/fitness/test_recipes.py runs the
same code and fails on any difference, so the document cannot drift from the data.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "docs" / "recipes.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    """One ```python block, the section it belongs to, and the output the document shows for it."""

    section: str
    code: str
    shown: str | None  # the text block right after it, or None
    span: tuple[int, int]  # where the code block and its output block (if any) are in the document


def blocks(text: str) -> list[Block]:
    """Every python block of the document, with the text block that follows it (blank lines between)."""
    found: list[Block] = []
    fences = list(FENCE.finditer(text))
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        after = fences[i + 1] if i + 1 < len(fences) else None
        follows = after is not None and after.group(1) == "text" and not text[fence.end() : after.start()].strip()
        end = after.end() if follows and after is not None else fence.end()
        headings = re.findall(r"^##+ (.+)$", text[: fence.start()], re.MULTILINE)
        found.append(
            Block(
                section=headings[-1] if headings else "(top)",
                code=fence.group(2),
                shown=after.group(2) if follows and after is not None else None,
                span=(fence.start(), end),
            )
        )
    return found


def run(found: list[Block]) -> list[str]:
    """What each block prints, run in order in one fresh namespace."""
    namespace: dict[str, object] = {"__name__": "__recipes__"}
    outputs = []
    for block in found:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(block.code, f"recipes: {block.section}", "exec"), namespace)
        outputs.append("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")
    return [out if out.strip() else "" for out in outputs]


def rewrite(text: str, found: list[Block], outputs: list[str]) -> str:
    """The document with each block's output block replaced by what it printed."""
    pieces, position = [], 0
    for block, output in zip(found, outputs, strict=True):
        start, end = block.span
        pieces.append(text[position:start])
        pieces.append(f"```python\n{block.code}```\n")
        if output:
            pieces.append(f"\n```text\n{output}```\n")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the outputs, or with --check return 1 when any shown output differs from the real one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an output is stale; write nothing")
    parser.add_argument("--file", type=Path, default=RECIPES, help="the Markdown file (default docs/recipes.md)")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    found = blocks(text)
    updated = rewrite(text, found, run(found))
    if args.check:
        if updated != text:
            print(f"{args.file} shows outputs that the code no longer prints; run 'make recipes'", file=sys.stderr)
            return 1
        print(f"{args.file}: {len(found)} blocks, outputs up to date")
        return 0
    temporary = args.file.with_suffix(".md.tmp")
    temporary.write_text(updated, encoding="utf-8")
    temporary.replace(args.file)
    print(f"wrote {args.file} ({len(found)} blocks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
