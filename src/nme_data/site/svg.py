"""Figures drawn at build time as inline SVG: a few rectangles and labels, no plotting library.

Each figure carries a <title> and <desc> for screen readers, prints its counts as text inside the
shapes, and tells series apart by pattern as well as by shade, so colour is never the only carrier.
"""

from __future__ import annotations

from markupsafe import Markup, escape

#: (fill, pattern id or None) per series position; darker means "more" for ordered series.
SERIES_STYLE = [("#d9e8f5", None), ("#7fb0dc", "hatch"), ("#1f5f99", None), ("#0b3a66", "dots")]
LABEL_WIDTH = 150
BAR_WIDTH = 440
BAR_HEIGHT = 26
GAP = 10
LEGEND_HEIGHT = 34


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#7fb0dc"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>'
        "</pattern>"
        f'<pattern id="{prefix}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#0b3a66"/><circle cx="3" cy="3" r="1.2" fill="#ffffff"/></pattern>'
        "</defs>"
    )


def _fill(index: int, prefix: str) -> str:
    colour, pattern = SERIES_STYLE[index % len(SERIES_STYLE)]
    return f"url(#{prefix}-{pattern})" if pattern else colour


def _halo(index: int) -> str:
    return "on-dark" if index % len(SERIES_STYLE) >= 2 else "on-light"


def _ink(index: int) -> str:
    return "#ffffff" if index % len(SERIES_STYLE) >= 2 else "#10253a"


def stacked_bars(
    figure_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[str],
    counts: dict[tuple[str, str], int],
) -> Markup:
    """Horizontal bars, one per category, split into series segments with their counts written in."""
    total = max((sum(counts.get((c, s), 0) for s in series) for c in categories), default=0) or 1
    height = LEGEND_HEIGHT + len(categories) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figure" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{escape(figure_id)}-title {escape(figure_id)}-desc">',
        f'<title id="{escape(figure_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(figure_id)}-desc">{escape(description)}</desc>',
        _defs(escape(figure_id)),
    ]
    x: float = LABEL_WIDTH
    prefix = escape(figure_id)
    for index, name in enumerate(series):
        out.append(
            f'<rect x="{x}" y="8" width="16" height="16" fill="{_fill(index, prefix)}" '
            'stroke="#10253a" stroke-width="0.5"/>'
            f'<text x="{x + 22}" y="21" class="legend">{escape(name.replace("_", " "))}</text>'
        )
        x += 40 + 8 * len(name)
    y = LEGEND_HEIGHT + GAP
    for category in categories:
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT / 2 + 5:g}" text-anchor="end" class="axis">'
            f"{escape(category.replace('_', ' '))}</text>"
        )
        x = float(LABEL_WIDTH)
        for index, name in enumerate(series):
            count = counts.get((category, name), 0)
            if not count:
                continue
            span = BAR_WIDTH * count / total
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{BAR_HEIGHT}" fill="{_fill(index, prefix)}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(category.replace("_", " "))}: {count} '
                f"{escape(name.replace('_', ' '))}</title></rect>"
            )
            out.append(
                f'<text x="{x + span / 2:.1f}" y="{y + BAR_HEIGHT / 2 + 5:g}" text-anchor="middle" '
                f'class="count {_halo(index)}" fill="{_ink(index)}">{count}</text>'
            )
            x += span
        y += BAR_HEIGHT + GAP
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute value above went through escape()


def layers(figure_id: str, title: str, description: str, bands: list[tuple[str, int]]) -> Markup:
    """Stacked bands from the surface down (a schematic section of skin), each with its number of findings."""
    band_height = 40
    width = LABEL_WIDTH + BAR_WIDTH + 40
    height = len(bands) * band_height + 2 * GAP
    shades = ["#f3e3d3", "#eccfb4", "#e2b8a0", "#d4a088", "#c48a74", "#b37463"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figure" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{escape(figure_id)}-title {escape(figure_id)}-desc">',
        f'<title id="{escape(figure_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(figure_id)}-desc">{escape(description)}</desc>',
    ]
    y = GAP
    for index, (name, count) in enumerate(bands):
        out.append(
            f'<rect x="0" y="{y}" width="{width}" height="{band_height}" fill="{shades[index % len(shades)]}" '
            f'stroke="#8a5a44" stroke-width="0.5"/>'
            f'<text x="12" y="{y + 25}" class="axis" text-anchor="start">{escape(name.replace("_", " "))}</text>'
            f'<text x="{width - 12}" y="{y + 25}" class="count" text-anchor="end">{count} '
            f"{'finding' if count == 1 else 'findings'}</text>"
        )
        y += band_height
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute value above went through escape()
