"""The package model's crafted copies (tests/cases/test_package_model.py): each case's damage and what the model must
say, and the unsafe-spelling matrix; the tier-1 differential suite runs them too."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from catalogue import Location
from damage import Corruption, descriptor_text, edit_descriptor, resource, rewrite_bytes, rewrite_rows, set_cell
from nme_data.package import (
    limits,
)


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


def sparse_file(relative: str, size: int) -> Corruption:
    """A file of `size` bytes that takes no disk space: reading it whole is what must not happen."""

    def corrupt(root: Path) -> None:
        with (root / relative).open("wb") as handle:
            handle.truncate(size)

    return corrupt


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
