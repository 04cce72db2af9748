"""The tool-owned profile: what every output relies on, enforced whatever the copy's own descriptor says.

A copy is checked against its own `datapackage.json`, so a copy could otherwise loosen the very rules the
site, the exports and the curator commands trust (a `version` that is a path, a `javascript:` URL, a
table stored as `data/x.html`). The invariants below belong to this tool, not to the copy: the descriptor
is checked against `PROFILE_SCHEMA` (a JSON Schema, run with `jsonschema`) plus the few checks a JSON
Schema cannot say (a path that repeats the resource's name, control characters anywhere, the fields each
exporter reads), and every table's cells against `profile_rules`. Each rule has its own stable code
(listed in `PROFILE_CODES`, declared by `RULE` at the end); docs/security.md explains them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nme_data.errors import Finding
from nme_data.rules.base import Code, plugin
from nme_data.rules.rule import ONE_PASS_ROWS, Rule, all_pass, cells, check_name, shared

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table
    from nme_data.rules.context import Context


#: SemVer 2.0.0, as semver.org spells it: the zip's name and the exports' version fields are built from it.
SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
#: Table and field names: they become file names, SQL identifiers, URL paths and HTML ids.
NAME = r"^[a-z][a-z0-9_]{0,63}$"
#: Ids and enum values: they reach TSV, CSV, SQL, CURIEs and spreadsheets; no formula starter (=+-@),
#: no whitespace, no quote, nothing a line-based tool would split on.
SAFE_VALUE = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$"
#: Keys of the SSSOM metadata and prefixes of its curie_map: they are written as YAML keys.
PLAIN_KEY = r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"
#: Web addresses an output links to or writes: http and https only (no javascript:, data:, file:).
URL = r"^https?://[^\s\"'<>\\^`{|}]+$"
#: Where a table lives, and a source snapshot: the site and the zip publish only these two kinds of file.
RESOURCE_PATH = r"^data/[a-z][a-z0-9_]{0,63}\.csv$"
SNAPSHOT_PATH = r"^source/[a-z0-9]+(?:-[a-z0-9]+)*\.txt$"
#: Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides: no output
#: writes them, since they forge lines in line-based files and hide text in terminals and browsers.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Columns that hold web addresses, whatever format the copy declares for them.
URL_COLUMNS = {"sources": ("url", "license_url")}
#: The fields each table must keep, because an export, the site or a curator command reads them.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title", "url", "license", "license_url", "path", "sha256"),
    "conditions": ("id", "name", "category", "evidence", "source_id"),
    "anatomical_sites": ("id", "name", "body_region", "evidence", "source_id"),
    "sites": ("id", "condition_id", "site", "anatomical_site_id", "prominence", "certainty", "evidence", "source_id"),
    "clinical_features": ("id", "condition_id", "feature", "kind", "certainty", "evidence", "source_id"),
    "associations": (
        "id",
        "subject_id",
        "relation",
        "object_id",
        "frequency_min_percent",
        "frequency_max_percent",
        "frequency_qualifier",
        "frequency_population",
        "certainty",
        "evidence",
        "source_id",
    ),
    "causes": ("id", "condition_id", "aspect", "status", "factor_id", "certainty", "evidence", "source_id"),
    "histology": ("id", "condition_id", "finding", "certainty", "evidence", "source_id"),
    "management": (
        "id",
        "condition_id",
        "intervention",
        "intervention_type",
        "strategy",
        "target_condition_id",
        "certainty",
        "evidence",
        "source_id",
    ),
    "history": ("id", "event", "person", "year", "subject_id", "object_id", "certainty", "evidence", "source_id"),
    "classifications": ("id", "condition_id", "category", "kind", "certainty", "evidence", "source_id"),
    "mappings": (
        "id",
        "subject_table",
        "subject_id",
        "subject_label",
        "predicate_id",
        "object_id",
        "object_label",
        "object_source",
        "object_source_version",
        "matched_name",
        "mapping_justification",
    ),
}


#: The profile's error codes (declared with their meanings by `RULE`), one per rule.
PROFILE_CODES = (
    "profile-version",
    "profile-resource-path",
    "profile-snapshot-path",
    "profile-url-scheme",
    "profile-control-character",
    "profile-unsafe-value",
    "profile-unsafe-name",
    "profile-missing-field",
)


def _code(code: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "x-code": code}


_URL = _code("profile-url-scheme", {"type": "string", "pattern": URL})
_PATHED = {"items": {"properties": {"path": _URL}}}
_NAME = _code("profile-unsafe-name", {"pattern": NAME})
_KEYS = _code("profile-unsafe-name", {"pattern": PLAIN_KEY})
_ENUM = {"items": _code("profile-unsafe-value", {"pattern": SAFE_VALUE})}
_FIELD = {"properties": {"name": _NAME, "constraints": {"properties": {"enum": _ENUM}}}}
_SSSOM = _code(
    "profile-missing-field",
    {
        "required": ["mapping_set_id", "license", "curie_map", "subject_curie_template"],
        "propertyNames": _KEYS,
        "properties": {
            "mapping_set_id": _URL,
            "license": _URL,
            "curie_map": {"propertyNames": _KEYS, "additionalProperties": _URL},
            "object_source_map": {"propertyNames": _KEYS},
        },
    },
)

#: The descriptor's part of the profile. Each subschema names its error code in `x-code` (an annotation
#: keyword, ignored by validation); a violation is reported with the code of the nearest one. Containers
#: carry no `type`: a descriptor of the wrong shape is the package model's error (descriptor-invalid,
#: unsupported-feature), reported once, not here again; `pattern` only judges strings.
PROFILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "required": ["version"],
    "x-code": "profile-version",
    "properties": {
        "version": _code("profile-version", {"type": "string", "pattern": SEMVER}),
        "homepage": _URL,
        "licenses": _PATHED,
        "sources": _PATHED,
        "contributors": _PATHED,
        "resources": {
            "items": {
                "properties": {
                    "name": _NAME,
                    "path": _code("profile-resource-path", {"pattern": RESOURCE_PATH}),
                    "schema": {"properties": {"fields": {"items": _FIELD}}},
                    "sssom": _SSSOM,
                },
            },
        },
    },
}


def _violation(code: str, table: str | None, field: str | None, message: str) -> Finding:
    """One broken profile rule, located at the table and field when the problem is in one."""
    return Finding(table, None, field, code, message)


def _pointer(parts: list[Any]) -> str:
    return "/" + "/".join(str(part) for part in parts)


def _locate(descriptor: dict[str, Any], parts: list[Any]) -> tuple[str | None, str | None]:
    """The resource name and field name a JSON path points into, when it points into one."""
    table = field = None
    resources = descriptor.get("resources")
    if len(parts) >= 2 and parts[0] == "resources" and isinstance(resources, list) and isinstance(parts[1], int):
        resource = resources[parts[1]] if parts[1] < len(resources) else None
        if isinstance(resource, dict) and isinstance(resource.get("name"), str):
            table = resource["name"]
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if isinstance(fields, list) and parts[2:4] == ["schema", "fields"] and len(parts) > 4:
            spec = fields[parts[4]] if isinstance(parts[4], int) and parts[4] < len(fields) else None
            if isinstance(spec, dict) and isinstance(spec.get("name"), str):
                field = spec["name"]
    return table, field


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:116] + "...'"


#: The JSON Schema keywords `_surely_clean` evaluates; a profile using any other keyword always goes to
#: `jsonschema`. Annotations (`$schema`, `x-code`) assert nothing.
_EVALUATED = frozenset(
    {"$schema", "x-code", "type", "pattern", "required", "properties", "items", "propertyNames", "additionalProperties"}
)


def _surely_clean(schema: Any, instance: Any) -> bool:
    """True only when `jsonschema` would find no error of `schema` in `instance`; False when unsure.

    Importing `jsonschema` costs about a sixth of a cold `nme-data validate` of the shipped copy, whose
    descriptor breaks no rule. This pass applies the same keywords with the same semantics as jsonschema's
    (`pattern` is `re.search` on strings only; `required`, `properties`, `propertyNames` and
    `additionalProperties` judge dicts only; `items` lists only) and says True only when every one holds.
    Anything it does not evaluate (another keyword, another type, a boolean subschema) answers False, and so
    does any failure: the errors, their codes and messages always come from `jsonschema` itself.
    """
    if not isinstance(schema, dict) or not _EVALUATED.issuperset(schema):
        return False
    if "type" in schema and (schema["type"] != "string" or not isinstance(instance, str)):
        return False
    if "pattern" in schema and isinstance(instance, str) and not re.search(schema["pattern"], instance):
        return False
    if isinstance(instance, list) and "items" in schema:
        return all(_surely_clean(schema["items"], item) for item in instance)
    if not isinstance(instance, dict):
        return True
    properties = schema.get("properties", {})
    if not isinstance(properties, dict) or any(key not in instance for key in schema.get("required", ())):
        return False
    if "propertyNames" in schema and not all(_surely_clean(schema["propertyNames"], key) for key in instance):
        return False
    extra = schema.get("additionalProperties")
    if extra is not None and not all(_surely_clean(extra, v) for k, v in instance.items() if k not in properties):
        return False
    return all(_surely_clean(sub, instance[key]) for key, sub in properties.items() if key in instance)


def _schema_violations(descriptor: dict[str, Any]) -> list[Finding]:
    if _surely_clean(PROFILE_SCHEMA, descriptor):
        return []
    import jsonschema

    validator = jsonschema.Draft202012Validator(PROFILE_SCHEMA)
    found = []
    for error in validator.iter_errors(descriptor):
        code = _nearest_code(error)
        parts = list(error.absolute_path)
        table, field = _locate(descriptor, parts)
        where = _pointer(parts)
        if error.validator == "required":
            message = f"datapackage.json {where}: {error.message}"
        elif error.validator == "propertyNames":
            message = f"datapackage.json {where}: key {_shown(error.instance)} is not a plain key"
        else:
            message = f"datapackage.json {where}: {_shown(error.instance)} {_explain(code)}"
        found.append(_violation(code, table, field, message))
    return found


def _nearest_code(error: Any) -> str:
    """The `x-code` of the failing subschema, or of the nearest enclosing one."""
    while error is not None:
        if isinstance(error.schema, dict) and "x-code" in error.schema:
            return str(error.schema["x-code"])
        error = error.parent
    return "profile-missing-field"


def _explain(code: str) -> str:
    return {
        "profile-version": "is not a SemVer version (MAJOR.MINOR.PATCH)",
        "profile-resource-path": "is not data/<name>.csv",
        "profile-url-scheme": "is not an http or https URL",
        "profile-unsafe-name": "is not a lower-case identifier",
        "profile-unsafe-value": "is not a safe token (letters, digits, '_.:/-', no formula starter)",
        "profile-missing-field": "lacks a required key",
    }.get(code, "breaks the profile")


def _walk_strings(node: Any, parts: list[Any]) -> list[tuple[list[Any], str]]:
    """Every string of the descriptor (keys too) with its JSON path."""
    out: list[tuple[list[Any], str]] = []
    stack: list[tuple[Any, list[Any]]] = [(node, parts)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str):
                    out.append((path, key))
                stack.append((child, [*path, key]))
        elif isinstance(value, list):
            stack.extend((child, [*path, index]) for index, child in enumerate(value))
        elif isinstance(value, str):
            out.append((path, value))
    return out


#: References the package model's path gate judges (and reports as unsafe-path, control characters
#: included) at the root and on each resource: not reported a second time here.
_GATED = frozenset({"path", "schema", "dialect", "$schema", "profile"})


def _gated(parts: list[Any]) -> bool:
    return (len(parts) == 1 and parts[0] in _GATED) or (
        len(parts) == 3 and parts[0] == "resources" and parts[2] in _GATED
    )


def _control_violations(descriptor: dict[str, Any]) -> list[Finding]:
    found = []
    for parts, text in sorted(_walk_strings(descriptor, []), key=lambda item: str(item[0])):
        if _gated(parts):
            continue
        match = CONTROL.search(text)
        if match:
            table, field = _locate(descriptor, parts)
            message = (
                f"datapackage.json {_pointer(parts)}: {_shown(text)} holds the control character "
                f"U+{ord(match.group()):04X}"
            )
            found.append(_violation("profile-control-character", table, field, message))
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _path_violations(descriptor: dict[str, Any]) -> list[Finding]:
    """A resource path that has the profile's form but names another table (`data/other.csv`)."""
    found = []
    for resource in _list(descriptor.get("resources")):
        if not isinstance(resource, dict):
            continue
        name, path = resource.get("name"), resource.get("path")
        if not (isinstance(name, str) and isinstance(path, str) and re.match(RESOURCE_PATH, path)):
            continue  # a malformed path is the schema's violation; a missing name the descriptor's
        if path != f"data/{name}.csv":
            message = f"datapackage.json resource {name!r}: path {_shown(path)} is not {f'data/{name}.csv'!r}"
            found.append(_violation("profile-resource-path", name, None, message))
    return found


