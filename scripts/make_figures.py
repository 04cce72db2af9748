"""Draw the figures of docs/recipes.md into docs/img/*.svg (`make figures`); `--check` only compares.

The SVGs are committed, so they must be byte-for-byte reproducible: a fixed hash salt for element ids,
no date or creator in the metadata, text kept as text (no glyph outlines that depend on the font files)
in matplotlib's bundled DejaVu Sans, and the matplotlib minor release pinned in the `plot` extra.
A test regenerates them into a temporary directory and compares, like the data dictionary.
Needs the `plot` extra: `pip install nme-data[plot]`.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import nme_data
from nme_data.frames import order

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "docs" / "img"
STYLE = {
    "svg.hashsalt": "nme-data",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
#: One colour per prominence, lowest first (a colour-blind-safe sequence).
PROMINENCE_COLOURS = ("#c6dbef", "#6baed6", "#08519c")
CONTEXT_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")


def sites_by_region() -> Figure:
    """Distinct body sites per body region, stacked by the strongest prominence the article gives each."""
    from nme_data.frames.views import distinct_sites  # Data 2.0

    sites = distinct_sites(ROOT)
    levels = order("sites", "prominence", ROOT)
    counts = pd.crosstab(sites["body_region"], sites["prominence"]).reindex(columns=levels, fill_value=0)
    counts = counts.loc[counts.sum(axis=1) > 0].sort_index(ascending=False)
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(counts) + 1.4))
    left = pd.Series(0, index=counts.index)
    for level, colour in zip(levels, PROMINENCE_COLOURS, strict=True):
        labels = [str(region).replace("_", " ") for region in counts.index]
        ax.barh(labels, counts[level], left=left, color=colour, label=level.replace("_", " "))
        left += counts[level]
    ax.set_xlabel("distinct body sites")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Where NME appears: body sites by region and prominence", loc="left")
    ax.legend(title="strongest prominence", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def association_network() -> Figure:
    """Conditions linked by the article's associations, NME at the centre, edges coloured by context."""
    associations = nme_data.load("associations", ROOT)
    names = nme_data.load("conditions", ROOT).set_index("id")["name"]
    edges = associations.drop_duplicates(["subject_id", "object_id", "context"])
    positions = radial_layout(edges, root="nme")
    contexts = list(associations["context"].cat.categories)
    colours = dict(zip(contexts, CONTEXT_COLOURS, strict=False))
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    for edge in edges.itertuples():
        (x0, y0), (x1, y1) = positions[edge.subject_id], positions[edge.object_id]
        stated = getattr(edge, "certainty", "stated") == "stated"
        ax.plot([x0, x1], [y0, y1], color=colours[edge.context], lw=1.6, ls="-" if stated else "--", zorder=1)
    for node, (x, y) in positions.items():
        ax.scatter([x], [y], s=140 if node == "nme" else 60, color="#333333", zorder=2)
        ax.annotate(
            wrap(str(names.get(node, node))),
            (x, y),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=3,
        )
    used = [c for c in contexts if c in set(edges["context"])]
    handles = [Line2D([], [], color=colours[c], lw=2, label=c.replace("_", " ")) for c in used]
    handles.append(Line2D([], [], color="#555555", lw=1.6, ls="--", label="certainty other than stated"))
    ax.legend(handles=handles, title="context", frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title("Conditions associated with NME, by context", loc="left")
    ax.set_aspect("equal")
    ax.axis("off")
    ax.margins(0.12)
    fig.tight_layout()
    return fig


def radial_layout(edges: pd.DataFrame, root: str) -> dict[str, tuple[float, float]]:
    """Root at the centre; each ring one step further along the edges; children fan out in their parent's
    sector, in the order the table lists them (so the layout is fixed by the data, not by a random seed)."""
    children: dict[str, list[str]] = {}
    for subject, obj in zip(edges["subject_id"], edges["object_id"], strict=True):
        children.setdefault(subject, [])
        if obj not in children[subject]:
            children[subject].append(obj)
    positions = {root: (0.0, 0.0)}

    def leaves(node: str, seen: frozenset[str]) -> int:
        below = [c for c in children.get(node, []) if c not in seen]
        return max(1, sum(leaves(c, seen | {c}) for c in below))

    def place(node: str, start: float, end: float, depth: int, seen: frozenset[str]) -> None:
        below = [c for c in children.get(node, []) if c not in positions and c not in seen]
        total = sum(leaves(c, seen | {c}) for c in below) or 1
        angle = start
        for child in below:
            share = (end - start) * leaves(child, seen | {child}) / total
            middle = angle + share / 2
            positions[child] = (depth * math.cos(middle), depth * math.sin(middle))
            place(child, angle, angle + share, depth + 1, seen | {child})
            angle += share

    place(root, math.pi / 2, math.pi / 2 + 2 * math.pi, 1, frozenset({root}))
    return positions


def wrap(text: str, width: int = 18) -> str:
    """Break a long label at spaces so it stays under its node."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


FIGURES: dict[str, Callable[[], Figure]] = {
    "sites-by-region.svg": sites_by_region,
    "association-network.svg": association_network,
}


def render(draw: Callable[[], Figure]) -> bytes:
    """The figure as SVG bytes with nothing that changes from run to run."""
    with plt.rc_context(STYLE):
        fig = draw()
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None, "Creator": None}
        fig.savefig(buffer, format="svg", metadata=metadata, bbox_inches="tight")
        plt.close(fig)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write every figure, or with --check return 1 when a committed one is stale or missing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a figure is stale; write nothing")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="directory of the SVGs (default docs/img)")
    args = parser.parse_args(argv)
    stale = []
    for name, draw in FIGURES.items():
        path = args.out_dir / name
        data = render(draw)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".svg.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        print(f"wrote {path}")
    if stale:
        print(f"out of date in {args.out_dir}: {', '.join(stale)}; run 'make figures'", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
