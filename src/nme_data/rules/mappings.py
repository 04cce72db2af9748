"""`identifier-system-mismatch`, `label-mismatch`, `subject-not-found`: a mapping row agrees with itself, the
shipped ontology snapshot and the table it maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from nme_data.rules.base import plugin, semantic
from nme_data.rules.context import as_text, is_in, present
from nme_data.rules.rule import Rule, check_name

if TYPE_CHECKING:
    from nme_data.package import Table
    from nme_data.rules.context import Context


def mapping_checks(context: Context) -> list[Rule]:
    def system_matches(frame: pd.DataFrame) -> pd.Series:
        both = present(frame["object_id"]) & present(frame["object_source"])
        prefixes = frame["object_id"].astype("string").str.split(":", n=1).str[0]
        return ~both | (prefixes == frame["object_source"].astype("string")).fillna(False)

    def label_matches(frame: pd.DataFrame) -> pd.Series:
        curies = frame["object_id"].astype("string")
        labels = frame["object_label"].astype("string")
        expected = curies.map({curie: term.label for curie, term in context.terms.items() if term.label})
        unlabelled = [curie for curie, term in context.terms.items() if not term.label]
        agrees = expected.isna() | (expected == labels).fillna(False)
        return agrees & ~(curies.isin(unlabelled).fillna(False) & present(labels))

    def subject_exists(frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        for table, rows in frame.groupby(as_text(frame["subject_table"]), sort=False):
            if table in context.ids:  # an unknown subject_table is the enum's error, not this one's
                ok[rows.index] = is_in(rows["subject_id"], context.ids[table])
        return ok

    return [
        Rule(system_matches, name=check_name("identifier-system-mismatch", "object_source")),
        Rule(label_matches, name=check_name("label-mismatch", "object_label")),
        Rule(subject_exists, name=check_name("subject-not-found", "subject_id")),
    ]


def rules(table: Table, context: Context, names: set[str]) -> list[Rule]:
    return mapping_checks(context)


RULE = plugin(
    __name__,
    "mappings",
    rules,
    {
        "identifier-system-mismatch": semantic(
            "object_source does not match the identifier's prefix.", "MONDO with HP:0000001"
        ),
        "label-mismatch": semantic(
            "object_label is not the release's label for object_id.", "'Redness' for HP:0010783"
        ),
        "subject-not-found": semantic(
            "A mapping's subject_id is not a row of its subject_table.", "sites/no-such-site"
        ),
    },
    fields={"object_id", "object_label", "object_source", "subject_table", "subject_id"},
    summary="object_source, object_label, subject_id agree with the identifier, snapshot and subject table",
)
