"""Fuzzing tier 1's soundness: whatever bytes, cells or constraints become, tier 1 valid => frictionless valid.

Each example damages a fresh copy (CSV bytes, single cells, or the descriptor's types and constraints),
asks tier 1 and, when tier 1 proves the copy, asks frictionless in this process: it must report nothing.
Tier 1 must never crash (an exception inside it would be a silent fallback). NME_DATA_FUZZ_EXAMPLES sets
the count per test: 100 by default (300 copies in all, each tier 1 three ways and, where it proves the copy,
frictionless; `make test`), 800 for `make fuzz`, the deeper run before a release or a change to tier 1.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nme_data
from conftest import copy_package, read_rows, write_rows
from tier1_support import tier1_verdict

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("NME_DATA_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
TABLES = nme_data.table_names()
DESCRIPTOR = json.loads(Path(nme_data.table_path("sites")).parents[1].joinpath("datapackage.json").read_text())
FIELDS = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in DESCRIPTOR["resources"]}
ROWS = {name: len(read_rows(nme_data.table_path(name))) for name in TABLES}

BYTES = st.sampled_from(
    [b",", b'"', b"\n", b"\r", b"\r\n", b" ", b";", b"\t", b"|", b"x", b"1", b"-", b"\xc3\xa9", b"''", b'""', b"\\"]
)
CELLS = st.one_of(
    st.sampled_from(
        [
            *("", " ", "+1", "01", "1.0", "1e3", "-0", "TRUE", "yes", "0", "true", "NA", "\u0661", "1 ", " 1"),
            *("x" * 600, "http://x", "https://example.org/a b", "a\nb", 'say "hi"', "nme", "wikipedia-nme"),
            *("common", "stated", "HP:0000001", "Intro", "1942", "1942.5", "-1", "99999999999999999999", "NaN"),
            *("Infinity", "1_000"),
        ]
    ),
    st.text(max_size=12),
)
CONSTRAINTS = st.one_of(
    st.tuples(st.just("required"), st.booleans()),
    st.tuples(st.just("unique"), st.booleans()),
    st.tuples(st.just("maxLength"), st.integers(min_value=-1, max_value=700)),
    st.tuples(st.just("minLength"), st.integers(min_value=0, max_value=60)),
    st.tuples(st.just("minimum"), st.one_of(st.integers(-5, 3000), st.floats(-5, 3000), st.just("1"))),
    st.tuples(st.just("maximum"), st.one_of(st.integers(-5, 3000), st.floats(-5, 3000), st.just(True))),
    st.tuples(st.just("pattern"), st.sampled_from(["[a-z0-9-]+", ".*", "\\d+", "[A-Z].*", "(a|b)", "[^,]*", "(["])),
    st.tuples(
        st.just("enum"),
        st.one_of(st.lists(CELLS, max_size=4), st.just(["nme", "stated", "common", "intro", "wikipedia-nme"])),
    ),
    st.tuples(st.just("exclusiveMinimum"), st.integers(-5, 5)),
)
FIELD_EDITS = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(["string", "integer", "number", "boolean", "any", "date", "year"])),
    st.tuples(st.just("format"), st.sampled_from(["default", "uri", "email", "uuid"])),
    st.tuples(st.just("trueValues"), st.just(["yes"])),
    st.tuples(st.just("missingValues"), st.sampled_from([[], ["NA"], [""]])),
    st.tuples(st.just("xCustom"), st.just({"anything": [1, 2]})),
)
SCHEMA_EDITS = st.one_of(
    st.tuples(st.just("missingValues"), st.sampled_from([[], ["", "NA"], ["nme"]])),
    st.tuples(st.just("primaryKey"), st.sampled_from([[], "id", ["id", "id"], ["evidence"], ["source_id"]])),
    st.tuples(st.just("foreignKeys"), st.sampled_from([[], "conditions", "sites", "self"])),
)


def in_a_copy(change: Any) -> None:
    """Build a copy, apply the change, and check tier 1 against frictionless."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_package(Path(tmp) / "package")
        change(root)
        tier1_verdict(root)


@FUZZ
@given(data=st.data(), table=st.sampled_from(TABLES), edits=st.integers(min_value=1, max_value=3))
def test_fuzz_csv_bytes(data: st.DataObject, table: str, edits: int) -> None:
    def change(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        content = path.read_bytes()
        for _ in range(edits):
            at = data.draw(st.integers(min_value=0, max_value=len(content)), label="at")
            how = data.draw(st.sampled_from(["insert", "delete", "replace"]), label="how")
            piece = data.draw(BYTES, label="bytes")
            cut = data.draw(st.integers(min_value=1, max_value=4), label="cut")
            if how == "insert":
                content = content[:at] + piece + content[at:]
            elif how == "delete":
                content = content[:at] + content[at + cut :]
            else:
                content = content[:at] + piece + content[at + len(piece) :]
        path.write_bytes(content)

    in_a_copy(change)


@FUZZ
@given(data=st.data(), table=st.sampled_from(TABLES), edits=st.integers(min_value=1, max_value=3))
def test_fuzz_cells(data: st.DataObject, table: str, edits: int) -> None:
    def change(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        for _ in range(edits):
            row = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="row")
            column = data.draw(st.integers(min_value=0, max_value=len(rows[0]) - 1), label="column")
            other = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="other row")
            rows[row][column] = data.draw(st.one_of(CELLS, st.just(rows[other][column])), label="value")
        write_rows(path, rows)

    in_a_copy(change)


@FUZZ
@given(data=st.data(), table=st.sampled_from(TABLES), edits=st.integers(min_value=1, max_value=3))
def test_fuzz_descriptor_constraints(data: st.DataObject, table: str, edits: int) -> None:
    def change(root: Path) -> None:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        schema = resource["schema"]
        for _ in range(edits):
            spec = data.draw(st.sampled_from(schema["fields"]), label="field")
            kind = data.draw(st.sampled_from(["constraint", "field", "schema"]), label="kind")
            if kind == "constraint":
                key, value = data.draw(CONSTRAINTS, label="constraint")
                spec.setdefault("constraints", {})[key] = value
            elif kind == "field":
                key, value = data.draw(FIELD_EDITS, label="field edit")
                spec[key] = value
            else:
                key, value = data.draw(SCHEMA_EDITS, label="schema edit")
                if key == "foreignKeys":
                    target = table if value == "self" else value
                    value = (
                        []
                        if value == []
                        else [{"fields": [spec["name"]], "reference": {"resource": target, "fields": ["id"]}}]
                    )
                schema[key] = value
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    in_a_copy(change)
