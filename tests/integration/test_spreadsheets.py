"""Tables a spreadsheet saved: a locale's delimiter and a Windows code page are named, and fmt converts them back.

The first hour of a curator on a spreadsheet: `validate` says in one error per table which delimiter or
encoding the file uses (never 8 missing labels, never a bare byte), and `fmt --delimiter/--encoding`
turns the file back into the canonical bytes, all or nothing, without touching tables that are fine.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import copy_package, read_rows, tree_hashes, validate_through_the_cli, write_rows
from damage import spreadsheet_save
from nme_data.cli import main
from nme_data.curate.fmt import format_package
from nme_data.package import PackageError
from nme_data.package.sniff import guess_encoding, sniff_delimiter

TABLES = nme_data.table_names()
DELIMITERS = {"semicolon": (";", ";", "';' (semicolon)"), "tab": ("\t", "tab", "a tab"), "bar": ("|", "|", "'|'")}


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", DELIMITERS)
def test_every_table_with_another_delimiter_is_one_error_naming_it(package_copy: Path, kind: str) -> None:
    delimiter, option, name = DELIMITERS[kind]
    canonical = tree_hashes(package_copy)
    for table in TABLES:
        spreadsheet_save(table, delimiter)(package_copy)
    report, result = validate_through_the_cli(package_copy, "--format", "json", "--no-cache")
    assert sorted((e.table, e.row, e.field, e.code) for e in report.errors) == sorted(
        (table, None, None, "wrong-delimiter") for table in TABLES
    )
    assert all(name in e.message and f'--delimiter "{option}"' in (e.hint or "") for e in report.errors)
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert {e["code"] for e in document["errors"]} == {"wrong-delimiter"}
    assert len(document["errors"]) == len(TABLES)
    assert all(e["hint"] and e["path"].endswith(".csv") for e in document["errors"])
    with pytest.raises(PackageError, match="delimiter"):
        nme_data.load("sites", source=package_copy)
    damaged = tree_hashes(package_copy)
    code, output = cli("fmt", str(package_copy))
    assert code == 1
    assert f'--delimiter "{option}"' in output
    assert tree_hashes(package_copy) == damaged  # refused whole: nothing written
    code, output = cli("fmt", str(package_copy), "--delimiter", option)
    assert code == 0, output
    assert tree_hashes(package_copy) == canonical


def printed_command(text: str) -> list[str]:
    """The `nme-data fmt` command line a message prints between single quotes, as a shell would split it."""
    start = text.index("'nme-data fmt ")
    return shlex.split(text[start + 1 : text.rindex("'")])[1:]


@pytest.mark.parametrize("tables", [["history"], ["sites", "history", "conditions"]])
def test_a_semicolon_windows_1252_table_is_one_error_and_one_command_fixes_it(
    tmp_path: Path, tables: list[str]
) -> None:
    """Encoding and delimiter named together, once per table; the command printed (on this copy's real path,
    with a space in it) converts every table, where either option alone would not."""
    root = copy_package(tmp_path / "my copy")
    wanted = {table: edited(root, table, " – déjà vu") for table in tables}
    for table in tables:
        spreadsheet_save(table, ";", "cp1252")(root)
    report = nme_data.validate(root)
    assert sorted((e.table, e.code) for e in report.errors) == sorted((t, "encoding-error") for t in tables)
    for error in report.errors:
        assert "';' (semicolon)" in error.message
        assert "Windows-1252" in error.message
        assert printed_command(error.hint or "") == ["fmt", str(root), "--encoding", "cp1252", "--delimiter", ";"]
    damaged = tree_hashes(root)
    for partial in (["--encoding", "cp1252"], ["--delimiter", ";"], []):
        code, output = cli("fmt", str(root), *partial)
        assert code == 1
        assert printed_command(output) == ["fmt", str(root), "--encoding", "cp1252", "--delimiter", ";"]
        assert output.count("';' (semicolon)") == len(tables), "every table named, in one refusal"
        assert tree_hashes(root) == damaged
    code, output = cli(*printed_command(report.errors[0].hint or ""))
    assert code == 0, output
    assert {t: (root / "data" / f"{t}.csv").read_bytes() for t in tables} == wanted
    left = {e.code for e in nme_data.validate(root).errors}
    assert not left & {"encoding-error", "wrong-delimiter"}, "only the edit itself is left to judge"


def test_the_delimiter_option_leaves_comma_tables_alone(package_copy: Path) -> None:
    """A comma in a cell of a comma-delimited table is not read as ';' because the option was given."""
    canonical = tree_hashes(package_copy)
    spreadsheet_save("sites", ";")(package_copy)
    assert format_package(package_copy, delimiter=";").names() == ["data/sites.csv"]
    assert tree_hashes(package_copy) == canonical


def edited(package_copy: Path, table: str, text: str) -> bytes:
    """The table's canonical UTF-8 bytes once its first data row's last text cell ends with `text`."""
    path = package_copy / "data" / f"{table}.csv"
    rows = read_rows(path)
    column = rows[0].index("evidence") if "evidence" in rows[0] else 1
    rows[1][column] += text
    write_rows(path, rows)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("cp1252", " – déjà vu"), ("latin-1", " déjà vu\x90")],  # 0x90 is not a cp1252 character: only Latin-1
)
@pytest.mark.parametrize("table", ["history", "sites", "conditions"])
def test_a_code_page_is_named_and_fmt_converts_it(package_copy: Path, table: str, encoding: str, text: str) -> None:
    wanted = edited(package_copy, table, text)
    other = package_copy / "data" / "causes.csv"
    other_utf8 = edited(package_copy, "causes", " é")  # UTF-8 with an accent: must stay exactly as it is
    path = package_copy / "data" / f"{table}.csv"
    path.write_bytes(wanted.decode("utf-8").encode(encoding))
    first = next(i for i, byte in enumerate(wanted) if byte >= 0x80)  # where UTF-8 decoding fails
    line = wanted.count(b"\n", 0, first) + 1
    report, result = validate_through_the_cli(package_copy, "--no-cache")
    errors = [e for e in report.errors if e.code == "encoding-error"]
    assert [(e.table, e.row) for e in errors] == [(table, line)]
    assert f"({encoding})" in errors[0].message
    assert errors[0].hint == f"convert it to UTF-8 with 'nme-data fmt {package_copy} --encoding {encoding}'"
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert f"fmt {package_copy} --encoding {encoding}" in result.output
    before = tree_hashes(package_copy)
    code, output = cli("fmt", str(package_copy))  # without the option: refused, with the line, not an offset
    assert code == 1
    assert f"at line {line}" in output
    assert f"--encoding {encoding}" in output
    assert "offset" not in output
    assert tree_hashes(package_copy) == before
    code, output = cli("fmt", str(package_copy), "--encoding", encoding)
    assert code == 0, output
    assert path.read_bytes() == wanted
    assert other.read_bytes() == other_utf8


def test_a_file_that_is_not_the_named_encoding_either_is_refused_with_its_line(package_copy: Path) -> None:
    path = package_copy / "data" / "history.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"William Becker", b"William \x81Becker", 1))
    line = data.count(b"\n", 0, data.index(b"William Becker")) + 1
    before = tree_hashes(package_copy)
    code, output = cli("fmt", str(package_copy), "--encoding", "cp1252")
    assert code == 1
    assert f"not valid cp1252 either (byte 0x81 at line {line})" in output
    assert tree_hashes(package_copy) == before
    code, output = cli("fmt", str(package_copy), "--encoding", "no-such-codec")
    assert code == 1
    assert "unknown encoding 'no-such-codec'" in output
    assert tree_hashes(package_copy) == before


def test_fmt_reports_a_csv_error_by_line(package_copy: Path) -> None:
    path = package_copy / "data" / "sites.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", b',"x"y', 1)  # text after a closing quote: not CSV
    path.write_bytes(b"\n".join(lines))
    code, output = cli("fmt", str(package_copy))
    assert code == 1
    assert "at line 4" in output


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (("id;name;year",), ";"),
        (("id\tname\tyear",), "\t"),
        (("id|name|year",), "|"),
        (("id; name; year",), ";"),  # spaces after the delimiter
        (("id", "name", "yaer"), None),  # a comma header with a typo is a label problem
        (("notes;remarks",), None),  # splits, but into no field of the schema
        (("x" * 200_000 + ";id;name",), None),  # a label over the csv module's cell limit: no guess, no crash
    ],
)
def test_sniff_delimiter(labels: tuple[str, ...], expected: str | None) -> None:
    from nme_data.package.csvfile import field_limit

    # the csv module's default cell limit, whatever an earlier import in this process set it to (importing
    # frictionless's CSV parser raises it for good, and the differential tests run frictionless in-process)
    with field_limit(128 * 1024):
        assert sniff_delimiter(labels, ["id", "name", "year"]) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café – 70%".encode("cp1252"), "cp1252"),
        ("Café".encode("latin-1") + b"\x8d", "latin-1"),
        ("id\tname".encode("utf-16"), "utf-16"),
    ],
)
def test_guess_encoding(data: bytes, expected: str) -> None:
    assert guess_encoding(data) == expected


def test_a_huge_single_label_header_is_reported_not_crashed(package_copy: Path) -> None:
    path = package_copy / "data" / "history.csv"
    path.write_bytes(b"x" * 200_000 + b";id;name\n")
    report = nme_data.validate(package_copy)
    codes = {e.code for e in report.errors if e.table == "history"}
    assert "check-error" not in codes
    assert codes
    code, output = cli("fmt", str(package_copy))
    assert code == 1
    assert "history" in output
