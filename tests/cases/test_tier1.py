"""Tier 1 is sound: wherever it proves a copy, frictionless finds nothing, and no report changes.

The differential test runs over every damaged, crafted and hostile copy of the suite (test_corruption,
test_package_model, test_hostile_copies, test_spec_fallback): when tier 1 proves a copy, frictionless
(in this process, on the same pre-flight descriptor) must report no error, and tier 1 never crashes.
Copies only the semantic rules object to are proved too, and their reports are the same either way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import corruption_cases
import crafted_cases
import hostile_cases
import nme_data
import schema_breaks
from conftest import copy_package, descriptor_of, read_rows, write_rows
from loopback import listening
from nme_data.cli import main
from nme_data.validation.tier1_descriptor import FRICTIONLESS_PROPERTIES
from nme_data.validation.tier1_ops import ArrowOps, ListOps
from tier1_support import tier1_verdict

#: How often tier 1 decided, per suite: the differential test must also see copies tier 1 proves.
PROVED: dict[str, int] = {}


def corruption_case(name: str) -> Callable[[Path], None]:
    return corruption_cases.CASES[name][0]


@pytest.mark.parametrize("case", list(corruption_cases.CASES))
def test_differential_corruption(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    corruption_case(case)(root)
    tier1_verdict(root)


def crafted_case(case: str) -> pytest.ParameterSet:
    """The unsafe-spelling matrix beyond test_package_model's main-phase spellings is slow there and here."""
    slow = crafted_cases.SPELLING_MATRIX - crafted_cases.SPOT_CHECKS - crafted_cases.MAIN_SPELLINGS
    return pytest.param(case, marks=[pytest.mark.slow] if case in slow else [])


