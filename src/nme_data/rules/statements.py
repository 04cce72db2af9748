"""The statement templates a table declares in datapackage.json: their form, checked before any sentence is made.

`nme_data.frames.statements` renders them; the validator reports a malformed one (code descriptor-invalid,
located at the table) so that a copy that validates always yields its sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nme_data.package import Finding, PackageError, Table

#: The resource property holding a table's templates.
PROPERTY = "statementTemplates"
#: `{field}` or `{field:code=words|code=words|*=words}`.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")
#: How long a template may be: a sentence, not a document.
MAX_TEMPLATE_CHARS = 2000
#: How many templates one table may declare.
MAX_TEMPLATES = 100
#: Table Schema's default boolean spellings.
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]


class StatementError(PackageError):
    """A table's statementTemplates are not a list of templates over its own fields and codes."""

    code = "descriptor-invalid"


@dataclass(frozen=True)
class Template:
    """One template and the cells (`when`) a row must hold for it to apply."""

    when: dict[str, str]
    text: str

    def matches(self, row: Mapping[str, str | None]) -> bool:
        return all(row.get(field) == value for field, value in self.when.items())


def _codes(table: Table, field: str) -> set[str] | None:
    """The codes a field's cells can hold, when the schema lists them (an enum, or a boolean's values)."""
    spec = next((f for f in table.fields if isinstance(f, dict) and f.get("name") == field), {})
    constraints = spec.get("constraints")
    enum = constraints.get("enum") if isinstance(constraints, dict) else None
    if isinstance(enum, list):
        return {str(value) for value in enum}
    if spec.get("type") == "boolean":
        values = []
        for key, default in (("trueValues", DEFAULT_TRUE), ("falseValues", DEFAULT_FALSE)):
            declared = spec.get(key, default)
            values += declared if isinstance(declared, list) else []  # the spec layer reports a malformed one
        return {str(value) for value in values}
    return None


def _check(table: Table, where: str, item: object) -> Template:
    if not isinstance(item, dict) or not isinstance(item.get("template"), str):
        raise StatementError(f"{where} needs a 'template' string", table=table.name)
    text, when = item["template"], item.get("when", {})
    if len(text) > MAX_TEMPLATE_CHARS:
        raise StatementError(f"{where} is longer than {MAX_TEMPLATE_CHARS} characters", table=table.name)
    if not isinstance(when, dict) or not all(isinstance(v, str) for v in when.values()):
        raise StatementError(f"{where}: 'when' must map fields to codes", table=table.name)
    placeholders = [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]
    unknown = sorted((set(when) | {name for name, _ in placeholders}) - set(table.field_names))
    if unknown:
        raise StatementError(f"{where} names fields {unknown} that {table.name} lacks", table=table.name)
    uses = [(field, [code]) for field, code in when.items()]
    uses += [(name, [o.partition("=")[0] for o in spec.split("|")]) for name, spec in placeholders if spec is not None]
    for field, codes in uses:
        allowed = _codes(table, field)
        strangers = sorted(set(codes) - allowed - {"*"}) if allowed is not None else []
        if strangers:
            raise StatementError(f"{where} uses codes {strangers} that field {field!r} cannot hold", table=table.name)
    return Template(dict(when), text)


def templates(table: Table) -> list[Template]:
    """The table's templates, checked against its fields and codes; [] when it declares none."""
    declared = table.descriptor.get(PROPERTY)
    if declared is None:
        return []
    where = f"{table.name}: {PROPERTY}"
    if not isinstance(declared, list) or len(declared) > MAX_TEMPLATES:
        raise StatementError(
            f"{where} must be a list of at most {MAX_TEMPLATES} {{'when': ..., 'template': ...}} objects",
            table=table.name,
        )
    return [_check(table, f"{where}[{number}]", item) for number, item in enumerate(declared)]


def template_problems(table: Table) -> list[Finding]:
    """The validator's view: [] when the templates are sound, else one problem located at the table."""
    try:
        templates(table)
    except StatementError as exc:
        return [exc.problem(table.name)]
    return []
