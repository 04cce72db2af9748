"""`nme-data reground`: a revised article (sentences added, one changed, one removed) is reported exactly."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, read_rows, tree_hashes
from nme_data.cli import main
from nme_data.curate.fmt import format_package
from nme_data.curate.reground import EXIT_APPLIED, EXIT_NOTHING_TO_APPLY, EXIT_REFUSED, reground
from nme_data.text.sentences import quote_parts

SNAPSHOT_NAME = "source/necrolytic-migratory-erythema.txt"
SNAPSHOT = (ROOT / SNAPSHOT_NAME).read_text(encoding="utf-8")
CHANGED_OLD = "After resection, the rash typically resolves within days."
CHANGED_NEW = "After resection, the rash usually resolves within weeks."
REMOVED = "The pathogenesis is also unknown."
ADDED = ["NME is rare.", "Zinc supplementation may help some patients."]


def revised_text() -> str:
    assert CHANGED_OLD in SNAPSHOT
    assert REMOVED in SNAPSHOT
    text = SNAPSHOT.replace(CHANGED_OLD, CHANGED_NEW).replace(REMOVED, "")
    return text.replace(CHANGED_NEW, f"{CHANGED_NEW} {ADDED[1]}") + f"\n{ADDED[0]}\n"


def rows_quoting(sentences: list[str]) -> set[tuple[str, str]]:
    """(table, id) of every row with a quote part that overlaps one of the sentences."""
    found = set()
    for table in nme_data.table_names():
        frame = nme_data.load(table)
        if "evidence" not in frame.columns:
            continue
        for row_id, evidence in zip(frame["id"], frame["evidence"], strict=True):
            for part in quote_parts(evidence):
                if any(part in s or s in part for s in sentences):
                    found.add((table, row_id))
    return found


@pytest.fixture
def revision(tmp_path: Path) -> Path:
    path = tmp_path / "revision.txt"
    path.write_text(revised_text(), encoding="utf-8")
    return path


def test_the_shipped_snapshot_still_holds(tmp_path: Path) -> None:
    same = tmp_path / "same.txt"
    same.write_bytes((ROOT / SNAPSHOT_NAME).read_bytes())
    result = reground(same)
    assert result.ok
    assert result.broken == []
    assert result.uncovered == []
    assert result.rows_checked > 0
    cli = CliRunner().invoke(main, ["reground", str(same)])
    assert cli.exit_code == 0
    assert cli.stdout.strip().endswith("everything still holds")


def test_a_revision_is_reported_exactly(revision: Path) -> None:
    result = reground(revision)
    expected_broken = rows_quoting([CHANGED_OLD, REMOVED])
    assert expected_broken, "some row quotes the changed and the removed sentence"
    assert {(b.table, b.id) for b in result.broken} == expected_broken
    for broken in result.broken:
        if broken.quote in CHANGED_OLD:
            assert broken.nearest == CHANGED_NEW
    assert [s.text for s in result.uncovered] == [CHANGED_NEW, ADDED[1], ADDED[0]]
    assert not result.ok


def test_the_json_report(revision: Path) -> None:
    result = CliRunner().invoke(main, ["reground", str(revision), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document["source"]) == {"path", "version"}  # the copy checked (with no PATH, the one around)
    assert document["ok"] is False
    assert document["quotes_hold"] is False
    assert {(b["table"], b["id"]) for b in document["broken_quotes"]} == rows_quoting([CHANGED_OLD, REMOVED])
    assert [s["text"] for s in document["unquoted_sentences"]] == [CHANGED_NEW, ADDED[1], ADDED[0]]
    assert document["new_sha256"] == hashlib.sha256(revision.read_bytes()).hexdigest()
    assert document["applied"] is False


def test_apply_refuses_while_a_quote_is_broken(package_copy: Path, revision: Path) -> None:
    before = tree_hashes(package_copy)
    result = CliRunner().invoke(main, ["reground", str(revision), str(package_copy), "--apply"])
    assert result.exit_code == EXIT_REFUSED == 4
    assert "not applied" in result.stderr
    assert tree_hashes(package_copy) == before


def test_apply_records_the_new_snapshot_when_every_quote_holds(package_copy: Path, tmp_path: Path) -> None:
    addition = tmp_path / "addition.txt"
    addition.write_text(SNAPSHOT + f"\n{ADDED[0]}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(addition), str(package_copy), "--apply"])
    assert result.exit_code == EXIT_APPLIED == 0  # applied; the report still lists the new sentence to curate
    assert f"no row quotes (candidate new fact): {ADDED[0]!r}" in result.stdout
    digest = hashlib.sha256(addition.read_bytes()).hexdigest()
    assert (package_copy / SNAPSHOT_NAME).read_bytes() == addition.read_bytes()
    sources = read_rows(package_copy / "data" / "sources.csv")
    assert sources[1][sources[0].index("sha256")] == digest
    assert digest in (package_copy / "datapackage.json").read_text(encoding="utf-8")
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()
    assert format_package(package_copy, check=True).changed == []  # sources.csv was written canonically


def test_apply_re_anchors_every_quote_in_the_new_text(package_copy: Path, tmp_path: Path) -> None:
    """A line added at the top moves every quote: evidence_anchors.csv is rewritten with the new offsets."""
    lead = f"{ADDED[0]}\n"
    shifted = tmp_path / "shifted.txt"
    shifted.write_text(lead + SNAPSHOT, encoding="utf-8")
    before = read_rows(package_copy / "data" / "evidence_anchors.csv")
    result = CliRunner().invoke(main, ["reground", str(shifted), str(package_copy), "--apply"])
    assert result.exit_code == EXIT_APPLIED, result.output
    after = read_rows(package_copy / "data" / "evidence_anchors.csv")
    header = before[0]
    start, end = header.index("start"), header.index("end")
    assert after[0] == header
    assert len(after) == len(before) > 100
    for old, new in zip(before[1:], after[1:], strict=True):
        assert new[:start] == old[:start]
        assert new[end + 1 :] == old[end + 1 :]
        assert (int(new[start]), int(new[end])) == (int(old[start]) + len(lead), int(old[end]) + len(lead))
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()
    assert format_package(package_copy, check=True).changed == []  # evidence_anchors.csv written canonically


def test_a_stale_anchor_is_reported_and_reground_rewrites_it(package_copy: Path, tmp_path: Path) -> None:
    anchors = package_copy / "data" / "evidence_anchors.csv"
    rows = read_rows(anchors)
    start = rows[0].index("start")
    rows[1][start] = str(int(rows[1][start]) + 1)
    anchors.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    errors = [(e.table, e.field, e.code) for e in nme_data.validate(package_copy).errors]
    assert errors == [("evidence_anchors", "start", "anchor-mismatch")]
    lead = tmp_path / "lead.txt"
    lead.write_text(f"{ADDED[0]}\n" + SNAPSHOT, encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(lead), str(package_copy), "--apply"])
    assert result.exit_code == EXIT_APPLIED, result.output
    report = nme_data.validate(package_copy)
    assert report.valid, report.to_text()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b"caf\xe9"), "is not UTF-8"),
        (lambda p: None, "does not exist"),
    ],
    ids=["directory", "latin-1", "missing"],
)
def test_unusable_new_text_is_a_clear_error(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "new.txt"
    make(path)
    result = CliRunner().invoke(main, ["reground", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_snapshot_path_outside_the_package_is_refused(package_copy: Path, tmp_path: Path) -> None:
    path = package_copy / "data" / "sources.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("path")] = "../outside.txt"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    same = tmp_path / "same.txt"
    same.write_text(SNAPSHOT, encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(same), str(package_copy)])
    assert result.exit_code == 1
    assert "climbs out of the package" in result.output


def test_a_named_pipe_as_new_text_is_refused_without_opening_it(tmp_path: Path) -> None:
    import os

    from nme_data.curate._common import CurateError
    from nme_data.curate.reground import _read_new_text

    fifo = tmp_path / "new.txt"
    os.mkfifo(fifo)
    with pytest.raises(CurateError, match="not a regular file"):
        _read_new_text(fifo)  # opening a FIFO with no writer would block forever


def test_apply_with_nothing_to_apply_has_its_own_exit_code(package_copy: Path, tmp_path: Path) -> None:
    same = tmp_path / "same.txt"
    same.write_bytes((ROOT / SNAPSHOT_NAME).read_bytes())
    before = tree_hashes(package_copy)
    result = CliRunner().invoke(main, ["reground", str(same), str(package_copy), "--apply"])
    assert result.exit_code == EXIT_NOTHING_TO_APPLY == 3
    assert "nothing to apply" in result.stderr
    assert tree_hashes(package_copy) == before


def test_a_changed_sentence_shows_its_words_and_never_100_percent(tmp_path: Path) -> None:
    """One letter changed in a long quote: a similarity above 99.5% is still shown as 99%, with the word."""
    quoted = max((part for part in quote_parts(nme_data.load("history")["evidence"].iloc[0]) if part), key=len)
    words = quoted.split()
    changed_word = max(words, key=len)
    revised = quoted.replace(changed_word, changed_word[:-1] + "X", 1)
    path = tmp_path / "revision.txt"
    path.write_text(SNAPSHOT.replace(quoted, revised), encoding="utf-8")
    result = CliRunner().invoke(main, ["reground", str(path)])
    assert result.exit_code == 1
    assert "(100%" not in result.stdout
    assert f"words that differ: {changed_word!r} -> {changed_word[:-1] + 'X'!r}" in result.stdout
    document = json.loads(CliRunner().invoke(main, ["reground", str(path), "--format", "json"]).stdout)
    assert all(b["difference"] for b in document["broken_quotes"])


def test_the_evidence_hint_names_the_words_that_differ(package_copy: Path) -> None:
    from conftest import write_rows

    rows = read_rows(package_copy / "data" / "management.csv")
    at = rows[0].index("evidence")
    rows[2][at] = rows[2][at].replace("typically", "usually", 1)
    assert "usually" in rows[2][at]
    write_rows(package_copy / "data" / "management.csv", rows)
    report = nme_data.validate(package_copy)
    hints = [e.hint for e in report.errors if e.code == "evidence-not-verbatim"]
    assert hints
    assert "words that differ: 'usually' -> 'typically'" in hints[0]
