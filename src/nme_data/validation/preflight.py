"""Checks made before any parser runs, on the package model: what frictionless and pandas may read.

The model has already refused what is not canonical or not safe; here each remaining table's
bytes are scanned (NUL, UTF-8, budgets) and its header compared with its schema by name. A table
that fails is reported here and kept away from both layers, and foreign keys that point at it
are dropped from the others, so one damaged table gives its own errors and no knock-on ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nme_data.package import DataPackage, Finding, PackageError, Table
from nme_data.rules.statements import template_problems


@dataclass
class Preflight:
    """The outcome: errors, the descriptor frictionless may safely see, and the tables both layers read."""

    root: Path
    errors: list[Finding] = field(default_factory=list)
    descriptor: dict[str, Any] | None = None
    damaged: set[str] = field(default_factory=set)
    table_names: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def add(self, problem: Finding) -> None:
        self.errors.append(problem)


def _table_problems(table: Table) -> tuple[list[Finding], bool]:
    """A table's byte and header problems, and whether it starts with a byte-order mark."""
    problems = table.scan()
    if problems:
        return problems, False
    try:
        header = table.header()
    except PackageError as exc:
        return [exc.problem(table.name)], False
    return table.header_problems(header), header.bom


def _without_keys_to(resource: dict[str, Any], damaged: set[str]) -> dict[str, Any]:
    """A copy of the resource whose foreign keys skip damaged tables (the model's descriptor is not changed)."""
    resource = dict(resource)
    schema = resource.get("schema")
    if isinstance(schema, dict) and isinstance(schema.get("foreignKeys"), list):
        schema = resource["schema"] = dict(schema)
        schema["foreignKeys"] = [
            key
            for key in schema["foreignKeys"]
            if not (
                isinstance(key, dict)
                and isinstance(key.get("reference"), dict)
                and key["reference"].get("resource") in damaged
            )
        ]
    return resource


def run_preflight(package: DataPackage) -> Preflight:
    """Decide, for each table of the normalised descriptor, whether both layers may read it."""
    pre = Preflight(root=package.root, table_names=package.resource_names)
    for problem in package.problems:
        pre.add(problem)
    pre.damaged = {p.table for p in package.problems if p.table is not None}
    bom: set[str] = set()
    for table in package.sound_tables.values():
        for problem in template_problems(table):  # reported, but the table's rows are still checked
            pre.add(problem)
        problems, has_bom = _table_problems(table)
        for problem in problems:
            pre.add(problem)
        if problems:
            pre.damaged.add(table.name)
        else:
            pre.tables.append(table)
        if has_bom:
            bom.add(table.name)
    descriptor = {key: value for key, value in package.normalised.items() if key != "resources"}
    kept = []
    for resource in package.normalised["resources"]:
        if resource["name"] in pre.damaged:
            continue
        resource = _without_keys_to(resource, pre.damaged)
        if resource["name"] in bom:
            resource["encoding"] = "utf-8-sig"
        kept.append(resource)
    descriptor["resources"] = kept
    pre.descriptor = descriptor if kept else None
    return pre
