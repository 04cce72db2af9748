"""One integer reading (`nme_data.package.integers`): what frictionless accepts, for the anchor rule, the
loader and tier 1 alike."""

from __future__ import annotations

import re

import pytest

from nme_data.package.integers import SURE_INTEGER, int64, integer, read_integer

CELLS = [
    "1",
    "+1",
    " 1",
    "1 ",
    "01",
    "-1",
    "-0",
    "00",
    "1_000",
    "\u0967",
    "1.0",
    "4.2e1",
    "",
    " ",
    "+",
    "1 2",
    "0x10",
    "one",
    "9" * 19,
    "9" * 5000,
    "--1",
    "\u0663\u0663",
]


@pytest.mark.parametrize("cell", CELLS)
def test_integer_reads_what_frictionless_reads(cell: str) -> None:
    from frictionless import fields

    assert integer(cell) == fields.IntegerField(name="x").create_value_reader()(cell)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (3.0, 3), (3.5, None), (float("nan"), None), (True, None), (None, None), (2**70, 2**70)],
)
def test_integer_of_typed_values(value: object, expected: int | None) -> None:
    assert integer(value) == expected


def test_int64_refuses_what_the_loader_cannot_hold() -> None:
    assert int64("9223372036854775807") == 2**63 - 1
    assert int64("9223372036854775808") is None
    assert int64("+12") == 12


@pytest.mark.parametrize("cell", ["0", "-12", "123456789012345678", "007"])
def test_the_sure_forms_of_tier_1_read_the_same(cell: str) -> None:
    assert re.fullmatch(SURE_INTEGER, cell)
    assert read_integer(cell) == int(cell)


def test_read_integer_refuses_a_non_integer() -> None:
    with pytest.raises(ValueError, match="not an integer"):
        read_integer("1.5")
