"""The semantic rules: what a Table Schema cannot express, as plain functions of a table's frame.

Each rule is one module of this package, registered in `nme_data.rules.registry`; `semantic_rules` is the
one entry point both runners use. They run on both views of a table: the raw text of a CSV (every cell
a string, missing = ""), which the validator checks after the spec layer, and the loader's typed frame,
which `nme_data.frames.schemas` checks with pandera. No pandera here: the validator calls the rules
directly (see `nme_data.rules.rule`). The names other layers import from here (the `Context`, the
helpers, the evidence and formula rules' functions) are re-exported from the modules that define them.
"""

from __future__ import annotations

from nme_data.package import DataPackage, Table
from nme_data.package.raw import read_text_frame
from nme_data.rules.context import Context, Ids, is_in, per_unique
from nme_data.rules.evidence import (
    EVIDENCE_ANCHOR_WORDS,
    EVIDENCE_WORD_LETTERS,
    evidence_check,
    evidence_is_a_quote,
)
from nme_data.rules.formula import FORMULA_START, formula_cells, formula_check, text_fields
from nme_data.rules.registry import rules_for
from nme_data.rules.rule import Rule, check_name


def semantic_rules(table: Table, context: Context, names: set[str] | None = None, typed: bool = False) -> list[Rule]:
    """Every registered rule's `Rule`s that apply to a table with these fields (default: all of its schema's).

    With typed=True, the foreign keys are checked too: on raw text the spec layer checks them, on a
    typed frame nothing else would.
    """
    names = set(table.field_names) if names is None else set(table.field_names) & names
    return rules_for(table, context, names, typed)


def package_context(package: DataPackage) -> Context:
    """The context of a whole package, every table read as raw text."""
    frames = {name: read_text_frame(table) for name, table in package.tables.items()}
    return Context.from_frames(package, frames)


__all__ = [
    "EVIDENCE_ANCHOR_WORDS",
    "EVIDENCE_WORD_LETTERS",
    "FORMULA_START",
    "Context",
    "Ids",
    "Rule",
    "check_name",
    "evidence_check",
    "evidence_is_a_quote",
    "formula_cells",
    "formula_check",
    "is_in",
    "package_context",
    "per_unique",
    "semantic_rules",
    "text_fields",
]
