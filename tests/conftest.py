"""Shared fixtures: the repository's package, and throw-away copies of it to damage."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import click.testing

    from nme_data.validation import Report

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
#: The kinds whose every test is slow (reference tools, a browser, a wheel or a venv, fuzzing): `make test`
#: runs them in its second phase (`-m slow`). Tests of the other kinds are slow only when marked one by one.
SLOW_KINDS = ("interop", "browser", "packaging", "fuzz")
PACKAGE_PARTS = ("datapackage.json", "data", "source")


def copy_package(target: Path) -> Path:
    """A copy of the package (descriptor, CSVs, source snapshot) under target."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def tree_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root, to prove validation changed nothing."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def package_hashes(root: Path) -> dict[str, str]:
    """`tree_hashes` of the package's own parts (descriptor, data/, source/) of a checkout or copy: hashing
    the whole checkout would read its .venv too, thousands of files."""
    hashes: dict[str, str] = {}
    for part in PACKAGE_PARTS:
        path = root / part
        if path.is_dir():
            hashes.update({f"{part}/{name}": digest for name, digest in tree_hashes(path).items()})
        elif path.is_file():
            hashes[part] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    # The csv module leaves a lone carriage return unquoted with an LF terminator; quote everything then.
    quoting = csv.QUOTE_ALL if any("\r" in cell for row in rows for cell in row) else csv.QUOTE_MINIMAL
    csv.writer(buffer, lineterminator="\n", quoting=quoting).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def descriptor_of(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


#: What a copy may change of its descriptor (nme_data.package.reference.ALLOWED_METADATA, written out here).
ALLOWED_METADATA = ("version", "created", "contributors", "sources")


def schema_edited(root: Path) -> bool:
    """Whether a damage left a descriptor the package model opens but that is not the release's (this
    checkout's) beyond the allowed metadata: since 3.0.0 such a copy is refused as `schema-differs`, and
    nothing else runs on it. A descriptor the model cannot open keeps its own error."""
    from nme_data.package import DataPackage, PackageError

    try:
        copy = DataPackage.open(root).descriptor
    except (PackageError, OSError):
        return False
    release = descriptor_of(ROOT)

    def rules(descriptor: dict) -> str:
        return json.dumps({k: v for k, v in descriptor.items() if k not in ALLOWED_METADATA}, sort_keys=True)

    return rules(copy) != rules(release)


def assert_schema_refused(codes: list[str], tables_checked: list[str] | None = None) -> None:
    """A copy carrying its own schema: one or more `schema-differs`, nothing else, no table checked."""
    assert codes, "a copy with its own schema must be refused"
    assert set(codes) == {"schema-differs"}, codes
    assert not tables_checked, tables_checked


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow phase is chosen by folder: every test under tests/<slow kind>/ is marked `slow`.

    Slow tests come first (a stable sort: each module's order is kept): `make test` runs everything in one
    run, and pytest-xdist hands out the long tests while short ones are left to even out the two workers."""
    for item in items:
        folder = item.path.parent
        if folder.name in SLOW_KINDS and folder.parent.resolve() == TESTS:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A fresh, valid copy of the package in a temporary directory."""
    return copy_package(tmp_path / "package")


@pytest.fixture
def edit_cell(package_copy: Path) -> Callable[[str, int, str, str], Path]:
    """Set one cell of a table in the copy: (table, row number as reported, field, value)."""

    def edit(table: str, row: int, field: str, value: str) -> Path:
        path = package_copy / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[row - 1][rows[0].index(field)] = value
        write_rows(path, rows)
        return package_copy

    return edit


@pytest.fixture(autouse=True, scope="session")
def private_validation_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`nme-data validate` in tests (in-process or a child) keeps its verdict cache in a temporary directory."""
    patch = pytest.MonkeyPatch()
    patch.setenv("NME_DATA_CACHE_DIR", str(tmp_path_factory.mktemp("validation-cache")))
    yield
    patch.undo()


#: The modules about the spec worker itself (its process, sandbox, lifetime, directory), the child CLI that
#: starts it on crafted copies, and the installed wheel (the worker found from an install): their tests
#: keep the worker. Everywhere else frictionless runs in the test's own process.
WORKER_MODULES = frozenset(
    {
        "test_spec_process",
        "test_worker_lifetime",
        "test_spec_sandbox",
        "test_hostile_copies",
        "test_cold_validate",
        "test_wheel",
    }
)


@pytest.fixture(autouse=True)
def frictionless_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """NME_DATA_SERIAL: when tier 1 cannot decide a copy, frictionless runs in this process, not a fresh worker.

    The report is the same either way (test_spec_process compares them on valid and damaged copies, and
    test_spec_worker_agrees on catalogue cases that fall back); a worker costs an interpreter and frictionless'
    import each time, about a second of CPU, on hundreds of damaged copies. Tests about the worker keep it:
    their module is in WORKER_MODULES or they are marked `spec_worker`.
    """
    if request.node.path.stem in WORKER_MODULES or request.node.get_closest_marker("spec_worker"):
        monkeypatch.delenv("NME_DATA_SERIAL", raising=False)
    else:
        monkeypatch.setenv("NME_DATA_SERIAL", "1")


@dataclass(frozen=True)
class Validated:
    """A damaged copy, the hashes of its files before validation, the library's report on it, and what
    `nme-data validate COPY --format json` printed and exited with when it validated the copy itself."""

    root: Path
    before: dict[str, str]
    report: Report
    cli_output: str
    cli_stderr: str
    cli_exit_code: int
    cli_cache: Path

    def cli(self, *args: str) -> click.testing.Result:
        """`nme-data validate COPY ARGS` again, with the CLI's own cache: a repeat on unchanged bytes."""
        from click.testing import CliRunner

        from nme_data.cli import main

        return CliRunner().invoke(
            main, ["validate", str(self.root), *args], env={"NME_DATA_CACHE_DIR": str(self.cli_cache)}
        )


ValidatedCopy = Callable[[str, Callable[[Path], None], Callable[[Path], dict[str, str]]], Validated]


def shared_case(group: str, case: str) -> pytest.ParameterSet:
    """A case whose damaged copy several tests share: xdist (--dist loadgroup) runs them in one worker."""
    return pytest.param(case, marks=pytest.mark.xdist_group(f"{group}:{case}"))


@pytest.fixture(scope="session")
def validated_copy(tmp_path_factory: pytest.TempPathFactory) -> ValidatedCopy:
    """One damaged copy per case, validated once, by the CLI, shared by every test of that case.

    Validating is most of a test's cost (a frictionless worker interpreter per call), so each case is
    validated once, and for real: `nme-data validate COPY --format json` runs in-process on a fresh,
    empty cache of its own, so the CLI computes the key, misses, validates and renders (share copies,
    not verdicts). `report` is the object `nme_data.validation.validate` returned inside that run: the
    library's verdict on the same bytes, for the library tests of the case. Building the copy is the
    test's first call, so a blocking damage or validation still runs under that test's own deadline.
    Tests must not change the copy.
    """
    made: dict[str, Validated] = {}

    def make(key: str, damage: Callable[[Path], None], hashes: Callable[[Path], dict[str, str]]) -> Validated:
        if key not in made:
            root = copy_package(tmp_path_factory.mktemp("validated") / "package")
            damage(root)
            before = hashes(root)
            fresh = tmp_path_factory.mktemp("cli-cache")
            report, result = _validate_through_the_cli(root, fresh)
            made[key] = Validated(root, before, report, result.stdout, result.stderr, result.exit_code, fresh)
        return made[key]

    return make


def _validate_through_the_cli(root: Path, cache: Path) -> tuple[Report, click.testing.Result]:
    """The CLI's own validation of a copy on an empty cache, and the report the library returned inside it."""
    return validate_through_the_cli(root, "--format", "json", env={"NME_DATA_CACHE_DIR": str(cache)})


def validate_through_the_cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[Report, click.testing.Result]:
    """`nme-data validate ROOT ARGS` in this process, and the report `nme_data.validation.validate` returned
    inside it: one validation serves a test of the library and of the CLI on the same bytes. Without a cache
    of its own in `env`, give `--no-cache`: the CLI must validate the copy itself."""
    from click.testing import CliRunner

    import nme_data.validation
    from nme_data.cli import main

    returned: list[Report] = []
    library = nme_data.validation.validate

    def recording(source: str | Path | None = None) -> Report:
        report = library(source)
        returned.append(report)
        return report

    patch = pytest.MonkeyPatch()
    patch.setattr(nme_data.validation, "validate", recording)
    try:
        result = CliRunner().invoke(main, ["validate", str(root), *args], env=env)
    finally:
        patch.undo()
    assert len(returned) == 1, f"the CLI did not validate the copy itself: {result.output[:2000]}"
    return returned[0], result
