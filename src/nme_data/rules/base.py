"""What a rule plug-in declares: its codes, the descriptor properties it reads, where it applies, one builder.

Each rule module of `nme_data.rules` ends with one `RULE = Plugin(...)`; `nme_data.rules.registry` lists
them and runs them in a fixed order. The plug-in is the rule's whole contract with the rest of the
library: the code catalogue (`nme_data.validation.codes.CODES`) and the catalogue of docs/validation.md
are generated from the codes it declares, and both runners (the validator, pandera's schemas) ask the
registry for its `Rule`s with one signature: `rules(table, context, names)`. Standard library only, so
declaring a rule costs no import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context
    from nme_data.rules.rule import Rule

#: A rule's builder: the table, the cross-table context and the fields the frame has -> its `Rule`s.
Builder = Callable[["Table", "Context", "set[str]"], "list[Rule]"]


@dataclass(frozen=True)
class Code:
    """What a code means, where it comes from (its layer), and a typical example.

    A code raised without a message of its own (a rule whose name carries no detail) reports its meaning
    as the message, so a meaning is part of the report: reword one only to correct it.
    """

    layer: str
    meaning: str
    example: str


@dataclass(frozen=True)
class Plugin:
    """One rule: the codes it owns, the fields and tables it applies to, and one builder of its `Rule`s.

    `uses` names codes the rule emits that another layer owns (a snapshot outside the package is
    `unsafe-path`, whoever finds it); every code a rule can emit is in `codes` or `uses`.
    """

    name: str
    codes: Mapping[str, Code]
    rules: Builder
    #: The rule applies to a table whose frame has all of these fields.
    fields: frozenset[str] = frozenset()
    #: ... and only to these tables (None: any table).
    tables: frozenset[str] | None = None
    #: The `nme:*` (or other) descriptor properties the rule reads from a field or the package.
    properties: tuple[str, ...] = ()
    #: Codes declared elsewhere (see the class docstring).
    uses: tuple[str, ...] = ()
    #: Run only on typed frames (pandera's `schema`): on raw text the spec layer checks the same thing.
    typed_only: bool = False
    #: One line for docs/validation.md: what the rule checks.
    summary: str = ""
    #: Where the rule is defined (its module), filled by `plugin()`.
    module: str = field(default="", compare=False)

    def applies(self, table: Table, names: set[str], typed: bool) -> bool:
        """Whether the rule runs on this table, given the fields its frame has."""
        if self.typed_only and not typed:
            return False
        if self.tables is not None and table.name not in self.tables:
            return False
        return self.fields <= names

    @property
    def emits(self) -> frozenset[str]:
        """Every code this rule's errors can carry."""
        return frozenset(self.codes) | frozenset(self.uses)


def plugin(
    module: str,
    name: str,
    rules: Builder,
    codes: Mapping[str, Code],
    *,
    fields: frozenset[str] | set[str] = frozenset(),
    tables: frozenset[str] | set[str] | None = None,
    properties: tuple[str, ...] = (),
    uses: tuple[str, ...] = (),
    typed_only: bool = False,
    summary: str = "",
) -> Plugin:
    """A rule module's `RULE`: `plugin(__name__, "formula", rules, {code: Code(...)}, fields=...)`."""
    return Plugin(
        name=name,
        codes=dict(codes),
        rules=rules,
        fields=frozenset(fields),
        tables=None if tables is None else frozenset(tables),
        properties=tuple(properties),
        uses=tuple(uses),
        typed_only=typed_only,
        summary=summary,
        module=module,
    )


def semantic(meaning: str, example: str) -> Code:
    """A code of the semantic layer (most rules' codes)."""
    return Code("semantic", meaning, example)


__all__ = ["Builder", "Code", "Plugin", "plugin", "semantic"]
