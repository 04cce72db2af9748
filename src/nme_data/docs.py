"""Generated documentation: the data dictionary (from datapackage.json) and docs/validation.md's catalogue of
codes and rules (from the rule registry), so that neither can drift from what it describes.

The data dictionary needs the standard library only (json and csv): `nme-data docs --check` runs in CI
and on a plain install, and the output must be byte-for-byte deterministic for that check to mean
anything. The catalogue imports the rules (and so pandas) when it is built, never before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, Table

if TYPE_CHECKING:
    from nme_data.rules.base import Code, Plugin

#: Where `nme-data docs` and `make docs` write the dictionary, relative to the repository root.
DEFAULT_PATH = Path("docs") / "data-dictionary.md"
#: Longer example values are cut, so the field tables stay readable.
EXAMPLE_WIDTH = 60
GENERATED_NOTE = (
    "<!-- Generated from datapackage.json by `nme-data docs` (or `make docs`). Do not edit by hand: "
    "change the descriptor and regenerate. -->"
)
#: Constraints rendered in this order; any others follow alphabetically.
CONSTRAINT_ORDER = (
    "unique",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: Any) -> str:
    """An inline code span that survives backticks and table pipes in the value."""
    value = _cell(str(text))
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _number(value: Any) -> str:
    """Bounds as written in the descriptor: 100, not 100.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _field_type(field: dict[str, Any]) -> str:
    """Type with its format and, for booleans, the spellings that count as true and false."""
    kind = str(field.get("type", "string"))
    if field.get("format") not in (None, "default"):
        kind += f" ({field['format']})"
    if kind == "boolean" and ("trueValues" in field or "falseValues" in field):
        kind += f"; true: {', '.join(map(_code, field.get('trueValues', [])))}"
        kind += f"; false: {', '.join(map(_code, field.get('falseValues', [])))}"
    return kind


def _length(constraints: dict[str, Any]) -> str | None:
    low, high = constraints.get("minLength"), constraints.get("maxLength")
    if low is not None and high is not None:
        return f"length {low}–{high}"
    if low is not None:
        return f"length ≥ {low}"
    if high is not None:
        return f"length ≤ {high}"
    return None


def _range(constraints: dict[str, Any]) -> str | None:
    lower = upper = ""
    if "minimum" in constraints:
        lower = f"{_number(constraints['minimum'])} ≤ "
    elif "exclusiveMinimum" in constraints:
        lower = f"{_number(constraints['exclusiveMinimum'])} < "
    if "maximum" in constraints:
        upper = f" ≤ {_number(constraints['maximum'])}"
    elif "exclusiveMaximum" in constraints:
        upper = f" < {_number(constraints['exclusiveMaximum'])}"
    return f"{lower}value{upper}" if lower or upper else None


def render_constraints(field: dict[str, Any]) -> str:
    """Every constraint but `required` (its own column) in words, e.g. 'ordered: `a` < `b`'."""
    constraints = dict(field.get("constraints") or {})
    constraints.pop("required", None)
    parts = []
    if constraints.get("unique"):
        parts.append("unique")
    if constraints.get("enum") is not None:
        values = [_code(v) for v in constraints["enum"]]
        if field.get("categoriesOrdered"):
            parts.append("ordered: " + " < ".join(values))
        else:
            parts.append("one of " + ", ".join(values))
    if "pattern" in constraints:
        parts.append(f"matches {_code(constraints['pattern'])}")
    for part in (_length(constraints), _range(constraints)):
        if part:
            parts.append(part)
    for key in sorted(set(constraints) - set(CONSTRAINT_ORDER)):
        parts.append(f"{key}: {_code(json.dumps(constraints[key], sort_keys=True, ensure_ascii=False))}")
    return "; ".join(parts) if parts else "–"


def _read_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """Header and records of a table, read with the csv module (no pandas, no type guessing)."""
    records = [record.cells for record in table.records()]
    return (records[0], records[1:]) if records else ([], [])


def _examples(table: Table, header: list[str], rows: list[list[str]]) -> dict[str, str]:
    """First non-missing value of every field, shortened to EXAMPLE_WIDTH characters."""
    missing = set(table.missing_values) | {""}
    examples = {}
    for name in table.field_names:
        if name not in header:
            continue
        column = header.index(name)
        for row in rows:
            if column < len(row) and row[column] not in missing:
                value = " ".join(row[column].split())
                examples[name] = value if len(value) <= EXAMPLE_WIDTH else value[: EXAMPLE_WIDTH - 1].rstrip() + "…"
                break
    return examples


def _foreign_keys(table: Table) -> str:
    keys = []
    for key in table.foreign_keys:
        reference = key.get("reference", {})
        target = reference.get("resource") or table.name
        fields = ", ".join(_as_list(key.get("fields")))
        target_fields = ", ".join(_as_list(reference.get("fields")))
        keys.append(f"`{fields}` → [`{target}.{target_fields}`](#{target})")
    return "; ".join(keys) if keys else "none"


def table_section(table: Table) -> list[str]:
    """The Markdown lines of one table: what it holds, where, its keys and its fields."""
    header, rows = _read_rows(table)
    examples = _examples(table, header, rows)
    primary_key = table.primary_key
    lines = [
        f"## {table.name}",
        "",
        f"**{table.title}.** {table.description}".rstrip(),
        "",
        f"- File: `{table.descriptor.get('path', '')}`",
        f"- Rows: {len(rows)}",
        f"- Primary key: {', '.join(f'`{name}`' for name in primary_key) if primary_key else 'none'}",
        f"- Foreign keys: {_foreign_keys(table)}",
        f"- Missing values: {', '.join(_code(v) if v else 'empty cell' for v in table.missing_values)}",
        "",
        "| Field | Type | Required | Constraints | Description | Example |",
        "|---|---|---|---|---|---|",
    ]
    for field in table.fields:
        name = field["name"]
        required = bool((field.get("constraints") or {}).get("required")) or name in primary_key
        example = _code(examples[name]) if name in examples else "–"
        lines.append(
            f"| `{name}` | {_cell(_field_type(field))} | {'yes' if required else 'no'} | {render_constraints(field)} "
            f"| {_cell(field.get('description', ''))} | {example} |"
        )
    lines.append("")
    return lines


