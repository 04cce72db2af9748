"""Tier 1 proves tables one by one: frictionless reads only the tables it cannot prove, with the same report.

A table is proved when its rows pass tier 1, the tables its foreign keys point at pass too, and its keys are
found there. A damaged table is left to frictionless, with every table that points into it; the others are
not read again. Tables the pre-flight keeps away (damaged bytes or header) never reach frictionless at all,
so tier 1 decides the rest of such a copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import copy_package, read_rows, write_rows
from corruption_cases import CASES
from nme_data.cli import main
from nme_data.validation import spec_worker
from tier1_support import tier1_proof

#: Tables whose foreign keys point into `conditions` (besides itself): damage there spreads to them.
INTO_CONDITIONS = (
    "conditions",
    "sites",
    "clinical_features",
    "associations",
    "causes",
    "histology",
    "management",
    "history",
    "classifications",
)


def set_cell(table: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[row][rows[0].index(field)] = value
        write_rows(path, rows)

    return change


def unquoted_bytes(table: str) -> Callable[[Path], None]:
    """A stray quote in the middle of a cell: the strict reading cannot vouch for the table's rows."""

    def change(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        lines = path.read_bytes().split(b"\n")
        lines[1] = lines[1].replace(b",", b',x"y', 1)
        path.write_bytes(b"\n".join(lines))

    return change


#: Every table but `mappings`, whose keys point nowhere: the tables that point into `sources`, and itself.
ALL_BUT_MAPPINGS = (
    "sources",
    "conditions",
    "anatomical_sites",
    "sites",
    "clinical_features",
    "associations",
    "causes",
    "histology",
    "management",
    "history",
    "classifications",
    "evidence_anchors",
)

#: Damage frictionless must read, and the tables tier 1 leaves to it (the descriptor's order).
PARTIAL: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "a type error in history": (set_cell("history", 1, "year", "nineteen"), ("history",)),
    "a dangling key in sites": (set_cell("sites", 1, "condition_id", "no-such-condition"), ("sites",)),
    "a stray quote in histology": (unquoted_bytes("histology"), ("histology",)),
    "a bad hash in sources": (set_cell("sources", 1, "sha256", "X" * 64), ALL_BUT_MAPPINGS),
    "a missing id in conditions": (set_cell("conditions", 1, "id", ""), INTO_CONDITIONS),
}

#: Damage the pre-flight finds and keeps away from frictionless: tier 1 proves the remaining tables.
KEPT_AWAY = ("nul-byte", "missing-file", "column-duplicated", "semicolon-delimited")


def forced_serial(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """frictionless in this process, recording each table it reads (its pattern check's connect)."""
    monkeypatch.setenv("NME_DATA_SERIAL", "1")
    read: list[str] = []
    original = spec_worker.validate_spec

    def recording(*args: object, **kwargs: object) -> object:
        kwargs["on_table"] = read.append
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(spec_worker, "validate_spec", recording)
    return read


@pytest.mark.parametrize("case", list(PARTIAL))
def test_tier1_leaves_to_frictionless_only_the_damaged_tables_and_those_pointing_into_them(
    tmp_path: Path, case: str
) -> None:
    root = copy_package(tmp_path / "package")
    PARTIAL[case][0](root)
    proof = tier1_proof(root)  # checks frictionless finds nothing in every table proved
    assert proof is not None
    assert proof.why
    assert proof.undecided == PARTIAL[case][1]


@pytest.mark.parametrize("case", list(PARTIAL))
def test_frictionless_reads_only_what_tier1_left_and_the_report_is_the_same(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_package(tmp_path / "package")
    PARTIAL[case][0](root)
    read = forced_serial(monkeypatch)
    auto = nme_data.validate(root)
    assert read == list(PARTIAL[case][1])
    assert (auto.engine or {})["frictionless_tables"] == list(PARTIAL[case][1])
    assert (auto.engine or {})["tier"] == 2
    assert not auto.valid
    read.clear()
    forced = nme_data.validate(root, engine="frictionless")
    assert read == auto.tables_checked, "--engine frictionless reads every table"
    assert (forced.engine or {})["frictionless_tables"] == auto.tables_checked
    assert {k: v for k, v in auto.to_dict().items() if k != "engine"} == {
        k: v for k, v in forced.to_dict().items() if k != "engine"
    }


@pytest.mark.parametrize("case", KEPT_AWAY)
def test_a_table_the_preflight_keeps_away_leaves_the_rest_to_tier1(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_package(tmp_path / "package")
    CASES[case][0](root)
    proof = tier1_proof(root)
    assert proof is not None
    assert proof.why is None
    read = forced_serial(monkeypatch)
    auto = nme_data.validate(root)
    assert not auto.valid
    assert read == []
    assert auto.engine is not None
    assert (auto.engine["tier"], auto.engine["frictionless_tables"]) == (1, [])
    forced = nme_data.validate(root, engine="frictionless")
    assert auto.sorted_errors() == forced.sorted_errors()


def test_a_valid_copy_partly_proved_says_which_tables_frictionless_read(tmp_path: Path) -> None:
    """`+1942` is an integer to frictionless, but tier 1 is not sure of a sign: history goes to frictionless."""
    root = copy_package(tmp_path / "package")
    path = root / "data" / "history.csv"
    rows = read_rows(path)
    year = rows[0].index("year")
    rows[1][year] = "+" + rows[1][year]
    write_rows(path, rows)
    result = CliRunner().invoke(main, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    engine = json.loads(result.output)["engine"]
    assert (engine["tier"], engine["frictionless_tables"]) == (2, ["history"])
    text = CliRunner().invoke(main, ["validate", str(root)])
    assert text.exit_code == 0, text.output
    assert "checked by: tier 1, tier 2 (frictionless) on history, and the semantic rules" in text.output
