"""Which elided text counts (nme_data.rules.elisions.counted) and what the shipped elided quotes keep."""

from __future__ import annotations

import pytest

from conftest import ROOT
from nme_data.package import DataPackage
from nme_data.rules.cues import shipped_scopes
from nme_data.rules.elisions import counted, judge, weighers

SNAPSHOT = (ROOT / "source" / "necrolytic-migratory-erythema.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("gap", "governing"),
    [
        (" may ", " may "),  # inside one clause: all of it
        (" distal extremities; but may also be found on the ", " but may also be found on the "),
        (" and include:\n epidermal necrosis\n suppurative folliculitis\n\n", ""),  # the list ends at the blank line
        (
            " a number of systemic disorders:\n Celiac disease\n ",
            " a number of systemic disorders:\n Celiac disease\n ",
        ),
        (" glucagonoma. It is ", " It is "),
        (" as follows: may ", " may "),  # a colon before a space ends the clause
    ],
)
def test_counted_is_the_clause_of_the_next_part(gap: str, governing: str) -> None:
    assert counted(gap) == governing


def _judged(table: str, row_id: str, changes: dict[str, str]) -> tuple[str, str] | None:
    package = DataPackage.open(ROOT)
    spec = package.table(table)
    from nme_data.package.raw import read_text_frame

    frame = read_text_frame(spec)
    row = {k: ("" if v is None else str(v)) for k, v in frame.loc[frame["id"] == row_id].iloc[0].items()}
    row.update(changes)
    found = weighers(table, spec.fields, set(frame.columns))
    return judge(row["evidence"], SNAPSHOT, row, found, shipped_scopes())


@pytest.mark.parametrize(
    ("table", "row_id"),
    [
        ("histology", "vacuolated-epidermal-cells"),  # skips "and include:" and the list it opens
        ("histology", "superficial-epidermal-necrosis"),
        ("histology", "epidermal-necrosis"),
        ("associations", "pseudoglucagonoma-syndrome-celiac-disease"),
        ("management", "surgical-resection"),
    ],
)
def test_the_shipped_elisions_hide_nothing(table: str, row_id: str) -> None:
    assert _judged(table, row_id, {}) is None


def test_a_closed_list_cannot_skip_its_opener() -> None:
    quote = "pseudoglucagonoma syndrome may occur in [...] systemic disorders: [...] Celiac disease"
    changes = {"evidence": quote, "open_list": "false"}
    assert _judged("associations", "pseudoglucagonoma-syndrome-celiac-disease", changes) == ("open_list", "a number of")


def test_the_stored_value_decides_what_is_weaker() -> None:
    """The cut cue is weighed against the stored value: 'may' is not weaker than a hedged row (whose missing
    hedge certainty-unsupported reports), and is weaker than a stated one."""
    quote = "pseudoglucagonoma syndrome [...] occur in a number of systemic disorders: [...] Celiac disease"
    assert _judged("associations", "pseudoglucagonoma-syndrome-celiac-disease", {"evidence": quote}) is None
    stated = {"evidence": quote, "certainty": "stated"}
    assert _judged("associations", "pseudoglucagonoma-syndrome-celiac-disease", stated) == ("certainty", "may")
