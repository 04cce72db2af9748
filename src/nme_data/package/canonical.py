"""The one form of Data Package this library reads, and the normalised descriptor every reader gets.

Canonical form: each resource is a CSV file on disk inside the package (`path` a string),
UTF-8 (a byte-order mark tolerated), comma-delimited with one header row, its Table Schema
inline or in a JSON file inside the package, under the standard Data Package profiles.
Everything else is refused with `unsupported-feature` (or `unsafe-path` for a path that may
not be opened) naming the resource and the property, before any parser runs; what is allowed
in more than one spelling (a schema file, a dialect equal to the defaults) is resolved here,
so frictionless, the semantic rules, the loader and the exports read the same descriptor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nme_data.package.errors import Finding, PackageError
from nme_data.package.jsonfile import read_json_file
from nme_data.package.limits import MAX_COLUMNS, MAX_RESOURCES
from nme_data.package.paths import unsafe_reason

#: The package's path gate (`DataPackage.resolve`): a reference to a safe regular file, or a PackageError.
Resolver = Callable[[object], Path]

#: Profiles frictionless knows without fetching anything; any other value is refused, never fetched.
KNOWN_PROFILES = frozenset(
    {
        "data-package",
        "tabular-data-package",
        "data-resource",
        "tabular-data-resource",
        "table-schema",
        "tabular-data-dialect",
        *(
            f"https://datapackage.org/profiles/{version}/{kind}.json"
            for version in ("1.0", "2.0")
            for kind in ("datapackage", "dataresource", "tableschema", "tabledialect")
        ),
    }
)
#: Resource properties that make frictionless read something other than one CSV file on disk.
UNSUPPORTED_RESOURCE_PROPERTIES = {
    "data": "inline data",
    "compression": "compressed files",
    "innerpath": "files inside archives",
    "extrapaths": "multipart files",
    "layout": "a custom layout (header rows, skipped rows)",
    "control": "custom reading controls",
    "profiles": "several profiles",
    "hashing": "custom hashing",
    "sql": "SQL sources",
}
#: Values a resource property must have, when present (compared case-insensitively).
FIXED_VALUES = {
    "format": {"csv"},
    "mediatype": {"text/csv"},
    "encoding": {"utf-8", "utf8", "utf-8-sig"},
    "scheme": {"file"},
    "type": {"table"},
}
#: Dialect properties allowed, each only at its default value: a dialect must not change how CSV is read.
DIALECT_DEFAULTS: dict[str, Callable[[Any], bool]] = {
    "delimiter": lambda v: v == ",",
    "lineTerminator": lambda v: v in ("\r\n", "\n"),
    "quoteChar": lambda v: v == '"',
    "doubleQuote": lambda v: v is True,
    "skipInitialSpace": lambda v: v is False,
    "header": lambda v: v is True,
    "headerRows": lambda v: v == [1],
    "headerJoin": lambda v: v == " ",
    "headerCase": lambda v: v is True,
    "caseSensitiveHeader": lambda v: isinstance(v, bool),
    "commentRows": lambda v: v == [],
    "skipBlankRows": lambda v: v is False,
    "csvddfVersion": lambda v: True,
    "name": lambda v: True,
    "title": lambda v: True,
    "description": lambda v: True,
}
#: Table Schema properties with values that would change how the header is matched.
SCHEMA_FIXED = {"fieldsMatch": {"exact"}}


@dataclass
class Normalised:
    """The outcome: the descriptor every reader uses, resolved file paths, and what was refused."""

    descriptor: dict[str, Any]
    paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    refused: dict[str, list[Finding]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


class _Refused(Exception):
    """A resource refused while it is normalised: carries the finding, located at its table when caught."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.finding = Finding(None, None, None, code, message)


def _without_profile_urls(node: dict[str, Any], root: bool = False) -> dict[str, Any]:
    """A copy without what frictionless could fetch: a `profile` URL (even a standard one), a child `$schema`.

    Frictionless downloads any `profile` that is not a bare standard name; a standard URL means the
    same as the name, so dropping it changes nothing but the network traffic. Only the root may keep
    its (standard) `$schema`, which frictionless reads to pick the Data Package version.
    """
    drop = {"$schema"} if not root else set()
    if isinstance(node.get("profile"), str) and "/" in node["profile"]:
        drop.add("profile")
    return {key: value for key, value in node.items() if key not in drop} if drop & set(node) else node


