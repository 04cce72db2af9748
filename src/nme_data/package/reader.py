"""The one place a table file of a copy is opened.

`read_file` opens a table file (a regular file within MAX_TABLE_BYTES, checked before it is opened);
a `Table` keeps its bytes while the file on disk is unchanged, so one command that validates, loads,
exports and copies a table opens it once. The one parse of those bytes is `nme_data.package.cells`
(`Table.cells`): records, the text frame and the typed frame all derive from it.
"""

from __future__ import annotations

from pathlib import Path

from nme_data.package.cells import Record, decode
from nme_data.package.errors import TableError
from nme_data.package.limits import MAX_TABLE_BYTES
from nme_data.package.paths import regular_file_size

#: What identifies the bytes of a file without reading it: a rewrite (atomic or in place) changes it.
Signature = tuple[int, int, int, int, int]

__all__ = ["Record", "Signature", "decode", "read_file", "signature"]


def signature(path: Path) -> Signature | None:
    """Device, inode, size, modification and change time: equal signatures, same bytes (no read needed)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_file(path: Path, name: str) -> bytes:
    """A table file's bytes: a regular file within MAX_TABLE_BYTES, else a TableError naming the budget.

    The only `open` of a table file in the library (tests count its calls).
    """
    size = regular_file_size(path)
    if size > MAX_TABLE_BYTES:
        raise TableError(f"{path.name} is larger than {MAX_TABLE_BYTES} bytes", code="file-too-large", table=name)
    try:  # read the size found (and one byte more, to see growth): read(MAX_TABLE_BYTES + 1) would allocate
        with path.open("rb") as handle:  # the whole budget at once, 512 MiB of address space per table file
            data = handle.read(size + 1)
            if len(data) > size:  # the file grew since its size was read: the rest, within the budget
                data += handle.read(MAX_TABLE_BYTES + 1 - len(data))
    except OSError as exc:
        message = f"{path.name} cannot be read: {exc.strerror or exc}"
        raise TableError(message, code="scheme-error", table=name) from None
    if len(data) > MAX_TABLE_BYTES:
        raise TableError(
            f"{path.name} grew beyond {MAX_TABLE_BYTES} bytes while read", code="file-too-large", table=name
        )
    return data
