"""`nme-data adopt`: give a copy the release's schema, keeping its data and its own package metadata.

Why: the validator judges a copy by the installed release's datapackage.json and refuses any other
(`schema-differs`). A copy made by an older release, or a descriptor a tool rewrote, is brought back here in
one step: the release's descriptor is written over the copy's, with the copy's `ALLOWED_METADATA` (version,
created, contributors) kept. Tables and snapshots are not touched; `nme-data validate` then judges the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nme_data.curate._common import CurateError
from nme_data.curate.canonical import atomic_write
from nme_data.package import DESCRIPTOR_NAME, PackageError, read_json, resolve_descriptor
from nme_data.package.paths import resolve_reference
from nme_data.package.reference import ALLOWED_METADATA, Difference, adopted, differences, reference_descriptor


@dataclass(frozen=True)
class Adopted:
    """What `adopt` did: the descriptor it wrote (or would have), the differences it replaced, what it kept."""

    descriptor: Path
    replaced: list[Difference] = field(default_factory=list)
    kept: dict[str, object] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.replaced)


def descriptor_bytes(descriptor: dict[str, object]) -> bytes:
    """A descriptor as the repository writes its own: two-space indent, UTF-8, a final newline."""
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def adopt(source: str | Path, check: bool = False) -> Adopted:
    """Rewrite the copy's datapackage.json (atomically) as the release's, keeping its allowed metadata.

    `source` is a directory or its datapackage.json, and has no default: the installed copy is never the
    target. The copy's descriptor need only be a readable JSON object (whatever it says about tables); one
    that is not is refused, as nothing of it could be kept. With `check`, nothing is written.
    """
    path = resolve_descriptor(source)
    try:
        resolve_reference(path.parent, path.name)  # a link may not lead out of the copy
        copy = read_json(path)
        release = reference_descriptor()
    except PackageError as exc:
        raise CurateError(f"cannot adopt the release's schema into {path}: {exc.message}") from None
    except OSError as exc:
        raise CurateError(f"cannot adopt the release's schema into {path}: {exc.strerror or exc}") from None
    if not isinstance(copy, dict):
        raise CurateError(f"{path}: {DESCRIPTOR_NAME} is not a JSON object, so no metadata of it can be kept")
    found = differences(release, copy)
    kept = {key: copy[key] for key in ALLOWED_METADATA if key in copy}
    if found and not check:
        atomic_write(path, descriptor_bytes(adopted(release, copy)))
    return Adopted(path, found, kept)