def _profile_problem(node: dict[str, Any], where: str) -> _Refused | None:
    for key in ("$schema", "profile"):
        value = node.get(key)
        if value is None or (isinstance(value, str) and value in KNOWN_PROFILES):
            continue
        if isinstance(value, str) and unsafe_reason(value) is not None:
            return _Refused(
                "unsafe-path",
                f"{where}{key} {value[:120]!r} {unsafe_reason(value)}; profiles are neither fetched nor read",
            )
        return _Refused(
            "unsupported-feature",
            f"{where}{key} {str(value)[:120]!r} is not a standard Data Package profile; custom profiles are "
            "not supported (they are neither fetched nor read)",
        )
    return None


def _json_file(resolve: Resolver, reference: str, what: str) -> Any:
    path = resolve(reference)
    return read_json_file(path, f"{what} file {reference}")


def _check_dialect(resolve: Resolver, dialect: Any) -> None:
    if isinstance(dialect, str):
        dialect = _json_file(resolve, dialect, "dialect")
    if not isinstance(dialect, dict):
        raise _Refused("unsupported-feature", f"dialect {str(dialect)[:80]!r} is not an object")
    problem = _profile_problem(dialect, "dialect ")
    if problem:
        raise problem
    nested = dialect.get("csv")
    if isinstance(nested, dict):
        dialect = {**{k: v for k, v in dialect.items() if k != "csv"}, **nested}
    for key, value in dialect.items():
        if key in ("$schema", "profile"):
            continue
        allowed = DIALECT_DEFAULTS.get(key)
        if allowed is None or not allowed(value):
            raise _Refused(
                "unsupported-feature",
                f"dialect {key} = {str(value)[:80]!r}: only comma-separated CSV with one header row is supported; "
                "remove the dialect or set it to the defaults",
            )


def _schema(resolve: Resolver, schema: Any) -> dict[str, Any]:
    if isinstance(schema, str):
        schema = _json_file(resolve, schema, "schema")
    if not isinstance(schema, dict):
        raise _Refused("schema-error", f"schema {str(schema)[:80]!r} is not an object")
    problem = _profile_problem(schema, "schema ")
    if problem:
        raise problem
    for key, allowed in SCHEMA_FIXED.items():
        if key in schema and not (isinstance(schema[key], str) and schema[key] in allowed):
            raise _Refused("unsupported-feature", f"schema {key} {schema[key]!r} is not supported; use 'exact'")
    fields = schema.get("fields")
    if isinstance(fields, list) and len(fields) > MAX_COLUMNS:
        raise _Refused(
            "descriptor-too-large", f"the schema has {len(fields)} fields, more than the budget of {MAX_COLUMNS}"
        )
    reason = _schema_shape_problem(schema)
    if reason:
        raise _Refused("schema-error", reason)
    return schema