def _field_violations(descriptor: dict[str, Any]) -> list[Finding]:
    found = []
    for resource in _list(descriptor.get("resources")):
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str) or name not in REQUIRED_FIELDS:
            continue
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list):
            continue  # a schema in a file: the package model resolves it, and `table_field_violations` checks it
        found.extend(_missing_fields(name, [f.get("name") for f in fields if isinstance(f, dict)]))
    return found


def _missing_fields(table: str, names: list[Any]) -> list[Finding]:
    missing = [f for f in REQUIRED_FIELDS.get(table, ()) if f not in names]
    return [
        _violation(
            "profile-missing-field",
            table,
            field,
            f"table {table!r} has no field {field!r}, which the exports, the site or the curator commands read",
        )
        for field in missing
    ]


def descriptor_violations(descriptor: Any) -> list[Finding]:
    """Every profile rule the descriptor breaks, one violation per offending value, in a stable order."""
    if not isinstance(descriptor, dict):
        return []  # not a descriptor at all: the package model reports that
    found = _schema_violations(descriptor) + _control_violations(descriptor)
    found += _path_violations(descriptor) + _field_violations(descriptor)
    return sorted(set(found), key=lambda v: (v.table or "", v.field or "", v.code, v.message))


def table_field_violations(table: Table) -> list[Finding]:
    """The fields a table resolved from a schema file lacks (inline schemas are checked with the descriptor)."""
    if isinstance(table.descriptor.get("schema"), dict) and "fields" in table.descriptor["schema"]:
        return []
    return _missing_fields(table.name, table.field_names)


