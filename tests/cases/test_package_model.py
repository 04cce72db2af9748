"""The package model: one canonical form, one path gate, one header reading, budgets instead of hangs.

Each crafted copy is validated through the library and the CLI (one JSON document, exact located
errors), under a deadline so that a FIFO that got opened fails the test instead of hanging it, and
with every file of the copy hashed before and after. The two tests of a case share the copy and its
validation (`validated_copy` in conftest).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from catalogue import case_copy
from conftest import (
    Validated,
    ValidatedCopy,
    assert_schema_refused,
    descriptor_of,
    read_rows,
    schema_edited,
    shared_case,
    tree_hashes,
)
from crafted_cases import (
    CASES,
    MAIN_SPELLINGS,
    OTHER_UNSAFE,
    SPELLING_MATRIX,
    SPOT_CHECKS,
    URL_SPELLINGS,
    Location,
    both,
    outside_secret,
    prepare,
    set_property,
)
from damage import Corruption, edit_descriptor, resource, rewrite_bytes, set_cell
from nme_data.cli import main
from nme_data.package import (
    DataPackage,
    EmptyTableError,
    HeaderError,
    MissingFileError,
    PackageError,
    UnsafePathError,
    UnsupportedFeatureError,
    limits,
)

#: Generous for a slow CI runner; a FIFO opened by mistake would block forever, not for a minute.
DEADLINE_SECONDS = 120


class Blocked(BaseException):
    """Raised by the deadline. Not an OSError (as TimeoutError is), nor an Exception: code under test that
    catches those and reports "descriptor-not-found" must not turn a blocked open into a passing test."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang, when something blocks (opening a FIFO blocks until a writer comes)."""

    def expire(signum: int, frame: object) -> None:
        raise Blocked("validation did not finish: something blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(DEADLINE_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---- corruptions ---------------------------------------------------------------------------------


def symlink(relative: str, target: str | Path) -> Corruption:
    def corrupt(root: Path) -> None:
        (root / relative).symlink_to(target)

    return corrupt


def schemas_as_files(root: Path) -> None:
    """Every schema moved to an in-package JSON file: a supported spelling the model resolves."""
    descriptor = descriptor_of(root)
    (root / "schemas").mkdir()
    for item in descriptor["resources"]:
        name = f"schemas/{item['name']}.json"
        (root / name).write_text(json.dumps(item["schema"], indent=1), encoding="utf-8")
        item["schema"] = name
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


#: A fake quote and a formula hidden in history row 2: the semantic layer must catch both.
HIDDEN = both(
    set_cell("history", 2, "evidence", "William Becker first described NME and glucagonoma in 1942"),
    set_cell("history", 2, "person", '=HYPERLINK("http://example.org")'),
)
HIDDEN_FOUND: list[Location] = [
    ("history", 2, "evidence", "evidence-not-verbatim"),
    ("history", 2, "person", "formula-injection"),
]


def locations(report: nme_data.validation.Report) -> list[Location]:
    return [(e.table, e.row, e.field, e.code) for e in report.sorted_errors()]


def crafted(validated_copy: ValidatedCopy, case: str) -> Validated:
    """The case's crafted copy and its report, made once for the library and the CLI test of the case."""
    return case_copy(validated_copy, "crafted", case, lambda root: prepare(root, case), tree_hashes_safe)


def crafted_case(case: str) -> pytest.ParameterSet:
    """A crafted case whose tests share its copy; the spelling matrix beyond the spot checks is `slow`."""
    param = shared_case("crafted", case)
    if case in SPELLING_MATRIX - SPOT_CHECKS - MAIN_SPELLINGS:
        return pytest.param(case, marks=[*param.marks, pytest.mark.slow])
    return param


@pytest.mark.parametrize("case", [crafted_case(c) for c in CASES])
def test_crafted_copy_is_reported_exactly(validated_copy: ValidatedCopy, case: str, deadline: None) -> None:
    copy = crafted(validated_copy, case)
    report = copy.report
    if schema_edited(copy.root):  # since 3.0.0 the release's schema judges: a crafted descriptor is refused first
        assert_schema_refused([e.code for e in report.errors], report.tables_checked)
    else:
        assert sorted(locations(report), key=str) == sorted(CASES[case][1], key=str), report.to_text()[:3000]
    assert all(e.message for e in report.errors)
    assert "leaked-value" not in report.to_json()
    assert tree_hashes_safe(copy.root) == copy.before


#: The CLI runs every case but the spelling matrix, of which it takes one property (path) in full.
CLI_CASES = [c for c in CASES if not c.startswith(("dialect-", "schema-", "profile-")) or c in SPOT_CHECKS]


@pytest.mark.parametrize("case", [crafted_case(c) for c in CLI_CASES])
def test_crafted_copy_through_the_cli(validated_copy: ValidatedCopy, case: str, deadline: None) -> None:
    copy = crafted(validated_copy, case)
    assert copy.cli_exit_code == 1, (copy.cli_output + copy.cli_stderr)[:2000]  # the CLI's own validation
    document = json.loads(copy.cli_output)  # exactly one JSON document
    if schema_edited(copy.root):
        assert_schema_refused([e["code"] for e in document["errors"]], document["tables"])
    else:
        assert {(e["table"], e["row"], e["field"], e["code"]) for e in document["errors"]} == set(CASES[case][1])
    assert "Traceback" not in copy.cli_output + copy.cli_stderr


def tree_hashes_safe(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file of the copy; FIFOs and symlinks are skipped (reading them would block)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode)
    }