def _names(value: Any) -> bool:
    """A field reference as Table Schema writes it: one name, or a list of names."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _field_problem(number: int, spec: Any) -> str | None:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        return f"field #{number} of the schema has no name"
    name = spec["name"]
    if not isinstance(spec.get("type", "string"), str):
        return f"field {name!r}: type must be a string"
    for key in ("trueValues", "falseValues"):
        if key in spec and not _strings(spec[key]):
            return f"field {name!r}: {key} must be a list of strings"
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return f"field {name!r}: constraints must be an object"
    if "enum" in constraints and not isinstance(constraints["enum"], list):
        return f"field {name!r}: the enum constraint must be a list"
    if "pattern" in constraints and not isinstance(constraints["pattern"], str):
        return f"field {name!r}: the pattern constraint must be a string"
    return None


#: The custom field property that declares which words license each value (see nme_data.rules.cues).
CUES_PROPERTY = "nme:cues"
_CUE_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def cue_declaration_problem(declaration: Any, names: set[str]) -> str | None:
    """What is wrong with a field's nme:cues declaration, given the schema's field names (None: sound).

    Either ``values`` (value -> list of non-empty phrases) with an optional ``default`` (a string or null)
    and ``read`` (a field name), or no values and a non-empty ``coveredBy`` list of check codes.
    """
    if not isinstance(declaration, dict):
        return "must be an object"
    values = declaration.get("values")
    if values is None:
        covered = declaration.get("coveredBy")
        return None if _strings(covered) and covered else "declares neither values nor a coveredBy list of checks"
    if not isinstance(values, dict) or not all(
        isinstance(cues, list) and all(isinstance(cue, str) and cue.strip() for cue in cues) for cues in values.values()
    ):
        return "values must map each value to a list of non-empty phrases"
    default = declaration.get("default")
    if default is not None and not isinstance(default, str):
        return "default must be a string or null"
    read = declaration.get("read", "evidence")
    used = {read, *(name for cues in values.values() for cue in cues for name in _CUE_PLACEHOLDER.findall(cue))}
    unknown = sorted(name for name in used if not isinstance(name, str) or name not in names)
    return f"names {', '.join(map(repr, unknown))}, not fields of the schema" if unknown else None


#: The custom field property that marks a field naming its row's subject or object (nme_data.rules.naming).
NAMES_PROPERTY = "nme:namesRow"


def names_declaration_problem(declaration: Any) -> str | None:
    """What is wrong with a field's nme:namesRow declaration (None: sound): an object, with optional
    ``synonyms`` mapping a name to a list of non-empty phrases."""
    if not isinstance(declaration, dict):
        return "must be an object"
    synonyms = declaration.get("synonyms", {})
    if not isinstance(synonyms, dict) or not all(
        _strings(phrases) and all(p.strip() for p in phrases) for phrases in synonyms.values()
    ):
        return "synonyms must map each name to a list of non-empty phrases"
    return None


#: The custom field property giving each value its stretch of the snapshot (nme_data.rules.sections).
SECTIONS_PROPERTY = "nme:sections"


def sections_declaration_problem(declaration: Any) -> str | None:
    """What is wrong with a field's nme:sections declaration (None: sound): an object mapping each value to
    [start heading, end heading], each a string or null."""
    if not isinstance(declaration, dict) or not all(
        isinstance(bounds, list) and len(bounds) == 2 and all(b is None or isinstance(b, str) for b in bounds)
        for bounds in declaration.values()
    ):
        return "must map each value to [start heading, end heading], each a string or null"
    return None


#: The custom field property declaring the forms a numeric value takes in its quote (nme_data.rules.numbers).
IN_QUOTE_PROPERTY = "nme:inQuote"


def in_quote_declaration_problem(declaration: Any, names: set[str]) -> str | None:
    """What is wrong with a field's nme:inQuote declaration (None: sound): ``forms``, a non-empty list of
    phrases each holding ``{value}``; optional ``read`` (a field name) and ``filledWhen`` (a field name ->
    a list of values)."""
    if not isinstance(declaration, dict):
        return "must be an object"
    forms = declaration.get("forms")
    if not _strings(forms) or not forms or not all("{value}" in form for form in forms):
        return "forms must be a non-empty list of phrases, each holding {value}"
    read = declaration.get("read", "evidence")
    filled = declaration.get("filledWhen", {})
    if not isinstance(filled, dict) or not all(_strings(values) for values in filled.values()):
        return "filledWhen must map a field name to a list of values"
    unknown = sorted(str(name) for name in {read, *filled} if not isinstance(name, str) or name not in names)
    return f"names {', '.join(map(repr, unknown))}, not fields of the schema" if unknown else None


def _schema_shape_problem(schema: dict[str, Any]) -> str | None:
    """What every reader relies on in a schema (names, keys, missing values), so none of them can crash.

    Everything else (types, constraint values, key targets) is the spec layer's to judge.
    """
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return "the schema's fields must be a non-empty list"
    for number, spec in enumerate(fields, start=1):
        reason = _field_problem(number, spec)
        if reason:
            return reason
    names = {spec["name"] for spec in fields}
    for spec in fields:
        if CUES_PROPERTY in spec:
            reason = cue_declaration_problem(spec[CUES_PROPERTY], names)
            if reason:
                return f"field {spec['name']!r}: {CUES_PROPERTY} {reason}"
        if SECTIONS_PROPERTY in spec:
            reason = sections_declaration_problem(spec[SECTIONS_PROPERTY])
            if reason:
                return f"field {spec['name']!r}: {SECTIONS_PROPERTY} {reason}"
        if IN_QUOTE_PROPERTY in spec:
            reason = in_quote_declaration_problem(spec[IN_QUOTE_PROPERTY], names)
            if reason:
                return f"field {spec['name']!r}: {IN_QUOTE_PROPERTY} {reason}"
        if NAMES_PROPERTY in spec:
            reason = names_declaration_problem(spec[NAMES_PROPERTY])
            if reason:
                return f"field {spec['name']!r}: {NAMES_PROPERTY} {reason}"
    if "primaryKey" in schema and not _names(schema["primaryKey"]):
        return "primaryKey must be a field name or a list of field names"
    missing = schema.get("missingValues", [])
    if not isinstance(missing, list) or not all(
        isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("value"), str)) for v in missing
    ):
        return "missingValues must be a list of strings"
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        return "foreignKeys must be a list"
    for number, key in enumerate(keys, start=1):
        reference = key.get("reference") if isinstance(key, dict) else None
        if not (
            isinstance(key, dict)
            and _names(key.get("fields"))
            and isinstance(reference, dict)
            and _names(reference.get("fields"))
            and isinstance(reference.get("resource", ""), str)
        ):
            return f"foreign key #{number} must have fields and a reference with a resource and fields"
    return None


def _normalise_resource(resolve: Resolver, resource: dict[str, Any]) -> tuple[dict[str, Any], Path]:
    """The resource as every reader will see it, or _Refused / PackageError naming the property."""
    problem = _profile_problem(resource, "")
    if problem:
        raise problem
    for key, what in UNSUPPORTED_RESOURCE_PROPERTIES.items():
        if key in resource:
            raise _Refused("unsupported-feature", f"property {key!r} ({what}) is not supported")
    for key, allowed in FIXED_VALUES.items():
        value = resource.get(key)
        if value is not None and (not isinstance(value, str) or value.lower() not in allowed):
            raise _Refused(
                "unsupported-feature", f"{key} {str(value)[:80]!r} is not supported; only {sorted(allowed)[0]!r}"
            )
    reference = resource.get("path")
    if isinstance(reference, list):
        for part in reference:
            resolve(part)  # an unsafe part is reported as unsafe, never opened
        raise _Refused("unsupported-feature", "a list of paths (a multipart resource) is not supported")
    if reference is None:
        raise _Refused("descriptor-invalid", "the resource has no path")
    path = resolve(reference)
    if "format" not in resource and not str(reference).lower().endswith(".csv"):
        raise _Refused("unsupported-feature", f"path {reference!r} does not end in .csv and no format says csv")
    if "schema" not in resource:
        raise _Refused("descriptor-invalid", "the resource has no schema")
    if "dialect" in resource:
        _check_dialect(resolve, resource["dialect"])
    # Shallow: readers never mutate a descriptor, and a deep copy of every schema would cost each `load`.
    normal = {key: value for key, value in resource.items() if key not in ("dialect", "schema")}
    normal = _without_profile_urls(normal)
    normal["schema"] = _without_profile_urls(_schema(resolve, resource["schema"]))
    normal["format"] = "csv"
    return normal, path


def normalise(resolve: Resolver, descriptor: dict[str, Any]) -> Normalised:
    """Check every resource against the canonical form; keep the sound ones, record why others were refused."""
    resources = descriptor.get("resources")
    normal: dict[str, Any] = {key: value for key, value in descriptor.items() if key != "resources"}
    normal = _without_profile_urls(normal, root=True)
    result = Normalised(normal)
    problem = _profile_problem(descriptor, "")
    if problem:
        result.problems.append(problem.finding)
        for key in ("$schema", "profile"):
            normal.pop(key, None)
    kept = []
    if isinstance(resources, list) and len(resources) > MAX_RESOURCES:
        message = f"the descriptor lists {len(resources)} resources, more than the budget of {MAX_RESOURCES}"
        result.problems.append(Finding(None, None, None, "descriptor-too-large", message))
        resources = []
    for number, resource in enumerate(resources if isinstance(resources, list) else [], start=1):
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str) or not name:
            message = f"resource #{number} must be an object with a non-empty string name, not {str(name)[:80]!r}"
            result.problems.append(Finding(None, None, None, "descriptor-invalid", message))
            continue
        if name in result.names:
            result.problems.append(Finding(name, None, None, "descriptor-invalid", f"a second resource named {name!r}"))
            continue
        result.names.append(name)
        try:
            resource_normal, path = _normalise_resource(resolve, resource)
        except _Refused as exc:
            found = replace(exc.finding, table=name)
        except PackageError as exc:
            found = exc.problem(name)
        else:
            kept.append(resource_normal)
            result.paths[name] = path
            continue
        result.problems.append(found)
        result.refused[name] = [found]
    normal["resources"] = kept
    return result
