"""The profile's fast path (`rules.profile._surely_clean`) never changes a verdict, and pays on the release.

`descriptor_violations` skips importing and running `jsonschema` only when `_surely_clean` says the
descriptor breaks no rule of `PROFILE_SCHEMA`. These tests break the release's descriptor one value at a
time, everywhere, and check that the fast path never calls a broken descriptor clean and that the
verdict is exactly the one `jsonschema` alone gives.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nme_data.rules import profile
from nme_data.rules.profile import PROFILE_SCHEMA, descriptor_violations
from nme_data.rules.rule import ONE_PASS_ROWS

RELEASE: dict[str, Any] = json.loads((Path(__file__).parents[2] / "datapackage.json").read_text(encoding="utf-8"))
#: Values that each break some rule where one applies (a URL, a name, a token, SemVer) or change a type.
BAD_VALUES: tuple[Any, ...] = ("javascript:alert(1)", "Not A Name", 7)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*path, key)
            yield from _leaves(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield (*path, index)
            yield from _leaves(child, (*path, index))


def _edited(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    descriptor = copy.deepcopy(RELEASE)
    parent = descriptor
    for part in path[:-1]:
        parent = parent[part]
    if value is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return descriptor


_DROP = object()
#: Values and keys of the release's descriptor, each replaced by each bad value or dropped: every path of
#: the metadata and the first resource, and of the mappings' sssom block, plus a spread of the others.
PATHS = [
    p
    for i, p in enumerate(_leaves(RELEASE))
    if p[0] != "resources" or len(p) < 3 or p[1] == 0 or "sssom" in p or i % 40 == 0
]


def _only_jsonschema(descriptor: dict[str, Any]) -> list[str]:
    return sorted(error.message for error in jsonschema.Draft202012Validator(PROFILE_SCHEMA).iter_errors(descriptor))


def test_the_release_takes_the_fast_path() -> None:
    assert profile._surely_clean(PROFILE_SCHEMA, RELEASE)
    assert _only_jsonschema(RELEASE) == []
    assert descriptor_violations(RELEASE) == []


@pytest.mark.parametrize("value", [*BAD_VALUES, _DROP], ids=[repr(v) for v in BAD_VALUES] + ["drop"])
def test_the_fast_path_never_calls_a_broken_descriptor_clean(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edit is judged by jsonschema alone once, and by the fast path through `_schema_violations` (the
    profile's schema step, which `descriptor_violations` runs): the rest of `descriptor_violations` (control
    characters, paths, fields) never asks the fast path, so it is run whole once per value, not per edit."""
    broken = 0
    public_checked = False
    for path in PATHS:
        if value is _DROP and isinstance(path[-1], int):
            continue
        descriptor = _edited(path, value)
        errors = _only_jsonschema(descriptor)
        answered: list[bool] = []  # what the fast path said of the whole descriptor
        with monkeypatch.context() as patched:
            patched.setattr(profile, "_surely_clean", _recording(answered))
            fast = profile._schema_violations(descriptor)
        assert answered, "the schema step asks the fast path first"
        if errors:
            broken += 1
            assert not any(answered), (path, errors)
            assert len(fast) == len(errors), path  # unsure: jsonschema gave the verdict, one finding per error
        if any(answered):  # the fast path answered alone: jsonschema alone finds nothing either
            assert fast == [], path
            assert errors == [], path
            if not public_checked:  # and the whole public verdict is the one without the fast path
                public_checked = True
                answered = []
                with monkeypatch.context() as patched:
                    patched.setattr(profile, "_surely_clean", _recording(answered))
                    whole = descriptor_violations(descriptor)
                assert answered == [True], "descriptor_violations asks the fast path first"
                with monkeypatch.context() as patched:
                    patched.setattr(profile, "_surely_clean", lambda schema, instance: False)
                    assert whole == descriptor_violations(descriptor), path
    assert broken > 0  # the edits do reach the profile's rules
    assert public_checked


def _recording(answers: list[bool]) -> Callable[[Any, Any], bool]:
    """`_surely_clean`, noting its verdict on the whole descriptor (its own recursive calls go through it too)."""
    real = profile._surely_clean

    def surely_clean(schema: Any, instance: Any) -> bool:
        verdict = real(schema, instance)
        if schema is PROFILE_SCHEMA:
            answers.append(verdict)
        return verdict

    return surely_clean


def test_a_clean_validation_does_not_import_jsonschema(tmp_path: Path) -> None:
    release = Path(__file__).parents[2] / "datapackage.json"
    code = (
        "import json, sys; from nme_data.rules.profile import descriptor_violations; "
        f"assert descriptor_violations(json.loads(open({str(release)!r}).read())) == []; "
        "assert 'jsonschema' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


@pytest.mark.parametrize(
    ("cells", "free"),
    [
        (["plain", "text"], True),
        (["plain", "tab\there"], False),
        (["plain", "bidi\u202eoverride"], False),
        (["plain", None], True),
        (["plain", 7], False),  # not text: unsure, so every column is judged as before
    ],
)
def test_one_pass_over_a_small_frame_gives_the_per_column_verdict(cells: list[Any], free: bool) -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": ["x", "y"], "b": pd.Series(cells, dtype=object)})
    assert profile._control_free(frame) is free
    per_column = ~frame["b"].astype("string").str.contains(profile.CONTROL.pattern, regex=True).fillna(False)
    assert profile._no_control("b")(frame).tolist() == per_column.astype(bool).tolist()


def test_a_large_frame_skips_the_one_pass() -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": ["x"] * (ONE_PASS_ROWS + 1)})
    assert not profile._control_free(frame)
    assert profile._no_control("a")(frame).all()


@pytest.mark.parametrize(
    ("cells", "clean"),
    [(["plain", "a=b"], True), (["plain", "=1+1"], False), (["\tlead", "x"], False), (["x", None], True), ([7], False)],
)
def test_one_pass_over_formula_starts_gives_the_per_column_verdict(cells: list[Any], clean: bool) -> None:
    import pandas as pd

    from nme_data.rules.formula import FORMULA_START, _no_formula_start, formula_check

    frame = pd.DataFrame({"b": pd.Series(cells, dtype=object)})
    assert _no_formula_start(frame, ["b"]) is clean
    per_column = ~frame["b"].astype("string").str.match(FORMULA_START).fillna(False).astype(bool)
    assert formula_check(["b"]).check(frame).tolist() == per_column.tolist()


@pytest.mark.parametrize(
    ("pattern", "cells", "clean"),
    [
        (profile.SAFE_VALUE, ["a-1", "b:2", None, ""], True),
        (profile.SAFE_VALUE, ["a-1", "=1+1"], False),
        (profile.URL, ["https://example.org/a", None], True),
        (profile.URL, ["https://example.org/a", "javascript:alert(1)"], False),
        (profile.URL, ["https://example.org/\u00a0a"], False),  # re's \s is Unicode: unsure, judged as before
        (profile.SAFE_VALUE, [7], False),
    ],
)
def test_one_pass_over_a_column_gives_the_vectorised_verdict(pattern: str, cells: list[Any], clean: bool) -> None:
    import pandas as pd

    frame = pd.DataFrame({"b": pd.Series(cells, dtype=object)})
    assert profile._all_match(frame, "b", pattern[1:-1]) is clean
    text = frame["b"].astype("string[pyarrow]")
    vectorised = (text.isna() | (text == "") | text.str.fullmatch(pattern[1:-1])).fillna(False).astype(bool)
    assert profile._matches(pattern[1:-1])("b")(frame).tolist() == vectorised.tolist()
