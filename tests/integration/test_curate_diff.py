"""`nme-data diff`: an exact set of changes for a scripted edit of every kind, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import copy_package, descriptor_of, read_rows, write_rows
from nme_data.cli import main
from nme_data.curate.diff import PackageDiff, diff_packages

VERSION = nme_data.descriptor()["version"]
_MAJOR, _MINOR = (int(part) for part in VERSION.split(".")[:2])
MINOR_BUMP = f"{_MAJOR}.{_MINOR + 1}.0"
MAJOR_BUMP = f"{_MAJOR + 1}.0.0"


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


#: The table anchoring every evidence part: it names every fact row, so a row's anchors go with the row.
ANCHORS = "evidence_anchors.csv"


def unreferenced_row(root: Path, table: str) -> list[str]:
    """A row whose id no other file mentions but its evidence anchors, so removing both keeps the copy valid."""
    others = b"".join(p.read_bytes() for p in (root / "data").glob("*.csv") if p.name not in (f"{table}.csv", ANCHORS))
    rows = read_rows(root / "data" / f"{table}.csv")
    return next(row for row in rows[1:] if row[0].encode() not in others)


def copy_anchors(root: Path, table: str, row_id: str, new_id: str) -> set[tuple]:
    """Anchor a new row that quotes what row_id quotes; return the additions diff must report."""
    rows = read_rows(root / "data" / ANCHORS)
    header = rows[0]
    new = [
        [new_id if i == header.index("row_id") else cell for i, cell in enumerate(r)]
        for r in rows[1:]
        if r[header.index("table")] == table and r[header.index("row_id")] == row_id
    ]
    write_rows(root / "data" / ANCHORS, [*rows, *new])
    return {("added", "evidence_anchors", ", ".join(r[:3])) for r in new}


def remove_anchors(root: Path, table: str, row_id: str) -> set[tuple]:
    """Remove the anchors of one removed row; return the removals diff must report."""
    rows = read_rows(root / "data" / ANCHORS)
    header = rows[0]
    gone = [r for r in rows[1:] if r[header.index("table")] == table and r[header.index("row_id")] == row_id]
    write_rows(root / "data" / ANCHORS, [r for r in rows if r not in gone])
    return {("removed", "evidence_anchors", ", ".join(r[:3])) for r in gone}


def removable_field(descriptor: dict, table: str) -> str:
    """An optional field no key uses."""
    schema = resource(descriptor, table)["schema"]
    keyed = {name for fk in schema.get("foreignKeys", []) for name in fk["fields"]} | set(schema["primaryKey"])
    optional = [
        f["name"] for f in schema["fields"] if not f.get("constraints", {}).get("required") and f["name"] not in keyed
    ]
    return optional[-1]


def scripted_edit(root: Path, version: str) -> set[tuple]:
    """Apply an edit of every kind to the copy at root; return the changes diff must report."""
    descriptor = descriptor_of(root)
    expected: set[tuple] = set()
    old_version = descriptor["version"]
    descriptor["version"] = version
    descriptor["title"] += " (edited)"
    expected.add(("package", "property 'title' changed"))

    # rows: one added, one removed, one cell changed
    sites_path = root / "data" / "sites.csv"
    rows = read_rows(sites_path)
    header = rows[0]
    added = [*rows[1]]
    added[0] = "curator-added-site"
    rows.append(added)
    expected.add(("added", "sites", "curator-added-site"))
    expected |= copy_anchors(root, "sites", rows[1][0], "curator-added-site")
    prominence = resource(descriptor, "sites")["schema"]["fields"][header.index("prominence")]
    write_rows(sites_path, rows)
    # the changed cell is one no rule reads, the source's publisher: since data 2.1 every typed cell of a
    # fact table is checked against its quote, so changing one alone would make the copy invalid
    sources_path = root / "data" / "sources.csv"
    source_rows = read_rows(sources_path)
    publisher = source_rows[0].index("publisher")
    source = source_rows[1]
    old_value, new_value = source[publisher], "Wikipedia, the free encyclopedia"
    source[publisher] = new_value
    write_rows(sources_path, source_rows)
    expected.add(("cell", "sources", source[0], "publisher", old_value, new_value))
    removed = unreferenced_row(root, "causes")
    causes = read_rows(root / "data" / "causes.csv")
    write_rows(root / "data" / "causes.csv", [r for r in causes if r != removed])
    expected.add(("removed", "causes", removed[0]))
    expected |= remove_anchors(root, "causes", removed[0])

    # fields: one added (with its column), one removed (with its column), properties and constraints changed
    history = resource(descriptor, "history")
    history["schema"]["fields"].append({"name": "note", "type": "string", "description": "A curator's note."})
    write_rows(
        root / "data" / "history.csv",
        [[*r, "note" if i == 0 else ""] for i, r in enumerate(read_rows(root / "data" / "history.csv"))],
    )
    expected.add(("schema", "history", "field 'note' added (string)"))
    person = next(f for f in history["schema"]["fields"] if f["name"] == "person")["constraints"]
    old_max = person.get("maxLength")
    person["maxLength"] = 200
    if old_max is None:
        expected.add(("schema", "history", "field 'person': constraint maxLength added: 200"))
    else:
        expected.add(("schema", "history", f"field 'person': constraint maxLength changed from {old_max} to 200"))
    person["pattern"] = "^[^0-9]*$"
    expected.add(("schema", "history", "field 'person': constraint pattern added: \"^[^0-9]*$\""))
    history_id = history["schema"]["fields"][0]
    pattern = history_id["constraints"].pop("pattern")
    expected.add(("schema", "history", f"field 'id': constraint pattern removed (was {json.dumps(pattern)})"))
    prominence["constraints"]["enum"].append("rare")
    expected.add(("schema", "sites", "field 'prominence': enum values added: [\"rare\"]"))
    site = resource(descriptor, "sites")["schema"]["fields"][header.index("site")]
    old_description = site.get("description")
    site["description"] = "Where the rash is, in the article's words."
    expected.add(
        (
            "schema",
            "sites",
            f"field 'site': description changed from {json.dumps(old_description)} to "
            '"Where the rash is, in the article\'s words."',
        )
    )
    dropped = removable_field(descriptor, "mappings")
    mappings = resource(descriptor, "mappings")
    index = [f["name"] for f in mappings["schema"]["fields"]].index(dropped)
    del mappings["schema"]["fields"][index]
    write_rows(
        root / "data" / "mappings.csv",
        [[c for i, c in enumerate(r) if i != index] for r in read_rows(root / "data" / "mappings.csv")],
    )
    expected.add(("schema", "mappings", f"field {dropped!r} removed"))

    # tables: one added, one removed
    descriptor["resources"].append(
        {
            "name": "notes",
            "path": "data/notes.csv",
            "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string"}]},
        }
    )
    (root / "data" / "notes.csv").write_text("id,text\nfirst,A note.\n", encoding="utf-8")
    expected.add(("table-added", "notes", 1))
    gone = resource(descriptor, "classifications")
    count = len(read_rows(root / gone["path"])) - 1
    descriptor["resources"].remove(gone)
    (root / gone["path"]).unlink()
    expected.add(("table-removed", "classifications", count))
    expected.add(("version", old_version, version))
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return expected


def reported(diff: PackageDiff) -> set[tuple]:
    got: set[tuple] = {("version", diff.old_version, diff.new_version)}
    got |= {("package", change) for change in diff.package}
    for table in diff.tables:
        if table.status == "added":
            got.add(("table-added", table.name, len(table.added)))
            continue
        if table.status == "removed":
            got.add(("table-removed", table.name, len(table.removed)))
            continue
        got |= {("schema", table.name, change) for change in table.schema}
        got |= {("added", table.name, table.key_of(row)) for row in table.added}
        got |= {("removed", table.name, table.key_of(row)) for row in table.removed}
        got |= {
            ("cell", table.name, ", ".join(row.key), cell.field, cell.old, cell.new)
            for row in table.changed
            for cell in row.cells
        }
    return got


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path, set[tuple]]:
    old = copy_package(tmp_path / "old")
    new = copy_package(tmp_path / "new")
    return old, new, scripted_edit(new, MINOR_BUMP)


def test_diff_reports_exactly_the_scripted_changes(edited) -> None:
    old, new, expected = edited
    diff = diff_packages(old, new)
    assert reported(diff) == expected
    assert diff.warnings == [
        "table 'classifications' was removed without a major version bump",
        f"field mappings.{removable_field(descriptor_of(old), 'mappings')} was removed without a major version bump "
        f"({VERSION} -> {MINOR_BUMP})",
    ]


def test_identical_copies_have_no_changes(tmp_path: Path) -> None:
    diff = diff_packages(copy_package(tmp_path / "a"), copy_package(tmp_path / "b"))
    assert reported(diff) == {("version", diff.old_version, diff.new_version)}
    assert not diff.data_changed
    assert diff.warnings == []
    assert "no changes" in diff.to_text()


def test_a_spreadsheet_save_is_not_a_change(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    path = new / "data" / "associations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b",70,", b",70.0,").replace(b"\n", b"\r\n"))
    assert b"70.0" in path.read_bytes()
    assert not diff_packages(old, new).data_changed


def test_changed_data_without_a_new_version_is_warned(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    rows = read_rows(new / "data" / "history.csv")
    rows[1][rows[0].index("person")] = "W. Becker"
    write_rows(new / "data" / "history.csv", rows)
    diff = diff_packages(old, new)
    assert diff.warnings == [f"the package changed but its version did not ({diff.new_version})"]
    assert reported(diff) == {
        ("version", diff.old_version, diff.new_version),
        ("cell", "history", rows[1][0], "person", "William Becker", "W. Becker"),
    }


def test_removed_enum_values_without_a_major_bump_are_warned(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    descriptor = descriptor_of(new)
    descriptor["version"] = MINOR_BUMP
    prominence = next(f for f in resource(descriptor, "sites")["schema"]["fields"] if f["name"] == "prominence")
    lost = prominence["constraints"]["enum"].pop()
    (new / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    diff = diff_packages(old, new)
    assert reported(diff) == {
        ("version", VERSION, MINOR_BUMP),
        ("schema", "sites", f"field 'prominence': enum values removed: {json.dumps([lost])}"),
    }
    assert diff.warnings == [
        f"enum values of sites.prominence were removed without a major version bump ({VERSION} -> {MINOR_BUMP})"
    ]


def test_a_major_bump_allows_removals(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    scripted_edit(new, MAJOR_BUMP)
    assert diff_packages(old, new).warnings == []


@pytest.mark.slow
def test_cli_formats_on_valid_copies(edited) -> None:
    old, new, expected = edited
    report = nme_data.validate(new)  # the scripted edit is another release (its own schema): diff compares it
    assert {e.code for e in report.errors} == {"schema-differs"}, report.to_text()
    runner = CliRunner()
    as_json = runner.invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert (document["old_version"], document["new_version"]) == (VERSION, MINOR_BUMP)
    assert document["source"] == {
        "old": {"path": str((Path(old) / "datapackage.json").absolute()), "version": VERSION},
        "new": {"path": str((Path(new) / "datapackage.json").absolute()), "version": MINOR_BUMP},
    }
    text = runner.invoke(main, ["diff", str(old), str(new)]).stdout.splitlines()
    assert text[:2] == [
        f"package {(Path(old) / 'datapackage.json').absolute()}, version {VERSION}",
        f"package {(Path(new) / 'datapackage.json').absolute()}, version {MINOR_BUMP}",
    ]
    assert document["counts"]["rows_added"] == 1 + 1 + 1  # the added site, its anchor, and the new table's row
    assert len(document["warnings"]) == 3
    assert "has another schema than this release" in document["warnings"][2]
    assert "warning: table 'classifications' was removed" in as_json.stderr
    markdown = runner.invoke(main, ["diff", str(old), str(new), "--format", "markdown"]).stdout
    assert markdown.startswith(f"## nme-data {VERSION} → {MINOR_BUMP}")
    for section in ("### Added", "### Changed", "### Removed"):
        assert section in markdown
    cell = next(e for e in expected if e[0] == "cell")
    assert f"- `sources` row `{cell[2]}`, `publisher`: `{cell[4]}` → `{cell[5]}`" in markdown
    assert "- table `classifications`" in markdown.split("### Removed", 1)[1]
    text = runner.invoke(main, ["diff", str(old), str(new)]).stdout
    assert f"  ~ {cell[2]}: publisher: {cell[4]!r} -> {cell[5]!r}" in text


def test_cli_refuses_an_invalid_copy_with_its_report(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    rows = read_rows(new / "data" / "history.csv")
    rows[1][rows[0].index("year")] = "nineteen"
    write_rows(new / "data" / "history.csv", rows)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert [(e["table"], e["code"]) for e in document["errors"]] == [("history", "type-error")]
    missing = CliRunner().invoke(main, ["diff", str(old), str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.output


def test_a_copy_breaking_only_semantic_rules_is_compared_with_a_warning(tmp_path: Path) -> None:
    """An older release is often 'invalid' under a newer validator's semantic rules, yet readable: diff compares."""
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    rows = read_rows(new / "data" / "history.csv")
    rows[1][rows[0].index("evidence")] = "William Becker first described NME and glucagonoma in 1942"
    write_rows(new / "data" / "history.csv", rows)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["counts"]["cells_changed"] == 1
    assert document["warnings"][-1] == f"NEW ({new}) has 1 semantic error under this validator (evidence-not-verbatim)"


def test_markdown_survives_awkward_values(tmp_path: Path) -> None:
    old, new = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    rows = read_rows(new / "data" / "history.csv")
    rows[1][rows[0].index("person")] = "William `Bill` Becker | MD"
    write_rows(new / "data" / "history.csv", rows)
    markdown = diff_packages(old, new).to_markdown()
    assert "``William `Bill` Becker | MD``" in markdown
