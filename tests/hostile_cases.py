"""The hostile copies (tests/cases/test_hostile_copies.py): each crafted copy and what the CLI must report; the
tier-1 differential suite runs them too."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import copy_package, read_rows, write_rows
from loopback import Listener

CANARY = "CANARY-5e2a9b-outside-the-copy"


#: Not in the article: a quote that must be caught as not verbatim.
FAKE_QUOTE = "It particularly affects the skin around the elbows"


@dataclass
class Copy:
    """A damaged copy under construction: its root, the listener, and the canary outside it."""

    root: Path
    listener: Listener
    outside: Path

    @property
    def descriptor_path(self) -> Path:
        return self.root / "datapackage.json"

    def descriptor(self) -> dict:
        return json.loads(self.descriptor_path.read_text(encoding="utf-8"))

    def write_descriptor(self, descriptor: dict) -> None:
        self.descriptor_path.write_text(json.dumps(descriptor, indent=1), encoding="utf-8")

    def resource(self, descriptor: dict, name: str) -> dict:
        return next(r for r in descriptor["resources"] if r["name"] == name)

    def edit(self, change: Callable[[dict], None]) -> None:
        descriptor = self.descriptor()
        change(descriptor)
        self.write_descriptor(descriptor)

    def set(self, table: str | None, key: str, value: object) -> None:
        def change(descriptor: dict) -> None:
            (descriptor if table is None else self.resource(descriptor, table))[key] = value

        self.edit(change)

    def splice(self, table: str | None, raw: str) -> None:
        """Insert raw JSON text (which json.dumps cannot write: too deep, too long a number) as a property."""
        text = self.descriptor_path.read_text(encoding="utf-8")
        anchor = "{" if table is None else f'"name": "{table}"'
        at = text.index(anchor) + len(anchor)
        crafted = f' "x-crafted": {raw},' if table is None else f', "x-crafted": {raw}'
        self.descriptor_path.write_text(text[:at] + crafted + text[at:], encoding="utf-8")

    def table_path(self, table: str) -> Path:
        return self.root / "data" / f"{table}.csv"

    def set_cell(self, table: str, row: int, field: str, value: str) -> None:
        rows = read_rows(self.table_path(table))
        rows[row - 1][rows[0].index(field)] = value
        write_rows(self.table_path(table), rows)

    def fake_quote(self) -> None:
        self.set_cell("sites", 2, "evidence", FAKE_QUOTE)


Damage = Callable[[Copy], None]


#: (table, codes): some error must be at that table (None: the package; ANY_TABLE: anywhere) with one of
#: these codes (an empty set: any code).
Expected = list[tuple[str | None, set[str]]]


def inline_data(copy: Copy) -> None:
    rows = read_rows(copy.table_path("sites"))
    rows[1][rows[0].index("evidence")] = FAKE_QUOTE
    rows[1][rows[0].index("site")] = '=HYPERLINK("http://127.0.0.1/")'
    copy.edit(lambda d: (copy.resource(d, "sites").pop("path"), copy.resource(d, "sites").update(data=rows)))


def schema_file(copy: Copy) -> None:
    copy.fake_quote()
    descriptor = copy.descriptor()
    sites = copy.resource(descriptor, "sites")
    (copy.root / "data" / "sites.schema.json").write_text(json.dumps(sites["schema"]), encoding="utf-8")
    sites["schema"] = "data/sites.schema.json"
    copy.write_descriptor(descriptor)


def semicolons(copy: Copy) -> None:
    copy.fake_quote()
    path = copy.table_path("sites")
    rows = read_rows(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        import csv

        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
    copy.set("sites", "dialect", {"delimiter": ";"})


def spaced_labels(copy: Copy) -> None:
    copy.fake_quote()
    rows = read_rows(copy.table_path("sites"))
    rows[0] = [f" {label} " for label in rows[0]]
    write_rows(copy.table_path("sites"), rows)


def crlf(copy: Copy) -> None:
    copy.fake_quote()
    path = copy.table_path("sites")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def bom(copy: Copy) -> None:
    copy.fake_quote()
    path = copy.table_path("sites")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def nan_in_descriptor(copy: Copy) -> None:
    copy.splice("sites", "NaN")


def fifo(where: str) -> Damage:
    def damage(copy: Copy) -> None:
        os.mkfifo(copy.root / "data" / "pipe")
        if where == "path":
            copy.set("sites", "path", ["data/pipe"])
        else:
            copy.set("sites", where, "data/pipe")

    return damage


def symlink_loop(copy: Copy) -> None:
    (copy.root / "data" / "loop.csv").symlink_to("loop.csv")
    copy.set("sites", "path", "data/loop.csv")


def long_name(copy: Copy) -> None:
    copy.set("sites", "path", "data/" + "a" * 300 + ".csv")


def sparse_snapshot(copy: Copy) -> None:
    with (copy.root / "source" / "necrolytic-migratory-erythema.txt").open("r+b") as handle:
        handle.truncate(1_200_000_000)  # a hole: no disk used


def catastrophic_pattern(copy: Copy) -> None:
    def change(descriptor: dict) -> None:
        fields = copy.resource(descriptor, "sites")["schema"]["fields"]
        site = next(f for f in fields if f["name"] == "site")
        site["constraints"]["pattern"] = "^(a+)+$"

    copy.edit(change)
    copy.set_cell("sites", 3, "site", "a" * 60 + "!")


def wide_header(copy: Copy) -> None:
    path = copy.table_path("sites")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] += "".join(f",c{i}" for i in range(100_000))
    path.write_text("\n".join(lines), encoding="utf-8")


def regex_and_dangling_key(copy: Copy) -> None:
    def change(descriptor: dict) -> None:
        fields = copy.resource(descriptor, "conditions")["schema"]["fields"]
        next(f for f in fields if f["name"] == "id")["constraints"]["pattern"] = "(["

    copy.edit(change)
    copy.set_cell("associations", 2, "subject_id", "no-such-condition")


def surrogate_name(copy: Copy) -> None:
    """sites renamed with a lone surrogate (a JSON escape), with an error in it so that text output names it."""
    copy.set_cell("sites", 3, "prominence", "often")
    text = copy.descriptor_path.read_text(encoding="utf-8")
    copy.descriptor_path.write_text(text.replace('"name": "sites"', '"name": "si\\udc80tes"', 1), encoding="utf-8")


def surrogate_cell(copy: Copy) -> None:
    path = copy.table_path("sites")
    path.write_bytes(path.read_bytes().replace(b"intro-buttocks", b"intro-butt\xed\xb2\x80ocks", 1))


def canary_at(reference: Callable[[Copy], str]) -> Damage:
    def damage(copy: Copy) -> None:
        copy.set("history", "path", reference(copy))

    return damage


def canary_symlink(copy: Copy) -> None:
    (copy.root / "data" / "history-link.csv").symlink_to(copy.outside / "canary.csv")
    copy.set("history", "path", "data/history-link.csv")


#: Every spelling of a URL that must be refused; each is put in a profile, a schema, a dialect and a path.
URL_SPELLINGS: dict[str, Callable[[Listener], str]] = {
    "plain": lambda listener: f"{listener.url}/x.json",
    "leading space": lambda listener: f" {listener.url}/x.json",
    "leading tab": lambda listener: f"\t{listener.url}/x.json",
    "upper-case scheme": lambda listener: f"HTTP://127.0.0.1:{listener.port}/x.json",
    "no scheme": lambda listener: f"//127.0.0.1:{listener.port}/x.json",
    "backslashes": lambda listener: f"\\\\127.0.0.1:{listener.port}\\x.json",
    "file URL": lambda listener: "file:///etc/hostname",
}


def urls_everywhere(spelling: Callable[[Listener], str]) -> Damage:
    def damage(copy: Copy) -> None:
        url = spelling(copy.listener)

        def change(descriptor: dict) -> None:
            descriptor["profile"] = url
            copy.resource(descriptor, "sites")["schema"] = url
            copy.resource(descriptor, "history")["dialect"] = url
            copy.resource(descriptor, "causes")["path"] = url

        copy.edit(change)

    return damage


URL_CODES = {"unsafe-path", "unsupported-feature"}


REFUSED = {"unsafe-path", "unsupported-feature", "descriptor-invalid"}


BUDGET = {"descriptor-too-large", "budget-exceeded", "descriptor-invalid", "descriptor-invalid-json"}


FIELD = {"schema-error", "field-error", "descriptor-invalid", "package-error", "resource-error"}


CASES: dict[str, tuple[Damage, Expected]] = {
    # false "valid": each spelling frictionless accepts but the semantic layer read differently
    "inline data": (inline_data, [("sites", {"unsupported-feature"})]),
    "dialect with ';'": (semicolons, [("sites", {"unsupported-feature"})]),
    "header labels with spaces": (
        spaced_labels,
        [("sites", {"incorrect-label", "unsupported-feature", "extra-label", "missing-label"})],
    ),
    "evidence only the separator": (
        lambda copy: copy.set_cell("sites", 2, "evidence", " [...] "),
        [("sites", {"evidence-too-short"})],
    ),
    "evidence with an empty part": (
        lambda copy: copy.set_cell("sites", 2, "evidence", "It particularly affects the skin around the mouth [...] "),
        [("sites", {"evidence-too-short"})],
    ),
    "NaN in the descriptor": (nan_in_descriptor, [(None, {"descriptor-invalid-json", "descriptor-invalid"})]),
    # supported but unusual: semantic checks still apply
    "CRLF line ends": (crlf, [("sites", {"evidence-not-verbatim"})]),
    "byte-order mark": (bom, [("sites", {"evidence-not-verbatim"})]),
    "schema in a JSON file inside the package": (schema_file, [("sites", {"evidence-not-verbatim"})]),
    # network
    "fiscal-data-package profile": (
        lambda copy: copy.set(None, "profile", "fiscal-data-package"),
        [(None, {"unsupported-feature", "unsafe-path"})],
    ),
    "profile some.json in the working directory": (
        lambda copy: copy.set(None, "profile", "some.json"),
        [(None, {"unsupported-feature", "unsafe-path"})],
    ),
    "$schema URL": (
        lambda copy: copy.set(None, "$schema", f"{copy.listener.url}/profile.json"),
        [(None, {"unsupported-feature", "unsafe-path"})],
    ),
    **{
        f"URL, {name}": (
            urls_everywhere(spelling),
            [(None, URL_CODES), ("sites", URL_CODES), ("history", URL_CODES), ("causes", URL_CODES)],
        )
        for name, spelling in URL_SPELLINGS.items()
    },
    # reads outside the copy
    "path climbing out": (canary_at(lambda copy: "../canary.csv"), [("history", {"unsafe-path"})]),
    "absolute path": (canary_at(lambda copy: str(copy.outside / "canary.csv")), [("history", {"unsafe-path"})]),
    "symlink leaving the copy": (canary_symlink, [("history", {"unsafe-path"})]),
    # tracebacks
    "descriptor nested 5000 deep": (
        lambda copy: copy.splice("sites", "[" * 5000 + "]" * 5000),
        [(None, BUDGET)],
    ),
    "5000-digit integer": (lambda copy: copy.splice("sites", "9" * 5000), [(None, BUDGET)]),
    "resource name a list": (
        lambda copy: copy.set("history", "name", ["history"]),
        [(None, {"descriptor-invalid", "package-error", "resource-error", "unsupported-feature"})],
    ),
    "field without a name": (
        lambda copy: copy.edit(lambda d: copy.resource(d, "sites")["schema"]["fields"][2].pop("name")),
        [("sites", FIELD)],
    ),
    "lone surrogate in a resource name": (surrogate_name, [("si\udc80tes", {"constraint-error"})]),
    "encoded surrogate in a cell": (surrogate_cell, [("sites", {"encoding-error"})]),
    "symlink loop": (symlink_loop, [("sites", {"unsafe-path", "file-not-found"})]),
    "300-character file name": (long_name, [("sites", {"unsafe-path", "file-not-found"})]),
    "1.2 GB sparse snapshot": (
        sparse_snapshot,
        [("sources", {"file-too-large", "source-hash-mismatch", "budget-exceeded"})],
    ),
    # hangs
    "FIFO as a list path": (fifo("path"), [("sites", REFUSED)]),
    "FIFO as schema": (fifo("schema"), [("sites", REFUSED)]),
    "FIFO as dialect": (fifo("dialect"), [("sites", REFUSED)]),
    "catastrophic pattern": (catastrophic_pattern, [("sites", {"constraint-error", "unsupported-feature"})]),
    "100k-column header": (
        wide_header,
        [("sites", {"header-too-wide", "budget-exceeded", "extra-label"})],
    ),
    # errors hidden by other errors
    "invalid regex beside a dangling foreign key": (
        regex_and_dangling_key,
        [("conditions", {"field-error", "unsupported-feature"}), ("associations", {"foreign-key"})],
    ),
}


def make_copy(tmp_path: Path, listener: Listener) -> Copy:
    root = copy_package(tmp_path / "copy")
    outside = tmp_path / "outside"
    outside.mkdir()
    header = read_rows(root / "data" / "history.csv")[0]
    (outside / "canary.csv").write_text(",".join(header) + "\n" + ",".join([CANARY] * len(header)) + "\n")
    (tmp_path / "canary.csv").write_text(",".join(header) + "\n" + ",".join([CANARY] * len(header)) + "\n")
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "some.json").write_text(json.dumps({"title": CANARY}), encoding="utf-8")
    return Copy(root, listener, outside)
