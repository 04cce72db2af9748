"""A validation verdict remembered for an unchanged package copy, so a repeat `nme-data validate` is quick.

Why: pre-commit runs the validator on every commit, usually on files that did not change. The cache
must answer only for the bytes the validator reads, so the key is the SHA-256 of:

* every file the package model resolves (`nme_data.package.files.referenced_files`): the descriptor,
  each table, schema and dialect file and each source snapshot, whatever folder holds it (hidden and
  symlinked folders included), by the reference the copy writes and the bytes it resolves to; a
  reference the model refuses by its refusal, so a file that appears later changes the key;
* the descriptor's absolute path (the report names it);
* the release's own descriptor (`reference_digest`), which every copy must equal (`schema-differs`) and
  whose rules are the only ones applied: change the reference schema and every cached verdict is stale;
* the validator fingerprint (`validator_fingerprint`): the bytes of every file of this library (code and
  the shipped ontology snapshot), the Python implementation and version, the nme-data version and the
  version of every distribution nme-data requires at run time, transitively (frictionless, google-re2,
  pandas, pyarrow, numpy, ...), plus an `engine` name for callers that choose between validators.

Files nothing reads (a README beside the tables, a `.git` folder) are not part of the key.
Entries live in the user's cache directory (`$NME_DATA_CACHE_DIR`, else `$XDG_CACHE_HOME/nme-data`,
else `~/.cache/nme-data`; `%LOCALAPPDATA%` on Windows), never in the package; each is written to a
temporary file and renamed, and only the newest `KEEP` are kept. The library's `validate()` never uses
it; `nme-data validate` does unless given `--no-cache`, and `validation.gate.require_valid` always does:
`load`, `show`, `export`, `site` and `diff` refuse or accept a copy through it.
A copy too large to hash cheaply (more than `MAX_FILES` files or `MAX_BYTES` bytes), or one whose files
cannot be enumerated, is not cached, and neither is a report holding a `check-error` or
`budget-exceeded` (they can depend on the moment).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from nme_data.package import DESCRIPTOR_NAME, DataPackage, PackageError, Table, resolve_descriptor
from nme_data.package.files import Reference, referenced_files
from nme_data.package.paths import resolve_reference
from nme_data.validation.errors import Finding
from nme_data.validation.report import DEFAULT_MAX_ERRORS, Report

#: How names are hashed: file names that are not valid UTF-8 arrive as lone surrogates, which hash too.
NAMES = ("utf-8", "surrogatepass")
#: Bump when the stored format or the key changes.
FORMAT = 3
KEEP = 64
MAX_FILES = 5_000
MAX_BYTES = 512 * 1024**2
#: Verdicts that may depend on the moment (a check that crashed, a time or memory budget run out) are
#: never stored: the next run tries again.
UNCACHEABLE_CODES = frozenset({"check-error", "budget-exceeded"})
#: What decides a verdict beyond this library's own files; their own requirements are followed too.
DEPENDENCIES = ("frictionless", "google-re2", "pandera", "pandas", "pyarrow", "numpy")
DISTRIBUTION = "nme-data"
#: The validator the CLI runs unless told otherwise; another engine name is another key.
DEFAULT_ENGINE = "auto"
_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
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


def validate(
    source: str | Path | DataPackage | None = None,
    run: Callable[[str | Path | None], Report] | None = None,
    engine: str = DEFAULT_ENGINE,
    max_errors: int | None = DEFAULT_MAX_ERRORS,
) -> Report:
    """The cached report of an unchanged copy, else a fresh validation (then remembered).

    An opened `DataPackage` (the loader's) is keyed by the bytes its tables keep and, on a miss, validated
    through the same object: the key hashes exactly the bytes the validator reads, each table read once.
    """
    from nme_data.validation import validate as fresh

    package: DataPackage | None = None
    named: str | Path | None  # what a substituted `run` is given: a path, as always
    if isinstance(source, DataPackage):
        package = source
        named = descriptor = source.descriptor_path.absolute()
    else:
        named = source
        descriptor = resolve_descriptor(source, must_exist=False).absolute()

    def validated() -> Report:
        if run is None:
            if max_errors == DEFAULT_MAX_ERRORS:  # the default call, as before the cap existed
                return fresh(named if package is None else package)
            return fresh(named if package is None else package, max_errors=max_errors)
        return run(named)

    key = cache_key(descriptor, engine, package, max_errors)
    if key is None:
        return validated()
    entry = cache_dir() / "validation" / f"{key}.json"
    cached = _read(entry)
    if cached is not None:
        return cached
    report = validated()
    if not any(error.code in UNCACHEABLE_CODES for error in report.errors):
        _write(entry, report)
    return report


def cache_key(
    descriptor: Path,
    engine: str = DEFAULT_ENGINE,
    package: DataPackage | None = None,
    max_errors: int | None = DEFAULT_MAX_ERRORS,
) -> str | None:
    """SHA-256 of the files the validator reads, their location and the validator; None when not cacheable.

    With the opened `package` of that descriptor, each table is hashed from the bytes the package model
    keeps for it (`Table.read_bytes`, read again whenever the file changed), which the validator then reads:
    the key is of the very bytes judged, and no table file is opened twice."""
    try:
        files = _referenced(descriptor) if package is None else referenced_files(package)
        kept = {} if package is None else {table.path: table for table in package.sound_tables.values()}
    except Exception:  # a copy the model cannot enumerate is validated afresh, never guessed
        return None
    if files is None or len(files) > MAX_FILES:
        return None
    digest = hashlib.sha256()
    digest.update(f"nme-data validation cache {FORMAT}\0{descriptor}\0".encode(*NAMES))
    digest.update(validator_fingerprint(engine).encode())
    digest.update(f"\0reference\0{reference_digest()}".encode(*NAMES))
    if max_errors != DEFAULT_MAX_ERRORS:  # another cap lists other errors (the default keeps old keys)
        digest.update(f"\0max_errors\0{max_errors}".encode())
    total = 0
    for found in files:
        if found.path is None:
            digest.update(f"\0refused\0{found.reference}\0{found.refusal}".encode(*NAMES))
            continue
        try:
            total += found.path.stat().st_size
            if total > MAX_BYTES:
                return None
            content = _digest(found.path, kept.get(found.path))
        except OSError as exc:  # unreadable: hash the failure, so the verdict about it is cached too
            content = f"error {type(exc).__name__}"
        digest.update(f"\0file\0{found.reference}\0{found.path}\0{content}".encode(*NAMES))
    return digest.hexdigest()


def _digest(path: Path, table: Table | None) -> str:
    """SHA-256 of a file: a table's kept bytes (within the model's budget), else the file read as a stream."""
    if table is not None:
        try:
            return hashlib.sha256(table.read_bytes()).hexdigest()
        except PackageError:  # beyond the table budget, say: the bytes on disk, as any other file
            pass
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _referenced(descriptor: Path) -> list[Reference] | None:
    """What the model resolves; a descriptor it cannot open is all there is to read (its refusal, and its
    bytes when the path gate lets them be read: never a file a link leads to outside the package)."""
    try:
        package = DataPackage.open(descriptor)
    except PackageError as exc:  # the report is this refusal; the bytes only if the gate lets them be read
        refusal = Reference(repr(DESCRIPTOR_NAME), None, f"{exc.code}: {exc.message}")
        try:
            inside = resolve_reference(descriptor.parent, descriptor.name)
        except PackageError:
            return [refusal]
        return [refusal, Reference(f"{DESCRIPTOR_NAME} bytes", inside)]
    return referenced_files(package)


def reference_digest() -> str:
    """SHA-256 of the release's descriptor, which judges every copy (`nme_data.package.reference`): in a
    development checkout it lies outside the library's files, and editing it changes every verdict."""
    from nme_data.package.reference import reference_path

    try:
        with reference_path().open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, PackageError) as exc:  # no release schema: every copy is refused, and that is cached too
        return f"error {type(exc).__name__}"


