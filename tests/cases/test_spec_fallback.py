"""One table frictionless refuses does not hide the others' errors.

frictionless refuses a whole package when one resource's schema is broken (and reports nothing else);
the spec layer then finds the broken resource, reports it where it is, and validates the rest together,
foreign keys included. These tests call the spec layer directly, so that they show its own behaviour
whatever the package model in front of it already refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import descriptor_of, read_rows, write_rows
from nme_data.validation.spec_worker import validate_spec
from schema_breaks import (
    BREAKS,
    field,
)


def dangle(root: Path) -> None:
    """associations row 2 points to a condition that does not exist."""
    path = root / "data" / "associations.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("subject_id")] = "no-such-condition"
    write_rows(path, rows)


@pytest.mark.parametrize(("breaks", "expected"), BREAKS.values(), ids=BREAKS.keys())
def test_broken_schema_hides_no_other_error(
    package_copy: Path, breaks: Callable[[dict], None], expected: tuple[str | None, set[str]]
) -> None:
    dangle(package_copy)
    descriptor = descriptor_of(package_copy)
    breaks(descriptor)
    errors = validate_spec(descriptor, package_copy)
    found = {(e.table, e.code) for e in errors}
    table, codes = expected
    assert any(t == table and c in codes for t, c in found), found
    assert ("associations", "foreign-key") in found, found
    dangling = [e for e in errors if e.code == "foreign-key"]
    assert [(e.table, e.row) for e in dangling] == [("associations", 2)]
    # errors are located at the broken table only: no other table is blamed for it
    assert {t for t, _ in found} <= {table, "associations"}, found


def test_catastrophic_pattern_is_evaluated_in_linear_time(package_copy: Path) -> None:
    descriptor = descriptor_of(package_copy)
    field(descriptor, "sites", "site").setdefault("constraints", {})["pattern"] = "^(a+)+$"
    path = package_copy / "data" / "sites.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("site")] = "a" * 5000 + "!"
    write_rows(path, rows)
    errors = validate_spec(descriptor, package_copy)
    # every row breaks ^(a+)+$; the long one is answered as fast as the others
    flagged = {e.row for e in errors if (e.table, e.field, e.code) == ("sites", "site", "constraint-error")}
    assert flagged == set(range(2, len(rows) + 1))


def test_typed_schema_runs_patterns_in_linear_time(package_copy: Path) -> None:
    """nme_data.schemas builds its pandera checks with the same RE2 matcher: a crafted copy's pattern
    cannot hang a caller who validates a loaded frame either."""
    import pandera.errors

    import nme_data
    from nme_data.frames.schemas import schema

    descriptor = descriptor_of(package_copy)
    field(descriptor, "sites", "site").setdefault("constraints", {})["pattern"] = "^(a+)+$"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    path = package_copy / "data" / "sites.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("site")] = "a" * 5000 + "!"
    write_rows(path, rows)
    with pytest.raises(nme_data.InvalidPackageError):  # the loader's own validation refuses it too
        nme_data.load("sites", source=package_copy)
    frame = nme_data.load("sites", source=package_copy, validate=False)
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schema("sites", package_copy).validate(frame, lazy=True)
    failing = caught.value.failure_cases
    assert "a" * 5000 + "!" in set(failing.loc[failing["column"] == "site", "failure_case"])
