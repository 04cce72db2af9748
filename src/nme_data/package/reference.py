"""The release's schema: the one descriptor that judges every copy, and how a copy's differs from it.

Why: a copy's datapackage.json is untrusted input. If the copy's own fields, constraints, cues or templates
judged its data, a contributor could loosen a rule and the data it hides in the same edit. So a copy may
change its data, and of its descriptor only the package metadata a curator legitimately updates
(`ALLOWED_METADATA`, still checked by the profile); everything else must equal the installed release's own
descriptor (`reference_path`: the wheel's bundled copy, or the checkout's in a development install).
Comparing is a walk over two parsed JSON documents: as cheap as reading the descriptor.

Standard library only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nme_data.package.model import DESCRIPTOR_NAME, bundled_root, read_json

#: Top-level descriptor properties a copy may set for itself: its version, when it was made, who made it, and
#: which snapshot of its source it quotes (`sources`, whose title `nme-data reground` updates with the new
#: SHA-256). The profile still checks them (SemVer, URL schemes, control characters). Everything else
#: (resources, schemas, every `nme:*` property, titles, descriptions, licenses, keywords, ...) is the release's.
ALLOWED_METADATA = ("version", "created", "contributors", "sources")
#: How much of a value a message repeats.
MAX_SHOWN = 160


class _Absent:
    """A property one side does not have (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Difference:
    """One place where a copy's descriptor is not the release's: a JSON pointer and both values there."""

    pointer: str
    release: Any
    copy: Any
    table: str | None = None
    field: str | None = None

    def message(self) -> str:
        return (
            f"{DESCRIPTOR_NAME} differs from the release's schema at {self.pointer or '/'}: "
            f"the release has {shown(self.release)}, this copy has {shown(self.copy)}"
        )


def reference_path() -> Path:
    """The descriptor every copy is judged by: the installed release's own (PackageError if missing)."""
    return bundled_root() / DESCRIPTOR_NAME


_READ: dict[tuple[str, int, int], dict[str, Any]] = {}


def reference_descriptor() -> dict[str, Any]:
    """The release's descriptor, parsed within the same budgets as a copy's, read again only once changed."""
    path = reference_path()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        descriptor = read_json(path)
        if not isinstance(descriptor, dict):
            from nme_data.package.errors import DescriptorError

            raise DescriptorError(f"{path}: the release's descriptor is not a JSON object")
        _READ.clear()
        _READ[key] = descriptor
    return _READ[key]


def shown(value: Any) -> str:
    """A value as compact JSON, truncated for a message."""
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _same(a: Any, b: Any) -> bool:
    """JSON equality without Python's coercions (true is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _names(items: list[Any]) -> list[str] | None:
    """The names of a list of named objects (resources, fields), None when it is not one."""
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if items and len(names) == len(items) and all(isinstance(n, str) for n in names):
        return [str(n) for n in names]
    return None


Pointer = tuple[str | int, ...]


def _walk(release: Any, copy: Any, path: Pointer, found: list[tuple[Pointer, Any, Any]]) -> None:
    if _same(release, copy):
        return
    if isinstance(release, dict) and isinstance(copy, dict):
        for key in [*release, *(k for k in copy if k not in release)]:
            _walk(release.get(key, ABSENT), copy.get(key, ABSENT), (*path, key), found)
        return
    if isinstance(release, list) and isinstance(copy, list) and len(release) == len(copy):
        release_names, copy_names = _names(release), _names(copy)
        if release_names is not None and copy_names is not None:
            renamed = sum(a != b for a, b in zip(release_names, copy_names, strict=True))
            if renamed > 1:  # moved, or replaced by others: one difference, the names in each order
                found.append((path, release_names, copy_names))
                return
        if all(isinstance(item, dict | list) for item in [*release, *copy]):
            for index, (a, b) in enumerate(zip(release, copy, strict=True)):
                _walk(a, b, (*path, index), found)
            return
    if isinstance(release, list) and isinstance(copy, list):
        release_names, copy_names = _names(release), _names(copy)
        if release_names is not None and copy_names is not None:  # a resource or field added or dropped
            found.append((path, release_names, copy_names))
            return
    found.append((path, release, copy))


def differences(release: dict[str, Any], copy: dict[str, Any]) -> list[Difference]:
    """Every place the copy's descriptor differs from the release's, but the allowed metadata.

    Lists of named objects (resources, fields) are compared by position when their names match in order or
    one was renamed, and as one difference (their names) when one was added, dropped, moved or replaced by
    another; any other list
    that differs is one difference, so an extra cue phrase or enum value is one error, not one per item.
    """
    found: list[tuple[Pointer, Any, Any]] = []
    mine = {k: v for k, v in release.items() if k not in ALLOWED_METADATA}
    theirs = {k: v for k, v in copy.items() if k not in ALLOWED_METADATA}
    _walk(mine, theirs, (), found)
    return [_located(path, a, b, release) for path, a, b in found]


def _located(path: Pointer, release_value: Any, copy_value: Any, release: dict[str, Any]) -> Difference:
    """The difference with the release's table and field named, where the path is inside one."""
    table = field = None
    resources = release.get("resources")
    if len(path) >= 2 and path[0] == "resources" and isinstance(path[1], int) and isinstance(resources, list):
        resource = resources[path[1]] if path[1] < len(resources) else None
        if isinstance(resource, dict) and isinstance(resource.get("name"), str):
            table = resource["name"]
            schema = resource.get("schema")
            fields = schema.get("fields") if isinstance(schema, dict) else None
            index = path[4] if len(path) >= 5 and path[2:4] == ("schema", "fields") else None
            if isinstance(index, int) and isinstance(fields, list) and index < len(fields):
                name = fields[index].get("name") if isinstance(fields[index], dict) else None
                field = name if isinstance(name, str) else None
    pointer = "".join(f"/{_token(part)}" for part in path)
    return Difference(pointer, release_value, copy_value, table, field)


def adopted(release: dict[str, Any], copy: dict[str, Any]) -> dict[str, Any]:
    """The release's descriptor with the copy's allowed metadata kept, in the release's key order."""
    merged = {k: copy[k] if k in ALLOWED_METADATA and k in copy else v for k, v in release.items()}
    merged.update({k: copy[k] for k in ALLOWED_METADATA if k in copy and k not in release})
    return merged
