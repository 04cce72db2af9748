"""The validator runs the semantic rules itself; the pandera schemas wrap the same rules: same verdicts.

For every kind of semantic damage the corruption and curation suites apply, the rows, fields and codes
the validator's runner reports equal those pandera's `semantic_schema` fails on, table by table.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import pandera.errors
import pytest

import corruption_cases
import cue_cases
import curation_cases
import damage
from nme_data.frames.schemas import build_schema
from nme_data.package import DataPackage
from nme_data.package.raw import read_text_frame
from nme_data.rules.rule import ANY_FIELD, shared_reads
from nme_data.rules.semantic import formula_cells, package_context, text_fields
from nme_data.validation.semantic import validate_semantics

Location = tuple[str, int | None, str | None, str]

SEMANTIC_CODES = {
    "evidence-not-verbatim",
    "evidence-too-short",
    "formula-injection",
    "identifier-malformed",
    "identifier-unknown",
    "identifier-system-mismatch",
    "label-mismatch",
    "subject-not-found",
    "row-rule",
}
CORRUPTIONS = {
    name: corrupt
    for name, (corrupt, expected) in corruption_cases.CASES.items()
    if expected and any(location[3] in SEMANTIC_CODES for location in expected)
}
CORRUPTIONS["source-snapshot-edited"] = corruption_cases.CASES["source-snapshot-edited"][0]
CORRUPTIONS["evidence-only-separator"] = damage.set_cell("history", 2, "evidence", " [...] ")
CORRUPTIONS["formula-in-two-cells"] = lambda root: (
    damage.set_cell("history", 2, "person", "=A1")(root),
    damage.set_cell("history", 2, "evidence", "@SUM(A1)")(root),
)
CURATIONS = {
    f"curation-{name}": (lambda root, edits=edits: curation_cases.apply(root, edits))
    for name, (edits, _) in curation_cases.CASES.items()
}

#: The cue, naming and section rules (tests/cases/cue_cases.py), on the cases whose damage reaches the rules.
CUES = {
    f"cues-{name}": damage
    for name, (damage, expected, _) in cue_cases.CASES.items()
    if all(code != "schema-error" for *_, code in expected)
    # a copy dropping its declarations broke a rule only through the shipped floor, gone in 3.0.0: through
    # validate such a copy is schema-differs, and with no declarations no cue rule exists to compare
    and name != "copy-drops-its-declarations"
}


def pandera_locations(root: Path, share: bool = True) -> set[Location]:
    """Where pandera's semantic schemas fail, named as the validator names its errors.

    With `share`, pandera runs each table's checks inside the rules' `shared_reads` scope, as the validator's
    runner does: a table's hundreds of checks read its columns and cues once, not once each (the verdicts
    are the same: `test_sharing_reads_changes_no_pandera_verdict`), in about half the time."""
    package = DataPackage.open(root)
    context = package_context(package)
    found: set[Location] = set()
    for name, table in package.tables.items():
        frame = read_text_frame(table)
        try:
            with shared_reads() if share else nullcontext():
                build_schema(table, context, typed=False).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            for case in exc.failure_cases.itertuples(index=False):
                code, _, rest = str(case.check).partition("|")
                field = rest.partition("|")[0]
                row = int(case.index)
                fields = formula_cells(frame.loc[row], text_fields(table)) if field == ANY_FIELD else [field]
                found.update((name, row, cell, code) for cell in fields)
    return found


def runner_locations(root: Path) -> set[Location]:
    errors = validate_semantics(DataPackage.open(root))
    return {(error.table, error.row, error.field, error.code) for error in errors}


def test_shipped_package_passes_both_runners() -> None:
    root = DataPackage.open(None).root
    assert pandera_locations(root) == runner_locations(root) == set()


@pytest.mark.parametrize("case", sorted({**CORRUPTIONS, **CURATIONS, **CUES}))
def test_both_runners_find_the_same_failures(package_copy: Path, case: str) -> None:
    {**CORRUPTIONS, **CURATIONS, **CUES}[case](package_copy)
    by_pandera = pandera_locations(package_copy)
    assert by_pandera, "the damage must break a semantic rule"
    assert runner_locations(package_copy) == by_pandera


@pytest.mark.parametrize("case", ["row-rule", "cues-strong-without-strongly", "curation-closed-list-marked-open"])
def test_sharing_reads_changes_no_pandera_verdict(package_copy: Path, case: str) -> None:
    """pandera alone, each check reading the frame afresh, fails on the same cells as with shared reads."""
    {**CORRUPTIONS, **CURATIONS, **CUES}[case](package_copy)
    alone = pandera_locations(package_copy, share=False)
    assert alone
    assert alone == pandera_locations(package_copy)


def test_a_rule_that_cannot_run_is_a_located_check_error(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nme_data.rules import formula
    from nme_data.rules.rule import Rule, check_name

    def broken(columns: list[str]) -> Rule:
        return Rule(lambda frame: frame["no-such-column"], check_name("formula-injection", "*"))

    monkeypatch.setattr(formula, "formula_check", broken)  # the formula rule's module (nme_data.rules.formula)
    errors = validate_semantics(DataPackage.open(package_copy))
    assert errors
    assert {(e.code, e.row) for e in errors} == {("check-error", None)}
    assert all("formula-injection" in e.message and "KeyError" in e.message for e in errors)
    assert {e.table for e in errors} == set(DataPackage.open(package_copy).tables)


@pytest.mark.parametrize("old", ["rule", "semantic_rules", "curation_checks"])
def test_old_rule_modules_are_gone(old: str) -> None:
    """3.0.0 removed the deprecated aliases of `nme_data.rules.*`."""
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"nme_data.{old}")
