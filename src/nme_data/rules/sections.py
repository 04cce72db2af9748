"""Values decided by where a quote sits, not by its words: the heading above it (``section-mismatch``).

`sites.section`, `clinical_features.section` and `classifications.kind` say which part of the article
states the row. No word of the quote decides that, so their ``nme:cues`` declaration names this check, and
the custom field property ``nme:sections`` (documented in docs/cues.md) gives each value its stretch of the
snapshot, from the line holding one heading to the line holding the next (null: the start or the end of
the text)::

    "nme:sections": {"introduction": [null, "Signs and symptoms"],
                     "clinical_features": ["Clinical features", "Associated conditions"]}

Each part of the row's quote is found in the snapshot after the previous part (an ellipsis skips
forward: `anchor`), and must lie inside the stretch of the row's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from nme_data.package.canonical import SECTIONS_PROPERTY as PROPERTY
from nme_data.package.canonical import sections_declaration_problem
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import Rule, check_name
from nme_data.text.sentences import EVIDENCE_SEPARATOR

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context

EVIDENCE, SOURCE = "evidence", "source_id"


def anchor(text: str, quote: str) -> list[tuple[int, int]]:
    """Code-point (start, end) of each part of a quote in the text, each found after the previous part
    (falling back to its first occurrence); a part not in the text is left out (evidence-not-verbatim)."""
    spans, position = [], 0
    for part in quote.split(EVIDENCE_SEPARATOR):
        start = text.find(part, position)
        if start < 0:
            start = text.find(part)
        if start < 0 or not part:
            continue
        spans.append((start, start + len(part)))
        position = start + len(part)
    return spans


def stretch(text: str, start: str | None, end: str | None) -> tuple[int, int] | None:
    """The code-point span from the end of the line holding `start` (0 for null) to the start of the next
    line holding `end` (the text's end for null); None when a heading is not a line of the text."""
    offset, begin = 0, 0 if start is None else None
    for line in text.splitlines(keepends=True):
        heading = line.strip()
        if begin is None and heading == start:
            begin = offset + len(line)
        elif begin is not None and end is not None and heading == end:
            return begin, offset
        offset += len(line)
    return (begin, len(text)) if begin is not None and end is None else None


def section_checks(fields: list[dict[str, Any]], present: set[str], texts: Mapping[str, str]) -> list[Rule]:
    """One `section-mismatch` rule per field declaring nme:sections, where evidence and source_id exist."""
    rules = []
    for spec in fields:
        declaration = spec.get(PROPERTY)
        name = spec.get("name")
        if declaration is None or sections_declaration_problem(declaration) or name not in present:
            continue
        if not {EVIDENCE, SOURCE} <= present:
            continue
        rules.append(_rule(str(name), declaration, texts))
    return rules


def _rule(name: str, declaration: Mapping[str, list[str | None]], texts: Mapping[str, str]) -> Rule:
    def inside(frame: pd.DataFrame) -> pd.Series:
        columns = (frame[name].tolist(), frame[EVIDENCE].tolist(), frame[SOURCE].tolist())
        judged: dict[tuple[Any, Any, Any], bool] = {}  # rows repeat quotes: each (value, quote, source) once
        verdicts = []
        for key in zip(*columns, strict=True):
            verdict = judged.get(key)
            if verdict is None:
                verdict = judged[key] = _inside(*key)
            verdicts.append(verdict)
        return pd.Series(verdicts, index=frame.index, dtype=bool)

    def _inside(value: Any, quote: Any, source: Any) -> bool:
        text = texts.get(source) if isinstance(source, str) else None
        bounds = declaration.get(value) if isinstance(value, str) else None
        if text is None or bounds is None or not isinstance(quote, str) or not quote:
            return True  # unknown source, value or empty quote: other rules' errors
        span = stretch(text, bounds[0], bounds[1])  # None: a snapshot without the heading, judged elsewhere
        spans = anchor(text, quote)  # parts not in the text are evidence-not-verbatim's
        return span is None or all(span[0] <= s and e <= span[1] for s, e in spans)

    message = f"the quote does not sit in the part of the article {name} names (nme:sections)"
    return Rule(inside, name=check_name("section-mismatch", name, message))


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return section_checks(table.fields, names, context.source_texts)


RULE = plugin(
    __name__,
    "sections",
    rules,
    {
        "section-mismatch": Code(
            "semantic",
            "A value decided by where the quote sits (a section, a kind of link) names a part of the article the "
            "quote is not in: the field's nme:sections declaration gives each value its headings.",
            "sites section 'introduction' for 'although less commonly the abdomen ... may be affected'",
        ),
    },
    properties=(PROPERTY,),
    summary="values decided by where the quote sits (fields declaring nme:sections)",
)
