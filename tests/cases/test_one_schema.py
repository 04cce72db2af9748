"""One schema (#27): a copy is judged by the release's datapackage.json, never its own.

Each kind of descriptor element changed on a fresh `nme-data init` copy is exactly one `schema-differs`
error at its JSON path, from the library and the CLI, with nothing else run; `nme-data adopt` repairs it;
the cache key covers the release's descriptor; the zip holds only what the package declares; and every
entry point gives one verdict on a copy named by a relative path.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, descriptor_of, package_hashes
from nme_data.cli import main
from nme_data.curate.init import init_copy
from nme_data.package import reference
from nme_data.validation import preflight

Edit = Callable[[dict[str, Any]], None]
NAMES = [r["name"] for r in descriptor_of(ROOT)["resources"]]


def at(table: str) -> int:
    return NAMES.index(table)


def field_at(table: str, field: str) -> int:
    fields = descriptor_of(ROOT)["resources"][at(table)]["schema"]["fields"]
    return [f["name"] for f in fields].index(field)


def res(d: dict[str, Any], table: str) -> dict[str, Any]:
    return d["resources"][at(table)]


def fld(d: dict[str, Any], table: str, field: str) -> dict[str, Any]:
    return res(d, table)["schema"]["fields"][field_at(table, field)]


def field_path(table: str, field: str) -> str:
    return f"/resources/{at(table)}/schema/fields/{field_at(table, field)}"


def swap_first_fields(d: dict[str, Any]) -> None:
    fields = res(d, "sites")["schema"]["fields"]
    fields[0], fields[1] = fields[1], fields[0]


def drop_source_key(d: dict[str, Any]) -> None:
    keys = res(d, "sites")["schema"]["foreignKeys"]
    keys[:] = [k for k in keys if k["fields"] != ["source_id"]]


def widen_sections(d: dict[str, Any]) -> None:
    sections = fld(d, "sites", "section")["nme:sections"]
    sections["introduction"] = [None, None]


#: (edit, JSON path of the one difference, table, field): one of each kind of element a copy might change.
CASES: dict[str, tuple[Edit, str, str | None, str | None]] = {
    "resource-path": (
        lambda d: res(d, "sites").update(path="data/places.csv"),
        f"/resources/{at('sites')}/path",
        "sites",
        None,
    ),
    "format": (lambda d: res(d, "sites").update(format="tsv"), f"/resources/{at('sites')}/format", "sites", None),
    "encoding": (
        lambda d: res(d, "sites").update(encoding="latin-1"),
        f"/resources/{at('sites')}/encoding",
        "sites",
        None,
    ),
    "dialect": (
        lambda d: res(d, "history").update(dialect={"delimiter": ","}),
        f"/resources/{at('history')}/dialect",
        "history",
        None,
    ),
    "field-name": (
        lambda d: fld(d, "history", "person").update(name="who"),
        field_path("history", "person") + "/name",
        "history",
        "person",
    ),
    "field-order": (swap_first_fields, f"/resources/{at('sites')}/schema/fields", "sites", None),
    "field-type": (
        lambda d: fld(d, "history", "year").update(type="any"),
        field_path("history", "year") + "/type",
        "history",
        "year",
    ),
    "field-format": (
        lambda d: fld(d, "sources", "url").update(format="default"),
        field_path("sources", "url") + "/format",
        "sources",
        "url",
    ),
    "constraint-enum": (
        lambda d: fld(d, "sites", "prominence")["constraints"]["enum"].append("often"),
        field_path("sites", "prominence") + "/constraints/enum",
        "sites",
        "prominence",
    ),
    "constraint-pattern": (
        lambda d: fld(d, "history", "id")["constraints"].update(pattern="^[[:lower:]-]+$"),
        field_path("history", "id") + "/constraints/pattern",
        "history",
        "id",
    ),
    "true-values": (
        lambda d: fld(d, "histology", "most_characteristic").update(trueValues=["yes"]),
        field_path("histology", "most_characteristic") + "/trueValues",
        "histology",
        "most_characteristic",
    ),
    "false-values": (
        lambda d: fld(d, "histology", "open_list").update(falseValues=["no"]),
        field_path("histology", "open_list") + "/falseValues",
        "histology",
        "open_list",
    ),
    "missing-values": (
        lambda d: res(d, "sites")["schema"].update(missingValues=["", "NA"]),
        f"/resources/{at('sites')}/schema/missingValues",
        "sites",
        None,
    ),
    "primary-key": (
        lambda d: res(d, "sites")["schema"].update(primaryKey=["id", "site"]),
        f"/resources/{at('sites')}/schema/primaryKey",
        "sites",
        None,
    ),
    "foreign-key": (drop_source_key, f"/resources/{at('sites')}/schema/foreignKeys", "sites", None),
    "nme-cues": (
        lambda d: fld(d, "sites", "prominence")["nme:cues"]["values"]["characteristic"].append("groin"),
        field_path("sites", "prominence") + "/nme:cues/values/characteristic",
        "sites",
        "prominence",
    ),
    "nme-names-row": (
        lambda d: fld(d, "sites", "site").pop("nme:namesRow"),
        field_path("sites", "site") + "/nme:namesRow",
        "sites",
        "site",
    ),
    "nme-sections": (
        widen_sections,
        field_path("sites", "section") + "/nme:sections/introduction",
        "sites",
        "section",
    ),
    "statement-templates": (
        lambda d: res(d, "sites")["statementTemplates"][0].update(template="{condition_id} always affects the {site}"),
        f"/resources/{at('sites')}/statementTemplates/0/template",
        "sites",
        None,
    ),
    "resource-title": (
        lambda d: res(d, "sites").update(title="Sites <img src=x onerror=alert(1)>"),
        f"/resources/{at('sites')}/title",
        "sites",
        None,
    ),
    "package-title": (lambda d: d.update(title="Another dataset"), "/title", None, None),
    "resource-description": (
        lambda d: res(d, "sites").update(description="[x](javascript:alert(1))"),
        f"/resources/{at('sites')}/description",
        "sites",
        None,
    ),
    "field-description": (
        lambda d: fld(d, "sites", "site").update(description="anything"),
        field_path("sites", "site") + "/description",
        "sites",
        "site",
    ),
    "sssom-metadata": (
        lambda d: res(d, "mappings")["sssom"].update(mapping_set_id="https://example.org/other.sssom.tsv"),
        f"/resources/{at('mappings')}/sssom/mapping_set_id",
        "mappings",
        None,
    ),
    "resource-dropped": (lambda d: d["resources"].pop(at("evidence_anchors")), "/resources", None, None),
    "package-nme-property": (lambda d: d.update({"nme:extra": True}), "/nme:extra", None, None),
}


def write_descriptor(root: Path, descriptor: dict[str, Any]) -> None:
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def edited_copy(tmp_path: Path, edit: Edit) -> Path:
    root = init_copy(tmp_path / "copy").parent
    descriptor = descriptor_of(root)
    edit(descriptor)
    write_descriptor(root, descriptor)
    return root


@pytest.fixture
def nothing_else_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any layer after the schema comparison would crash loudly (a check-error) if it ran."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a layer ran on a copy with its own schema")

    monkeypatch.setattr(preflight, "run_preflight", boom)


@pytest.mark.parametrize("case", list(CASES))
def test_each_descriptor_change_is_one_located_schema_difference(
    tmp_path: Path, case: str, nothing_else_runs: None
) -> None:
    edit, pointer, table, field = CASES[case]
    root = edited_copy(tmp_path, edit)
    report = nme_data.validate(root)
    assert [(e.table, e.field, e.code, e.value) for e in report.errors] == [(table, field, "schema-differs", pointer)]
    (error,) = report.errors
    assert pointer in error.message
    assert "the release has" in error.message
    assert error.path == "datapackage.json"
    assert error.hint is not None
    assert "nme-data adopt" in error.hint
    assert report.tables_checked == []

    result = CliRunner().invoke(main, ["validate", str(root), "--format", "json", "--no-cache"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    got = [(e["table"], e["field"], e["code"], e["value"]) for e in document["errors"]]
    assert got == [(table, field, "schema-differs", pointer)]
    assert document["tables"] == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(version="3.0.1"),
        lambda d: d.update(created="2030-01-01T00:00:00Z"),
        lambda d: d["contributors"].append({"title": "A curator", "roles": ["contributor"]}),
    ],
    ids=["version", "created", "contributors"],
)
def test_allowed_metadata_may_differ(tmp_path: Path, edit: Edit) -> None:
    root = edited_copy(tmp_path, edit)
    report = nme_data.validate(root)
    assert report.valid, report.to_text()[:2000]
    assert len(report.tables_checked) == len(NAMES)


def test_allowed_metadata_is_still_checked_by_the_profile(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, lambda d: d.update(version="x/../../outside"))
    assert [e.code for e in nme_data.validate(root).errors] == ["profile-version"]


def test_the_shipped_copy_and_an_init_copy_have_the_release_schema(tmp_path: Path) -> None:
    assert nme_data.validate().valid
    root = init_copy(tmp_path / "fresh").parent
    assert reference.differences(reference.reference_descriptor(), descriptor_of(root)) == []
    assert nme_data.validate(root).valid


def test_three_hundred_extra_cues_are_refused_as_fast_as_the_descriptor_is_read(
    tmp_path: Path, nothing_else_runs: None
) -> None:
    def many_cues(d: dict[str, Any]) -> None:
        cues = fld(d, "sites", "prominence")["nme:cues"]["values"]["characteristic"]
        cues.extend(f"extra cue {n}" for n in range(300))

    root = edited_copy(tmp_path, many_cues)
    started = time.perf_counter()
    report = nme_data.validate(root)
    elapsed = time.perf_counter() - started
    assert [e.code for e in report.errors] == ["schema-differs"]  # one list, one difference
    assert elapsed < 2.0, elapsed


# ---- adopt -----------------------------------------------------------------------------------------------


def damage_everywhere(d: dict[str, Any]) -> None:
    d["version"] = "2.1.7"
    for case in ("constraint-enum", "nme-names-row", "true-values", "foreign-key", "resource-description"):
        CASES[case][0](d)


def test_adopt_gives_a_damaged_copy_the_release_schema_and_keeps_its_data_and_version(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, damage_everywhere)
    data_before = {k: v for k, v in package_hashes(root).items() if k != "datapackage.json"}
    assert {e.code for e in nme_data.validate(root).errors} == {"schema-differs"}

    check = CliRunner().invoke(main, ["adopt", str(root), "--check"])
    assert check.exit_code == 1
    assert "/constraints/enum" in check.output
    assert descriptor_of(root)["version"] == "2.1.7"  # --check wrote nothing

    result = CliRunner().invoke(main, ["adopt", str(root)])
    assert result.exit_code == 0, result.output
    assert "5 differences replaced" in result.output
    assert nme_data.validate(root).valid
    adopted = descriptor_of(root)
    assert adopted["version"] == "2.1.7"
    assert {k: v for k, v in adopted.items() if k != "version"} == {
        k: v for k, v in descriptor_of(ROOT).items() if k != "version"
    }
    assert {k: v for k, v in package_hashes(root).items() if k != "datapackage.json"} == data_before
    again = CliRunner().invoke(main, ["adopt", str(root)])
    assert again.exit_code == 0
    assert "already has the release's schema" in again.output


def test_adopt_refuses_a_descriptor_it_cannot_read_and_writes_nothing(tmp_path: Path) -> None:
    root = init_copy(tmp_path / "copy").parent
    (root / "datapackage.json").write_text("[1, 2", encoding="utf-8")
    result = CliRunner().invoke(main, ["adopt", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cannot adopt" in result.output
    assert (root / "datapackage.json").read_text(encoding="utf-8") == "[1, 2"


def test_the_schema_differs_hint_names_the_adopt_command(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, CASES["field-type"][0])
    result = CliRunner().invoke(main, ["validate", str(root), "--no-cache"])
    assert result.exit_code == 1
    assert f"nme-data adopt {root}" in result.output


# ---- the cache key covers the release's schema ---------------------------------------------------------


def test_changing_the_release_schema_invalidates_a_cached_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nme_data.validation import cache

    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(tmp_path / "cache"))
    root = init_copy(tmp_path / "copy").parent
    descriptor = root / "datapackage.json"
    assert cache.validate(root).valid  # remembered
    before = cache.cache_key(descriptor.absolute())
    release = tmp_path / "release"
    release.mkdir()
    changed = descriptor_of(ROOT)
    changed["resources"][at("sites")]["description"] = "a new release describes this table otherwise"
    write_descriptor(release, changed)
    monkeypatch.setattr(reference, "bundled_root", lambda: release)
    assert cache.cache_key(descriptor.absolute()) != before
    report = cache.validate(root)
    assert [(e.table, e.code) for e in report.errors] == [("sites", "schema-differs")]


# ---- the zip publishes only what the package declares --------------------------------------------------


def test_the_zip_holds_exactly_the_declared_files(tmp_path: Path) -> None:
    root = init_copy(tmp_path / "copy").parent
    (root / "source" / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (root / "source" / "sub").mkdir()
    (root / "source" / "sub" / "setup.exe").write_bytes(b"MZ")
    (root / "data" / "old_sites.csv").write_text("id\nx\n", encoding="utf-8")
    (root / "data" / "notes.txt").write_text("a curator's notes", encoding="utf-8")
    assert nme_data.validate(root).valid  # stray files are not part of the package
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", "zip", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (archive,) = out.glob("*.zip")
    names = set(zipfile.ZipFile(archive).namelist())
    package = {n for n in names if n != "croissant.json" and not n.startswith("exports/")}
    declared = {"datapackage.json", "source/necrolytic-migratory-erythema.txt"} | {f"data/{n}.csv" for n in NAMES}
    assert package == declared


# ---- one verdict under a relative path ------------------------------------------------------------------


@pytest.mark.spec_worker  # about the worker's own directory
def test_every_entry_point_agrees_on_a_relative_copy_that_tier_1_cannot_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frictionless worker runs in its own directory: a relative root must reach it absolute."""
    from nme_data.validation import cache, tier1

    init_copy(tmp_path / "work" / "copy")
    monkeypatch.chdir(tmp_path / "work")
    # one table left to frictionless is enough to start the worker (its keys read two more tables)
    undecided = tier1.Proof("undecided (forced by the test)", ("history",))
    monkeypatch.setattr(tier1, "prove_tables", lambda pre, ops=None: undecided)
    monkeypatch.setattr(cache, "cache_key", lambda *args, **kwargs: None)  # every entry point validates afresh
    runner = CliRunner()

    validated = runner.invoke(main, ["validate", "copy", "--format", "json"])
    assert validated.exit_code == 0, validated.output
    engine = json.loads(validated.stdout)["engine"]
    assert (engine["tier"], engine["frictionless_tables"]) == (2, ["history"])
    shown = runner.invoke(main, ["show", "history", "copy"])
    assert shown.exit_code == 0, shown.output
    assert "becker-1942" in shown.output
    exported = runner.invoke(main, ["export", "copy", "--format", "sqlite", "--out", "out"])
    assert exported.exit_code == 0, exported.output
    site = runner.invoke(main, ["site", "copy", "--out", "site"])
    assert site.exit_code == 0, site.output
    compared = runner.invoke(main, ["diff", "copy", "copy"])
    assert compared.exit_code == 0, compared.output
    assert len(nme_data.load("history", source="copy")) == len(nme_data.load("history"))
    assert nme_data.validate("copy").valid
    assert nme_data.validate(Path("copy") / "datapackage.json").valid
    shutil.rmtree("site")


