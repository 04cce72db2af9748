"""Checks made before any parser runs: the descriptor's JSON, unsafe references, and raw bytes.

Whatever fails here is kept away from frictionless and pandas, so that a damaged or
hostile copy produces errors, never a traceback, a read outside the package or a
network connection.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from nme_data.validation.errors import ValidationError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^//")
#: Profiles frictionless knows without fetching anything.
KNOWN_PROFILES = {
    "data-package",
    "tabular-data-package",
    "data-resource",
    "tabular-data-resource",
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/2.0/dataresource.json",
    "https://datapackage.org/profiles/2.0/tableschema.json",
    "https://datapackage.org/profiles/2.0/tabledialect.json",
    "https://datapackage.org/profiles/1.0/datapackage.json",
    "https://datapackage.org/profiles/1.0/dataresource.json",
    "https://datapackage.org/profiles/1.0/tableschema.json",
    "https://datapackage.org/profiles/1.0/tabledialect.json",
}


@dataclass
class Preflight:
    """The outcome: errors, the descriptor frictionless may safely see, and the tables to skip."""

    root: Path
    errors: list[ValidationError] = field(default_factory=list)
    descriptor: dict[str, Any] | None = None
    damaged: set[str] = field(default_factory=set)
    table_names: list[str] = field(default_factory=list)
    bom: set[str] = field(default_factory=set)

    def fail(self, table: str | None, code: str, message: str, row: int | None = None, fld: str | None = None) -> None:
        self.errors.append(ValidationError(table, row, fld, code, message))


def unsafe_reason(reference: str, root: Path) -> str | None:
    """Why a path in the descriptor may not be read, or None if it stays inside root."""
    if _URL.match(reference):
        return "is a URL; validation opens no network connection"
    if PurePosixPath(reference).is_absolute() or PureWindowsPath(reference).is_absolute() or reference.startswith("\\"):
        return "is absolute; only paths inside the package are read"
    if ".." in PurePosixPath(reference.replace("\\", "/")).parts:
        return "climbs out of the package with '..'"
    try:
        (root / reference).resolve().relative_to(root.resolve())
    except ValueError:
        return "leaves the package through a symbolic link"
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_file(pre: Preflight, name: str, path: Path) -> None:
    """Existence, emptiness, NUL bytes and UTF-8: the damage no CSV parser reports well."""
    if not path.is_file():
        pre.fail(name, "file-not-found", f"{path.relative_to(pre.root)} does not exist or is not a file")
        return
    data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf"):
        pre.fail(name, "empty-file", f"{path.name} is empty: not even a header row")
        return
    nul = data.find(b"\x00")
    if nul >= 0:
        pre.fail(name, "nul-byte", f"{path.name} contains a NUL byte (offset {nul})", row=_line_of(data, nul))
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pre.fail(
            name,
            "encoding-error",
            f"{path.name} is not valid UTF-8: byte {data[exc.start]:#04x} at offset {exc.start}",
            row=_line_of(data, exc.start),
        )
        return
    if data.startswith(b"\xef\xbb\xbf"):
        pre.bom.add(name)


def _check_profiles(pre: Preflight, owner: str | None, node: dict[str, Any]) -> bool:
    ok = True
    for key in ("$schema", "profile"):
        value = node.get(key)
        if isinstance(value, str) and value not in KNOWN_PROFILES and (_URL.match(value) or "/" in value):
            pre.fail(owner, "unsafe-path", f"{key} {value!r} is not a known Data Package profile; it is not fetched")
            ok = False
    return ok


def _check_resource(pre: Preflight, resource: dict[str, Any], name: str) -> bool:
    ok = _check_profiles(pre, name, resource)
    references = resource.get("path")
    paths = list(references) if isinstance(references, list) else [references]
    for key in ("schema", "dialect"):
        if isinstance(resource.get(key), str):
            paths.append(resource[key])
        elif isinstance(resource.get(key), dict) and not _check_profiles(pre, name, resource[key]):
            ok = False
    for reference in paths:
        if reference is None and "data" in resource:
            continue
        if not isinstance(reference, str):
            pre.fail(name, "descriptor-invalid", f"resource {name!r} has no usable path: {reference!r}")
            return False
        reason = unsafe_reason(reference, pre.root)
        if reason:
            pre.fail(name, "unsafe-path", f"{reference!r} {reason}")
            ok = False
    if ok and isinstance(references, str):
        check_file(pre, name, pre.root / references)
        ok = name not in {e.table for e in pre.errors}
    return ok


def run_preflight(descriptor_path: Path) -> Preflight:
    """Read the descriptor and every resource's bytes; decide what frictionless may see."""
    pre = Preflight(root=descriptor_path.parent)
    if not descriptor_path.is_file():
        pre.fail(None, "descriptor-not-found", f"{descriptor_path} does not exist")
        return pre
    try:
        descriptor = json.loads(descriptor_path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        pre.fail(None, "descriptor-invalid-json", f"datapackage.json is not UTF-8: {exc.reason} at offset {exc.start}")
        return pre
    except json.JSONDecodeError as exc:
        pre.fail(
            None, "descriptor-invalid-json", f"datapackage.json: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        )
        return pre
    except RecursionError:
        pre.fail(None, "descriptor-invalid-json", "datapackage.json is nested too deeply")
        return pre
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        pre.fail(None, "descriptor-invalid", "datapackage.json must be an object whose 'resources' is a list")
        return pre
    if not descriptor["resources"]:
        pre.fail(None, "descriptor-invalid", "datapackage.json lists no resources")
        return pre
    if not _check_profiles(pre, None, descriptor):
        descriptor = {k: v for k, v in descriptor.items() if k not in ("$schema", "profile")}
    safe = copy.deepcopy(descriptor)
    kept = []
    for index, resource in enumerate(descriptor.get("resources", [])):
        if not isinstance(resource, dict):
            pre.fail(None, "descriptor-invalid", f"resource #{index + 1} is not an object")
            continue
        name = str(resource.get("name", f"resource-{index + 1}"))
        pre.table_names.append(name)
        if _check_resource(pre, resource, name):
            kept.append(copy.deepcopy(resource))
        else:
            pre.damaged.add(name)
    for resource in kept:
        if resource.get("name") in pre.bom:
            resource["encoding"] = "utf-8-sig"
        schema = resource.get("schema")
        if isinstance(schema, dict) and isinstance(schema.get("foreignKeys"), list):
            schema["foreignKeys"] = [
                fk
                for fk in schema["foreignKeys"]
                if not (
                    isinstance(fk, dict)
                    and isinstance(fk.get("reference"), dict)
                    and fk["reference"].get("resource") in pre.damaged
                )
            ]
    safe["resources"] = kept
    pre.descriptor = safe
    return pre