# ---- supported spellings still get every check -----------------------------------------------------

SPELLINGS: dict[str, Corruption] = {
    "schema-files": schemas_as_files,
    "crlf": rewrite_bytes("history", lambda b: b.replace(b"\n", b"\r\n")),
    "bom": rewrite_bytes("history", lambda b: b"\xef\xbb\xbf" + b),
    "bom-crlf-all-quoted": lambda root: (root / "data" / "history.csv").write_bytes(
        b"\xef\xbb\xbf"
        + "\r\n".join(",".join(f'"{c}"' for c in row) for row in read_rows(root / "data" / "history.csv")).encode()
        + b"\r\n"
    ),
    "default-dialect": set_property("history", "dialect", {"delimiter": ",", "header": True, "quoteChar": '"'}),
    "default-dialect-file": both(
        lambda root: (root / "dialect.json").write_text('{"delimiter": ",", "doubleQuote": true}', encoding="utf-8"),
        set_property("history", "dialect", "dialect.json"),
    ),
}


#: Spellings of the descriptor rather than of the data: the release's schema is spelled one way only.
DESCRIPTOR_SPELLINGS = {"schema-files", "default-dialect", "default-dialect-file"}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_supported_spelling_is_valid(package_copy: Path, spelling: str) -> None:
    """Data spellings stay valid; a descriptor spelled otherwise than the release's (schemas in files, a
    default dialect) is since 3.0.0 `schema-differs`, though the package model still reads it the same."""
    SPELLINGS[spelling](package_copy)
    report = nme_data.validate(package_copy)
    if spelling in DESCRIPTOR_SPELLINGS:
        assert_schema_refused([e.code for e in report.errors], report.tables_checked)
    else:
        assert report.valid, report.to_text()[:3000]
    assert len(nme_data.load("history", source=package_copy, validate=False)) == len(nme_data.load("history"))


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_supported_spelling_still_gets_the_semantic_checks(validated_copy: ValidatedCopy, spelling: str) -> None:
    copy = validated_copy(f"hidden:{spelling}", both(HIDDEN, SPELLINGS[spelling]), tree_hashes)
    expected = [] if spelling in DESCRIPTOR_SPELLINGS else HIDDEN_FOUND
    assert copy.cli_exit_code == 1
    got = [(e["table"], e["row"], e["field"], e["code"]) for e in json.loads(copy.cli_output)["errors"]]
    if spelling in DESCRIPTOR_SPELLINGS:  # refused before the data is read: the hidden edits never reach a rule
        assert_schema_refused([e.code for e in copy.report.errors], copy.report.tables_checked)
        assert_schema_refused([code for *_, code in got])
    else:
        assert locations(copy.report) == expected
        assert got == expected
    assert tree_hashes(copy.root) == copy.before


