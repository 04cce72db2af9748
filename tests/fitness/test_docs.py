"""The data dictionary describes the descriptor and CSVs exactly, and the committed copy is never stale."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT
from nme_data.cli import main
from nme_data.docs import EXAMPLE_WIDTH, data_dictionary, render_constraints
from nme_data.package import DataPackage, Table

COMMITTED = ROOT / "docs" / "data-dictionary.md"
PACKAGE = DataPackage.open(ROOT)
TEXT = data_dictionary(PACKAGE)
TABLES = nme_data.table_names()
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def section(name: str) -> str:
    """The Markdown of one table's section, from its heading to the next one."""
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", TEXT, re.MULTILINE | re.DOTALL)
    assert match is not None, f"no section for table {name}"
    return match.group(1)


def field_rows(name: str) -> dict[str, list[str]]:
    """Field name -> the cells of its row in the section's field table."""
    rows = {}
    for line in section(name).splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in UNESCAPED_PIPE.split(line)[1:-1]]
            rows[cells[0].strip("`")] = cells
    return rows


def csv_records(table: Table) -> tuple[list[str], list[list[str]]]:
    with table.path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    return records[0], records[1:]


def unquote(cell: str) -> str:
    """The text of an inline code cell as the dictionary writes it."""
    return cell.strip("`").strip().replace("\\|", "|")


def test_committed_dictionary_is_current() -> None:
    assert COMMITTED.is_file(), "docs/data-dictionary.md is missing; run 'make docs'"
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == TEXT, "docs/data-dictionary.md is stale: run 'make docs' (or 'nme-data docs') and commit it"


def test_output_is_deterministic_and_location_independent(package_copy: Path) -> None:
    assert data_dictionary(PACKAGE) == TEXT
    assert data_dictionary(package_copy) == TEXT, "the dictionary must not depend on where the package lives"
    assert str(ROOT) not in TEXT
    assert TEXT.endswith("\n")
    assert not TEXT.endswith("\n\n")


def test_package_facts() -> None:
    descriptor = PACKAGE.descriptor
    assert f"# Data dictionary: {descriptor['title']}" in TEXT
    assert f"- Version: {descriptor['version']}" in TEXT
    for licence in descriptor["licenses"]:
        assert f"[{licence['name']}]({licence['path']})" in TEXT


def test_index_lists_every_table_with_rows() -> None:
    for table in PACKAGE.tables.values():
        assert f"| [`{table.name}`](#{table.name}) | {table.count_rows()} |" in TEXT


@pytest.mark.parametrize("name", TABLES)
def test_table_section(name: str) -> None:
    table = PACKAGE.table(name)
    text = section(name)
    assert f"**{table.title}.** {table.description}" in text
    assert f"- File: `{table.descriptor['path']}`" in text
    assert f"- Rows: {table.count_rows()}" in text
    assert f"- Primary key: {', '.join(f'`{k}`' for k in table.primary_key) or 'none'}" in text
    for key in table.foreign_keys:
        fields = key["fields"] if isinstance(key["fields"], str) else ", ".join(key["fields"])
        reference = key["reference"]
        target = reference["resource"] or name
        target_fields = reference["fields"] if isinstance(reference["fields"], str) else ", ".join(reference["fields"])
        assert f"`{fields}` → [`{target}.{target_fields}`](#{target})" in text
    if not table.foreign_keys:
        assert "- Foreign keys: none" in text


@pytest.mark.parametrize("name", TABLES)
def test_every_field_is_documented_in_order(name: str) -> None:
    table = PACKAGE.table(name)
    rows = field_rows(name)
    assert list(rows) == table.field_names
    for field in table.fields:
        cells = rows[field["name"]]
        assert len(cells) == 6, f"{name}.{field['name']}: the row must have six cells (pipes escaped)"
        assert cells[1].split(" ")[0].split(";")[0] == field["type"]
        required = bool(field.get("constraints", {}).get("required")) or field["name"] in table.primary_key
        assert cells[2] == ("yes" if required else "no")
        assert cells[4] == " ".join(field.get("description", "").split()).replace("|", "\\|")


@pytest.mark.parametrize("name", TABLES)
def test_constraints_are_rendered(name: str) -> None:
    rows = field_rows(name)
    for field in PACKAGE.table(name).fields:
        constraints = field.get("constraints", {})
        cell = rows[field["name"]][3]
        if "enum" in constraints:
            values = [f"`{v}`" for v in constraints["enum"]]
            if field.get("categoriesOrdered"):
                assert "ordered: " + " < ".join(values) in cell
            else:
                assert "one of " + ", ".join(values) in cell
        if "pattern" in constraints:
            assert unquote(cell.split("matches ", 1)[1].split(";")[0]) == constraints["pattern"]
        if constraints.get("unique"):
            assert "unique" in cell
        if "maxLength" in constraints:
            assert str(constraints["maxLength"]) in cell