def validator_fingerprint(engine: str = DEFAULT_ENGINE) -> str:
    """What else a verdict depends on: this library's files, the Python running it, the versions of every
    distribution it requires (transitively) and the validation engine asked for."""
    digest = hashlib.sha256(f"{sys.implementation.name}\0{sys.version}\0engine={engine}".encode(*NAMES))
    for path in sorted(LIBRARY_ROOT.rglob("*")):
        parts = path.relative_to(LIBRARY_ROOT).parts
        if path.is_file() and "__pycache__" not in parts and BUNDLE_PART not in parts:
            digest.update(path.relative_to(LIBRARY_ROOT).as_posix().encode(*NAMES) + b"\0" + path.read_bytes())
    for name, version in _dependency_versions(DEPENDENCIES).items():
        digest.update(f"\0{name}={version}".encode(*NAMES))
    return digest.hexdigest()


def dependency_versions() -> dict[str, str]:
    """nme-data and every distribution it requires at run time, transitively (extras left out), by version;
    `DEPENDENCIES` are always included, "missing" when not installed."""
    return dict(_dependency_versions(DEPENDENCIES))


@functools.cache
def _dependency_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Once per process: the distributions a running process has imported do not change under it."""
    from importlib import metadata

    versions: dict[str, str] = {}
    pending = [DISTRIBUTION, *names]
    while pending:
        name = _normal(pending.pop())
        if name in versions:
            continue
        try:
            versions[name] = metadata.version(name)
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
            continue
        for requirement in requires:
            match = _REQUIREMENT.match(requirement)
            if match and "extra" not in requirement.partition(";")[2]:
                pending.append(match.group(0))
    return dict(sorted(versions.items()))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(entry: Path) -> Report | None:
    """A stored report, or None when there is none or it cannot be read back exactly."""
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        report = Report(
            package=str(stored["package"]),
            errors=[Finding(**error) for error in stored["errors"]],
            tables_checked=[str(name) for name in stored["tables"]],
            version=stored["source"]["version"],
            engine=stored.get("engine"),  # i24 (#24): which tier proved the verdict
            omitted={(item["table"], item["code"]): int(item["count"]) for item in stored.get("errors_not_listed", [])},
            max_errors=stored.get("max_errors"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if report.to_dict() != stored:
        return None
    return report


def _write(entry: Path, report: Report) -> None:
    """Store a report atomically; a cache that cannot be written is no reason to fail validation."""
    from nme_data.package.atomic import atomic_write

    text = json.dumps(report.to_dict(), ensure_ascii=True)  # ASCII: lone surrogates survive as escapes
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(entry, text.encode("ascii"), mode=0o600)  # the cache is private to its user
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
