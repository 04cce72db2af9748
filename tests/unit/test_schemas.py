"""The pandera schemas are derived from datapackage.json and follow every change to it."""

from __future__ import annotations

import json
from pathlib import Path

import pandera.errors
import pytest

import nme_data
from conftest import descriptor_of
from nme_data import schemas

TABLES = nme_data.table_names()


def write_descriptor(root: Path, descriptor: dict) -> None:
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def field_of(descriptor: dict, table: str, name: str) -> dict:
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


@pytest.mark.parametrize("table", TABLES)
def test_loaded_tables_pass_their_schema(table: str) -> None:
    schema = schemas.schema(table)
    assert list(schema.columns) == nme_data.load(table).columns.tolist() == [f["name"] for f in field_of_table(table)]
    schema.validate(nme_data.load(table), lazy=True)


def field_of_table(table: str) -> list[dict]:
    return next(r for r in nme_data.descriptor()["resources"] if r["name"] == table)["schema"]["fields"]


@pytest.mark.parametrize("table", TABLES)
def test_required_and_unique_follow_constraints(table: str) -> None:
    schema = schemas.schema(table)
    for field in field_of_table(table):
        constraints = field.get("constraints", {})
        column = schema.columns[field["name"]]
        assert column.nullable is not constraints.get("required", False)
        assert column.unique is constraints.get("unique", False)


def test_changed_type_changes_the_schema(package_copy: Path) -> None:
    descriptor = descriptor_of(package_copy)
    field_of(descriptor, "history", "year")["type"] = "number"
    write_descriptor(package_copy, descriptor)
    assert str(schemas.schema("history", source=package_copy).columns["year"].dtype) == "Float64"
    assert str(schemas.schema("history").columns["year"].dtype) == "Int64"


def test_changed_enum_changes_the_schema(package_copy: Path) -> None:
    descriptor = descriptor_of(package_copy)
    field_of(descriptor, "anatomical_sites", "body_region")["constraints"]["enum"] = ["face", "limbs", "trunk"]
    write_descriptor(package_copy, descriptor)
    schema = schemas.schema("anatomical_sites", source=package_copy)
    assert list(schema.columns["body_region"].dtype.type.categories) == ["face", "limbs", "trunk"]
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schema.validate(nme_data.load("anatomical_sites"), lazy=True)
    assert "body_region" in set(caught.value.failure_cases["column"].dropna())


def test_changed_constraint_changes_the_schema(package_copy: Path) -> None:
    descriptor = descriptor_of(package_copy)
    field_of(descriptor, "history", "year")["constraints"]["maximum"] = 1900
    write_descriptor(package_copy, descriptor)
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("history", source=package_copy).validate(nme_data.load("history"), lazy=True)
    assert set(caught.value.failure_cases["check"]) == {"constraint-error|year"}


def test_new_field_in_descriptor_is_required_by_the_schema(package_copy: Path) -> None:
    descriptor = descriptor_of(package_copy)
    resource = next(r for r in descriptor["resources"] if r["name"] == "history")
    resource["schema"]["fields"].append({"name": "place", "type": "string", "description": "x"})
    write_descriptor(package_copy, descriptor)
    assert "place" in schemas.schema("history", source=package_copy).columns
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("history", source=package_copy).validate(nme_data.load("history"), lazy=True)
    failures = caught.value.failure_cases
    missing = failures[failures["check"] == "column_in_dataframe"]
    assert list(missing["failure_case"]) == ["place"]  # the new field, and no other column, is missing


def test_foreign_keys_are_checked_on_frames() -> None:
    frame = nme_data.load("associations")
    frame.loc[0, "object_id"] = "no-such-condition"
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("associations").validate(frame, lazy=True)
    assert "foreign-key|object_id" in set(caught.value.failure_cases["check"])


def test_primary_key_is_checked_on_frames() -> None:
    frame = nme_data.load("sites")
    frame.loc[1, "id"] = frame.loc[0, "id"]
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("sites").validate(frame, lazy=True)
    failures = caught.value.failure_cases
    assert set(failures["column"]) == {"id"}  # the duplicated key, nothing else
    assert set(failures.loc[failures["check"] == "field_uniqueness", "index"]) == {0, 1}


def test_semantic_rules_on_frames() -> None:
    frame = nme_data.load("sites")
    frame.loc[0, "evidence"] = "It rarely affects the skin"
    frame.loc[1, "site"] = "=1+1"
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.schema("sites").validate(frame, lazy=True)
    cases = caught.value.failure_cases
    assert {"evidence-not-verbatim|evidence", "formula-injection|*"} <= set(cases["check"])
    formula = cases[cases["check"] == "formula-injection|*"]
    assert set(formula["index"]) == {1}


def test_schemas_cover_every_table() -> None:
    assert list(schemas.schemas()) == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_agrees_with_pandera_frictionless_reader_and_adds_what_it_drops(table: str) -> None:
    """pandera's own Table Schema reader (pandera.io) is the reference for columns, nullability and
    uniqueness; ours must agree there and add what it drops: the enum's categories and their order,
    and the foreign keys."""
    from pandera.io.pandas_io import from_frictionless_schema

    resource = next(r for r in nme_data.descriptor()["resources"] if r["name"] == table)
    reference = from_frictionless_schema(resource["schema"])
    ours = schemas.schema(table)
    assert list(ours.columns) == list(reference.columns)
    for name, column in reference.columns.items():
        assert ours.columns[name].nullable == column.nullable, name
        assert ours.columns[name].unique == column.unique, name
    for field in resource["schema"]["fields"]:
        enum = (field.get("constraints") or {}).get("enum")
        if enum:
            dtype = ours.columns[field["name"]].dtype.type
            assert list(dtype.categories) == enum
            assert dtype.ordered is bool(field.get("categoriesOrdered"))
    fk_checks = {c.name for c in ours.checks if c.name.startswith("foreign-key|")}
    assert fk_checks == {f"foreign-key|{fk['fields'][0]}" for fk in resource["schema"]["foreignKeys"]}