# ---- the cells ---------------------------------------------------------------------------------------


def _text(series: pd.Series) -> pd.Series:
    import pandas as pd

    return series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")


def _all_match(frame: pd.DataFrame, column: str, pattern: str) -> bool:
    r"""True when every text cell of the column of a small frame is empty or matches; False when one may not
    (or when unsure: a large frame, a cell that is not text). Python's `re` is at least as strict as
    pyarrow's RE2 on the profile's patterns (its `\s` also matches Unicode spaces), so its "all match" is
    the vectorised rule's too; one pass is cheaper than a pandas string operation on a small table (#31)."""
    if len(frame) > ONE_PASS_ROWS:
        return False
    compiled = re.compile(pattern)
    return all(isinstance(value, str) and (value == "" or compiled.fullmatch(value)) for value in cells(frame, column))


def _matches(pattern: str) -> Any:
    def check(column: str) -> Any:
        def verdict(frame: pd.DataFrame) -> pd.Series:
            if _all_match(frame, column, pattern):
                return all_pass(frame)
            text = _text(frame[column])
            return (text.isna() | (text == "") | text.str.fullmatch(pattern)).fillna(False).astype(bool)

        return verdict

    return check


def _control_free(frame: pd.DataFrame) -> bool:
    """True when no cell of a small frame holds a control character; False when one may (or when unsure).

    The rule below runs once per text column, each a few pandas string operations: on a small table that is
    a measurable share of a cold validation (#31). One search of every cell joined together answers for
    all columns at once (CONTROL matches single characters, so joining cells neither makes nor hides a
    match). Only the answer "none anywhere" is taken; otherwise every column is judged as before. Large
    frames skip this pass: pyarrow's vectorised search is the faster one there.
    """

    def compute() -> bool:
        if len(frame) > ONE_PASS_ROWS:
            return False
        found = [value for column in frame.columns for value in cells(frame, column)]
        return all(isinstance(value, str) for value in found) and CONTROL.search("".join(found)) is None

    return shared(frame, "no control character", compute)


