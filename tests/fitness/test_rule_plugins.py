"""Rules are plug-ins: each rule is one registered module that declares its codes, and the code catalogue and
docs/validation.md are generated from the registry, so adding a rule is one module (and its tests)."""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nme_data.rules
from conftest import ROOT
from nme_data.docs import CATALOGUE_END, CATALOGUE_START, code_catalogue, validation_page
from nme_data.package import DataPackage
from nme_data.rules import registry
from nme_data.rules.base import Plugin
from nme_data.rules.semantic import package_context, semantic_rules
from nme_data.validation.codes import CODES, LAYERS, OTHER_CODES, catalogue

PACKAGE = DataPackage.open(ROOT)
PLUGINS = registry.plugins()
RULES = {rule.name: rule for rule in PLUGINS}
VALIDATION = ROOT / "docs" / "validation.md"
CHECK_NAME = re.compile(r"check_name\(\s*\"([a-z0-9-]+)\"")
#: The nme:* properties of the release's descriptor (fields' and the package's).
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
PROPERTIES = set(re.findall(r'"(nme:[A-Za-z]+)"', json.dumps(DESCRIPTOR)))


def module_source(rule: Plugin) -> str:
    spec = importlib.util.find_spec(rule.module)
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


def test_every_module_of_rules_is_a_registered_rule_or_a_named_helper() -> None:
    modules = {info.name for info in pkgutil.iter_modules(nme_data.rules.__path__)} | {"__init__"}
    assert len(registry.MODULES) == len(set(registry.MODULES)), "a rule is registered twice"
    assert not set(registry.MODULES) & set(registry.HELPERS)
    assert modules == set(registry.MODULES) | set(registry.HELPERS), (
        "a module of nme_data.rules is neither in registry.MODULES nor in registry.HELPERS"
    )


def test_the_registry_runs_the_modules_in_their_listed_order() -> None:
    assert [rule.module for rule in PLUGINS] == [f"nme_data.rules.{name}" for name in registry.MODULES]
    assert len(RULES) == len(PLUGINS), "two rules share a name"


@pytest.mark.parametrize("rule", PLUGINS, ids=lambda rule: rule.name)
def test_a_rule_declares_codes_with_meaning_and_example(rule: Plugin) -> None:
    assert rule.codes, f"rule {rule.name} declares no code"
    assert rule.summary, f"rule {rule.name} says nothing of what it checks (summary)"
    for code, entry in rule.codes.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", code), code
        assert entry.meaning.rstrip().endswith("."), f"{code}: a meaning is a sentence"
        assert entry.example.strip(), f"{code}: no example"
        assert entry.layer in LAYERS, f"{code}: unknown layer {entry.layer!r}"
    assert set(rule.uses) <= set(OTHER_CODES), f"{rule.name} uses a code no other layer declares"
    assert not set(rule.uses) & set(rule.codes)


def test_no_code_is_declared_twice() -> None:
    declared = [code for rule in PLUGINS for code in rule.codes] + list(OTHER_CODES)
    twice = sorted({code for code in declared if declared.count(code) > 1})
    assert not twice, f"declared more than once: {twice}"
    assert len(CODES) == len(declared)


def test_declaring_a_code_twice_is_refused() -> None:
    copy = Plugin("copy", dict(RULES["formula"].codes), RULES["formula"].rules, module="tests")
    with registry.registered(copy), pytest.raises(ValueError, match="formula-injection"):
        registry.codes()
    clash = Plugin("clash", {"usage-error": OTHER_CODES["usage-error"]}, RULES["formula"].rules, module="tests")
    with registry.registered(clash), pytest.raises(ValueError, match="usage-error"):
        catalogue()
    assert "formula-injection" in registry.codes()


def test_the_catalogue_is_the_other_layers_codes_and_the_rules_codes_by_layer() -> None:
    rules = {code: entry for rule in PLUGINS for code, entry in rule.codes.items()}
    assert dict(CODES) == {**OTHER_CODES, **rules}
    layers = [CODES[code].layer for code in CODES]
    assert layers == sorted(layers, key=LAYERS.index), "the catalogue lists the codes layer by layer"
    owners = registry.owners()
    assert {code for code in CODES if code not in OTHER_CODES} == set(owners)


@pytest.mark.parametrize("rule", PLUGINS, ids=lambda rule: rule.name)
def test_every_code_a_rule_builds_is_declared(rule: Plugin) -> None:
    """Every `Rule` the plug-in builds for any table of the release (both views) carries a declared code, and
    every code its module names in a `check_name` is one it may emit."""
    context = package_context(PACKAGE)
    built = {
        built_rule.code
        for table in PACKAGE.tables.values()
        for typed in (False, True)
        if rule.applies(table, set(table.field_names), typed)
        for built_rule in rule.rules(table, context, set(table.field_names))
    }
    assert built <= rule.emits, f"{rule.name} builds undeclared codes: {sorted(built - rule.emits)}"
    named = set(CHECK_NAME.findall(module_source(rule)))
    assert named <= rule.emits, f"{rule.module} names undeclared codes: {sorted(named - rule.emits)}"


