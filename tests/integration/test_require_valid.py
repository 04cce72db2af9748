"""One `require_valid` (#30): load, show, export, site and diff give one verdict on one copy, through the cache.

Each entry point is run twice on the same unchanged copy: the first call validates it (a cache miss), the
second is answered from the verdict cache (no validation at all), and both give the verdict `validate()`
gives. A refusal carries that very report and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
import nme_data.validation
from nme_data.cli import main
from nme_data.curate.diff import compare
from nme_data.errors import InvalidPackageError
from nme_data.export import export
from nme_data.site.build import build_site
from nme_data.validation import Report

#: An entry point run on a copy, writing (if at all) under the given folder: the report it refused the copy
#: with, as text, or None when it accepted the copy.
Entry = Callable[[Path, Path], str | None]


def _refusal(call: Callable[[], object]) -> str | None:
    try:
        call()
    except InvalidPackageError as exc:
        return exc.report.to_text()
    return None


def load(root: Path, out: Path) -> str | None:
    return _refusal(lambda: nme_data.load("sites", source=root))


def show(root: Path, out: Path) -> str | None:
    """The CLI's `show`: exit 0 with the table, or exit 1 with the report on stderr and nothing on stdout."""
    result = CliRunner().invoke(main, ["show", "sites", str(root), "--format", "csv"])
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert result.stdout.startswith("id,")
        return None
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr  # the report, then the one-line refusal


def export_sqlite(root: Path, out: Path) -> str | None:
    return _refusal(lambda: export(root, "sqlite", out))


def site(root: Path, out: Path) -> str | None:
    return _refusal(lambda: build_site(root, out))


def diff(root: Path, out: Path) -> str | None:
    return _refusal(lambda: compare(root, root))


ENTRIES: dict[str, Entry] = {"load": load, "show": show, "export": export_sqlite, "site": site, "diff": diff}


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
@pytest.mark.parametrize("entry", list(ENTRIES))
def test_every_entry_point_gives_the_verdict_of_validate_once_then_from_the_cache(
    entry: str,
    valid: bool,
    package_copy: Path,
    edit_cell: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # an enum value the copy's schema refuses: a constraint-error, which refuses even a diff
    root = package_copy if valid else edit_cell("sites", 3, "prominence", "often")
    expected = nme_data.validate(root)
    assert expected.valid is valid
    runs: list[object] = []
    real = nme_data.validation.validate

    def counting(source: object = None, *args: object, **kwargs: object) -> Report:
        runs.append(source)
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nme_data.validation, "validate", counting)  # what the verdict cache runs on a miss
    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(tmp_path / "verdicts"))  # an empty cache of this test's own
    for attempt in (1, 2):  # the second on unchanged bytes: a cache hit, no validation
        out = tmp_path / f"out-{attempt}"
        refused = ENTRIES[entry](root, out)
        assert (refused is None) is valid, f"{entry} call {attempt}: not the verdict of validate()"
        assert len(runs) == 1, f"{entry} call {attempt}: {len(runs)} validations; the repeat is a cache hit"
        if refused is not None:
            assert expected.to_text() in refused
            assert not out.exists() or not any(out.iterdir()), f"{entry} wrote files for a refused copy"


def test_load_never_validates_the_bundled_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runs: list[object] = []
    monkeypatch.setattr(nme_data.validation, "validate", lambda *args, **kwargs: runs.append(args))
    monkeypatch.setenv("NME_DATA_CACHE_DIR", str(tmp_path / "verdicts"))
    assert len(nme_data.load("sites")) > 0
    assert runs == []
