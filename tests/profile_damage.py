"""Damage that keeps a copy consistent with its own descriptor, as a hostile copy would: the copy loosens
its schema, moves a file and updates the path, renames a column in both places (tests/cases/test_profile.py and
tests/cases/test_sinks.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import read_rows, write_rows
from damage import Corruption, edit_descriptor, resource, set_cell

SNAPSHOT = "source/necrolytic-migratory-erythema.txt"


def chain(*steps: Corruption) -> Corruption:
    def corrupt(root: Path) -> None:
        for step in steps:
            step(root)

    return corrupt


def set_property(key: str, value: object) -> Corruption:
    return edit_descriptor(lambda d: d.update({key: value}))


def drop_constraint(table: str, field: str, constraint: str) -> Corruption:
    """The copy loosens its own schema, as a hostile copy would before adding the value it allowed."""

    def change(descriptor: dict) -> None:
        spec = next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == field)
        spec.get("constraints", {}).pop(constraint, None)

    return edit_descriptor(change)


def add_enum_value(table: str, field: str, value: str) -> Corruption:
    def change(descriptor: dict) -> None:
        spec = next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == field)
        spec["constraints"]["enum"].append(value)

    return edit_descriptor(change)


def move_table(table: str, path: str) -> Corruption:
    """Store a table at another path, the descriptor following it (a consistent copy)."""

    def corrupt(root: Path) -> None:
        (root / "data" / f"{table}.csv").rename(root / path)
        edit_descriptor(lambda d: resource(d, table).update(path=path))(root)

    return corrupt


def move_snapshot(path: str) -> Corruption:
    def corrupt(root: Path) -> None:
        (root / SNAPSHOT).rename(root / path)
        set_cell("sources", 2, "path", path)(root)

    return corrupt


def rename_field(table: str, old: str, new: str) -> Corruption:
    def corrupt(root: Path) -> None:
        csv_path = root / "data" / f"{table}.csv"
        rows = read_rows(csv_path)
        rows[0] = [new if label == old else label for label in rows[0]]
        write_rows(csv_path, rows)

        def change(descriptor: dict) -> None:
            schema = resource(descriptor, table)["schema"]
            next(f for f in schema["fields"] if f["name"] == old)["name"] = new

        edit_descriptor(change)(root)

    return corrupt


def drop_field(table: str, field: str) -> Corruption:
    def corrupt(root: Path) -> None:
        csv_path = root / "data" / f"{table}.csv"
        rows = read_rows(csv_path)
        index = rows[0].index(field)
        write_rows(csv_path, [row[:index] + row[index + 1 :] for row in rows])

        def change(descriptor: dict) -> None:
            schema = resource(descriptor, table)["schema"]
            schema["fields"] = [f for f in schema["fields"] if f["name"] != field]

        edit_descriptor(change)(root)

    return corrupt


def sssom(change: Callable[[dict], None]) -> Corruption:
    return edit_descriptor(lambda d: change(resource(d, "mappings")["sssom"]))
