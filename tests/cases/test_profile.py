"""The tool-owned profile (nme_data.rules.profile): a copy cannot loosen what the outputs rely on.

Each case breaks one profile rule in a copy that otherwise keeps its own descriptor consistent (a copy
that changes a pattern, an enum or a path in its own datapackage.json, as a hostile copy would), and
checks the exact profile errors through the library and the CLI. One copy breaks every rule at once
and gets exactly one located error per rule from the profile itself.

Since 3.0.0 a copy is judged by the release's schema: a case that edits more of the descriptor than the
allowed metadata (version, created, contributors, sources) is refused as `schema-differs` before the
profile runs, and the tests assert that. The profile still guards the allowed metadata and the data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalogue import Location, case_copy
from conftest import Validated, ValidatedCopy, assert_schema_refused, schema_edited, shared_case, tree_hashes
from damage import Corruption, edit_descriptor, set_cell
from nme_data.rules.profile import PROFILE_CODES, PROFILE_SCHEMA, descriptor_violations
from nme_data.validation.errors import CODES
from profile_damage import (
    add_enum_value,
    chain,
    drop_constraint,
    drop_field,
    move_snapshot,
    move_table,
    rename_field,
    set_property,
    sssom,
)

# Row 2 of history.csv is William Becker's 1942 description; row 2 of sources.csv the article.
CASES: dict[str, tuple[Corruption, list[Location]]] = {
    "version-path": (set_property("version", "x/../../../outside/pwned"), [(None, None, None, "profile-version")]),
    "version-missing": (edit_descriptor(lambda d: d.pop("version")), [(None, None, None, "profile-version")]),
    "version-newline": (
        set_property("version", "2.0.0\n#forged: line"),
        [(None, None, None, "profile-version"), (None, None, None, "profile-control-character")],
    ),
    "table-as-html": (move_table("history", "data/history.html"), [("history", None, None, "profile-resource-path")]),
    "table-other-name": (move_table("history", "data/events.csv"), [("history", None, None, "profile-resource-path")]),
    "snapshot-as-html": (move_snapshot("source/nme.html"), [("sources", 2, "path", "profile-snapshot-path")]),
    "url-cell-javascript": (
        set_cell("sources", 2, "url", "javascript:alert(1)"),
        [("sources", 2, "url", "profile-url-scheme")],
    ),
    "license-url-cell-data": (
        set_cell("sources", 2, "license_url", "data:text/html,<script>alert(1)</script>"),
        [("sources", 2, "license_url", "profile-url-scheme")],
    ),
    "homepage-javascript": (
        set_property("homepage", "javascript:alert(1)"),
        [(None, None, None, "profile-url-scheme")],
    ),
    "licence-path-javascript": (
        edit_descriptor(lambda d: d["licenses"][0].update(path="javascript:alert(1)")),
        [(None, None, None, "profile-url-scheme")],
    ),
    "source-path-data": (
        edit_descriptor(lambda d: d["sources"][0].update(path="data:text/html,x")),
        [(None, None, None, "profile-url-scheme")],
    ),
    "curie-map-javascript": (
        sssom(lambda m: m["curie_map"].update(HP="javascript:alert(1)//")),
        [("mappings", None, None, "profile-url-scheme")],
    ),
    "homepage-newline": (
        set_property("homepage", "https://example.org/\n#forged: line"),
        [(None, None, None, "profile-url-scheme"), (None, None, None, "profile-control-character")],
    ),
    "title-tab": (set_property("title", "NME\tdata"), [(None, None, None, "profile-control-character")]),
    "sssom-template-newline": (
        sssom(lambda m: m.update(subject_curie_template="nmedata:{subject_table}/\n\t=1+1{subject_id}")),
        [("mappings", None, None, "profile-control-character")],
    ),
    "cell-newline": (
        set_cell("history", 2, "person", "William\nBecker"),
        [("history", 2, "person", "profile-control-character")],
    ),
    "cell-bidi-override": (
        set_cell("history", 2, "person", "William \u202eBecker"),
        [("history", 2, "person", "profile-control-character")],
    ),
    "enum-formula": (
        chain(add_enum_value("sites", "prominence", "=1+1"), set_cell("sites", 5, "prominence", "=1+1")),
        [("sites", None, "prominence", "profile-unsafe-value")],
    ),
    "enum-at": (add_enum_value("sites", "section", "@SUM(1)"), [("sites", None, "section", "profile-unsafe-value")]),
    "id-formula": (
        chain(drop_constraint("history", "id", "pattern"), set_cell("history", 2, "id", "-2+3")),
        [("history", 2, "id", "profile-unsafe-value")],
    ),
    "field-name-unsafe": (
        rename_field("associations", "strength", "strength<b>"),
        [("associations", None, "strength<b>", "profile-unsafe-name")],
    ),
    "sssom-key-unsafe": (
        sssom(lambda m: m.update({"bad key": "x"})),
        [("mappings", None, None, "profile-unsafe-name")],
    ),
    "field-missing": (
        drop_field("mappings", "mapping_justification"),
        [("mappings", None, "mapping_justification", "profile-missing-field")],
    ),
    "sssom-licence-missing": (sssom(lambda m: m.pop("license")), [("mappings", None, None, "profile-missing-field")]),
}

#: One copy that breaks every rule of the profile once, and the one located error each gives.
EVERY_RULE: tuple[Corruption, list[Location]] = (
    chain(
        set_property("version", "1.0"),
        move_table("history", "data/history.html"),
        move_snapshot("source/nme.html"),
        set_property("homepage", "javascript:alert(1)"),
        set_property("title", "NME\ndata"),
        add_enum_value("sites", "section", "=1+1"),
        rename_field("associations", "strength", "Strength"),
        drop_field("mappings", "mapping_justification"),
    ),
    [
        (None, None, None, "profile-version"),
        ("history", None, None, "profile-resource-path"),
        ("sources", 2, "path", "profile-snapshot-path"),
        (None, None, None, "profile-url-scheme"),
        (None, None, None, "profile-control-character"),
        ("sites", None, "section", "profile-unsafe-value"),
        ("associations", None, "Strength", "profile-unsafe-name"),
        ("mappings", None, "mapping_justification", "profile-missing-field"),
    ],
)


def profile_errors(errors: list) -> list[Location]:
    return sorted(
        ((e.table, e.row, e.field, e.code) for e in errors if e.code in PROFILE_CODES), key=lambda loc: str(loc)
    )


def profile_copy(validated_copy: ValidatedCopy, case: str) -> Validated:
    damage = EVERY_RULE[0] if case == "every-rule" else CASES[case][0]
    return case_copy(validated_copy, "profile", case, damage)


def validated(validated_copy: ValidatedCopy, case: str) -> tuple[Path, list, dict[str, str]]:
    copy = profile_copy(validated_copy, case)
    return copy.root, copy.report.errors, copy.before


def expected(case: str) -> list[Location]:
    return sorted(EVERY_RULE[1] if case == "every-rule" else CASES[case][1], key=lambda loc: str(loc))


ALL_CASES = [shared_case("profile", name) for name in [*CASES, "every-rule"]]


@pytest.mark.parametrize("case", ALL_CASES)
def test_profile_rule_through_the_library(validated_copy: ValidatedCopy, case: str) -> None:
    root, errors, before = validated(validated_copy, case)
    if schema_edited(root):  # the release's schema refuses the crafted descriptor before the profile runs
        assert_schema_refused([e.code for e in errors])
    else:
        assert profile_errors(errors) == expected(case)
    assert "check-error" not in {e.code for e in errors}
    assert all(e.message for e in errors)
    assert tree_hashes(root) == before


@pytest.mark.parametrize("case", ALL_CASES)
def test_profile_rule_through_the_cli(validated_copy: ValidatedCopy, case: str) -> None:
    copy = profile_copy(validated_copy, case)
    root = copy.root
    # `nme-data validate ROOT --format json`, the CLI's own validation of the copy (on a fresh cache)
    assert copy.cli_exit_code == 1, copy.cli_output + copy.cli_stderr
    document = json.loads(copy.cli_output)
    if schema_edited(root):
        assert_schema_refused([e["code"] for e in document["errors"]], document["tables"])
        return
    got = sorted(
        ((e["table"], e["row"], e["field"], e["code"]) for e in document["errors"] if e["code"] in PROFILE_CODES),
        key=lambda loc: str(loc),
    )
    assert got == expected(case)
    for error in document["errors"]:  # a descriptor rule names datapackage.json, a cell rule its CSV file
        if error["code"] in PROFILE_CODES:
            assert (error["path"] == "datapackage.json") is (error["row"] is None), error
    text = copy.cli()  # the text report of the same verdict
    assert text.exit_code == 1
    assert "Traceback" not in text.output


def test_every_rule_copy_names_each_code_once(validated_copy: ValidatedCopy) -> None:
    """The profile itself, run on the copy that breaks every rule (validate refuses it first, as schema-differs):
    its descriptor and field rules name each of their codes once; the snapshot path is a rule on the data."""
    from nme_data.package import DataPackage
    from nme_data.validation import _profile_errors

    root, errors, _ = validated(validated_copy, "every-rule")
    assert_schema_refused([e.code for e in errors])
    codes = [e.code for e in _profile_errors(DataPackage.open(root))]
    assert sorted(codes) == sorted(set(PROFILE_CODES) - {"profile-snapshot-path"})


def test_every_profile_code_is_catalogued_and_exercised() -> None:
    exercised = {code for _, locations in CASES.values() for *_, code in locations}
    assert set(PROFILE_CODES) <= set(CODES)
    assert exercised == set(PROFILE_CODES)


def test_the_bundled_descriptor_meets_the_profile() -> None:
    from conftest import ROOT, descriptor_of

    assert descriptor_violations(descriptor_of(ROOT)) == []


def test_the_profile_schema_is_a_valid_json_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(PROFILE_SCHEMA)


@pytest.mark.parametrize(
    ("version", "ok"),
    [("2.0.0", True), ("2.1.0-rc.1+build.5", True), ("2.0", False), ("v2.0.0", False), ("2.0.0/..", False)],
)
def test_version_must_be_semver(version: str, ok: bool) -> None:
    found = {v.code for v in descriptor_violations({"version": version, "resources": []})}
    assert ("profile-version" not in found) is ok


@pytest.mark.parametrize("rate", [0.01, 0.05, 0.2, 0.5])
def test_the_profile_never_crashes_on_a_malformed_descriptor(rate: float) -> None:
    """Any value anywhere replaced by any JSON shape: violations or none, never an exception."""
    import copy
    import random

    from conftest import ROOT, descriptor_of

    original = descriptor_of(ROOT)
    shapes = [None, 1, "x", [], {}, ["a"], {"a": 1}, True, 1.5, "\n", "=1"]

    def mutate(node: object, rng: random.Random) -> None:
        items = (
            list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        )
        for key, value in items:
            if rng.random() < rate:
                node[key] = rng.choice(shapes)  # type: ignore[index]
            else:
                mutate(value, rng)

    for seed in range(40):
        descriptor = copy.deepcopy(original)
        mutate(descriptor, random.Random(seed))  # noqa: S311 - reproducible damage, not secrets
        assert all(v.code in PROFILE_CODES for v in descriptor_violations(descriptor))
