"""`source-missing`, `source-hash-mismatch`: each source's snapshot is in the package and has its SHA-256.

The snapshots are read once, by the `Context` (through the package model's path gate); this rule reports
what that read found, on the sources row that cites the snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nme_data.rules.base import plugin, semantic
from nme_data.rules.rule import Rule, check_name

if TYPE_CHECKING:
    import pandas as pd

    from nme_data.package import Table
    from nme_data.rules.context import Context


def source_checks(context: Context) -> list[Rule]:
    def problem(code: str) -> Callable[[pd.DataFrame], pd.Series]:
        def ok(frame: pd.DataFrame) -> pd.Series:
            return ~frame["id"].astype("string").map(
                lambda i: context.source_problems.get(i, ("", ""))[0] == code
            ).fillna(False).astype(bool)

        return ok

    return [
        Rule(problem("source-missing"), name=check_name("source-missing", "path")),
        Rule(problem("source-hash-mismatch"), name=check_name("source-hash-mismatch", "sha256")),
        Rule(problem("file-too-large"), name=check_name("file-too-large", "path")),
        Rule(problem("unsafe-path"), name=check_name("unsafe-path", "path")),
    ]


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return source_checks(context)


RULE = plugin(
    __name__,
    "sources",
    rules,
    {
        "source-missing": semantic(
            "A source's snapshot file is missing or outside the package.", "source/article.txt deleted"
        ),
        "source-hash-mismatch": semantic(
            "A source's snapshot does not have the recorded SHA-256.", "the snapshot edited"
        ),
    },
    fields={"id", "path", "sha256"},
    tables={"sources"},
    uses=("file-too-large", "unsafe-path"),
    summary="each snapshot is a file inside the package with the recorded SHA-256",
)