def _no_control(column: str) -> Any:
    def verdict(frame: pd.DataFrame) -> pd.Series:
        if _control_free(frame):
            return all_pass(frame)
        return ~_text(frame[column]).str.contains(CONTROL.pattern, regex=True).fillna(False).astype(bool)

    return verdict


def _snapshot_path(frame: pd.DataFrame) -> pd.Series:
    """source/<name>.txt; a path the package model's gate refuses is its unsafe-path error, not this one."""
    import pandas as pd

    from nme_data.package import unsafe_reason

    text = _text(frame["path"])
    ok = text.isna() | (text == "") | text.str.fullmatch(SNAPSHOT_PATH[1:-1]).fillna(False)
    refused = {value for value in text.dropna().unique() if isinstance(value, str) and unsafe_reason(value) is not None}
    gated = pd.Series([isinstance(value, str) and value in refused for value in text.tolist()], index=text.index)
    return (ok.astype(bool) | gated).astype(bool)


def is_id_field(name: str) -> bool:
    """Ids (`id`, `*_id`): row keys and references, written unquoted into CURIEs, TSV and file names."""
    return name == "id" or name.endswith("_id")


def profile_rules(table: Table, names: set[str]) -> list[Rule]:
    """The cell rules of the profile for a table with these fields (text fields only)."""
    rules = []
    texts = [spec["name"] for spec in table.fields if spec["name"] in names and spec.get("type", "string") == "string"]
    for column in texts:
        rules.append(Rule(_no_control(column), name=check_name("profile-control-character", column)))
        if is_id_field(column):
            rules.append(Rule(_matches(SAFE_VALUE[1:-1])(column), name=check_name("profile-unsafe-value", column)))
    for column in URL_COLUMNS.get(table.name, ()):
        if column in names:
            rules.append(Rule(_matches(URL[1:-1])(column), name=check_name("profile-url-scheme", column)))
    if table.name == "sources" and "path" in names:
        rules.append(Rule(_snapshot_path, name=check_name("profile-snapshot-path", "path")))
    return rules


