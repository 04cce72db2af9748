"""`row-rule`: cells of one row that contradict each other (status and factor_id; a frequency's bounds and
qualifier), applied wherever a table has the fields they name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nme_data.rules.base import plugin, semantic
from nme_data.rules.context import present
from nme_data.rules.rule import Rule, check_name

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table
    from nme_data.rules.context import Context


def row_rules(columns: set[str]) -> list[Rule]:
    """Rules between cells of one row, applied wherever a table has the fields they name."""
    checks = []
    if {"status", "factor_id"} <= columns:

        def factor_matches_status(frame: pd.DataFrame) -> pd.Series:
            proposed = frame["status"].astype("string") == "proposed"
            return (proposed == present(frame["factor_id"])).fillna(True)

        checks.append(
            Rule(
                factor_matches_status,
                name=check_name(
                    "row-rule",
                    "factor_id",
                    "factor_id must be filled when status is proposed and empty when it is unknown",
                ),
            )
        )
    if {"frequency_min_percent", "frequency_max_percent", "frequency_qualifier"} <= columns:

        def qualified_frequency(frame: pd.DataFrame) -> pd.Series:
            has_number = present(frame["frequency_min_percent"]) | present(frame["frequency_max_percent"])
            return has_number == present(frame["frequency_qualifier"])

        def ordered_bounds(frame: pd.DataFrame) -> pd.Series:
            low = _numbers(frame["frequency_min_percent"])
            high = _numbers(frame["frequency_max_percent"])
            return ~(low > high).fillna(False)

        checks.append(
            Rule(
                qualified_frequency,
                name=check_name(
                    "row-rule",
                    "frequency_qualifier",
                    "frequency_qualifier must be filled exactly when a frequency bound is",
                ),
            )
        )
        checks.append(
            Rule(
                ordered_bounds,
                name=check_name(
                    "row-rule", "frequency_min_percent", "frequency_min_percent is above frequency_max_percent"
                ),
            )
        )
    return checks


def _numbers(column: pd.Series) -> pd.Series:
    """A text column's numbers; empty and unreadable cells are missing."""
    import pandas as pd

    text = column.astype("string")
    numbers: pd.Series = pd.to_numeric(text.where(text != ""), errors="coerce")
    return numbers


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return row_rules(names)


RULE = plugin(
    __name__,
    "row_rules",
    rules,
    {
        "row-rule": semantic(
            "Cells of one row contradict each other.",
            "status proposed with no factor_id; frequency minimum above maximum",
        ),
    },
    summary="status with factor_id; frequency bounds with their qualifier and with each other",
)