def _links(entries: Any, label: str) -> list[str]:
    """Licences or sources as list items: linked name and title."""
    lines = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        name = entry.get("name") or entry.get("title") or ""
        text = f"[{name}]({entry['path']})" if entry.get("path") else name
        title = entry.get("title")
        lines.append(f"- {label}: {text}" + (f" — {title}" if title and title != name else ""))
    return lines


def data_dictionary(package: DataPackage | str | Path | None = None) -> str:
    """The whole data dictionary as Markdown: package facts, a table index and one section per table.

    Deterministic for a given package (no dates, no absolute paths), so a committed copy can be
    compared with a fresh one to catch stale documentation.
    """
    if not isinstance(package, DataPackage):
        package = DataPackage.open(package)
    descriptor = package.descriptor
    title = descriptor.get("title") or descriptor.get("name") or "Data package"
    lines = [GENERATED_NOTE, "", f"# Data dictionary: {title}", ""]
    if descriptor.get("description"):
        lines += [str(descriptor["description"]), ""]
    lines += [f"- Package: `{descriptor.get('name', '')}`", f"- Version: {package.version}"]
    lines += _links(descriptor.get("licenses"), "Licence")
    lines += _links(descriptor.get("sources"), "Source")
    lines += [
        "",
        "Every table is a UTF-8 CSV file with a header row. `Required` fields are never empty; other",
        "fields are empty when the source says nothing. Enumerated fields take only the listed values;",
        "`ordered` ones are ordinal, lowest first (the loader gives them an ordered categorical dtype).",
        "",
        "## Tables",
        "",
        "| Table | Rows | Title | File |",
        "|---|---|---|---|",
    ]
    for table in package.tables.values():
        lines.append(
            f"| [`{table.name}`](#{table.name}) | {table.count_rows()} | {_cell(table.title)} "
            f"| `{table.descriptor.get('path', '')}` |"
        )
    lines.append("")
    for table in package.tables.values():
        lines += table_section(table)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---- docs/validation.md: the code catalogue and the rules, generated from the rule registry -------------

#: The page whose catalogue is generated, relative to the repository root.
VALIDATION_PATH = Path("docs") / "validation.md"
CATALOGUE_START = (
    "<!-- Generated from the rule registry (nme_data.rules.registry) and nme_data.validation.codes by "
    "`make docs`: do not edit between these markers; change the rule's module and regenerate. -->"
)
CATALOGUE_END = "<!-- End of the generated catalogue. -->"


def code_table(codes: Mapping[str, Code]) -> list[str]:
    """The catalogue's Markdown table: one row per code, as `nme_data.validation.codes.CODES` lists them."""
    lines = ["| code | layer | meaning | example |", "|---|---|---|---|"]
    for code, entry in codes.items():
        example = _code(entry.example) if entry.example else ""
        lines.append(f"| `{code}` | {entry.layer} | {_cell(entry.meaning)} | {example} |")
    return lines


def rule_table(plugins: Sequence[Plugin]) -> list[str]:
    """One row per registered rule, in the order they run: its module, codes, what it checks, where, what it reads."""
    lines = ["| rule | module | codes | checks | applies to | reads |", "|---|---|---|---|---|---|"]
    for rule in plugins:
        where = [f"tables {', '.join(f'`{t}`' for t in sorted(rule.tables))}"] if rule.tables is not None else []
        if rule.fields:
            where.append(f"fields {', '.join(f'`{f}`' for f in sorted(rule.fields))}")
        if rule.typed_only:
            where.append("typed frames only")
        codes = ", ".join([*(f"`{code}`" for code in rule.codes), *(f"(`{code}`)" for code in rule.uses)])
        reads = ", ".join(f"`{p}`" for p in rule.properties) or "–"
        applies = "; ".join(where) or "every table"
        lines.append(
            f"| {rule.name} | `{rule.module}` | {codes} | {_cell(rule.summary) or '–'} | {applies} | {reads} |"
        )
    return lines


def code_catalogue() -> str:
    """The generated part of docs/validation.md: every code, then every rule (imports the rules: pandas)."""
    from nme_data.rules.registry import plugins
    from nme_data.validation.codes import CODES

    lines = [CATALOGUE_START, "", *code_table(CODES), "", "### Rules", ""]
    lines += [
        "Each rule is one module of `nme_data.rules`, registered in `nme_data.rules.registry` and run in this",
        "order; the codes above come from the modules (a rule's codes, meanings and examples are declared",
        "next to its code). Codes in parentheses are owned by another layer and also reported by the rule.",
        "",
        *rule_table(plugins()),
        "",
        CATALOGUE_END,
    ]
    return "\n".join(lines)


def validation_page(text: str) -> str:
    """docs/validation.md with its generated catalogue replaced by a fresh one (the prose is kept)."""
    start, end = text.find(CATALOGUE_START), text.find(CATALOGUE_END)
    if start < 0 or end < start:
        raise ValueError(f"the page has no generated catalogue between {CATALOGUE_START!r} and {CATALOGUE_END!r}")
    return text[:start] + code_catalogue() + text[end + len(CATALOGUE_END) :]