@pytest.mark.parametrize(
    "case", [crafted_case(c) for c in sorted(set(crafted_cases.CASES) - crafted_cases.DEVICE_CASES)]
)
def test_differential_crafted(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    crafted_cases.prepare(root, case)
    tier1_verdict(root)


@pytest.mark.parametrize("case", list(hostile_cases.CASES))
def test_differential_hostile(tmp_path: Path, case: str) -> None:
    with listening() as listener:
        copy = hostile_cases.make_copy(tmp_path, listener)
        hostile_cases.CASES[case][0](copy)
        tier1_verdict(copy.root)


@pytest.mark.parametrize("case", list(schema_breaks.BREAKS))
def test_differential_spec_fallback(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    edit(schema_breaks.BREAKS[case][0])(root)
    tier1_verdict(root)


def set_cell(table: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[row - 1][rows[0].index(field)] = value
        write_rows(path, rows)

    return change


def edit(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        descriptor = descriptor_of(root)
        change(descriptor)
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    return apply


def field_of(descriptor: dict, table: str, name: str) -> dict:
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


#: Copies tier 1 must prove (frictionless finds nothing in them), whatever the semantic rules say.
PROVABLE: dict[str, Callable[[Path], None]] = {
    "shipped": lambda root: None,
    "crlf": lambda root: [p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n")) for p in (root / "data").glob("*.csv")],
    "bom": lambda root: (root / "data" / "sites.csv").write_bytes(
        b"\xef\xbb\xbf" + (root / "data" / "sites.csv").read_bytes()
    ),
    "fake quote": set_cell("sites", 2, "evidence", "It particularly affects the skin around the elbows"),
    "custom field property": edit(lambda d: field_of(d, "sites", "id").update(xNote={"any": ["thing"]})),
    "all quoted": lambda root: write_rows_quoted(root / "data" / "history.csv"),
}


def write_rows_quoted(path: Path) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(read_rows(path))
    path.write_text(buffer.getvalue(), encoding="utf-8")


#: Copies frictionless refuses that pass everything before it: tier 1 must not prove them.
REFUSED: dict[str, Callable[[Path], None]] = {
    "integer with a plus": set_cell("history", 2, "year", "+1942x"),
    "maxLength": edit(lambda d: field_of(d, "sites", "id").setdefault("constraints", {}).update(maxLength=3)),
    "enum": set_cell("sites", 2, "prominence", "rare"),
    "pattern": set_cell("sources", 2, "sha256", "X" * 64),
    "dangling key": set_cell("sites", 2, "condition_id", "no-such-condition"),
    "duplicate key": lambda root: set_cell("sites", 3, "id", read_rows(root / "data" / "sites.csv")[1][0])(root),
    "uri": set_cell("sources", 2, "url", "not a uri"),
    "required": set_cell("sources", 2, "title", ""),
    "unknown type": edit(lambda d: field_of(d, "history", "year").update(type="year")),
    "exclusive bound": edit(
        lambda d: field_of(d, "history", "year").setdefault("constraints", {}).update(exclusiveMinimum=0)
    ),
}


@pytest.mark.parametrize("case", list(PROVABLE))
def test_tier1_proves_what_frictionless_accepts(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    PROVABLE[case](root)
    assert tier1_verdict(root) is None


@pytest.mark.parametrize("case", list(REFUSED))
def test_tier1_does_not_prove_what_frictionless_refuses(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    REFUSED[case](root)
    assert tier1_verdict(root) is not None


@pytest.mark.parametrize("case", ["shipped", "fake quote", "bom"])
def test_report_is_the_same_with_either_engine(tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NME_DATA_SERIAL", "1")  # frictionless in this process: the same report, quicker
    root = copy_package(tmp_path / "package")
    PROVABLE[case](root)
    auto = nme_data.validate(root)
    forced = nme_data.validate(root, engine="frictionless")
    assert (auto.engine or {})["tier"] == 1
    assert (forced.engine or {})["tier"] == 2
    assert {k: v for k, v in auto.to_dict().items() if k != "engine"} == {
        k: v for k, v in forced.to_dict().items() if k != "engine"
    }


#: Data edits only: since 3.0.0 a descriptor edit (maxLength, a type) is schema-differs before tier 1 runs.
@pytest.mark.parametrize("case", ["integer with a plus", "dangling key", "pattern"])
def test_invalid_copy_falls_back_and_keeps_its_report(tmp_path: Path, case: str) -> None:
    root = copy_package(tmp_path / "package")
    REFUSED[case](root)
    auto = nme_data.validate(root)
    assert (auto.engine or {})["tier"] == 2
    assert auto.engine is not None
    assert auto.engine["note"]
    assert not auto.valid
    forced = nme_data.validate(root, engine="frictionless")
    assert auto.sorted_errors() == forced.sorted_errors()


@pytest.mark.parametrize("engine", ["auto", "frictionless"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_reports_the_tier(package_copy: Path, engine: str, fmt: str) -> None:
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--engine", engine, "--format", fmt])
    assert result.exit_code == 0, result.output
    tier = 1 if engine == "auto" else 2
    if fmt == "json":
        document = json.loads(result.output)
        assert document["engine"]["tier"] == tier
        assert document["engine"]["requested"] == engine
    else:
        assert f"checked by: tier {tier}" in result.output


def test_cache_keeps_engines_apart(package_copy: Path) -> None:
    first = CliRunner().invoke(main, ["validate", str(package_copy), "--format", "json"])
    second = CliRunner().invoke(main, ["validate", str(package_copy), "--format", "json", "--engine", "frictionless"])
    again = CliRunner().invoke(main, ["validate", str(package_copy), "--format", "json"])
    assert json.loads(first.output)["engine"]["tier"] == 1
    assert json.loads(second.output)["engine"]["tier"] == 2
    assert again.output == first.output


def test_unknown_engine_is_refused(package_copy: Path) -> None:
    with pytest.raises(ValueError, match="engine"):
        nme_data.validate(package_copy, engine="fast")
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--engine", "fast"])
    assert result.exit_code == 2


def test_gate_knows_every_property_frictionless_reads() -> None:
    """A property frictionless reads but the gate ignored would let tier 1 prove what it never checked."""
    import frictionless
    from frictionless.resources import TableResource

    def properties(profile: dict | None) -> set[str]:
        return set((profile or {}).get("properties", {}))

    known = {
        "package": properties(frictionless.Package.metadata_profile),
        "resource": properties(frictionless.Resource.metadata_profile) | properties(TableResource.metadata_profile),
        "schema": properties(frictionless.Schema.metadata_profile),
        "field": properties(frictionless.Field.metadata_profile),
    }
    for name in dir(frictionless.fields):
        kind = getattr(frictionless.fields, name)
        if isinstance(kind, type) and issubclass(kind, frictionless.Field):
            known["field"] |= properties(getattr(kind, "metadata_profile_patch", None))
    for level, names in known.items():
        assert names <= FRICTIONLESS_PROPERTIES[level], (level, sorted(names - FRICTIONLESS_PROPERTIES[level]))


@pytest.mark.slow
def test_validate_without_frictionless_for_a_valid_copy(package_copy: Path) -> None:
    """A proved copy never imports frictionless (the point of tier 1)."""
    import subprocess

    code = (
        "import sys, nme_data; r = nme_data.validate(sys.argv[1]); "
        "print(r.valid, r.engine['tier'], 'frictionless' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(package_copy)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "1", "False"]


PATTERNS = ["a)|(b", "(?i)abc", "[a-z0-9]+(-[a-z0-9]+)*", "\\d+", ".*", "x*", "(?s).", "\\pL+", "é+", "^a$", "a|b"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pattern=st.sampled_from(PATTERNS), cell=st.one_of(st.text(max_size=8), st.sampled_from(["a", "ab", "b", "\n"])))
def test_column_kernel_matches_as_tier_2_does(pattern: str, cell: str) -> None:
    """Tier 1 runs pyarrow's RE2 kernel over a column; tier 2 the google-re2 matcher: same verdict per cell."""
    from nme_data.text.patterns import compile_linear

    matcher = compile_linear(pattern)
    assert ArrowOps.all_match(ArrowOps.array([cell]), pattern, matcher) is matcher(cell)
    assert ListOps.all_match(ListOps.array([cell]), pattern, matcher) is matcher(cell)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(scheme=st.sampled_from(["http://", "https://"]), rest=st.text(alphabet=[chr(c) for c in range(33, 127)]))
def test_sure_uris_pass_frictionless_uri_test(scheme: str, rest: str) -> None:
    """Tier 1 skips rfc3986 for http(s) addresses of printable ASCII: rfc3986 accepts every one of them."""
    import rfc3986
    from rfc3986 import validators

    from nme_data.validation.tier1_tables import SURE_URI

    assert SURE_URI.match(scheme + rest)
    validator = validators.Validator()
    validator.require_presence_of("scheme")
    validator.validate(rfc3986.uri_reference(scheme + rest))  # raises if frictionless would refuse it


def test_foreign_key_to_a_missing_field_is_not_proved(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    edit(
        lambda d: next(r for r in d["resources"] if r["name"] == "sites")["schema"]["foreignKeys"][0][
            "reference"
        ].update(fields=["no_such_field"])
    )(root)
    assert tier1_verdict(root) is not None