def test_normalised_descriptor_has_inline_schemas_and_no_dialect(package_copy: Path) -> None:
    schemas_as_files(package_copy)
    set_property("history", "dialect", {"delimiter": ","})(package_copy)
    package = DataPackage.open(package_copy)
    assert package.problems == []
    for item in package.normalised["resources"]:
        assert isinstance(item["schema"], dict)
        assert "dialect" not in item
    assert package.table("history").field_names == read_rows(package_copy / "data" / "history.csv")[0]


# ---- the header: one error per table, no knock-on errors -------------------------------------------


def test_column_swap_is_one_error_naming_the_expected_order(package_copy: Path) -> None:
    CASES["conditions-columns-swapped"][0](package_copy)
    (error,) = nme_data.validate(package_copy).errors
    fields = nme_data.package.DataPackage.open(package_copy).table("conditions").field_names
    assert ", ".join(fields) in error.message
    with pytest.raises(HeaderError) as raised:
        nme_data.load("conditions", source=package_copy, validate=False)
    assert error.message in str(raised.value)


def test_extra_column_says_where_to_add_the_field(package_copy: Path) -> None:
    CASES["extra-column-notes"][0](package_copy)
    (error,) = nme_data.validate(package_copy).errors
    assert "'notes'" in error.message
    assert "datapackage.json" in error.message
    with pytest.raises(HeaderError, match="notes"):
        nme_data.load("history", source=package_copy, validate=False)


def test_missing_column_says_add_it_or_remove_the_field(package_copy: Path) -> None:
    CASES["missing-column"][0](package_copy)
    (error,) = nme_data.validate(package_copy).errors
    assert "add the column" in error.message
    assert "remove the field from datapackage.json" in error.message


def test_label_with_spaces_is_named(package_copy: Path) -> None:
    CASES["label-with-spaces"][0](package_copy)
    (error,) = nme_data.validate(package_copy).errors
    assert "' person '" in error.message
    assert "spaces" in error.message
    with pytest.raises(HeaderError):
        nme_data.load("history", source=package_copy, validate=False)


# ---- the loader refuses what the validator refuses, with the package's own errors ------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", EmptyTableError), (b"\xef\xbb\xbf", EmptyTableError), (b"\n\n", EmptyTableError)],
    ids=["zero-bytes", "bom-only", "blank-lines"],
)
def test_loader_raises_package_errors_for_an_empty_table(package_copy: Path, content: bytes, error: type) -> None:
    (package_copy / "data" / "sites.csv").write_bytes(content)
    with pytest.raises(error) as raised:
        nme_data.load("sites", source=package_copy, validate=False)
    assert isinstance(raised.value, nme_data.PackageError)
    with pytest.raises(nme_data.PackageError):
        nme_data.load_all(package_copy, validate=False)


@pytest.mark.parametrize(
    ("case", "error"),
    [
        pytest.param(case, error, marks=pytest.mark.xdist_group(f"crafted:{case}"))  # shares the crafted copy
        for case, error in [
            ("inline-data", UnsupportedFeatureError),
            ("semicolon-dialect", UnsupportedFeatureError),
            ("path-leading-tab", UnsafePathError),
            ("symlink-escape", UnsafePathError),
            ("fifo-path", UnsafePathError),
            ("conditions-columns-swapped", HeaderError),
            ("header-of-100k-columns", HeaderError),
            ("header-line-too-long", HeaderError),
        ]
    ],
)
def test_loader_refuses_what_the_validator_refuses(
    validated_copy: ValidatedCopy, case: str, error: type, deadline: None
) -> None:
    copy = crafted(validated_copy, case)
    table = "conditions" if case.startswith("conditions") else "history" if case.startswith("header") else "sites"
    (expected,) = copy.report.errors
    with pytest.raises(nme_data.InvalidPackageError) as refused:
        nme_data.load(table, source=copy.root)
    assert refused.value.report.to_dict()["errors"] == copy.report.to_dict()["errors"]
    assert refused.value.code == expected.code
    with pytest.raises(error) as raised:  # without validation, the loader still refuses the table itself
        nme_data.load(table, source=copy.root, validate=False)
    if schema_edited(copy.root):  # validate refused the crafted descriptor first; the model refuses it too
        assert expected.code == "schema-differs"
    else:
        assert expected.message in str(raised.value)