# ---- the plug-in ----------------------------------------------------------------------------------


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return profile_rules(table, names)


RULE = plugin(
    __name__,
    "profile",
    rules,
    {
        "profile-version": Code(
            "profile",
            "The descriptor's version is missing or not SemVer (MAJOR.MINOR.PATCH): file names are built from it.",
            '"version": "x/../../outside"',
        ),
        "profile-resource-path": Code(
            "profile",
            "A resource's path is not data/NAME.csv (NAME the resource name): the site and the zip publish tables "
            "only as CSV.",
            '"path": "data/history.html"',
        ),
        "profile-snapshot-path": Code(
            "profile",
            "A source snapshot path (sources.csv path) is not source/NAME.txt: snapshots are published as text.",
            "source/nme.html",
        ),
        "profile-url-scheme": Code(
            "profile",
            "A web address (homepage; a licence, source or contributor path; SSSOM URLs; a url column) is not "
            "http or https.",
            "javascript:alert(1)",
        ),
        "profile-control-character": Code(
            "profile",
            "A descriptor string or a cell holds a control character (newline, tab, DEL, C1, line separator, "
            "bidirectional override) that would forge lines or hide text in an output.",
            '"homepage": "https://x\\n#forged: line"',
        ),
        "profile-unsafe-value": Code(
            "profile",
            "An id cell or an enum value is not a safe token (a letter or digit, then letters, digits or '_.:/-'): "
            "outputs write them unquoted, and =, +, -, @ start spreadsheet formulas.",
            'an enum value "=1+1"',
        ),
        "profile-unsafe-name": Code(
            "profile",
            "A table or field name is not a lower-case identifier, or an SSSOM metadata key or CURIE prefix is not "
            "a plain key: they become file names, SQL identifiers, HTML ids and YAML keys.",
            '"name": "history.html"',
        ),
        "profile-missing-field": Code(
            "profile",
            "A field an export, the site or a curator command reads is missing from a table's schema, or the "
            "mappings' sssom metadata lacks a key SSSOM needs.",
            "mapping_justification removed",
        ),
    },
    summary="the tool-owned profile: the descriptor's rules (run on the descriptor by the validator) and the "
    "cells' (control characters, safe ids, URL schemes, snapshot paths)",
)
