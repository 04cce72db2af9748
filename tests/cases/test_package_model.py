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
import shutil
import signal
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
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
from damage import Corruption, descriptor_text, edit_descriptor, resource, rewrite_bytes, rewrite_rows, set_cell
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

Location = tuple[str | None, int | None, str | None, str]
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


def set_property(table: str, key: str, value: object) -> Corruption:
    return edit_descriptor(lambda d: resource(d, table).update({key: value}))


def both(*corruptions: Corruption) -> Corruption:
    def corrupt(root: Path) -> None:
        for corruption in corruptions:
            corruption(root)

    return corrupt


def make_fifo(relative: str) -> Corruption:
    def corrupt(root: Path) -> None:
        os.mkfifo(root / relative)

    return corrupt


def symlink(relative: str, target: str | Path) -> Corruption:
    def corrupt(root: Path) -> None:
        (root / relative).symlink_to(target)

    return corrupt


def sparse_file(relative: str, size: int) -> Corruption:
    """A file of `size` bytes that takes no disk space: reading it whole is what must not happen."""

    def corrupt(root: Path) -> None:
        with (root / relative).open("wb") as handle:
            handle.truncate(size)

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


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def outside_secret(root: Path) -> Path:
    secret = root.parent / "secret.csv"
    secret.write_text("id\nleaked-value\n", encoding="utf-8")
    return secret


def link_outside(root: Path) -> None:
    (root / "data" / "link.csv").symlink_to(outside_secret(root))
    set_property("sites", "path", "data/link.csv")(root)


def link_loop(root: Path) -> None:
    (root / "data" / "a.csv").symlink_to("b.csv")
    (root / "data" / "b.csv").symlink_to("a.csv")
    set_property("sites", "path", "data/a.csv")(root)


SITES_UNSAFE: list[Location] = [("sites", None, None, "unsafe-path")]
SITES_UNSUPPORTED: list[Location] = [("sites", None, None, "unsupported-feature")]
PACKAGE_UNSAFE: list[Location] = [(None, None, None, "unsafe-path")]
#: A fake quote and a formula hidden in history row 2: the semantic layer must catch both.
HIDDEN = both(
    set_cell("history", 2, "evidence", "William Becker first described NME and glucagonoma in 1942"),
    set_cell("history", 2, "person", '=HYPERLINK("http://example.org")'),
)
HIDDEN_FOUND: list[Location] = [
    ("history", 2, "evidence", "evidence-not-verbatim"),
    ("history", 2, "person", "formula-injection"),
]

URL_SPELLINGS = {
    "https": "https://example.org/sites.csv",
    "upper-case": "HTTPS://example.org/sites.csv",
    "leading-space": " https://example.org/sites.csv",
    "leading-tab": "\thttps://example.org/sites.csv",
    "trailing-newline": "https://example.org/sites.csv\n",
    "scheme-relative": "//example.org/sites.csv",
    "file-uri": "file:///etc/passwd",
    "file-relative": "file:data/sites.csv",
    "full-width": "ｈｔｔｐｓ：／／example.org/sites.csv",
    "backslashes": "https:\\\\example.org\\sites.csv",
    "unc": "\\\\example.org\\share\\sites.csv",
    "drive-letter": "C:\\data\\sites.csv",
    "data-uri": "data:text/csv,id%0A1",
    "ftp": "ftp://example.org/sites.csv",
}
OTHER_UNSAFE = {
    "absolute": "/etc/passwd",
    "home": "~/sites.csv",
    "climbing": "../../etc/passwd",
    "climbing-inside": "data/../../etc/passwd",
    "nul": "data/sites.csv\x00.txt",
    "control": "data/\x1bsites.csv",
    "bidi-override": "data/\u202evsc.setis",
    "over-long-name": "data/" + "s" * 300 + ".csv",
    "over-long-path": "/".join(["d" * 200] * 6) + ".csv",
    "directory": "data",
    "empty": "",
}

