"""A validation verdict remembered for an unchanged package copy, so a repeat `nme-data validate` is quick.

Why: pre-commit runs the validator on every commit, usually on files that did not change. The key is
the SHA-256 of everything the verdict depends on:

* every file of the package copy (every regular file under the descriptor's directory, hidden
  directories and `__pycache__` skipped; a symlink by its target's name, since the validator
  refuses to follow one out of the package): its relative path and its bytes, so a changed, added,
  removed or renamed file anywhere changes the key;
* the descriptor's absolute path (the report names it);
* the validator: the bytes of every file of this library (code and the shipped ontology snapshot), the
  Python version and the versions of frictionless, pandera, pandas and pyarrow.

Entries live in the user's cache directory (`$NME_DATA_CACHE_DIR`, else `$XDG_CACHE_HOME/nme-data`,
else `~/.cache/nme-data`; `%LOCALAPPDATA%` on Windows), never in the package; each is written to a
temporary file and renamed, and only the newest `KEEP` are kept. The library's `validate()` never uses
it (a library does not write to its caller's home unasked); the CLI does unless given `--no-cache`.
A copy too large to hash cheaply (more than `MAX_FILES` files or `MAX_BYTES` bytes) is not cached, and
neither is a report holding a `check-error` or `budget-exceeded` (they can depend on the moment).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from nme_data.package import resolve_descriptor
from nme_data.validation.errors import Finding
from nme_data.validation.report import Report

#: How names are hashed: file names that are not valid UTF-8 arrive as lone surrogates, which hash too.
NAMES = ("utf-8", "surrogatepass")
#: Bump when the stored format changes.
FORMAT = 1
KEEP = 64
MAX_FILES = 5_000
MAX_BYTES = 512 * 1024**2
#: Verdicts that may depend on the moment (a check that crashed, a time or memory budget run out) are
#: never stored: the next run tries again.
UNCACHEABLE_CODES = frozenset({"check-error", "budget-exceeded"})
DEPENDENCIES = ("frictionless", "pandera", "pandas", "pyarrow")
LIBRARY_ROOT = Path(__file__).resolve().parents[1]
#: Where a wheel carries its bundled copy inside the library: data, not validator code.
BUNDLE_PART = "_package"


def cache_dir() -> Path:
    """Where verdicts are kept: never inside a package copy."""
    if os.environ.get("NME_DATA_CACHE_DIR"):
        return Path(os.environ["NME_DATA_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "nme-data" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nme-data"


def validate(source: str | Path | None = None, run: Callable[[str | Path | None], Report] | None = None) -> Report:
    """The cached report of an unchanged copy, else a fresh validation (then remembered)."""
    if run is None:
        from nme_data.validation import validate as fresh

        run = fresh
    descriptor = resolve_descriptor(source, must_exist=False).absolute()
    key = cache_key(descriptor)
    if key is None:
        return run(source)
    entry = cache_dir() / "validation" / f"{key}.json"
    cached = _read(entry)
    if cached is not None:
        return cached
    report = run(source)
    if not any(error.code in UNCACHEABLE_CODES for error in report.errors):
        _write(entry, report)
    return report


def cache_key(descriptor: Path) -> str | None:
    """SHA-256 of the copy, its location and the validator; None when the copy is too large to hash cheaply."""
    digest = hashlib.sha256()
    digest.update(f"nme-data validation cache {FORMAT}\0{descriptor}\0".encode(*NAMES))
    digest.update(_validator_fingerprint().encode())
    root = descriptor.parent
    found = list(itertools.islice(_package_files(root), MAX_FILES + 1)) if root.is_dir() else []
    if len(found) > MAX_FILES:
        return None  # stop walking early: e.g. a virtualenv inside a checkout
    files = sorted(found)
    total = 0
    for path in files:
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            digest.update(f"\0link\0{relative}\0{path.readlink()}".encode(*NAMES))
            continue
        try:
            total += path.stat().st_size
            if total > MAX_BYTES:
                return None
            with path.open("rb") as handle:
                content = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:  # unreadable: hash the failure, so the verdict about it is cached too
            content = f"error {type(exc).__name__}"
        digest.update(f"\0file\0{relative}\0{content}".encode(*NAMES))
    return digest.hexdigest()


def _package_files(root: Path) -> Iterator[Path]:
    """Regular files and symlinks under root; hidden directories and caches are not part of a package."""
    for directory, subdirectories, names in os.walk(root, followlinks=False):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d != "__pycache__")
        here = Path(directory)
        for name in names:
            path = here / name
            if path.is_symlink() or path.is_file():
                yield path


def _validator_fingerprint() -> str:
    """What else a verdict depends on: this library's files and the libraries that do the checking."""
    from importlib import metadata

    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(LIBRARY_ROOT.rglob("*")):
        parts = path.relative_to(LIBRARY_ROOT).parts
        if path.is_file() and "__pycache__" not in parts and BUNDLE_PART not in parts:
            digest.update(path.relative_to(LIBRARY_ROOT).as_posix().encode(*NAMES) + b"\0" + path.read_bytes())
    for name in DEPENDENCIES:
        try:
            digest.update(f"\0{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{name}=missing".encode())
    return digest.hexdigest()


def _read(entry: Path) -> Report | None:
    """A stored report, or None when there is none or it cannot be read back exactly."""
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        report = Report(
            package=str(stored["package"]),
            errors=[Finding(**error) for error in stored["errors"]],
            tables_checked=[str(name) for name in stored["tables"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if report.to_dict() != stored:
        return None
    return report


def _write(entry: Path, report: Report) -> None:
    """Store a report atomically; a cache that cannot be written is no reason to fail validation."""
    import tempfile

    text = json.dumps(report.to_dict(), ensure_ascii=True)  # ASCII: lone surrogates survive as escapes
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="ascii", dir=entry.parent, suffix=".tmp", delete=False) as f:
            temporary = Path(f.name)
            f.write(text)
        temporary.replace(entry)
        _prune(entry.parent)
    except OSError:
        return


def _prune(directory: Path) -> None:
    """Keep the newest KEEP entries; another process may be pruning too."""
    entries = []
    for path in directory.glob("*.json"):
        try:
            entries.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
