"""Tier 1's gate on the descriptor: the grammar of descriptors whose metadata frictionless is known to accept.

Why a gate: tier 1 may only call a copy valid where frictionless would, and frictionless judges the
descriptor too (its JSON profiles, names, keys, constraint types, version gates). Rather than
re-implement all of that, tier 1 accepts a deliberately small grammar, each rule at least as strict as
frictionless 5's, and answers "cannot decide" (a reason, never "valid") for anything else: an unknown
field type or format, a constraint it does not evaluate, a property frictionless reads that is not
listed here. Properties frictionless does not know (custom ones, such as `enumCues`) are ignored by
frictionless and therefore by the gate too; `FRICTIONLESS_PROPERTIES` lists the names it does know.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

#: Every property name frictionless 5 reads at each level (its class profiles and field-type patches).
#: A name in here that the gate does not handle makes tier 1 fall back; tests/cases/test_tier1.py checks that
#: the installed frictionless knows no other.
FRICTIONLESS_PROPERTIES: dict[str, frozenset[str]] = {
    "package": frozenset(
        [
            "contributors",
            "created",
            "description",
            "homepage",
            "image",
            "keywords",
            "licenses",
            "name",
            "profile",
            "resources",
            "sources",
            "title",
            "type",
            "version",
            "$schema",
            "missingValues",
            "fields",
        ]
    ),
    "resource": frozenset(
        [
            "bytes",
            "compression",
            "data",
            "description",
            "dialect",
            "encoding",
            "extrapaths",
            "fields",
            "format",
            "hash",
            "homepage",
            "innerpath",
            "licenses",
            "mediatype",
            "name",
            "path",
            "profile",
            "rows",
            "schema",
            "scheme",
            "sources",
            "title",
            "type",
            "$schema",
            "stats",
        ]
    ),
    "schema": frozenset(
        [
            "description",
            "fields",
            "fieldsMatch",
            "foreignKeys",
            "missingValues",
            "name",
            "primaryKey",
            "title",
            "type",
            "$schema",
        ]
    ),
    "field": frozenset(
        [
            "arrayItem",
            "bareNumber",
            "constraints",
            "decimalChar",
            "delimiter",
            "description",
            "example",
            "falseValues",
            "floatNumber",
            "format",
            "groupChar",
            "itemType",
            "missingValues",
            "name",
            "rdfType",
            "title",
            "trueValues",
            "type",
            "required",
        ]
    ),
}
#: frictionless' v1 name pattern, applied whatever the version (stricter than v2, which allows any string).
NAME = re.compile(r"^[-a-z0-9._/]+$")
#: A web address as tier 1 accepts it: ASCII, no spaces (frictionless only asks for a string).
URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")
CREATED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
PACKAGE_PROFILES = frozenset(
    f"https://datapackage.org/profiles/{version}/datapackage.json" for version in ("1.0", "2.0")
)
#: The field types tier 1 evaluates, with the constraints it evaluates for each.
TYPES: dict[str, frozenset[str]] = {
    "string": frozenset({"required", "unique", "pattern", "enum", "minLength", "maxLength"}),
    "integer": frozenset({"required", "unique", "minimum", "maximum"}),
    "number": frozenset({"required", "unique", "minimum", "maximum"}),
    "boolean": frozenset({"required", "unique"}),
}
FORMATS: dict[str, frozenset[str]] = {"string": frozenset({"default", "uri"})}


class _Undecided(Exception):
    """Tier 1 cannot decide this copy; the message says why (`report.engine["note"]`). Internal to tier 1:
    `tier1.prove_tables` turns it into that reason, so it is no `NmeDataError` and never reaches a caller."""


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return _integer(value) or (isinstance(value, float) and math.isfinite(value))


def _names(value: Any) -> list[str]:
    """A field reference as a list of names, or _Undecided."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise _Undecided(f"a key names its fields as {str(value)[:60]!r}")