CASES: dict[str, tuple[Corruption, list[Location]]] = {
    # canonical form: refused features name the resource
    "inline-data": (
        edit_descriptor(lambda d: resource(d, "sites").update(data=[["id"], ["x"]])),
        SITES_UNSUPPORTED,
    ),
    "inline-data-without-path": (
        edit_descriptor(lambda d: (resource(d, "sites").pop("path"), resource(d, "sites").update(data=[]))),
        SITES_UNSUPPORTED,
    ),
    "semicolon-dialect": (
        both(
            set_property("sites", "dialect", {"delimiter": ";"}),
            rewrite_bytes("sites", lambda b: b.replace(b",", b";")),
        ),
        SITES_UNSUPPORTED,
    ),
    "semicolon-dialect-file": (
        both(
            lambda root: (root / "dialect.json").write_text('{"delimiter": ";"}', encoding="utf-8"),
            set_property("sites", "dialect", "dialect.json"),
        ),
        SITES_UNSUPPORTED,
    ),
    "csv-control-dialect": (set_property("sites", "dialect", {"csv": {"delimiter": "\t"}}), SITES_UNSUPPORTED),
    "header-free-dialect": (set_property("sites", "dialect", {"header": False}), SITES_UNSUPPORTED),
    "multipart-path": (set_property("sites", "path", ["data/sites.csv", "data/sites.csv"]), SITES_UNSUPPORTED),
    "compression": (set_property("sites", "compression", "gz"), SITES_UNSUPPORTED),
    "innerpath": (set_property("sites", "innerpath", "sites.csv"), SITES_UNSUPPORTED),
    "format-xlsx": (set_property("sites", "format", "xlsx"), SITES_UNSUPPORTED),
    "mediatype-json": (set_property("sites", "mediatype", "application/json"), SITES_UNSUPPORTED),
    "encoding-latin-1": (set_property("sites", "encoding", "latin-1"), SITES_UNSUPPORTED),
    "scheme-https": (set_property("sites", "scheme", "https"), SITES_UNSUPPORTED),
    "not-csv-extension": (
        both(
            lambda root: shutil.copy(root / "data" / "sites.csv", root / "data" / "sites.txt"),
            edit_descriptor(
                lambda d: (resource(d, "sites").pop("format"), resource(d, "sites").update(path="data/sites.txt"))
            ),
        ),
        SITES_UNSUPPORTED,
    ),
    "fields-match-subset": (
        edit_descriptor(lambda d: resource(d, "sites")["schema"].update(fieldsMatch="subset")),
        SITES_UNSUPPORTED,
    ),
    "named-custom-profile": (
        edit_descriptor(lambda d: d.update(profile="fiscal-data-package")),
        [(None, None, None, "unsupported-feature")],
    ),
    "local-profile-file": (
        edit_descriptor(lambda d: d.update(profile="some.json")),
        [(None, None, None, "unsupported-feature")],
    ),
    "resource-custom-profile": (set_property("sites", "profile", "my-resource"), SITES_UNSUPPORTED),
    "schema-url-profile": (
        edit_descriptor(lambda d: resource(d, "sites")["schema"].update({"$schema": " https://example.org/s.json"})),
        SITES_UNSAFE,
    ),
    # paths: every property, every spelling
    **{f"path-{kind}": (set_property("sites", "path", value), SITES_UNSAFE) for kind, value in URL_SPELLINGS.items()},
    **{f"path-{kind}": (set_property("sites", "path", value), SITES_UNSAFE) for kind, value in OTHER_UNSAFE.items()},
    **{
        f"schema-{kind}": (set_property("sites", "schema", value), SITES_UNSAFE)
        for kind, value in URL_SPELLINGS.items()
    },
    **{
        f"dialect-{kind}": (set_property("sites", "dialect", value), SITES_UNSAFE)
        for kind, value in URL_SPELLINGS.items()
    },
    **{
        f"profile-{kind}": (edit_descriptor(lambda d, v=value: d.update(profile=v)), PACKAGE_UNSAFE)
        for kind, value in URL_SPELLINGS.items()
    },
    "dollar-schema-leading-tab": (
        edit_descriptor(lambda d: d.update({"$schema": "\thttps://example.org/profile.json"})),
        PACKAGE_UNSAFE,
    ),
    "list-path-with-url": (set_property("sites", "path", ["data/sites.csv", " https://x.org/a.csv"]), SITES_UNSAFE),
    "schema-climbing": (set_property("sites", "schema", "../schema.json"), SITES_UNSAFE),
    "symlink-escape": (link_outside, SITES_UNSAFE),
    "symlink-loop": (link_loop, SITES_UNSAFE),
    "fifo-path": (both(make_fifo("data/pipe.csv"), set_property("sites", "path", "data/pipe.csv")), SITES_UNSAFE),
    "fifo-list-path": (
        both(make_fifo("data/pipe.csv"), set_property("sites", "path", ["data/pipe.csv"])),
        SITES_UNSAFE,
    ),
    "fifo-schema": (both(make_fifo("schema.json"), set_property("sites", "schema", "schema.json")), SITES_UNSAFE),
    "fifo-dialect": (both(make_fifo("dialect.json"), set_property("sites", "dialect", "dialect.json")), SITES_UNSAFE),
    "device-path": (set_property("sites", "path", "data/null.csv"), SITES_UNSAFE),
    "schema-missing-file": (
        set_property("sites", "schema", "schemas/none.json"),
        [("sites", None, None, "file-not-found")],
    ),
    # descriptor budgets
    "deep-nesting": (
        descriptor_text('{"resources": [{"name": "x", "path": "data/sites.csv", "notes": ' + nested(400) + "}]}"),
        [(None, None, None, "descriptor-too-large")],
    ),
    "very-deep-nesting": (descriptor_text(nested(100_000)), [(None, None, None, "descriptor-too-large")]),
    "just-too-deep": (
        edit_descriptor(lambda d: d.update(notes=json.loads(nested(limits.MAX_JSON_DEPTH)))),
        [(None, None, None, "descriptor-too-large")],
    ),
    "huge-integer": (
        descriptor_text('{"resources": [], "x": ' + "9" * 5000 + "}"),
        [(None, None, None, "descriptor-too-large")],
    ),
    "31-digit-integer": (
        descriptor_text('{"resources": [], "x": ' + "9" * (limits.MAX_NUMBER_DIGITS + 1) + "}"),
        [(None, None, None, "descriptor-too-large")],
    ),
    "huge-float": (descriptor_text('{"resources": [], "x": 1e999}'), [(None, None, None, "descriptor-too-large")]),
    "nan": (descriptor_text('{"resources": [], "x": NaN}'), [(None, None, None, "descriptor-invalid-json")]),
    "infinity": (descriptor_text('{"resources": [], "x": -Infinity}'), [(None, None, None, "descriptor-invalid-json")]),
    "schema-file-nan": (
        both(
            lambda root: (root / "schema.json").write_text('{"fields": [{"name": "id", "x": NaN}]}', encoding="utf-8"),
            set_property("sites", "schema", "schema.json"),
        ),
        [("sites", None, None, "descriptor-invalid-json")],
    ),
    "oversized-descriptor": (
        edit_descriptor(lambda d: d.update(notes="x" * (limits.MAX_DESCRIPTOR_BYTES + 1))),
        [(None, None, None, "descriptor-too-large")],
    ),
    "too-many-resources": (
        edit_descriptor(lambda d: d.update(resources=d["resources"] * (limits.MAX_RESOURCES // 10))),
        [(None, None, None, "descriptor-too-large")],
    ),
    "too-many-fields": (
        edit_descriptor(
            lambda d: resource(d, "sites")["schema"]["fields"].extend(
                {"name": f"extra{i}"} for i in range(limits.MAX_COLUMNS)
            )
        ),
        [("sites", None, None, "descriptor-too-large")],
    ),
    "name-is-a-list": (set_property("sites", "name", ["sites"]), [(None, None, None, "descriptor-invalid")]),
    "field-without-name": (
        edit_descriptor(lambda d: resource(d, "history")["schema"]["fields"][0].pop("name")),
        [("history", None, None, "schema-error")],
    ),
    # header, by name and exactly
    "conditions-columns-swapped": (
        rewrite_rows("conditions", lambda r: [r[1], r[0], *r[2:]]),
        [("conditions", None, None, "header-order")],
    ),
    "extra-column-notes": (
        rewrite_rows("history", lambda r: [*r, "notes" if r[0] == "id" else ""]),
        [("history", None, "notes", "extra-label")],
    ),
    "extra-column-in-the-middle": (
        rewrite_rows("history", lambda r: [*r[:2], "notes" if r[0] == "id" else "x", *r[2:]]),
        [("history", None, "notes", "extra-label")],
    ),
    "missing-column": (
        rewrite_rows("history", lambda r: [c for i, c in enumerate(r) if i != 2]),
        [("history", None, "person", "missing-label")],
    ),
    "label-with-spaces": (
        rewrite_rows("history", lambda r: [" person " if c == "person" else c for c in r]),
        [("history", None, "person", "incorrect-label")],
    ),
    "blank-first-line": (rewrite_bytes("history", lambda b: b"\n" + b), [("history", None, None, "empty-file")]),
    "header-too-wide": (
        rewrite_rows("history", lambda r: r + ["x"] * limits.MAX_COLUMNS),
        [("history", None, None, "header-too-wide")],
    ),
    "header-of-100k-columns": (
        rewrite_bytes("history", lambda b: b",".join(b"c%d" % i for i in range(100_000)) + b"\n" + b),
        [("history", None, None, "header-too-wide")],
    ),
    "header-line-too-long": (
        rewrite_bytes("history", lambda b: b"x" * (limits.MAX_HEADER_BYTES + 10) + b),
        [("history", None, None, "header-too-wide")],
    ),
    # table budgets
    "too-many-rows": (
        rewrite_bytes("history", lambda b: b + b"\n" * (limits.MAX_ROWS + 1)),
        [("history", None, None, "too-many-rows")],
    ),
    "cell-too-large-multiline": (
        set_cell("history", 2, "person", ("y" * 1000 + "\n") * (limits.MAX_CELL_CHARS // 1000 + 1)),
        [("history", 2, "person", "cell-too-large")],
    ),
    # snapshot paths in sources.csv go through the same gate
    "snapshot-url": (
        set_cell("sources", 2, "path", " https://example.org/article.txt"),
        [("sources", 2, "path", "unsafe-path"), ("sources", 2, "path", "constraint-error")],
    ),
    "snapshot-climbing": (
        set_cell("sources", 2, "path", "../secret.csv"),
        [("sources", 2, "path", "unsafe-path"), ("sources", 2, "path", "constraint-error")],
    ),
    "snapshot-fifo": (
        both(make_fifo("source/pipe.txt"), set_cell("sources", 2, "path", "source/pipe.txt")),
        [("sources", 2, "path", "unsafe-path")],
    ),
    "snapshot-too-large": (
        both(
            sparse_file("source/big.txt", limits.MAX_SNAPSHOT_BYTES + 1),
            set_cell("sources", 2, "path", "source/big.txt"),
        ),
        [("sources", 2, "path", "file-too-large")],
    ),
}
SPOT_CHECKS = {"dialect-leading-tab", "schema-full-width", "profile-file-uri", "schema-climbing", "schema-file-nan"}
#: A device reached through a symlink inside the package: the link stays inside, the target does not.
DEVICE_CASES = {"device-path"}


def prepare(root: Path, case: str) -> None:
    if case in DEVICE_CASES:
        (root / "data" / "null.csv").symlink_to("/dev/null")
    CASES[case][0](root)


def locations(report: nme_data.validation.Report) -> list[Location]:
    return [(e.table, e.row, e.field, e.code) for e in report.sorted_errors()]


def crafted(validated_copy: ValidatedCopy, case: str) -> Validated:
    """The case's crafted copy and its report, made once for the library and the CLI test of the case."""
    return validated_copy(f"crafted:{case}", lambda root: prepare(root, case), tree_hashes_safe)


#: Every unsafe spelling in every property that names a file (path, schema, dialect, profile): the full product
#: runs in make test's slow phase. The main suite keeps MAIN_SPELLINGS for `path` and SPOT_CHECKS for the others,
#: and test_resolve_refuses_unsafe_references checks every spelling at the path gate itself.
SPELLING_MATRIX = {
    *(f"path-{kind}" for kind in [*URL_SPELLINGS, *OTHER_UNSAFE]),
    *(f"{prop}-{kind}" for prop in ("schema", "dialect", "profile") for kind in URL_SPELLINGS),
}
MAIN_SPELLINGS = {
    "path-https",
    "path-leading-tab",
    "path-full-width",
    "path-file-uri",
    "path-absolute",
    "path-climbing-inside",
    "path-nul",
    "path-bidi-override",
}


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
        "import sys, nme_data.schemas, nme_data.loader, nme_data.raw, nme_data.package; "
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
    from nme_data.dtypes import ConversionError
    from nme_data.loader import read_table
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
