"""The one atomic write: a temporary file beside the target, then renamed over it (the whole file or nothing).

Why one: curators' rewrites (`curate/`), exports (`export/`) and the validation cache all promise never to
leave a half-written file. One helper keeps that promise the same way everywhere: the temporary file sits in
the target's directory (so the rename is atomic), and it is removed whatever goes wrong.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_target(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside target for the body to write; renamed over target (given mode) if the body succeeds.

    For writers that want a path (sqlite, zip, parquet). `OSError` passes through: callers word it.
    """
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        if mode is not None:
            temporary.chmod(mode)  # mkstemp makes files private to the owner
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write data to path whole or not at all, flushed to disk before the rename.

    Without mode the file keeps the old one's permissions, or a new file is as readable as its directory.
    """
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = path.parent.stat().st_mode & 0o666
    with atomic_target(path, mode) as temporary, temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