def _check_known(node: dict[str, Any], level: str, rules: dict[str, Callable[[Any], bool]], where: str) -> None:
    """Each property frictionless reads must have a rule here and pass it; others are left to frictionless."""
    for key, value in node.items():
        rule = rules.get(key)
        if rule is None:
            if key in FRICTIONLESS_PROPERTIES[level]:
                raise _Undecided(f"{where}property {key!r} is not evaluated by tier 1")
            continue  # a custom property: frictionless keeps it unread
        if not rule(value):
            raise _Undecided(f"{where}property {key!r} = {str(value)[:60]!r} is outside tier 1's grammar")


def _objects(keys: dict[str, Callable[[Any], bool]], needs: Callable[[dict[str, Any]], bool]) -> Callable[[Any], bool]:
    """A list of objects with only these keys, each passing its rule, each passing `needs`."""

    def rule(value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(item, dict)
            and set(item) <= set(keys)
            and all(keys[k](v) for k, v in item.items())
            and needs(item)
            for item in value
        )

    return rule


def _url(value: Any) -> bool:
    return isinstance(value, str) and URL.match(value) is not None


def _created(value: Any) -> bool:
    if not (isinstance(value, str) and CREATED.match(value)):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


LICENSES = _objects(
    {"name": _text, "path": _url, "title": _text}, lambda item: bool(item.get("name") or item.get("path"))
)
SOURCES = _objects({"title": _text, "path": _url}, lambda item: True)
CONTRIBUTORS = _objects(
    {"title": _text, "path": _url, "roles": lambda v: isinstance(v, list) and all(map(_text, v))}, lambda item: True
)

PACKAGE_RULES: dict[str, Callable[[Any], bool]] = {
    "$schema": lambda v: v in PACKAGE_PROFILES,
    "name": lambda v: isinstance(v, str) and NAME.match(v) is not None,
    "title": _text,
    "description": _text,
    "version": _text,
    "homepage": _url,
    "image": _text,
    "created": _created,
    "keywords": lambda v: isinstance(v, list) and all(map(_text, v)),
    "licenses": LICENSES,
    "sources": SOURCES,
    "contributors": CONTRIBUTORS,
    "resources": lambda v: isinstance(v, list) and bool(v),
}
RESOURCE_RULES: dict[str, Callable[[Any], bool]] = {
    "name": lambda v: isinstance(v, str) and NAME.match(v) is not None,
    "type": lambda v: v == "table",
    "path": _text,
    "scheme": lambda v: v == "file",
    "format": lambda v: v == "csv",
    "mediatype": lambda v: v == "text/csv",
    "encoding": lambda v: v in ("utf-8", "utf-8-sig"),
    "title": _text,
    "description": _text,
    "homepage": _url,
    "licenses": LICENSES,
    "sources": SOURCES,
    "schema": lambda v: isinstance(v, dict),
}
SCHEMA_RULES: dict[str, Callable[[Any], bool]] = {
    "fields": lambda v: isinstance(v, list) and bool(v),
    "missingValues": lambda v: isinstance(v, list) and all(map(_text, v)),
    "primaryKey": lambda v: isinstance(v, (str, list)),
    "foreignKeys": lambda v: isinstance(v, list),
    "title": _text,
    "description": _text,
}
FIELD_RULES: dict[str, Callable[[Any], bool]] = {
    "name": lambda v: isinstance(v, str) and bool(v),
    "type": lambda v: v in TYPES,
    "format": _text,
    "title": _text,
    "description": _text,
    "constraints": lambda v: isinstance(v, dict),
}


