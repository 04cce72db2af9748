"""The article page's body: the snapshot's lines as headings, paragraphs and lists, quotes highlighted.

The snapshot is plain text, so its structure is read from its lines: a line starting with a space is a
list item, a short line without closing punctuation a heading, anything else a paragraph. A newline
inside a highlight does not end its block, so each highlight is one element a reader can focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from nme_data.site import links
from nme_data.site.model import SiteData
from nme_data.site.quotes import Highlight
from nme_data.site.words import row_words

HEADING_MAX = 50
CLOSING = ".:;,!?\"')]"
BLOCK_TEMPLATES = {"h": Markup("<h2>{}</h2>"), "p": Markup("<p>{}</p>"), "li": Markup("<li>{}</li>")}


@dataclass
class Block:
    kind: str  # "h", "p" or "li"
    start: int
    end: int


def _blocks(text: str, marks: list[Highlight]) -> list[Block]:
    crossing = {i for i, ch in enumerate(text) if ch == "\n" and any(h.start <= i < h.end for h in marks)}
    blocks: list[Block] = []
    start = 0
    for index in [*[i for i, ch in enumerate(text) if ch == "\n" and i not in crossing], len(text)]:
        line = text[start:index]
        if line.strip():
            blocks.append(Block(_kind(line), start, index))
        start = index + 1
    return blocks


def _kind(line: str) -> str:
    first = line.split("\n", 1)[0]
    if first[:1] in (" ", "\t"):
        return "li"
    stripped = first.strip()
    if len(stripped) <= HEADING_MAX and stripped[-1] not in CLOSING and "\n" not in line:
        return "h"
    return "p"


def _tip(site: SiteData, mark: Highlight) -> Markup:
    """The hover card: each citing row as the sentence it states, then a link to the row."""
    rows = []
    for ref in mark.rows:
        data = site.tables[ref.table]
        row = data.by_key.get(ref.key, {})
        said = site.sentence(ref.table, ref.key) or (row_words(site, data, row) if row else "")
        rows.append(
            Markup(
                '<span class="tip-row" data-row="{}"><span class="tip-says">{}</span> '
                '<a href="{}">{} <code>{}</code></a></span>'
            ).format(f"{ref.table}/{ref.key}", said, links.row_link(ref.table, ref.key), ref.table, ref.key)
        )
    count = len(mark.rows)
    return Markup('<span class="tip" id="{}-tip"><span class="tip-head">Quoted by {} {}</span>{}</span>').format(
        mark.anchor, count, "row" if count == 1 else "rows", Markup("").join(rows)
    )


def _inline(site: SiteData, text: str, start: int, end: int, marks: list[Highlight]) -> Markup:
    parts: list[Markup] = []
    position = start
    for mark in marks:
        if mark.end <= start or mark.start >= end:
            continue
        parts.append(_plain(text[position : mark.start]))
        parts.append(
            Markup(
                '<mark class="quote" id="{a}"><span class="quote-text" tabindex="0" role="button" '
                'aria-expanded="false" aria-controls="{a}-tip">{t}</span>{tip}</mark>'
            ).format(a=mark.anchor, t=_plain(text[mark.start : mark.end]), tip=_tip(site, mark))
        )
        position = mark.end
    parts.append(_plain(text[position:end]))
    return Markup("").join(parts)


def _plain(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def article_html(site: SiteData, text: str, marks: list[Highlight]) -> Markup:
    """The text as semantic blocks; consecutive list items share one list."""
    out: list[Markup] = []
    in_list = False
    for block in _blocks(text, marks):
        lead = len(text[block.start : block.end]) - len(text[block.start : block.end].lstrip())
        body = _inline(site, text, block.start + lead, block.end, marks)
        if block.kind == "li" and not in_list:
            out.append(Markup("<ul>"))
            in_list = True
        elif block.kind != "li" and in_list:
            out.append(Markup("</ul>"))
            in_list = False
        out.append(BLOCK_TEMPLATES[block.kind].format(body))
    if in_list:
        out.append(Markup("</ul>"))
    return Markup("\n").join(out)
