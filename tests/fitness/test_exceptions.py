"""One exception root: every exception class the library defines is an NmeDataError; the report record is not one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest

import nme_data
from nme_data.errors import ExportError, InvalidPackageError, NmeDataError, SiteError
from nme_data.validation import Finding, Report, validate


def _modules() -> list[str]:
    return ["nme_data", *(info.name for info in pkgutil.walk_packages(nme_data.__path__, "nme_data."))]


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined (not just imported) in a module of the library, private ones aside."""
    found: dict[str, type[BaseException]] = {}
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module_name
                and not name.startswith("_")
            ):
                found[f"{module_name}.{name}"] = value
    return found


def test_the_library_defines_exceptions_to_check() -> None:
    classes = _exception_classes()
    for expected in ("PackageError", "UnknownTableError", "ExportError", "CrosscheckError", "RecordError"):
        assert any(name.endswith(f".{expected}") for name in classes), expected


@pytest.mark.parametrize("name", sorted(_exception_classes()))
def test_every_public_exception_has_one_root(name: str) -> None:
    assert issubclass(_exception_classes()[name], NmeDataError), f"{name} does not subclass NmeDataError"


@pytest.mark.parametrize(
    ("path", "stdlib"),
    [
        ("nme_data.package.UnknownTableError", KeyError),
        ("nme_data.frames.RecordError", ValueError),
        ("nme_data.package.dtypes.ConversionError", ValueError),
        ("nme_data.validation.sandbox.Refused", PermissionError),
    ],
)
def test_stdlib_bases_are_kept_where_callers_expect_them(path: str, stdlib: type[BaseException]) -> None:
    module, name = path.rsplit(".", 1)
    kind = getattr(importlib.import_module(module), name)
    assert issubclass(kind, stdlib)
    assert issubclass(kind, NmeDataError)


def test_one_invalid_package_error_for_export_and_site() -> None:
    import nme_data.export
    import nme_data.site

    assert nme_data.export.InvalidPackageError is InvalidPackageError
    assert nme_data.site.InvalidPackageError is InvalidPackageError
    assert nme_data.InvalidPackageError is InvalidPackageError
    assert issubclass(InvalidPackageError, ExportError)
    assert issubclass(InvalidPackageError, SiteError)


@pytest.mark.parametrize(
    ("call", "stdlib"),
    [
        (lambda: nme_data.load("no_such_table"), KeyError),
        (lambda: nme_data.table_path("no_such_table"), KeyError),
        (lambda: nme_data.frame("history", [{"year": "nineteen forty-two"}]), ValueError),
        (lambda: nme_data.load("history", source="/nonexistent/nme-data-copy"), Exception),
        (lambda: nme_data.frame("history", [{"no_such_column": 1}]), ValueError),
        (lambda: nme_data.rank(nme_data.load("sites")["site"]), ValueError),
        (lambda: nme_data.at_least(nme_data.load("sites")["prominence"], "everywhere"), ValueError),
        (lambda: nme_data.xrefs("clinical_features", "NO_SUCH_SYSTEM"), ValueError),
        (lambda: nme_data.with_xrefs(nme_data.load("sites"), "conditions", "MONDO", how="outer"), ValueError),
        (lambda: nme_data.with_xrefs(nme_data.load("sites"), "conditions", "MONDO", on="nope"), ValueError),
    ],
    ids=["load", "table_path", "frame", "missing-copy", "frame-column", "rank", "at_least", "xrefs", "how", "on"],
)
def test_library_refusals_are_caught_by_the_root(call: Callable[[], object], stdlib: type[BaseException]) -> None:
    with pytest.raises(NmeDataError) as caught:
        call()
    assert isinstance(caught.value, stdlib)


def _mixed_report(package_copy: Path, edit_cell: Callable[[str, int, str, str], Path]) -> Report:
    """A real report with table-level errors, plus one of the package itself (no table, no row)."""
    report = validate(edit_cell("history", 2, "year", "nineteen forty-two"))
    assert any(error.table is not None for error in report.errors)
    report.errors.append(Finding(None, None, None, "descriptor-invalid", "the descriptor is not an object"))
    return report


def test_findings_have_no_order_but_a_documented_key(
    package_copy: Path, edit_cell: Callable[[str, int, str, str], Path]
) -> None:
    report = _mixed_report(package_copy, edit_cell)
    with pytest.raises(TypeError):
        sorted(report.errors)
    ordered = sorted(report.errors, key=Finding.sort_key)
    assert ordered[0].table is None, "the package's own findings come first"
    assert [e.table for e in ordered[1:]] == sorted(e.table or "" for e in ordered[1:])
    assert report.sorted_errors()[0].table is None
    assert set(report.sorted_errors()) == set(report.errors)


def test_a_finding_is_not_an_exception() -> None:
    assert not issubclass(Finding, BaseException)


@pytest.mark.parametrize("module", ["nme_data.validation", "nme_data.validation.errors"])
def test_the_old_record_name_is_gone(module: str) -> None:
    """3.0.0 removed `ValidationError`, the deprecated old name of `Finding`."""
    imported = importlib.import_module(module)
    with pytest.raises(AttributeError, match="ValidationError"):
        _ = imported.ValidationError
