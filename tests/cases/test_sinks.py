"""Every case of the hostile review (issue #19): refused by the validator through the CLI, and escaped or
refused at the sink anyway when the validator is bypassed (`check=False`, or a validator that says yes).

Each copy is consistent with its own descriptor, as a hostile copy would be. The CLI tests assert exit 1,
a clear message (since 3.0.0 `schema-differs` for an edited descriptor), no traceback and nothing written;
the sink tests run the same copy past a validator that accepts everything, to prove each output is safe on
its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data.validation.cache
from conftest import copy_package, descriptor_of, schema_edited
from damage import Corruption, edit_descriptor, set_cell
from nme_data.cli import main
from nme_data.export import ExportError, export, export_zip
from nme_data.validation.report import Report
from profile_damage import (
    add_enum_value,
    chain,
    drop_field,
    move_snapshot,
    move_table,
    set_property,
    sssom,
)


def hostile(tmp_path: Path, damage: Corruption) -> Path:
    root = copy_package(tmp_path / "copy")
    damage(root)
    return root


def refusal(root: Path, code: str) -> str:
    """The code the CLI refuses a hostile copy with: since 3.0.0 an edit of the descriptor beyond the allowed
    metadata is `schema-differs` (the release's schema judges), the profile's own code otherwise."""
    return "schema-differs" if schema_edited(root) else code


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture
def yes_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A validator that accepts every copy: what the sinks must survive on their own. Patched where every entry
    point gets its verdict (`require_valid` asks the verdict cache), so no earlier verdict is remembered."""
    monkeypatch.setattr(nme_data.validation.cache, "validate", accept_every_copy)


def accept_every_copy(source: object = None, *args: object, **kwargs: object) -> Report:
    return Report(package=str(source))


VERSION_ESCAPE = "x/../../../outside/pwned"


def escaping_version(root: Path) -> None:
    """The version that climbed out of --out, and the folder it needs to exist (made by a snapshot path)."""
    set_property("version", VERSION_ESCAPE)(root)


# --- High ---------------------------------------------------------------------------------------------


def test_site_refuses_a_version_that_climbs_out_of_out(tmp_path: Path) -> None:
    root = hostile(tmp_path, escaping_version)
    out = tmp_path / "work" / "a" / "b" / "site"
    result = CliRunner().invoke(main, ["site", str(root), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert refusal(root, "profile-version") in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.rglob("*.zip"))


def test_export_zip_never_writes_outside_out(tmp_path: Path) -> None:
    """The library without the validator: the zip's name is built from a SemVer version or refused."""
    root = hostile(tmp_path, escaping_version)
    out = tmp_path / "out"
    (out / "nme-data-x").mkdir(parents=True)  # what made the old name resolve outside
    (tmp_path / "outside").mkdir()
    with pytest.raises(ExportError, match="not SemVer"):
        export_zip(root, out)
    assert not list(tmp_path.rglob("*.zip"))


@pytest.mark.parametrize("column", ["url", "license_url"])
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JaVaScRiPt:x"])
def test_script_urls_are_refused_and_never_linked(
    tmp_path: Path, column: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hostile(tmp_path, set_cell("sources", 2, column, url))
    result = CliRunner().invoke(main, ["site", str(root), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert refusal(root, "profile-url-scheme") in result.output
    assert not (tmp_path / "site").exists()
    monkeypatch.setattr(nme_data.validation.cache, "validate", accept_every_copy)  # the verdict above is cached
    result = CliRunner().invoke(main, ["site", str(root), "--out", str(tmp_path / "site")])
    if result.exit_code == 0:  # the site itself drops the link
        pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html"))
        assert 'href="javascript' not in pages.lower()
        assert 'href="data:' not in pages
    else:  # or an export inside the site refuses the URL (the zip carries the Croissant file)
        assert "not an http or https URL" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "damage",
    [move_table("history", "data/history.html"), move_snapshot("source/nme.html")],
    ids=["table-as-html", "snapshot-as-html"],
)
def test_site_publishes_only_csv_and_text(tmp_path: Path, damage: Corruption, yes_validator: None) -> None:
    root = hostile(tmp_path, damage)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", str(root), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "only as" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


@pytest.mark.parametrize(
    "damage",
    [move_table("history", "data/history.html"), move_snapshot("source/nme.html")],
    ids=["table-as-html", "snapshot-as-html"],
)
def test_site_refuses_html_files_of_a_copy(tmp_path: Path, damage: Corruption) -> None:
    root = hostile(tmp_path, damage)
    result = CliRunner().invoke(main, ["site", str(root), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert (
        refusal(root, "profile-resource-path") in result.output
        or refusal(root, "profile-snapshot-path") in result.output
    )
    assert not (tmp_path / "site").exists()


# --- Medium -------------------------------------------------------------------------------------------

FORGERIES = {
    "homepage": set_property("homepage", "https://example.org/\n#forged: line\nOMIM:1\tforged"),
    "version": set_property("version", "2.0.0\nOMIM:1\tforged"),
    "source-path": edit_descriptor(lambda d: d["sources"][0].update(path="https://x.org/\nOMIM:1\tforged")),
}


@pytest.mark.parametrize("case", list(FORGERIES))
def test_hpoa_header_cannot_be_forged(tmp_path: Path, case: str) -> None:
    root = hostile(tmp_path, FORGERIES[case])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", "hpoa", "--out", str(out)])
    assert result.exit_code == 1
    assert refusal(root, "profile-control-character") in result.output
    assert "Traceback" not in result.output
    assert files_under(out) == set()
    with pytest.raises(ExportError):
        export(root, "hpoa", out, check=False)
    assert files_under(out) == set()


SSSOM_CASES = {
    "key-newline": sssom(lambda m: m.update({"x\nforged_line": "v"})),
    "curie-map-key": sssom(lambda m: m["curie_map"].update({"P\nforged": "https://x.org/"})),
    "template-newline": sssom(
        lambda m: m.update(subject_curie_template="nmedata:{subject_table}/\n\t=1+1{subject_id}")
    ),
    "curie-map-javascript": sssom(lambda m: m["curie_map"].update(nmedata="javascript:alert(1)//")),
}


@pytest.mark.parametrize("case", list(SSSOM_CASES))
def test_sssom_header_and_rows_cannot_be_forged(tmp_path: Path, case: str) -> None:
    root = hostile(tmp_path, SSSOM_CASES[case])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", "sssom", "--out", str(out)])
    assert result.exit_code == 1
    assert refusal(root, "profile-") in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ExportError):
        export(root, "sssom", out, check=False)
    assert files_under(out) == set()


@pytest.mark.parametrize("fmt", ["sssom", "kgx", "zip", "sqlite"])
@pytest.mark.parametrize("value", ["=1+1", "@SUM(1)"])
def test_enum_formulas_are_refused(tmp_path: Path, fmt: str, value: str) -> None:
    damage = chain(
        add_enum_value("mappings", "mapping_justification", value),
        set_cell("mappings", 2, "mapping_justification", value),
    )
    root = hostile(tmp_path, damage)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 1
    assert refusal(root, "profile-unsafe-value") in result.output
    assert files_under(out) == set()
    if fmt in ("sssom", "zip"):  # the TSV sinks refuse the cell on their own
        with pytest.raises(ExportError, match="formula"):
            export(root, fmt, out, check=False)


def test_datasette_metadata_never_carries_script_urls(tmp_path: Path) -> None:
    damage = chain(
        edit_descriptor(lambda d: d["licenses"][0].update(path="javascript:alert(1)")),
        edit_descriptor(lambda d: d["sources"][0].update(path="javascript:alert(2)")),
    )
    root = hostile(tmp_path, damage)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", "sqlite", "--out", str(out)])
    assert result.exit_code == 1
    assert refusal(root, "profile-url-scheme") in result.output
    with pytest.raises(ExportError, match="http or https"):
        export(root, "sqlite", out, check=False)
    assert files_under(out) == set()


def test_export_never_writes_through_a_link_inside_out(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "data").symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["export", "--format", "croissant", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "symbolic link" in result.output
    assert "Traceback" not in result.output
    assert list(elsewhere.iterdir()) == []
    assert {p.name for p in out.iterdir()} == {"data"}  # no staging folder left behind


def test_export_into_an_out_that_is_a_link(tmp_path: Path) -> None:
    """--out itself may be a link (the user's choice): files land in its target, the link stays."""
    target = tmp_path / "target"
    target.mkdir()
    out = tmp_path / "out"
    out.symlink_to(target)
    result = CliRunner().invoke(main, ["export", "--format", "sssom", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_symlink()
    assert {p.name for p in target.iterdir()} == {"nme-data.sssom.tsv"}


def test_site_into_an_out_that_is_a_link(tmp_path: Path) -> None:
    """The site replaces the folder the link points to; the link stays and no `.out.old.*` is left."""
    target = tmp_path / "target"
    target.mkdir()
    out = tmp_path / "out"
    out.symlink_to(target)
    runner = CliRunner()
    for _ in range(2):  # a first build, then a rebuild over it
        result = runner.invoke(main, ["site", "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert out.is_symlink()
    assert out.readlink() == target
    assert (target / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "target"]


def test_export_without_mapping_justification_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    root = hostile(tmp_path, drop_field("mappings", "mapping_justification"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(root), "--format", "all", "--out", str(out)])
    assert result.exit_code == 1
    assert refusal(root, "profile-missing-field") in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ExportError, match="mapping_justification"):
        export(root, "sssom", out, check=False)
    assert files_under(out) == set()


def test_crosscheck_with_a_malformed_hpo_frequency(tmp_path: Path) -> None:
    from nme_data.crosscheck import crosscheck, default_hpo_folder
    from nme_data.package import DataPackage

    shipped = default_hpo_folder()
    folder = tmp_path / "hpo"
    folder.mkdir()
    (folder / "hp.obo").symlink_to(shipped / "hp.obo")
    result = crosscheck(DataPackage.open(None))  # the lines HPO has for our diseases
    disease = result.diseases[0].disease_id
    hpo = (result.diseases[0].agreement + result.diseases[0].disagreement + result.diseases[0].only_hpo)[0].hpo_id
    header = (
        "database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect"
    )
    line = f"{disease}\tX\t\t{hpo}\tPMID:1\tTAS\t\tabc%\t\t\tP"
    (folder / "phenotype.hpoa").write_text(f"#version: 2025-01-01\n{header}\n{line}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["crosscheck", "--hpo", str(folder)])
    assert result.exit_code == 1, result.output
    assert "'abc%' is not a percentage" in result.output
    assert "Traceback" not in result.output


# --- Low ----------------------------------------------------------------------------------------------


def test_a_version_with_a_slash_is_named_as_the_version(tmp_path: Path) -> None:
    root = hostile(tmp_path, set_property("version", "2.0.0/x"))
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert "/version" in result.output
    assert "SemVer" in result.output


def test_the_bundled_copy_exports_everything_unchanged(tmp_path: Path) -> None:
    """The sinks' checks refuse nothing the real package holds."""
    written = export(None, "all", tmp_path / "out")
    assert any(
        p.name == f"nme-data-{descriptor_of(Path(nme_data.__file__).parents[2])['version']}.zip" for p in written
    )
