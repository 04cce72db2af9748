"""The registry of rule plug-ins: which rules exist, in which order they run, and the codes they own.

Each rule is one module of `nme_data.rules` whose `RULE` is a `nme_data.rules.base.Plugin`; `MODULES` lists
them in the order they run (the order of the if-chain they replaced). `rules_for` is the one place a table's
`Rule`s are built (`nme_data.rules.semantic.semantic_rules` calls it for both runners), and `codes` is what
the code catalogue (`nme_data.validation.codes`) and docs/validation.md are generated from.

Adding a rule: write its module (the builder and `RULE = plugin(__name__, ...)`), add its name to `MODULES`,
regenerate the docs (`make docs`); tests/fitness/test_rule_plugins.py checks the rest. `registered` adds a
plug-in for the length of a `with` block (tests, experiments), and leaves the registry as it found it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from nme_data.rules.base import Code, Plugin

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context
    from nme_data.rules.rule import Rule

#: The rule modules of `nme_data.rules`, in the order their rules run.
MODULES = (
    "formula",
    "profile",
    "identifiers",
    "evidence",
    "mappings",
    "sources",
    "row_rules",
    "curation",
    "cues",
    "naming",
    "numbers",
    "sections",
    "elisions",
    "anchors",
    "foreign_keys",
)
#: The modules of `nme_data.rules` that are not rules, and why.
HELPERS = {
    "__init__": "the package",
    "base": "what a plug-in declares (Code, Plugin)",
    "registry": "this list",
    "rule": "the Rule record and the runners' shared reads",
    "context": "the cross-table Context and vectorised helpers every rule shares",
    "quotes": "the fact rows' quotes and the anchors' keys the Context keeps for the anchors rule",
    "semantic": "the one entry point (semantic_rules) and the context of a whole package",
    "statements": "statementTemplates: a descriptor check the pre-flight runs (descriptor-invalid), no rule",
}

_built_in: tuple[Plugin, ...] = ()
_added: list[Plugin] = []
_generation = 0


def plugins() -> tuple[Plugin, ...]:
    """Every registered rule, in the order they run: the modules of `MODULES`, then any `registered` ones."""
    global _built_in
    if not _built_in:  # imported on first use: the modules need pandas, a registry's import does not
        _built_in = tuple(importlib.import_module(f"nme_data.rules.{name}").RULE for name in MODULES)
    return _built_in + tuple(_added)


def generation() -> int:
    """A number that changes whenever the registry does (the catalogue rebuilds itself on a change)."""
    return _generation


@contextmanager
def registered(*extra: Plugin) -> Iterator[None]:
    """Run these plug-ins after the built-in ones inside the block; the registry is restored after it."""
    global _generation
    before = list(_added)
    _added.extend(extra)
    _generation += 1
    try:
        yield
    finally:
        _added[:] = before
        _generation += 1


def codes() -> dict[str, Code]:
    """Every code a rule owns, in the order the rules run; a code owned twice is a programming error."""
    found: dict[str, Code] = {}
    owner: dict[str, str] = {}
    for rule in plugins():
        for code, meaning in rule.codes.items():
            if code in found:
                raise ValueError(f"code {code!r} is declared by both rule {owner[code]!r} and rule {rule.name!r}")
            found[code] = meaning
            owner[code] = rule.name
    return found


def owners() -> dict[str, Plugin]:
    """The rule that owns each code."""
    return {code: rule for rule in plugins() for code in rule.codes}


def rules_for(table: Table, context: Context, names: set[str], typed: bool = False) -> list[Rule]:
    """The `Rule`s of every registered rule that applies to this table with these fields, in order."""
    built: list[Rule] = []
    for rule in plugins():
        if rule.applies(table, names, typed):
            built.extend(rule.rules(table, context, names))
    return built


__all__ = ["HELPERS", "MODULES", "codes", "generation", "owners", "plugins", "registered", "rules_for"]