def test_docs_refuses_a_copy_with_its_own_schema(tmp_path: Path) -> None:
    """The data dictionary documents the release's schema: a copy's own descriptions are never written."""
    root = edited_copy(tmp_path, CASES["resource-title"][0])
    out = tmp_path / "dictionary.md"
    result = CliRunner().invoke(main, ["docs", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert "schema-differs" in result.output
    assert "nme-data adopt" in result.output
    assert not out.exists()
    fresh = init_copy(tmp_path / "fresh").parent
    assert CliRunner().invoke(main, ["docs", str(fresh), "--out", str(out)]).exit_code == 0
    assert "onerror" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("release", "copy", "expected"),
    [
        ({"a": 1}, {"a": 1.0}, [("/a", 1, 1.0)]),  # JSON 1 and 1.0 are different text
        ({"a": True}, {"a": 1}, [("/a", True, 1)]),  # true is not 1
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, []),  # key order is not a difference
        ({"a/b": {"c~d": 1}}, {"a/b": {"c~d": 2}}, [("/a~1b/c~0d", 1, 2)]),  # RFC 6901 escapes
        ({"x": [1, 2]}, {"x": [1, 2, 3]}, [("/x", [1, 2], [1, 2, 3])]),  # a list of values: one difference
        ({"version": "1.0.0", "created": "a"}, {"version": "9.9.9"}, []),  # allowed metadata, even absent
        ({"a": None}, {}, [("/a", None, reference.ABSENT)]),  # null is not absent
    ],
)
def test_differences_are_json_paths_with_both_values(
    release: dict[str, Any], copy: dict[str, Any], expected: list[tuple[str, Any, Any]]
) -> None:
    found = [(d.pointer, d.release, d.copy) for d in reference.differences(release, copy)]
    assert found == expected
    assert all(type(a) is type(b) for (_, a, _), (_, b, _) in zip(found, expected, strict=True))