@pytest.mark.parametrize("name", TABLES)
def test_examples_are_first_non_empty_csv_values(name: str) -> None:
    table = PACKAGE.table(name)
    header, records = csv_records(table)
    rows = field_rows(name)
    for field in table.fields:
        column = header.index(field["name"])
        values = [r[column] for r in records if column < len(r) and r[column] not in {"", *table.missing_values}]
        shown = rows[field["name"]][5]
        if not values:
            assert shown == "–"
            continue
        expected = " ".join(values[0].split())
        example = unquote(shown)
        if len(expected) <= EXAMPLE_WIDTH:
            assert example == expected
        else:
            assert example.endswith("…")
            assert len(example) <= EXAMPLE_WIDTH
            assert expected.startswith(example[:-1])


def test_ordered_enum_is_flagged() -> None:
    ordered = [
        (table.name, field)
        for table in PACKAGE.tables.values()
        for field in table.fields
        if field.get("categoriesOrdered")
    ]
    assert ordered, "the package has ordinal fields; the dictionary must say so"
    for name, field in ordered:
        assert field_rows(name)[field["name"]][3].startswith("ordered: ")


def test_render_constraints_wording() -> None:
    year = {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 1800, "maximum": 2100}}
    assert render_constraints(year) == "1800 ≤ value ≤ 2100"
    share = {"name": "p", "type": "number", "constraints": {"exclusiveMinimum": 0, "maximum": 100.0}}
    assert render_constraints(share) == "0 < value ≤ 100"
    text = {"name": "t", "type": "string", "constraints": {"minLength": 1}}
    assert render_constraints(text) == "length ≥ 1"
    odd = {"name": "o", "type": "string", "constraints": {"jsonSchema": {"b": 1, "a": 2}}}
    assert render_constraints(odd) == 'jsonSchema: `{"a": 2, "b": 1}`'
    assert render_constraints({"name": "x", "type": "string"}) == "–"
    piped = {"name": "c", "type": "string", "constraints": {"pattern": "a|b"}}
    assert render_constraints(piped) == "matches `a\\|b`"


def test_markdown_tables_keep_their_columns() -> None:
    widths = {len(UNESCAPED_PIPE.findall(line)) for line in TEXT.splitlines() if line.startswith("| `")}
    assert widths == {7}, "every field row must have exactly seven unescaped pipes"


def test_docs_module_does_not_need_pandas() -> None:
    code = (
        "import sys; import nme_data.docs as d; d.data_dictionary(); "
        "assert 'pandas' not in sys.modules, 'pandas was imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_cli_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "dictionary.md"
    runner = CliRunner()
    result = runner.invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert out.read_text(encoding="utf-8") == TEXT
    result = runner.invoke(main, ["docs", "--out", str(out), "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_cli_default_path_is_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["docs"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == TEXT


def test_cli_check_fails_on_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "dictionary.md"
    stale = TEXT.replace("- Version:", "- Version: 0.0.0 was", 1)
    out.write_text(stale, encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "out of date" in result.output
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == stale, "--check must not write"


def test_cli_check_fails_on_missing_file(tmp_path: Path) -> None:
    out = tmp_path / "absent.md"
    result = CliRunner().invoke(main, ["docs", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not out.exists()


def test_cli_reports_a_damaged_package(package_copy: Path, tmp_path: Path) -> None:
    (package_copy / "data" / "sites.csv").unlink()
    result = CliRunner().invoke(main, ["docs", "--source", str(package_copy), "--out", str(tmp_path / "d.md")])
    assert result.exit_code == 1
    assert "sites.csv" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_reports_an_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", "--out", str(blocker / "d.md")])
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert isinstance(result.exception, SystemExit)


def test_generate_docs_script_checks_the_committed_file(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "generate_docs.py"
    out = tmp_path / "dictionary.md"
    written = subprocess.run([sys.executable, str(script), "--out", str(out)], capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8") == TEXT
    checked = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    out.write_text("stale\n", encoding="utf-8")
    stale = subprocess.run([sys.executable, str(script), "--check", "--out", str(out)], capture_output=True, text=True)
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