@pytest.mark.parametrize("rule", PLUGINS, ids=lambda rule: rule.name)
def test_every_code_a_rule_declares_is_raised_by_its_module(rule: Plugin) -> None:
    source = module_source(rule)
    for code in rule.codes:
        assert source.count(f'"{code}"') >= 2, f"{code} is declared by {rule.module} but never raised there"


def test_the_profile_codes_are_the_profile_rules() -> None:
    from nme_data.rules.profile import PROFILE_CODES

    assert tuple(RULES["profile"].codes) == PROFILE_CODES


def test_every_nme_property_of_the_descriptor_is_read_by_a_rule() -> None:
    read = {prop for rule in PLUGINS for prop in rule.properties}
    assert PROPERTIES, "the release declares nme:* properties"
    assert sorted(PROPERTIES - read) == [], "an nme:* property no registered rule declares it reads"
    assert read <= PROPERTIES | {"statementTemplates"}, "a rule reads a property the release does not declare"


def test_semantic_rules_is_the_registry_in_order() -> None:
    context = package_context(PACKAGE)
    for table in PACKAGE.tables.values():
        names = set(table.field_names)
        for typed in (False, True):
            expected = [
                built.name
                for rule in PLUGINS
                if rule.applies(table, names, typed)
                for built in rule.rules(table, context, names)
            ]
            assert [built.name for built in semantic_rules(table, context, typed=typed)] == expected


def test_committed_validation_page_is_current() -> None:
    committed = VALIDATION.read_text(encoding="utf-8")
    assert committed.count(CATALOGUE_START) == 1
    assert committed.count(CATALOGUE_END) == 1
    assert validation_page(committed) == committed, "docs/validation.md is stale: run 'make docs' and commit it"
    assert code_catalogue() in committed


def test_every_code_has_one_row_in_the_page() -> None:
    committed = VALIDATION.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([a-z]+) \|", committed, flags=re.MULTILINE)
    assert [code for code, _ in rows] == list(CODES)
    assert all(CODES[code].layer == layer for code, layer in rows)


def test_the_script_finds_a_stale_validation_page(tmp_path: Path) -> None:
    page = tmp_path / "validation.md"
    committed = VALIDATION.read_text(encoding="utf-8")
    page.write_text(committed.replace("| `row-rule` | semantic |", "| `row-rule` | spec |"), encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--validation", str(page)]
    stale = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert f"{page} is out of date" in stale.stderr
    written = subprocess.run([*script, "--out", str(tmp_path / "d.md")], capture_output=True, text=True, check=False)
    assert written.returncode == 0, written.stderr
    assert page.read_text(encoding="utf-8") == committed, "regenerating keeps the prose and restores the catalogue"


def test_the_catalogue_and_registry_load_no_rule_until_used() -> None:
    probe = (
        "import sys; import nme_data.validation.codes, nme_data.rules.registry, nme_data.validation.errors; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'nme_data.rules.cues') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


THROWAWAY = '''
"""A rule written for a test: no history row may name a person called Throwaway."""

from __future__ import annotations

from nme_data.rules.base import plugin, semantic
from nme_data.rules.rule import Rule, check_name


def rules(table, context, names):
    return [Rule(lambda frame: frame["person"].astype("string") != "Throwaway", check_name("throwaway-name", "person"))]


RULE = plugin(
    __name__,
    "throwaway",
    rules,
    {"throwaway-name": semantic("A history row names the throwaway person.", "person Throwaway")},
    fields={"person"},
    tables={"history"},
    summary="a rule that exists for one test",
)
'''


def test_adding_a_rule_is_one_module(tmp_path: Path, package_copy: Path) -> None:
    """A rule module registered for a block: its code is in the catalogue and the docs, the validator reports
    it with its meaning, pandera's schemas run it, and the registry is as it was after the block."""
    import nme_data
    from nme_data.frames.schemas import build_schema

    module_path = tmp_path / "throwaway_rule.py"
    module_path.write_text(THROWAWAY, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("throwaway_rule", module_path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = package_copy / "data" / "history.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    assert "person" in header
    before = nme_data.validate(package_copy)
    assert before.valid, before.errors
    generation = registry.generation()

    with registry.registered(module.RULE):
        assert registry.plugins()[-1] is module.RULE
        assert CODES["throwaway-name"].meaning == "A history row names the throwaway person."
        assert "| `throwaway-name` | semantic | A history row names the throwaway person. | `person Throwaway` |" in (
            code_catalogue()
        )
        assert "| throwaway | `throwaway_rule` | `throwaway-name` |" in code_catalogue()
        package = DataPackage.open(package_copy)
        history = package.table("history")
        rules = semantic_rules(history, package_context(package))
        assert rules[-1].code == "throwaway-name"
        assert "throwaway-name|person" in build_schema(history, package_context(package), typed=False).checks[-1].name
        cells = _rows(path)
        cells[1][header.index("person")] = "Throwaway"
        _write_rows(path, cells)
        report = nme_data.validate(package_copy)

    found = [(e.table, e.row, e.field, e.code, e.message) for e in report.errors]
    message = "A history row names the throwaway person.: 'Throwaway'"  # the meaning, then the cell
    assert found == [("history", 2, "person", "throwaway-name", message)]
    assert registry.generation() != generation
    assert "throwaway-name" not in CODES
    assert registry.plugins() == PLUGINS
    assert "throwaway" not in code_catalogue()


def _rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
