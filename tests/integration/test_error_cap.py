"""A flood of errors gives a bounded report (#31): at most --max-errors per table and code, the rest counted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import read_rows, write_rows
from nme_data.cli import main
from nme_data.package import DataPackage
from nme_data.validation import Finding, Report, validate
from nme_data.validation.report import ErrorCap
from nme_data.validation.semantic import validate_semantics

#: Copies of the sites rows added to the copy; none of them has an anchor row, so each is anchor-missing.
ADDED = 240


def _flooded(root: Path, bad_prominence: bool = False) -> Path:
    """The copy with ADDED more sites rows (new ids, no anchors); with bad_prominence each also breaks the enum."""
    path = root / "data" / "sites.csv"
    rows = read_rows(path)
    header, body = rows[0], rows[1:]
    key, prominence = header.index("id"), header.index("prominence")
    added = []
    for number in range(ADDED):
        record = list(body[number % len(body)])
        record[key] = f"flood-{number}"
        if bad_prominence:
            record[prominence] = "often"
        added.append(record)
    write_rows(path, [header, *body, *added])
    return root


def _by_key(errors: list[Finding]) -> Counter[tuple[str | None, str]]:
    return Counter((e.table, e.code) for e in errors)


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_capped_report_lists_the_cap_and_counts_the_rest(package_copy: Path, limit: int) -> None:
    root = _flooded(package_copy)
    full = validate(root, max_errors=None)
    capped = validate(root, max_errors=limit)
    found = _by_key(full.errors)
    assert found[("sites", "anchor-missing")] == ADDED
    assert not full.omitted
    listed = _by_key(capped.errors)
    for key, count in found.items():
        assert listed[key] == min(count, limit)
        assert capped.omitted.get(key, 0) == count - min(count, limit)
    assert capped.error_count == full.error_count == sum(found.values())
    # the listed ones are the first of each (table, code) in report order
    first = [e for e in full.sorted_errors() if (e.table, e.code) == ("sites", "anchor-missing")][:limit]
    assert [e for e in capped.sorted_errors() if (e.table, e.code) == ("sites", "anchor-missing")] == first
    assert not capped.valid


def test_json_report_is_one_document_with_the_counts(package_copy: Path) -> None:
    root = _flooded(package_copy)
    result = CliRunner().invoke(main, ["validate", str(root), "--no-cache", "--format", "json", "--max-errors", "5"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)  # one document, nothing before or after it
    assert document["max_errors"] == 5
    assert document["valid"] is False
    not_listed = {(item["table"], item["code"]): item["count"] for item in document["errors_not_listed"]}
    assert not_listed[("sites", "anchor-missing")] == ADDED - 5
    assert sum(1 for e in document["errors"] if e["code"] == "anchor-missing") == 5
    assert document["error_count"] == len(document["errors"]) + sum(not_listed.values())


def test_text_report_says_what_was_not_listed(package_copy: Path) -> None:
    root = _flooded(package_copy)
    result = CliRunner().invoke(main, ["validate", str(root), "--no-cache", "--max-errors", "3"])
    assert result.exit_code == 1
    assert f"sites: {ADDED - 3:,} more [anchor-missing] errors not listed" in result.output
    assert result.output.count("[anchor-missing]") == 3 + 1  # three listed, one count line
    assert f"invalid: {ADDED} errors in 1 of" in result.output


def test_zero_lists_every_error(package_copy: Path) -> None:
    root = _flooded(package_copy)
    result = CliRunner().invoke(main, ["validate", str(root), "--no-cache", "--format", "json", "--max-errors", "0"])
    document = json.loads(result.output)
    assert document["errors_not_listed"] == []
    assert sum(1 for e in document["errors"] if e["code"] == "anchor-missing") == ADDED


def test_negative_cap_is_a_usage_error(package_copy: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--max-errors", "-1"])
    assert result.exit_code == 2


def test_semantic_layer_builds_no_more_than_the_cap(package_copy: Path) -> None:
    """Errors beyond the cap are counted where they are found, never built."""
    root = _flooded(package_copy)
    cap = ErrorCap(4)
    errors = validate_semantics(DataPackage.open(root), cap=cap)
    assert _by_key(errors)[("sites", "anchor-missing")] == 4
    assert cap.omitted[("sites", "anchor-missing")] == ADDED - 4


def test_frictionless_stops_at_its_limit_and_says_so(package_copy: Path) -> None:
    """The frictionless path gets limit_errors from the cap: it stops early, the report says where."""
    root = _flooded(package_copy, bad_prominence=True)
    report = validate(root, engine="frictionless", max_errors=2)
    listed = _by_key(report.errors)
    assert listed[("sites", "constraint-error")] == 2
    assert report.omitted[("sites", "constraint-error")] == 20 - 2  # frictionless stopped at 10 x the cap
    stopped = [e for e in report.errors if e.code == "budget-exceeded" and e.table == "sites"]
    assert len(stopped) == 1
    assert "limit of 20 errors" in stopped[0].message
    whole = validate(root, engine="frictionless", max_errors=None)
    assert _by_key(whole.errors)[("sites", "constraint-error")] == ADDED
    assert not [e for e in whole.errors if e.code == "budget-exceeded"]


def test_cap_of_a_report() -> None:
    errors = [Finding("t", row, "f", "c", "m") for row in range(2, 12)] + [Finding(None, None, None, "p", "m")]
    report = Report(package="x", errors=errors, tables_checked=["t"]).cap(3, Counter({("t", "c"): 5}))
    assert [e.row for e in report.errors if e.code == "c"] == [2, 3, 4]
    assert report.omitted == {("t", "c"): 7 + 5}
    assert report.error_count == 11 + 5
    assert report.summary() == "invalid: 16 errors: 1 in the package, 15 in 1 of 1 tables (4 listed)"
    assert not Report(package="x", omitted={("t", "c"): 1}).valid
