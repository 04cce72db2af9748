"""The export registry: each writer runs once per command, the zip packs what was staged, no import circle."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from nme_data.export import formats, registry
from nme_data.export.archive import ZIP_FORMATS
from nme_data.package import DataPackage

SRC = ROOT / "src" / "nme_data"
PACKAGE = DataPackage.open()


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str, everywhere: bool) -> set[str]:
    """nme_data modules a file imports: at module level (not under TYPE_CHECKING), or anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree)) if everywhere else _top_level(tree.body)
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("nme_data")}


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.If | ast.Try):
            out += _top_level(node.body) + _top_level(getattr(node, "orelse", []))
        else:
            out.append(node)
    return out


def _graph(everywhere: bool) -> dict[str, set[str]]:
    """Module -> the library modules it imports; a module's own parent packages are left out (Python runs a
    package's __init__ before any of its modules, so `from nme_data.site import links` is no circle)."""
    files = {_module_name(path): path for path in SRC.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        parents = {name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)}
        graph[name] = {m for m in _imports(path, name, everywhere) if m in files} - {name} - parents
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_sees_the_export_modules() -> None:
    graph = _graph(everywhere=True)
    assert "nme_data.export.registry" in graph["nme_data.export.formats"]
    assert "nme_data.export.registry" in graph["nme_data.export.archive"]


def test_no_import_circle_at_module_level() -> None:
    assert _cycle(_graph(everywhere=False)) is None


def test_no_import_circle_within_export_even_through_lazy_imports() -> None:
    graph = _graph(everywhere=True)
    export_only = {k: {m for m in v if m.startswith("nme_data.export.")} for k, v in graph.items() if ".export." in k}
    assert _cycle(export_only) is None


@pytest.mark.parametrize("consumer", ["nme_data.export.formats", "nme_data.export.archive", "nme_data.site"])
def test_the_registry_imports_no_consumer_of_writers(consumer: str) -> None:
    imported = _graph(everywhere=True)["nme_data.export.registry"]
    assert not any(name == consumer or name.startswith(consumer + ".") for name in imported)


def _counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = dict.fromkeys(registry.FILE_WRITERS, 0)

    def wrap(name: str, writer: Callable[..., list[Path]]) -> Callable[..., list[Path]]:
        def counting(package: DataPackage, directory: Path) -> list[Path]:
            calls[name] += 1
            return writer(package, directory)

        return counting

    for name, writer in registry.FILE_WRITERS.items():
        monkeypatch.setitem(formats.WRITERS, name, wrap(name, writer))
    return calls


@pytest.mark.parametrize("selected", [["all"], ["zip"], ["zip", "sqlite"], ["kgx", "zip", "parquet"]], ids=str)
def test_each_writer_runs_once(selected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    written = formats.export(PACKAGE, selected, tmp_path / "out", check=False)
    expected = set(ZIP_FORMATS) | {name for name in selected if name in registry.FILE_WRITERS}
    assert calls == {name: int(name in expected) for name in registry.FILE_WRITERS}
    names = {path.name for path in written}
    assert f"nme-data-{PACKAGE.version}.zip" in names
    if selected == ["zip"]:
        assert names == {f"nme-data-{PACKAGE.version}.zip"}, "only what was asked for is published"


def test_the_zip_packs_the_staged_files(tmp_path: Path) -> None:
    import zipfile

    staged = formats.write_formats(PACKAGE, ["zip"], tmp_path)
    [archive] = staged["zip"][1]
    with zipfile.ZipFile(archive) as opened:
        for name in ("sqlite", "kgx"):
            directory, paths = staged[name]
            for path in paths:
                member = f"exports/{path.relative_to(directory).as_posix()}"
                assert opened.read(member) == path.read_bytes(), member


def test_the_site_builds_sqlite_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nme_data.export
    import nme_data.export.sqlite
    from nme_data.site import build_site

    calls = _counted(monkeypatch)
    built: list[Path] = []
    original = nme_data.export.sqlite.export_sqlite

    def counting(package: DataPackage, directory: Path) -> Path:
        built.append(original(package, directory))
        return built[-1]

    for module in (nme_data.export.sqlite, nme_data.export):  # however a caller reaches it
        monkeypatch.setattr(module, "export_sqlite", counting)
    site = build_site(nme_data.table_path("sites").parents[1], tmp_path / "site")
    assert len(built) == 1, built
    assert all(count == 1 for count in calls.values()), calls
    assert (site / "exports" / "nme-data.sqlite").is_file()