def test_cli_show_of_a_refused_table_is_a_clean_error(package_copy: Path) -> None:
    CASES["conditions-columns-swapped"][0](package_copy)
    result = CliRunner().invoke(main, ["show", "conditions", "--source", str(package_copy)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "expected" in result.output


# ---- the path gate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", [*URL_SPELLINGS.values(), *OTHER_UNSAFE.values(), 7, None, ["a"]])
def test_resolve_refuses_unsafe_references(reference: object) -> None:
    package = DataPackage.open()
    with pytest.raises(UnsafePathError):
        package.resolve(reference)  # type: ignore[arg-type]


def test_resolve_gives_a_path_inside_the_package(package_copy: Path) -> None:
    package = DataPackage.open(package_copy)
    assert package.resolve("data/sites.csv") == package_copy / "data" / "sites.csv"
    assert package.table("sites").path == package_copy / "data" / "sites.csv"
    (package_copy / "data" / "alias.csv").symlink_to("sites.csv")
    assert package.resolve("data/alias.csv") == package_copy / "data" / "alias.csv"
    with pytest.raises(MissingFileError):
        package.resolve("data/none.csv")
    assert issubclass(UnsafePathError, PackageError)
    assert issubclass(MissingFileError, PackageError)


def test_resolve_refuses_a_fifo_without_opening_it(package_copy: Path, deadline: None) -> None:
    os.mkfifo(package_copy / "pipe")
    with pytest.raises(UnsafePathError, match="FIFO"):
        DataPackage.open(package_copy).resolve("pipe")


def test_descriptor_that_is_a_fifo_is_not_opened(tmp_path: Path, deadline: None) -> None:
    os.mkfifo(tmp_path / "datapackage.json")
    assert locations(nme_data.validate(tmp_path)) == [(None, None, None, "descriptor-not-found")]
    with pytest.raises(PackageError):
        DataPackage.open(tmp_path)


def test_private_shim_is_gone() -> None:
    """`nme_data.package` is the one import path of the model; the old private shim `_package` is removed."""
    import importlib.util

    spec = importlib.util.find_spec("nme_data._package")
    # in a wheel the name is only the data folder (no module); in a checkout it does not exist
    assert spec is None or spec.origin is None or not spec.origin.endswith(".py")
    assert nme_data.PackageError is PackageError


def test_budgets_are_the_documented_values() -> None:
    """The Limits table of docs/validation.md quotes these; change both together."""
    assert (limits.MAX_DESCRIPTOR_BYTES, limits.MAX_JSON_DEPTH, limits.MAX_NUMBER_DIGITS) == (5 * 2**20, 32, 30)
    assert (limits.MAX_COLUMNS, limits.MAX_HEADER_BYTES, limits.MAX_ROWS) == (1000, 2**20, 1_000_000)
    assert (limits.MAX_ANCHOR_ROWS, limits.ANCHORS_TABLE) == (1_300_000, "evidence_anchors")
    assert limits.MAX_RESOURCES == 1000
    assert (limits.MAX_CELL_CHARS, limits.MAX_TABLE_BYTES, limits.MAX_SNAPSHOT_BYTES) == (
        2**20,
        512 * 2**20,
        50 * 2**20,
    )


def test_descriptor_linked_from_outside_is_not_read(package_copy: Path) -> None:
    outside = package_copy.parent / "elsewhere.json"
    (package_copy / "datapackage.json").replace(outside)
    (package_copy / "datapackage.json").symlink_to(outside)
    assert locations(nme_data.validate(package_copy)) == [(None, None, None, "unsafe-path")]
    with pytest.raises(UnsafePathError):
        DataPackage.open(package_copy)


def test_zip_export_refuses_a_link_out_of_the_package(package_copy: Path, tmp_path: Path) -> None:
    from nme_data.export import ExportError, export_zip

    secret = outside_secret(package_copy)
    (package_copy / "source" / "extra.txt").symlink_to(secret)  # named by nothing: left out, never followed
    written = export_zip(package_copy, tmp_path / "kept", include_exports=False)
    assert "source/extra.txt" not in zipfile.ZipFile(written).namelist()
    snapshot = package_copy / "source" / "necrolytic-migratory-erythema.txt"  # the snapshot sources.csv names
    snapshot.unlink()
    snapshot.symlink_to(secret)
    with pytest.raises(ExportError, match="leaves the package"):
        export_zip(package_copy, tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.zip"))


def test_resolve_refuses_a_device_without_opening_it() -> None:
    from nme_data.package.paths import resolve_reference

    with pytest.raises(UnsafePathError, match="character device"):
        resolve_reference(Path("/dev"), "null")


def test_lower_layers_do_not_import_the_validator() -> None:
    """schemas, the loader and the package model sit below validation: no import reaches up."""
    import subprocess
    import sys

    code = (
        "import sys, nme_data.frames.schemas, nme_data.frames.loader, nme_data.package.raw, nme_data.package; "
        "print(sorted(m for m in sys.modules if m.startswith('nme_data.validation')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_standard_profile_urls_never_reach_frictionless(package_copy: Path) -> None:
    """Frictionless downloads any `profile` that is not a bare name; the model drops what means the same."""
    url = "https://datapackage.org/profiles/1.0/{}.json"

    def change(descriptor: dict) -> None:
        descriptor["profile"] = url.format("datapackage")
        resource(descriptor, "sites").update(profile=url.format("dataresource"))
        resource(descriptor, "sites")["schema"]["$schema"] = url.format("tableschema")

    edit_descriptor(change)(package_copy)
    package = DataPackage.open(package_copy)
    assert package.problems == []
    normalised = json.dumps(package.normalised)
    assert "profiles/1.0" not in normalised
    assert package.normalised["$schema"] == descriptor_of(package_copy)["$schema"]
    report = nme_data.validate(package_copy)  # the model reads it; the release's schema refuses it
    assert_schema_refused([e.code for e in report.errors], report.tables_checked)


WEIRD_VALUES = [None, 1, 1.5, True, [], {}, [1], {"a": 1}, "x", ["x"], [{"a": 1}], [None], ""]
RESOURCE_KEYS = ["name", "path", "schema", "dialect", "data", "format", "encoding", "profile", "$schema", "type"]
SCHEMA_KEYS = ["fields", "primaryKey", "foreignKeys", "missingValues", "fieldsMatch", "$schema", "profile"]


@pytest.mark.parametrize(
    ("place", "key"),
    [("resource", k) for k in RESOURCE_KEYS]
    + [("schema", k) for k in SCHEMA_KEYS]
    + [("package", k) for k in ("resources", "profile", "$schema")]
    + [("field", k) for k in ("name", "type", "constraints", "trueValues")],
)
def test_no_descriptor_value_crashes_a_reader(package_copy: Path, place: str, key: str, deadline: None) -> None:
    """Any JSON value in any property ends as a located problem or a PackageError, never another exception."""
    from nme_data.frames.loader import read_table
    from nme_data.package.dtypes import ConversionError
    from nme_data.validation.preflight import run_preflight

    original = descriptor_of(package_copy)
    for value in WEIRD_VALUES:
        descriptor = json.loads(json.dumps(original))
        sites = resource(descriptor, "sites")
        target = {"resource": sites, "schema": sites["schema"], "package": descriptor}.get(place)
        target = sites["schema"]["fields"][1] if place == "field" else target
        target[key] = value
        (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        try:
            package = DataPackage.open(package_copy)
            pre = run_preflight(package)
            if "sites" in package.sound_tables and "sites" not in pre.damaged:
                read_table(package.sound_tables["sites"])
        except (PackageError, ConversionError):
            continue


def test_an_unreadable_table_is_reported_not_raised(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied (simulated: CI runs as root, which may read anything) is a located error."""
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "sites.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert locations(nme_data.validate(package_copy)) == [("sites", None, None, "scheme-error")]
    with pytest.raises(PackageError, match="Permission denied"):
        nme_data.load("sites", source=package_copy, validate=False)
