"""The broken schemas frictionless refuses (tests/cases/test_spec_fallback.py); the tier-1 differential suite runs
them too."""

from __future__ import annotations

from collections.abc import Callable


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


def bad_type(d: dict) -> None:
    field(d, "sites", "site")["type"] = "strnig"


def nameless_field(d: dict) -> None:
    resource(d, "sites")["schema"]["fields"][2].pop("name")


def bad_regex(d: dict) -> None:
    field(d, "sites", "site").setdefault("constraints", {})["pattern"] = "(["


def backreference(d: dict) -> None:
    field(d, "sites", "site").setdefault("constraints", {})["pattern"] = "(a)\\1"


def bad_package_property(d: dict) -> None:
    d["licenses"] = "not a list"


BREAKS: dict[str, tuple[Callable[[dict], None], tuple[str | None, set[str]]]] = {
    "field type unknown": (bad_type, ("sites", {"field-error", "schema-error", "package-error", "resource-error"})),
    "field without a name": (nameless_field, ("sites", {"schema-error", "field-error", "package-error"})),
    "invalid regex": (bad_regex, ("sites", {"field-error"})),
    "pattern with a backreference": (backreference, ("sites", {"unsupported-feature"})),
    "package property broken": (bad_package_property, (None, {"package-error"})),
}