def check_descriptor(descriptor: dict[str, Any]) -> None:
    """Raise _Undecided unless every property frictionless reads is inside tier 1's grammar.

    `descriptor` is the pre-flight's (canonical resources, schemas inline, patterns still in place).
    """
    _check_known(descriptor, "package", PACKAGE_RULES, "")
    names = [resource.get("name") for resource in descriptor["resources"]]
    if len(set(names)) != len(names):
        raise _Undecided("two resources share a name")
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict):
            raise _Undecided("a resource is not an object")
        where = f"resource {str(resource.get('name'))[:60]!r}: "
        _check_known(resource, "resource", RESOURCE_RULES, where)
        check_schema(resource.get("schema"), set(names), where)
    fields = {r["name"]: {spec["name"] for spec in r["schema"]["fields"]} for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        for foreign in resource["schema"].get("foreignKeys", []):
            reference = foreign["reference"]
            if not set(_names(reference["fields"])) <= fields[reference["resource"]]:
                raise _Undecided(f"a foreign key of {resource['name']!r} names fields its reference lacks")


def check_schema(schema: Any, resources: set[Any], where: str) -> None:
    """Fields, keys and missing values within the grammar; keys name existing fields and tables."""
    if not isinstance(schema, dict):
        raise _Undecided(f"{where}the schema is not an object")
    _check_known(schema, "schema", SCHEMA_RULES, where)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise _Undecided(f"{where}the schema has no fields")
    for spec in fields:
        check_field(spec, where)
    names = [spec["name"] for spec in fields]
    if len(set(names)) != len(names):
        raise _Undecided(f"{where}two fields share a name")
    key = schema.get("primaryKey", [])
    if not (isinstance(key, list) and all(isinstance(name, str) for name in key)):
        raise _Undecided(f"{where}the primary key is not a list of field names")
    if len(set(key)) != len(key) or not set(key) <= set(names):
        raise _Undecided(f"{where}the primary key does not name distinct fields")
    for foreign in schema.get("foreignKeys", []):
        reference = foreign.get("reference") if isinstance(foreign, dict) else None
        if not (isinstance(reference, dict) and set(foreign) == {"fields", "reference"}):
            raise _Undecided(f"{where}a foreign key is outside tier 1's grammar")
        if set(reference) != {"resource", "fields"} or reference["resource"] not in resources:
            raise _Undecided(f"{where}a foreign key refers to {str(reference)[:60]!r}")
        local, remote = _names(foreign["fields"]), _names(reference["fields"])
        if len(local) != len(remote) or not set(local) <= set(names):
            raise _Undecided(f"{where}a foreign key's fields do not match its reference")


def check_field(spec: Any, where: str) -> None:
    """One field: a type tier 1 evaluates, with constraints it evaluates, values of the right kind."""
    if not isinstance(spec, dict) or "type" not in spec:
        raise _Undecided(f"{where}a field has no explicit type")
    _check_known(spec, "field", FIELD_RULES, where)
    kind = spec["type"]
    where = f"{where}field {spec.get('name')!r}: "
    if spec.get("format", "default") not in FORMATS.get(kind, frozenset({"default"})):
        raise _Undecided(f"{where}format {str(spec.get('format'))[:40]!r} is not evaluated by tier 1")
    constraints = spec.get("constraints", {})
    for name, value in constraints.items():
        if name not in TYPES[kind]:
            raise _Undecided(f"{where}constraint {name!r} is not evaluated by tier 1 for {kind} fields")
        if not _constraint_ok(kind, name, value, spec):
            raise _Undecided(f"{where}constraint {name} = {str(value)[:60]!r} is outside tier 1's grammar")


def _constraint_ok(kind: str, name: str, value: Any, spec: dict[str, Any]) -> bool:
    if name in ("required", "unique"):
        return isinstance(value, bool)
    if name in ("minLength", "maxLength"):
        return _integer(value) and value >= 0
    if name in ("minimum", "maximum"):
        return _integer(value) if kind == "integer" else _number(value)
    if name == "enum":  # uri fields would check their enum values as URIs: left to frictionless
        return isinstance(value, list) and all(map(_text, value)) and spec.get("format", "default") == "default"
    return name == "pattern" and isinstance(value, str)
