"""Quote anchors (nme_data.rules.anchors): every evidence part carries its code-point offsets in the snapshot.

Each corruption case edits data/evidence_anchors.csv (or a fact row) in a temporary copy, validates it
through the library and through the CLI (default engine and --engine frictionless: the rules belong to the
semantic layer both engines run), and compares every error's (table, row, field, code) to an exact list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue import case_copy, found_locations
from conftest import ROOT, Validated, ValidatedCopy, read_rows, shared_case, tree_hashes, write_rows
from nme_data.cli import main
from nme_data.package import DataPackage
from nme_data.rules.anchors import find_anchors, package_anchors, place

ANCHORS = ROOT / "data" / "evidence_anchors.csv"
SNAPSHOT = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")
Expected = tuple[str, str | tuple[str, str, int] | None, str | None, str]  # table, row key, field, code
EXTRA = "extra"  # the row key of an anchor a case appends (the file's last row)


def anchor_row(key: tuple[str, str, int]) -> int:
    """The line number of an anchor in the shipped file (the header is line 1)."""
    rows = read_rows(ANCHORS)
    return next(n for n, row in enumerate(rows, start=1) if (row[0], row[1], row[2]) == (key[0], key[1], str(key[2])))


def fact_row(table: str, row_id: str) -> int:
    rows = read_rows(ROOT / "data" / f"{table}.csv")
    return next(n for n, row in enumerate(rows, start=1) if row[0] == row_id)


def edit_anchors(change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    def damage(root: Path) -> None:
        path = root / "data" / "evidence_anchors.csv"
        rows = read_rows(path)
        change(rows)
        write_rows(path, rows)

    return damage


def shift(key: tuple[str, str, int], by: int) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        row = rows[anchor_row(key) - 1]
        row[3] = str(int(row[3]) + by)
        row[4] = str(int(row[4]) + by)

    return change


def plus(key: tuple[str, str, int], by: int) -> Callable[[list[list[str]]], None]:
    """Shift an anchor, its offsets written with a leading '+' (an integer frictionless accepts)."""

    def change(rows: list[list[str]]) -> None:
        row = rows[anchor_row(key) - 1]
        row[3] = f"+{int(row[3]) + by}"
        row[4] = f"+{int(row[4]) + by}"

    return change


def drop(key: tuple[str, str, int]) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        del rows[anchor_row(key) - 1]

    return change


def append(row: list[str]) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        rows.append(row)

    return change


GROIN = ("sites", "intro-groin", 1)
NECROSIS = ("histology", "epidermal-necrosis", 2)

#: case -> (damage, expected errors, words one message must hold)
CASES: dict[str, tuple[Callable[[Path], None], list[Expected], str]] = {
    "offsets-moved-on": (
        edit_anchors(shift(GROIN, 1)),
        [("evidence_anchors", GROIN, "start", "anchor-mismatch")],
        "snapshot[start:end]",
    ),
    "offsets-written-with-a-plus": (  # frictionless reads +161 as 161: the anchor is judged, not skipped
        edit_anchors(plus(GROIN, 1)),
        [("evidence_anchors", GROIN, "start", "anchor-mismatch")],
        "snapshot[start:end]",
    ),
    "end-cut-short": (
        edit_anchors(
            lambda rows: rows[anchor_row(NECROSIS) - 1].__setitem__(4, str(int(rows[anchor_row(NECROSIS) - 1][4]) - 1))
        ),
        [("evidence_anchors", NECROSIS, "start", "anchor-mismatch")],
        "is not the evidence part",
    ),
    "anchor-deleted": (
        edit_anchors(drop(NECROSIS)),
        [("histology", "epidermal-necrosis", "evidence", "anchor-missing")],
        "no row in evidence_anchors",
    ),
    "anchor-for-a-row-that-does-not-exist": (
        edit_anchors(append(["sites", "no-such-row", "1", "160", "233", "wikipedia-nme"])),
        [("evidence_anchors", EXTRA, "row_id", "anchor-orphan")],
        "no-such-row",
    ),
    "anchor-for-a-part-that-does-not-exist": (
        edit_anchors(append(["sites", "intro-groin", "2", "160", "233", "wikipedia-nme"])),
        [("evidence_anchors", EXTRA, "part", "anchor-orphan")],
        "no such part",
    ),
    "evidence-gains-a-part": (  # the new part is verbatim, so it needs its anchor
        lambda root: _append_part(root, "sites", "intro-groin", "It is strongly associated with glucagonoma"),
        [("sites", "intro-groin", "evidence", "anchor-missing")],
        "no row in evidence_anchors",
    ),
}


def _append_part(root: Path, table: str, row_id: str, part: str) -> None:
    path = root / "data" / f"{table}.csv"
    rows = read_rows(path)
    at = rows[0].index("evidence")
    rows[fact_row(table, row_id) - 1][at] += f" [...] {part}"
    write_rows(path, rows)


def expected(case: str) -> list[tuple[str, int | None, str | None, str]]:
    found = []
    for table, key, field, code in CASES[case][1]:
        if key == EXTRA:
            row: int | None = len(read_rows(ANCHORS)) + 1
        elif isinstance(key, tuple):
            row = anchor_row(key)
        else:
            row = fact_row(table, key) if key else None
        found.append((table, row, field, code))
    return sorted(found, key=str)


def damaged(validated_copy: ValidatedCopy, case: str) -> Validated:
    return case_copy(validated_copy, "anchors", case, CASES[case][0])


def test_the_shipped_anchors_are_what_the_script_writes() -> None:
    anchors, notes = package_anchors(DataPackage.open(ROOT))
    assert notes == []  # no part occurs twice in the snapshot today, and every part is verbatim
    assert [a.record() for a in anchors] == read_rows(ANCHORS)[1:]


@pytest.mark.parametrize("case", [shared_case("anchors", c) for c in sorted(CASES)])
def test_library_reports_exactly(validated_copy: ValidatedCopy, case: str) -> None:
    copy = damaged(validated_copy, case)
    found = found_locations(copy.report.errors)
    assert found == expected(case)
    assert any(CASES[case][2] in e.message for e in copy.report.errors)
    assert tree_hashes(copy.root) == copy.before


@pytest.mark.parametrize("case", [shared_case("anchors", c) for c in sorted(CASES)])
@pytest.mark.parametrize("engine", ["auto", "frictionless"])
def test_cli_reports_exactly(validated_copy: ValidatedCopy, case: str, engine: str) -> None:
    copy = damaged(validated_copy, case)
    if engine == "auto":  # the default engine: the CLI's own validation of the copy (on a fresh cache)
        exit_code, output = copy.cli_exit_code, copy.cli_output
    else:
        result = CliRunner().invoke(main, ["validate", str(copy.root), "--format", "json", "--engine", engine])
        exit_code, output = result.exit_code, result.output
    assert exit_code == 1, output
    errors = json.loads(output)["errors"]
    assert found_locations(errors) == expected(case)
    assert any(CASES[case][2] in e["message"] for e in errors)


def test_the_occurrence_meant_follows_the_previous_part() -> None:
    text = "alpha beta. gamma alpha delta. alpha"
    # 'alpha' after 'gamma' is the one meant, not the first one
    assert place(text, "gamma [...] alpha") == [(12, 17), (18, 23)]
    # before a unique part: the one nearest it
    assert place(text, "alpha [...] delta") == [(18, 23), (24, 29)]
    # a one-part quote: the first inside the row's section, else the first
    assert place(text, "alpha", (30, len(text))) == [(31, 36)]
    assert place(text, "alpha") == [(0, 5)]
    assert place(text, "omega [...] gamma") == [None, (12, 17)]


def test_find_anchors_notes_repeated_and_missing_parts() -> None:
    rows = [{"id": "r", "evidence": "alpha [...] omega", "source_id": "s"}]
    anchors, notes = find_anchors({"sites": rows}, {"s": "alpha alpha"})
    assert [a.record() for a in anchors] == [["sites", "r", "1", "0", "5", "s"]]
    assert len(notes) == 2
    assert "occurs 2 times" in notes[0]
    assert "not in the snapshot" in notes[1]


def test_the_site_highlights_a_part_at_its_anchor() -> None:
    """A repeated part is highlighted where its anchor puts it; a stale anchor falls back to locating it."""
    from nme_data.site.quotes import RowRef, highlights

    text = "alpha beta. alpha gamma."
    row = RowRef("sites", "r")
    marks, _ = highlights(text, [(row, "alpha")], {("sites", "r", 1): (12, 17)})
    assert [(m.start, m.end) for m in marks] == [(12, 17)]
    marks, _ = highlights(text, [(row, "alpha")], {("sites", "r", 1): (13, 18)})  # stale: not the part
    assert [(m.start, m.end) for m in marks] == [(0, 5)]
    marks, _ = highlights(text, [(row, "alpha")])  # no anchors: the first occurrence, as before
    assert [(m.start, m.end) for m in marks] == [(0, 5)]
